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
        f.err(f"“{what}”应为列表（每项以 - 开头）", y.line)
        return []
    return y.sequence


def keys(f: File, y: Y, required: set[str], allowed: set[str], what: str
          ) -> dict[str, Y] | None:
    m = y.mapping
    if m is None:
        f.err(f"{what} 应为“键: 值”的映射", y.line)
        return None
    for key, value in m.items():
        if key not in allowed:
            f.err(f"{what} 中有未知的键“{key}”（拼写错误？可用的键：{', '.join(sorted(allowed))}）",
                  value.line)
    for key in sorted(required - set(m)):
        f.err(f"{what} 缺少“{key}”：请补上", y.line)
    return m


def text(f: File, y: Y | None, what: str) -> str:
    """A non-empty text value; an absent key was already reported by keys."""
    if y is None:
        return ""
    if not isinstance(y.value, str) or not y.value.strip():
        f.err(f"“{what}”应为非空文本", y.line)
        return ""
    return y.value.strip()


def yuan(f: File, y: Y, what: str) -> int:
    if isinstance(y.value, bool) or not isinstance(y.value, int) or y.value <= 0:
        f.err(f"“{what}”应为以元计的正整数（如 200万元 写 2000000），现为 {y.value!r}",
              y.line)
        return 0
    return y.value


def percent(f: File, y: Y, what: str) -> Decimal:
    try:
        value = Decimal(str(y.value).rstrip("%"))
    except InvalidOperation:
        value = Decimal(-1)
    if isinstance(y.value, bool) or not (Decimal(0) < value <= Decimal(100)):
        f.err(f"“{what}”应为 0 到 100 之间的百分数，现为 {y.value!r}", y.line)
        return Decimal(0)
    return value


def fact(f: File, y: Y, kinds: tuple[str, ...], what: str) -> str:
    name = y.value
    facts = f.vocabulary.facts
    if not isinstance(name, str) or name not in facts:
        f.err(f"“{what}”中的事实“{name}”未定义（拼写错误？新事实请在 vocabulary/facts.yaml "
              f"中声明）", y.line)
        return ""
    if facts[name].kind not in kinds:
        f.err(f"事实“{name}”的类型是 {facts[name].kind}，而“{what}”需要 {'/'.join(kinds)} "
              f"类型的事实", y.line)
    return name
