"""YAML front matter of ``.md``/``.txt`` policies: the one splitter (and its writer).

A file with front matter starts with a ``---`` line and closes it with ``---`` (or
``...``)::

    ---
    doc_number: 威政办字〔2018〕107号
    ---
    正文……

:func:`split_front_matter` gives the YAML text, the body and the line where the body
starts; a file that opens front matter but never closes it is an error (file:line of
the opening ``---``), not a file "without front matter".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from knowledge.errors import MetadataError

FENCE = "---"
_CLOSERS = ("---", "...")


@dataclass(frozen=True)
class FrontMatter:
    """The parts of a file with front matter."""

    yaml_text: str
    body: str
    body_line: int  # line of the file where ``body`` starts
    yaml_line: int = 2  # line of the file where ``yaml_text`` starts


def split_front_matter(raw: str, path: Path | str | None = None) -> FrontMatter | None:
    """(yaml text, body, body's first line), or None when ``raw`` has no front matter.

    MetadataError ``front matter not closed`` (line 1) when the opening ``---`` has no
    closing line.
    """
    lines = raw.lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != FENCE:
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() in _CLOSERS:
            return FrontMatter("\n".join(lines[1:index]), "\n".join(lines[index + 1 :]),
                               index + 2)
    raise MetadataError("元数据没有结束：第 1 行的 --- 之后缺少单独一行 ---，请在元数据末尾补上",
                        path, 1)


def render_front_matter(meta: Mapping[str, Any], keys: Iterable[str]) -> str:
    """Front matter for ``meta`` (``keys`` in order, empty values left out), fences included.

    Dates stay unquoted (``issued: 2018-11-27`` reads back as the date string the
    metadata loader expects); other values are YAML-quoted when they need it.
    """
    lines = [FENCE]
    for key in keys:
        value = meta.get(key)
        if value in (None, "") or (isinstance(value, list | tuple) and not value):
            continue
        if isinstance(value, list | tuple):  # supersedes: a YAML list of 文号
            lines.append(yaml.safe_dump({key: [str(v) for v in value]}, allow_unicode=True,
                                        default_flow_style=False, width=1000).strip())
            continue
        text = value.isoformat() if isinstance(value, date) else str(value)
        dumped = yaml.safe_dump({key: text}, allow_unicode=True, default_flow_style=False,
                                width=1000).strip()
        lines.append(f"{key}: {text}" if isinstance(value, date) else dumped)
    lines.append(FENCE)
    return "\n".join(lines) + "\n"
