"""Messages shown to admins in Telegram carry no absolute path of the server.

A reload error names the file at fault (``KnowledgeError``: ``file:line: problem``) with
the path the server read it from, and an index error names the data directory.  Admins
know the knowledge folder, not the server's layout: a path inside the knowledge folder
becomes relative to it (``policies/x.md:3``), any other absolute path keeps its last
component only (``…/bot_state.sqlite3``).  The service log keeps the full message.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path
from typing import Any

__all__ = ["public_report", "without_server_paths"]

# an absolute POSIX path: "/" then segments, not part of a word, a URL or a fraction
_PART = r"[^\s/:：，。；,;'\"<>（）()]+"
_ABSOLUTE = re.compile(rf"(?<![\w.:/~])/(?:{_PART}/)*{_PART}")


def without_server_paths(text: str, *roots: Path | str) -> str:
    """``text`` with paths under ``roots`` made relative and other absolute paths cut
    to their last component."""
    for root in roots:
        for form in {str(root), os.path.realpath(root)}:
            if form and form != "/":
                text = text.replace(form.rstrip("/") + "/", "").replace(form, ".")
    return _ABSOLUTE.sub(lambda m: "…/" + m.group(0).rsplit("/", 1)[-1], text)


def public_report(report: Any, *roots: Path | str) -> Any:
    """``report`` (a reload report dataclass) with its ``message`` cleaned of server paths."""
    message = getattr(report, "message", None)
    if not isinstance(message, str) or not dataclasses.is_dataclass(report) or isinstance(
            report, type):
        return report
    clean = without_server_paths(message, *roots)
    return report if clean == message else dataclasses.replace(report, message=clean)
