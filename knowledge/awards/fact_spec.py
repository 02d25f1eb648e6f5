"""One fact about an applicant: :class:`FactSpec` (kind, question, choices) and its parsing.

``FactSpec.parse`` turns a typed answer into a value (or raises :class:`FactError` with a
message a person understands); ``FactSpec.validate`` checks a value of any accepted form.
The facts themselves are staff data (``knowledge/vocabulary/facts.yaml``, read by
:mod:`knowledge.awards.vocabulary`).

Kinds: ``choice`` (one value), ``multi`` (a set of values), ``money`` (int yuan),
``count`` (int), ``bool``, ``number`` (Decimal).  An absent fact is unknown, never zero.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from knowledge.errors import FactError
from knowledge.money import format_yuan, parse_count, parse_money, scan_money

__all__ = ["KINDS", "MAX_COUNT", "MAX_MONEY_YUAN", "FactSpec"]

KINDS = ("choice", "multi", "money", "count", "bool", "number")
MAX_MONEY_YUAN = 100_000_000_000  # 1000亿元: anything above is a typing mistake
MAX_COUNT = 100_000
_YES = {"是", "有", "对", "是的", "有的", "yes", "y", "true", "1", "已", "已经"}
_NO = {"否", "不是", "没有", "无", "不", "没", "no", "n", "false", "0", "未"}
_NONE_WORDS = {"无", "没有", "都没有", "均无", "都不是", "没", "none", "无以上"}
_ZERO_WORDS = {"无", "没有", "没", "暂无", "还没有", "一个也没有", "零", "none", "no"}  # a count
_SPLIT_RE = re.compile(r"[，,；;/\n]+")


# amounts listed one after another, nothing else said (一个是120万 一个是80万, 120万和80万)
_AMOUNT_SPAN = re.compile(r"[\d.,一二两三四五六七八九十百千零]+\s*(?:万元|万|元|亿元|亿)")
_LISTED = re.compile(r"\s*(?:(?:一|另一|第[一二三四五])?(?:个|份|项|笔)?(?:是|为)?\s*#\s*"
                     r"(?:[，,、;；和加及与跟\s]|还有|另外)*)+[。.！!]?\s*")
# an amount (80万, 80w, 三百元) typed for a count, and the units a count is said in
_AN_AMOUNT = re.compile(r"[\d一二两三四五六七八九十百千]\s*(?:万|元|亿|[wW](?![A-Za-z]))")
_A_COUNT_UNIT = re.compile(r"[\d一二两三四五六七八九十]\s*[家项个件份次所]")

@dataclass(frozen=True)
class FactSpec:
    """One fact: name, kind, the question asked for it, allowed choices, an example."""

    name: str
    kind: str
    question: str
    label: str
    choices: tuple[tuple[str, str], ...] = ()
    example: str = ""
    unit: str = ""  # 项, 家, 件 for counts (used in explanations)
    max_value: int = 0  # 0: the kind's default bound
    aliases: Mapping[str, str] = field(default_factory=dict)  # phrase → choice value
    phrases: tuple[str, ...] = ()  # words naming the fact itself (where an amount belongs)
    implied_by: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # value → words
    # count facts: words that put a part of the count out of it (其中2家已毕业 → not counted)
    not_counted: tuple[str, ...] = ()
    # short forms owners type (高企 → 高新技术企业), from facts.yaml's ``abbreviations``
    abbreviations: Mapping[str, str] = field(default_factory=dict)
    line: int = field(default=0, compare=False)  # line in vocabulary/facts.yaml

    def choice_label(self, value: str) -> str:
        return dict(self.choices).get(value, value)

    def parse(self, text: str) -> object:
        """A typed answer → value; FactError with a Chinese message when it cannot be read."""
        raw = str(text).strip()
        if not raw:
            raise FactError(self.name, "请填写答案。")
        if self.kind in ("money", "count") and raw.lower().rstrip("。.!！") in _ZERO_WORDS:
            return self.validate(0)  # "没有" for a count or an amount: none, i.e. 0
        if self.kind in ("money", "count", "number") and re.match(r"[-－−负]", raw):
            raise FactError(self.name, f"{self.label}不能是负数（收到 {raw}）。")
        parsers: dict[str, Callable[[str], object]] = {
            "money": self._parse_money, "count": self._parse_count,
            "number": self._parse_number, "bool": self._parse_bool,
            "choice": self._parse_choice}
        return parsers.get(self.kind, self._parse_multi)(raw)

    def _parse_money(self, raw: str) -> object:
        listed = scan_money(raw)
        if len(listed) >= 2 and not any(m.problem for m in listed) and _LISTED.fullmatch(
                _AMOUNT_SPAN.sub("#", raw)):
            # 一个是一百二十万 一个是八十万 / 120万和80万: the amounts listed, added up
            return self.validate(sum(m.yuan for m in listed))
        yuan = parse_money(raw)
        if yuan is None:
            raise FactError(self.name, f"没有看懂这个金额，请写成{self._example()}。")
        if re.fullmatch(r"[\d,，.]+", raw) and yuan < 10_000:
            raise FactError(self.name, f"请注明单位（元、万元或亿元），{self._example()}。")
        return self.validate(yuan)

    def _parse_count(self, raw: str) -> object:
        if _AN_AMOUNT.search(raw) and not _A_COUNT_UNIT.search(raw):
            # (省里当时拨了80w to "有几家…": an amount, the answer to another question)
            raise FactError(self.name, f"这是一个金额，不是数量，请填写{self._example()}。")
        count = parse_count(raw)
        if count is None:
            raise FactError(self.name, f"请填写一个不小于0的整数，{self._example()}。")
        return self.validate(count)

    def _parse_number(self, raw: str) -> object:
        try:
            return self.validate(Decimal(raw))
        except InvalidOperation:
            raise FactError(self.name, f"请填写一个数字，{self._example()}。") from None

    def _parse_bool(self, raw: str) -> bool:
        word = raw.lower().rstrip("。.!！")
        if word in _YES:
            return True
        if word in _NO:
            return False
        raise FactError(self.name, "请回答“是”或“否”。")

    def _parse_choice(self, raw: str) -> str:
        value = self._match_choice(raw)
        if value is None:
            raise self._unknown(raw, "请从以下选项中选择")
        return value

    def _parse_multi(self, raw: str) -> frozenset[str]:
        if raw.lower() in _NONE_WORDS:
            return frozenset()
        values = set()
        for part in (p for p in _SPLIT_RE.split(raw) if p):
            value = self._match_choice(part)
            if value is None:
                raise self._unknown(part, f"“{part}”不是可选项；可选")
            values.add(value)
        return frozenset(values)

    def validate(self, value: object) -> object:
        """Check and normalise a value of this fact (any accepted Python form)."""
        validators: dict[str, Callable[[object], object]] = {
            "money": self._validate_int, "count": self._validate_int,
            "number": self._validate_number, "bool": self._validate_bool,
            "choice": self._validate_choice}
        return validators.get(self.kind, self._validate_multi)(value)

    def _validate_int(self, value: object) -> int:
        number = _as_int(self, value)
        if number < 0:
            raise FactError(self.name, f"{self.label}不能是负数（收到 {number}）。")
        limit = self.max_value or (MAX_MONEY_YUAN if self.kind == "money" else MAX_COUNT)
        if number > limit:
            shown = format_yuan(limit) if self.kind == "money" else f"{limit}{self.unit}"
            raise FactError(self.name, f"{self.label}超过合理范围（最多{shown}），请核对。")
        return number

    def _validate_number(self, value: object) -> Decimal:
        if isinstance(value, bool | float) or not isinstance(value, int | Decimal | str):
            raise FactError(self.name, f"{self.label}应是数字。")
        decimal = Decimal(str(value))
        if decimal < 0:
            raise FactError(self.name, f"{self.label}不能是负数。")
        return decimal

    def _validate_bool(self, value: object) -> object:
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            return self.parse(value)
        raise FactError(self.name, f"{self.label}应回答“是”或“否”。")

    def _validate_choice(self, value: object) -> str:
        matched = self._match_choice(value) if isinstance(value, str) else None
        if matched is not None:
            return matched
        raise FactError(self.name, f"“{value}”不是可选项；可选：{self._labels()}。")

    def _validate_multi(self, value: object) -> object:
        if isinstance(value, str):
            return self.parse(value)
        if not isinstance(value, Iterable):
            raise FactError(self.name, f"{self.label}应是选项列表。")
        chosen = set()
        for item in value:
            matched = self._match_choice(str(item))
            if matched is None:
                raise FactError(self.name, f"“{item}”不是可选项；可选：{self._labels()}。")
            chosen.add(matched)
        return frozenset(chosen)

    def _match_choice(self, text: str) -> str | None:
        """A value, its label, an alias, or a fragment found in exactly one label; then
        the same with the vocabulary's abbreviations spelled out (高企 → 高新技术企业),
        and last a word only one choice's holder can be (a 高企 is an 企业)."""
        cleaned = text.strip()
        for form in dict.fromkeys((cleaned, self._spelled_out(cleaned))):
            hits = self._candidates(form)
            if len(hits) == 1:
                return hits[0]
        holders = [value for value, words in self.implied_by.items()
                   if cleaned in words or self._spelled_out(cleaned) in words]
        return holders[0] if len(holders) == 1 else None

    def _candidates(self, cleaned: str) -> list[str]:
        """The choices ``cleaned`` can mean: one when exact, several when ambiguous."""
        for value, label in self.choices:
            if cleaned in (value, label):
                return [value]
        if cleaned in self.aliases:
            return [self.aliases[cleaned]]
        if len(cleaned) < 2:
            return []
        return [value for value, label in self.choices if cleaned in label]

    def _spelled_out(self, text: str) -> str:
        """``text`` with every abbreviation replaced by its full form, longest first."""
        for short in sorted(self.abbreviations, key=len, reverse=True):
            if short in text and self.abbreviations[short] not in text:
                text = text.replace(short, self.abbreviations[short])
        return text

    def _unknown(self, text: str, lead: str) -> FactError:
        """Why ``text`` is no choice: it fits several (name them; ``ambiguous``), or none
        (list all)."""
        for form in dict.fromkeys((text.strip(), self._spelled_out(text.strip()))):
            hits = self._candidates(form)
            if len(hits) > 1:
                names = "、".join(f"“{self.choice_label(v)}”" for v in hits)
                return FactError(self.name, f"“{text.strip()}”可能是{names}，请选其中一项。",
                                 ambiguous=True)
        return FactError(self.name, f"{lead}：{self._labels()}。")

    def _labels(self) -> str:
        return "、".join(label for _, label in self.choices)

    def _example(self) -> str:
        return self.example or "例如：80万元"


def _as_int(spec: FactSpec, value: object) -> int:
    name = spec.name
    if isinstance(value, bool):
        raise FactError(name, "应是数字，而不是“是/否”。")
    if isinstance(value, int):
        return value
    if isinstance(value, Decimal | float):
        number = Decimal(str(value))
        if number != number.to_integral_value():
            raise FactError(name, f"应是整数（收到 {value}）。")
        return int(number)
    if isinstance(value, str):
        parsed = spec.parse(value)
        if isinstance(parsed, int):
            return parsed
    raise FactError(name, f"无法识别的数值：{value!r}。")
