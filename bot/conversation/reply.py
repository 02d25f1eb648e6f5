"""What the conversation says back, and to whom, independent of Telegram or the terminal."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from bot.render import html_env, render_html

MAX_CALLBACK_BYTES = 64  # Telegram's limit for callback_data, in UTF-8 bytes


@dataclass(frozen=True)
class Who:
    """The chat and the sender of a message or a press."""

    chat_id: int
    user_id: int


@dataclass(frozen=True)
class Button:
    label: str
    data: str  # callback data: ASCII ids and indices only

    def __post_init__(self) -> None:
        if len(self.data.encode("utf-8")) > MAX_CALLBACK_BYTES:
            raise ValueError(f"callback data over {MAX_CALLBACK_BYTES} bytes: {self.data!r}")


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True)
class Reply:
    """One message: Telegram HTML, inline buttons, and whether typed text is expected.

    ``free_text`` tells the terminal chat that a bare number is an answer (an amount, a
    count), not the number of a button.
    """

    html: str
    buttons: Keyboard = ()
    free_text: bool = False
    # Names the message for a later rewrite (an interview question: ``iv:<seq>``); the
    # Telegram app remembers the id of the message it was sent as.
    tag: str = ""


@dataclass
class Outcome:
    """The result of one user action."""

    replies: list[Reply] = field(default_factory=list)
    # New keyboard for the message whose button was pressed; None keeps it as it is.
    edit_buttons: Keyboard | None = None
    notice: str | None = None  # short toast for a button press (answerCallbackQuery)
    # New text for the message whose button was pressed (the question, with the answer
    # chosen written in); None leaves the text.  Its keyboard is ``edit_buttons``.
    edit_html: str | None = None
    # With a typed answer (no button pressed): the ``tag`` of the message ``edit_html``
    # rewrites — the question it answers, never an older one.
    edit_tag: str | None = None
    handled: bool = True  # False: the text was not for the interview (ask the engine)


def render(name: str, **context: Any) -> str:
    """Render ``bot/templates/<name>`` as Telegram HTML (autoescaped)."""
    return render_html(name, **context)


@lru_cache(maxsize=1)
def _labels_module() -> Any:
    return html_env().get_template("tg_labels.j2").module


def label(name: str) -> str:
    """A short user-facing string (button label, toast) from ``tg_labels.j2``."""
    value = getattr(_labels_module(), name)
    return str(value)


def labels_list(name: str) -> list[str]:
    """A list exported by ``tg_labels.j2`` (example questions, command descriptions)."""
    return [str(v) for v in getattr(_labels_module(), name)]


def rows(buttons: list[Button], per_row: int) -> Keyboard:
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


def label_pairs(name: str) -> list[tuple[str, str]]:
    """A list of pairs exported by ``tg_labels.j2`` (the command menu)."""
    return [(str(a), str(b)) for a, b in getattr(_labels_module(), name)]
