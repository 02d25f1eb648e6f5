"""``policybot chat``: the Telegram conversation in a terminal, one stdin line at a time.

The same :class:`bot.conversation.core.Conversation` answers; HTML becomes plain text and
buttons become numbered options ``[1] …`` that the user types (or types the label).  When
the last message expects typed text (an amount, a count), a bare number is the answer,
not an option.  Works without a TTY; ``/quit`` or end of input ends the chat.
"""

from __future__ import annotations

import html
import re
import sys
from collections.abc import Iterable
from typing import Any, TextIO

from bot.conversation.core import Conversation, FullEngine, Who
from bot.conversation.interview import TERMINAL
from bot.conversation.reply import Button, Outcome, Reply
from bot.conversation.store import StateStore, open_store

LOCAL = Who(chat_id=0, user_id=0)
COMMANDS = ("start", "help", "estimate", "policies", "cancel", "asof", "reload", "stats")


def plain(text: str) -> str:
    """Telegram HTML → terminal text."""
    text = re.sub(r'<a\s+href="([^"]*)"[^>]*>(.*?)</a>', r"\2 (\1)", text, flags=re.S)
    text = re.sub(r"</?blockquote[^>]*>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    text = html.unescape(text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


class TerminalChat:
    """One local user talking to the conversation core."""

    def __init__(self, conversation: Conversation, out: TextIO, who: Who = LOCAL) -> None:
        self.conversation = conversation
        conversation.interviews.channel = TERMINAL  # questions say "输入", not "点"
        self.out = out
        self.who = who
        self.buttons: list[Button] = []
        self.free_text = False

    def show(self, replies: Iterable[Reply], notice: str | None = None) -> None:
        if notice:
            self.out.write(f"（{notice}）\n")
        for reply in replies:
            self.out.write(plain(reply.html) + "\n")
            flat = [b for row in reply.buttons for b in row]
            if flat:
                self.buttons, self.free_text = flat, reply.free_text
                options = "  ".join(f"[{i}] {b.label}" for i, b in enumerate(flat, 1))
                self.out.write(options + "\n")
            self.out.write("\n")
        self.out.flush()

    def pick(self, line: str) -> Button | None:
        """The button a typed line means: its label, or its number unless text is expected."""
        for b in self.buttons:
            if line == b.label:
                return b
        if len(line) >= 2 and not line.isdigit():
            # "确认" for "✔ 确认，计算金额": a fragment of exactly one label
            found = [b for b in self.buttons if line in b.label]
            if len(found) == 1:
                return found[0]
        if line.isdigit() and not self.free_text and 1 <= int(line) <= len(self.buttons):
            return self.buttons[int(line) - 1]
        return None

    def handle(self, line: str) -> bool:
        """Process one input line; False when the chat should end."""
        line = line.strip()
        if not line:
            return True
        if line in ("/quit", "/exit", "/q"):
            return False
        conv = self.conversation
        if line.startswith("/"):
            name, _, arg = line[1:].partition(" ")
            if name == "asof":
                self.show(conv.set_as_of(self.who, arg))
            elif name == "estimate":
                self._outcome(conv.estimate(self.who))
            elif name in COMMANDS:
                self.show(getattr(conv, name)(self.who))
            else:
                self.show(conv.unknown_command(self.who))
            return True
        button = self.pick(line)
        if button is not None:
            self._outcome(conv.press(self.who, button.data))
        else:
            self._outcome(conv.text(self.who, line))
        return True

    def _outcome(self, outcome: Outcome) -> None:
        if outcome.edit_html:  # the answered question, as Telegram rewrites it
            self.out.write(plain(outcome.edit_html) + "\n\n")
        if outcome.edit_buttons:  # a multi-choice toggle: show the updated options
            self.show([Reply("", outcome.edit_buttons, self.free_text)], outcome.notice)
        else:
            self.show(outcome.replies, outcome.notice)

    def run(self, lines: Iterable[str], prompt: bool = False) -> int:
        self.show(self.conversation.start(self.who))
        iterator = iter(lines)
        while True:
            if prompt:
                self.out.write("> ")
                self.out.flush()
            try:
                line = next(iterator)
            except StopIteration:
                break
            if not self.handle(line):
                break
        return 0


def run_chat(engine: FullEngine, store: StateStore, stdin: TextIO, stdout: TextIO) -> int:
    # The terminal user is the operator: admin commands work here.
    conversation = Conversation(engine, store, frozenset({LOCAL.user_id}), flood_limit=10**9)
    chat = TerminalChat(conversation, stdout)
    return chat.run(stdin, prompt=stdin.isatty())


def terminal_chat(options: Any) -> int:
    """``policybot chat`` (defined in :mod:`bot.cli.bot_commands`): talk to the bot here."""
    from bot.config import load_settings
    from bot.wiring import make_engine

    engine = make_engine(options)
    engine.warm_up()
    settings = load_settings()
    store = open_store(engine.data_dir, settings.redis_url)
    try:
        return run_chat(engine, store, sys.stdin, sys.stdout)
    finally:
        store.close()
