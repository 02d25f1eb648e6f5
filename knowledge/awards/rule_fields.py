"""Low-level readers of rule-file fields; each records a problem instead of raising."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from knowledge.awards.vocabulary import Vocabulary, default_vocabulary
from knowledge.errors import RuleError
from knowledge.yamlio import Y


@dataclass
class File:
    """Problems found in one file; nothing of a file with a problem is kept."""

    path: Path
    name: str
    problems: list[RuleError] = field(default_factory=list)
    vocabulary: Vocabulary = field(default_factory=default_vocabulary)  # facts and topics

    def err(self, message: str, line: int | None) -> None:
        self.problems.append(RuleError(message, self.name, line))


def seq(f: File, y: Y | None, what: str) -> list[Y]:
    if y is None or y.value is None:
        return []
    if y.sequence is None:
        f.err(f"'{what}' must be a list", y.line)
        return []
    return y.sequence


def keys(f: File, y: Y, required: set[str], allowed: set[str], what: str
          ) -> dict[str, Y] | None:
    m = y.mapping
    if m is None:
        f.err(f"{what} must be a mapping", y.line)
        return None
    for key, value in m.items():
        if key not in allowed:
            f.err(f"unknown key '{key}' in {what} (allowed: {', '.join(sorted(allowed))})",
                  value.line)
    for key in sorted(required - set(m)):
        f.err(f"missing '{key}' in {what}", y.line)
    return m


def text(f: File, y: Y | None, what: str) -> str:
    """A non-empty text value; an absent key was already reported by keys."""
    if y is None:
        return ""
    if not isinstance(y.value, str) or not y.value.strip():
        f.err(f"'{what}' must be non-empty text", y.line)
        return ""
    return y.value.strip()


def yuan(f: File, y: Y, what: str) -> int:
    if isinstance(y.value, bool) or not isinstance(y.value, int) or y.value <= 0:
        f.err(f"'{what}' must be a positive whole number of yuan (e.g. 2000000 for 200万元), "
              f"got {y.value!r}", y.line)
        return 0
    return y.value


def percent(f: File, y: Y, what: str) -> Decimal:
    try:
        value = Decimal(str(y.value).rstrip("%"))
    except InvalidOperation:
        value = Decimal(-1)
    if isinstance(y.value, bool) or not (Decimal(0) < value <= Decimal(100)):
        f.err(f"'{what}' must be a percentage between 0 and 100, got {y.value!r}", y.line)
        return Decimal(0)
    return value


def fact(f: File, y: Y, kinds: tuple[str, ...], what: str) -> str:
    name = y.value
    facts = f.vocabulary.facts
    if not isinstance(name, str) or name not in facts:
        f.err(f"unknown fact '{name}' in '{what}' (declare it in vocabulary/facts.yaml)",
              y.line)
        return ""
    if facts[name].kind not in kinds:
        f.err(f"fact '{name}' is a {facts[name].kind}; '{what}' needs {'/'.join(kinds)}",
              y.line)
    return name
