"""Reading ``facts.yaml``, ``topics.yaml`` and ``patterns.yaml`` of a knowledge folder's
vocabulary, every problem located at ``file:line`` (:mod:`knowledge.awards.vocabulary`
assembles them into a :class:`~knowledge.awards.vocabulary.Vocabulary`).

:class:`Patterns` is the model of ``patterns.yaml``: the regular expressions that
recognise a choice in a question where a plain phrase cannot, per fact, in file order.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from knowledge.awards.fact_spec import KINDS, FactSpec
from knowledge.awards.staff_regex import pattern_problem
from knowledge.errors import VocabularyError
from knowledge.yamlio import Y

__all__ = ["REQUIRED_FACTS", "File", "Patterns", "read_facts", "read_patterns", "read_topics"]

REQUIRED_FACTS = ("applicant_types",)  # the calculator reads who may apply from it
_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_FACT_KEYS = {"name", "kind", "label", "question", "unit", "example", "max", "choices",
              "phrases", "not_counted"}
_CHOICE_KEYS = {"value", "label", "phrases", "implied_by"}
_CHOICE_KINDS = ("choice", "multi")


@dataclass(frozen=True)
class Patterns:
    """Regular expressions naming choices in a question (``patterns.yaml``), in file order.

    ``titles``: (fact, value, pattern) of multi facts other than the applicant type;
    ``applicants``: (value, pattern) of ``applicant_types``; ``choices``: (fact, value,
    pattern) of single-choice facts (set when exactly one value matches).
    """

    titles: tuple[tuple[str, str, str], ...] = ()
    applicants: tuple[tuple[str, str], ...] = ()
    choices: tuple[tuple[str, str, str], ...] = ()

    @property
    def covered(self) -> frozenset[tuple[str, str]]:
        """(fact, value) pairs recognised by a pattern (their phrases are not read)."""
        return frozenset({(f, v) for f, v, _ in self.titles}
                         | {("applicant_types", v) for v, _ in self.applicants}
                         | {(f, v) for f, v, _ in self.choices})


@dataclass
class File:
    path: Path
    name: str
    problems: list[VocabularyError] = field(default_factory=list)

    def err(self, message: str, line: int | None) -> None:
        self.problems.append(VocabularyError(message, self.name, line))


def _words(f: File, y: Y | None, what: str) -> tuple[str, ...]:
    if y is None or y.value is None:
        return ()
    items = y.sequence
    if items is None or any(not isinstance(i.value, str) or not i.value.strip() for i in items):
        f.err(f"“{what}”应是由非空文字组成的列表，例如 [全国重点实验室, 国重]", y.line)
        return ()
    words = tuple(str(i.value).strip() for i in items)
    seen: set[str] = set()
    for item, word in zip(items, words, strict=True):
        if word in seen:
            f.err(f"“{what}”中的“{word}”重复", item.line)
        seen.add(word)
    return words


def _text(f: File, m: dict[str, Y], key: str, what: str, required: bool = True) -> str:
    y = m.get(key)
    if y is None:
        if required:
            f.err(f"{what}缺少“{key}”", None)
        return ""
    if not isinstance(y.value, str) or not y.value.strip():
        f.err(f"{what}的“{key}”应是非空文字", y.line)
        return ""
    return y.value.strip()


def _keys(f: File, y: Y, allowed: set[str], required: tuple[str, ...], what: str
          ) -> dict[str, Y] | None:
    m = y.mapping
    if m is None:
        f.err(f"{what}应是一个映射（key: value）", y.line)
        return None
    for key, value in m.items():
        if key not in allowed:
            f.err(f"{what}中有未知的键“{key}”（可用：{'、'.join(sorted(allowed))}）",
                  y.key_line(key) or value.line)
    for key in required:
        if key not in m:
            f.err(f"{what}缺少“{key}”", y.line)
    return m


def _read_fact(f: File, y: Y) -> FactSpec | None:
    before = len(f.problems)
    m = _keys(f, y, _FACT_KEYS, ("name", "kind", "label", "question"), "事实项")
    if m is None:
        return None
    name = m["name"].value if "name" in m else ""
    if "name" in m and (not isinstance(name, str) or not _NAME_RE.match(name)):
        f.err(f"事实名“{name}”只能由小写字母、数字和下划线组成，且以字母开头", m["name"].line)
    where = f"事实项“{name}”"
    kind = m["kind"].value if "kind" in m else None
    if "kind" in m and kind not in KINDS:
        f.err(f"{where}的类型“{kind}”未知（可用：{'、'.join(KINDS)}）", m["kind"].line)
    label = _text(f, m, "label", where, required=False)  # absent: reported by _keys
    question = _text(f, m, "question", where, required=False)
    unit = _text(f, m, "unit", where, required=False)
    example = _text(f, m, "example", where, required=False)
    max_value = 0
    if "max" in m:
        raw = m["max"].value
        if kind not in ("money", "count"):
            f.err(f"{where}：只有 money 和 count 类型可以设“max”", m["max"].line)
        elif isinstance(raw, bool) or not isinstance(raw, int) or raw <= 0:
            f.err(f"{where}的“max”应是正整数（money 以元计），收到 {raw!r}", m["max"].line)
        else:
            max_value = raw
    phrases = _words(f, m.get("phrases"), f"{where}的 phrases")
    not_counted = _not_counted(f, m, kind, where)
    choices: list[tuple[str, str]] = []
    aliases: dict[str, str] = {}
    implied: dict[str, tuple[str, ...]] = {}
    if kind in _CHOICE_KINDS:
        items = m["choices"].sequence if "choices" in m else None
        if not items:
            f.err(f"{where}是 {kind} 类型，需要“choices”列表（至少一个选项）",
                  m["choices"].line if "choices" in m else y.line)
        for item in items or []:
            _read_choice(f, item, where, choices, aliases, implied)
    elif "choices" in m:
        f.err(f"{where}是 {kind} 类型，不能有“choices”", m["choices"].line)
    if len(f.problems) > before or not isinstance(name, str) or not isinstance(kind, str):
        return None
    return FactSpec(name, kind, question, label, tuple(choices), example, unit, max_value,
                    aliases=aliases, phrases=phrases, implied_by=implied,
                    not_counted=not_counted, line=y.line)


def _not_counted(f: File, m: dict[str, Y], kind: object, where: str) -> tuple[str, ...]:
    """A count fact's words that put a part of the count out (其中2家已毕业)."""
    words = _words(f, m.get("not_counted"), f"{where}的 not_counted")
    if words and kind != "count":
        f.err(f"{where}：只有 count 类型可以设“not_counted”", m["not_counted"].line)
    return words


def _read_choice(f: File, y: Y, where: str, choices: list[tuple[str, str]],
                 aliases: dict[str, str], implied: dict[str, tuple[str, ...]]) -> None:
    m = _keys(f, y, _CHOICE_KEYS, ("value", "label"), f"{where}的选项")
    if m is None or "value" not in m or "label" not in m:
        return
    value = m["value"].value
    if not isinstance(value, str) or not _NAME_RE.match(value):
        f.err(f"{where}的选项值“{value}”只能由小写字母、数字和下划线组成，且以字母开头",
              m["value"].line)
        return
    label = _text(f, m, "label", f"{where}的选项“{value}”")
    if value in dict(choices):
        f.err(f"{where}的选项“{value}”重复", m["value"].line)
        return
    if label and label in dict(choices).values():
        f.err(f"{where}的选项标签“{label}”重复", m["label"].line)
    choices.append((value, label))
    for phrase in _words(f, m.get("phrases"), f"选项“{value}”的 phrases"):
        other = aliases.get(phrase)
        if other is not None and other != value:
            f.err(f"{where}：说法“{phrase}”同时指向选项“{other}”和“{value}”", m["phrases"].line)
        aliases[phrase] = value
    words = _words(f, m.get("implied_by"), f"选项“{value}”的 implied_by")
    if words:
        implied[value] = words


def _read_abbreviations(f: File, y: Y | None) -> dict[str, str]:
    """``abbreviations: {高企: 高新技术企业, …}``: short forms a typed answer may use."""
    if y is None or y.value is None:
        return {}
    m = y.mapping
    if m is None:
        f.err("“abbreviations”应是“简称: 全称”的映射，例如 高企: 高新技术企业", y.line)
        return {}
    out: dict[str, str] = {}
    for short, full in m.items():
        if not isinstance(full.value, str) or not full.value.strip() or not str(short).strip():
            f.err(f"简称“{short}”的全称应是非空文字", y.key_line(short) or full.line)
        elif str(short).strip() in full.value:
            f.err(f"简称“{short}”包含在全称“{full.value}”中，无需登记", y.key_line(short))
        else:
            out[str(short).strip()] = full.value.strip()
    return out


def read_facts(f: File, root: Y) -> dict[str, FactSpec]:
    top = _keys(f, root, {"facts", "abbreviations"}, ("facts",), "facts.yaml")
    if top is None or "facts" not in top:
        return {}
    items = top["facts"].sequence
    if items is None:
        f.err("“facts”应是事实项列表", top["facts"].line)
        return {}
    facts: dict[str, FactSpec] = {}
    for item in items:
        spec = _read_fact(f, item)
        if spec is None:
            continue
        if spec.name in facts:
            f.err(f"事实项“{spec.name}”重复（第一次定义在第{facts[spec.name].line}行）", item.line)
            continue
        facts[spec.name] = spec
    for name in REQUIRED_FACTS:
        if name not in facts and not f.problems:
            f.err(f"缺少事实项“{name}”（multi 类型，申报主体类型）", root.line)
        elif name in facts and facts[name].kind != "multi":
            f.err(f"事实项“{name}”应是 multi 类型", facts[name].line)
    short = _read_abbreviations(f, top.get("abbreviations"))
    if short:
        facts = {n: dataclasses.replace(s, abbreviations=MappingProxyType(short))
                 for n, s in facts.items()}
    return facts


def read_topics(f: File, root: Y) -> dict[str, tuple[str, ...]]:
    top = _keys(f, root, {"topics"}, ("topics",), "topics.yaml")
    if top is None or "topics" not in top:
        return {}
    m = top["topics"].mapping
    if m is None:
        f.err("“topics”应是“主题名: [说法, …]”的映射", top["topics"].line)
        return {}
    topics: dict[str, tuple[str, ...]] = {}
    for name, words in m.items():
        line = top["topics"].key_line(name)
        if not _NAME_RE.match(name):
            f.err(f"主题名“{name}”只能由小写字母、数字和下划线组成", line)
            continue
        phrases = _words(f, words, f"主题“{name}”")
        if not phrases:
            f.err(f"主题“{name}”至少需要一个说法", line)
        topics[name] = phrases
    return topics


def read_patterns(f: File, root: Y, facts: Mapping[str, FactSpec]) -> Patterns:
    top = _keys(f, root, {"patterns"}, ("patterns",), "patterns.yaml")
    if top is None or "patterns" not in top:
        return Patterns()
    m = top["patterns"].mapping
    if m is None:
        f.err("“patterns”应是“事实名: [{value: 选项, pattern: 正则表达式}, …]”的映射",
              top["patterns"].line)
        return Patterns()
    titles: list[tuple[str, str, str]] = []
    applicants: list[tuple[str, str]] = []
    choices: list[tuple[str, str, str]] = []
    usable = [n for n, s in facts.items() if s.kind in _CHOICE_KINDS]
    for name, entries in m.items():
        line = top["patterns"].key_line(name)
        spec = facts.get(name)
        if spec is None or spec.kind not in _CHOICE_KINDS:
            f.err(f"patterns 中的“{name}”不是 facts.yaml 中 choice 或 multi 类型的事实"
                  f"（可用：{'、'.join(usable)}）", line)
            continue
        items = entries.sequence
        if not items:
            f.err(f"“{name}”的 patterns 应是列表，每项写成 {{value: 选项, pattern: 正则表达式}}",
                  entries.line or line)
            continue
        for item in items:
            found = _read_pattern(f, item, spec)
            if found is None:
                continue
            value, pattern = found
            if name == "applicant_types":
                applicants.append((value, pattern))
            elif spec.kind == "multi":
                titles.append((name, value, pattern))
            else:
                choices.append((name, value, pattern))
    return Patterns(tuple(titles), tuple(applicants), tuple(choices))


def _read_pattern(f: File, y: Y, spec: FactSpec) -> tuple[str, str] | None:
    where = f"事实“{spec.name}”的 pattern"
    m = _keys(f, y, {"value", "pattern"}, ("value", "pattern"), where)
    if m is None or "value" not in m or "pattern" not in m:
        return None
    value = m["value"].value
    valid = [v for v, _ in spec.choices]
    if value not in valid:
        f.err(f"{where}：“{value}”不是它的选项（可用：{'、'.join(valid)}；新选项请先在 "
              f"facts.yaml 中声明）", m["value"].line)
        return None
    pattern = _text(f, m, "pattern", f"{where}“{value}”")
    if not pattern:
        return None
    problem = pattern_problem(pattern)
    if problem is not None:
        f.err(f"{where}“{value}”不是有效的正则表达式（{problem}）：请检查括号和 ? * + | 等"
              f"符号；只想写固定说法时，用 facts.yaml 中选项的 phrases", m["pattern"].line)
        return None
    return str(value), pattern
