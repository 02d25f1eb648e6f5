"""The amount of one rule once its conditions hold: one function per rule kind.

Every function returns a :class:`Computation` with the amount (certain ``amount_yuan``,
ceiling ``max_yuan`` or floor ``min_yuan``) and a Chinese explanation that shows the
numbers, e.g. ``300万元 × 20% = 60万元，超过每家企业每年最高50万元，按50万元计``.
Arithmetic is Decimal, rounded down to whole yuan (never above what the rule grants).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from knowledge.awards.rules import Rule, Share
from knowledge.money import format_percent, format_yuan


@dataclass(frozen=True)
class Computation:
    amount_yuan: int | None = None
    max_yuan: int | None = None
    min_yuan: int | None = None
    explanation: str = ""
    shares: tuple[dict[str, object], ...] = ()
    case_by_case: bool = False
    warnings: tuple[str, ...] = ()


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_DOWN))


def _cap(rule: Rule, raw: int, formula: str) -> tuple[int, str]:
    """Apply the rule's cap to ``raw``; the explanation says whether it bit."""
    if rule.cap_yuan is None:
        return raw, formula
    cap = f"{rule.cap_text}最高{format_yuan(rule.cap_yuan)}"
    if raw > rule.cap_yuan:
        return rule.cap_yuan, f"{formula}，超过{cap}，按{format_yuan(rule.cap_yuan)}计"
    return raw, f"{formula}，未超过{cap}"


def _selective(rule: Rule, text: str) -> str:
    return f"{text}（择优：经评审择优确定，不一定获得）" if rule.selective else text


def _basis(rule: Rule, text: str) -> str:
    return f"{text}（{rule.basis}）" if rule.basis else text


def fixed(rule: Rule, facts: Mapping[str, object]) -> Computation:
    assert rule.amount_yuan is not None
    text = f"给予{format_yuan(rule.amount_yuan)}"
    if rule.selective:
        return Computation(max_yuan=rule.amount_yuan, explanation=_selective(rule, text))
    return Computation(amount_yuan=rule.amount_yuan, explanation=text)


def up_to(rule: Rule, facts: Mapping[str, object]) -> Computation:
    if rule.max_fact:
        ceiling = int(facts[rule.max_fact])  # type: ignore[call-overload]
        text = f"不超过{rule.spec(rule.max_fact).label}{format_yuan(ceiling)}"
    else:
        assert rule.max_yuan is not None
        ceiling = rule.max_yuan
        text = f"{rule.cap_text}最高{format_yuan(ceiling)}，具体金额由主管部门确定"
    return Computation(max_yuan=ceiling, explanation=_basis(rule, _selective(rule, text)))


def at_least(rule: Rule, facts: Mapping[str, object]) -> Computation:
    assert rule.min_yuan is not None
    text = f"不低于{format_yuan(rule.min_yuan)}"
    return Computation(min_yuan=rule.min_yuan, explanation=_selective(rule, text))


def percentage(rule: Rule, facts: Mapping[str, object]) -> Computation:
    assert rule.base_fact and rule.rate_percent is not None
    base = int(facts[rule.base_fact])  # type: ignore[call-overload]
    raw = _floor(Decimal(base) * rule.rate_percent / Decimal(100))
    formula = f"{format_yuan(base)} × {format_percent(rule.rate_percent)} = {format_yuan(raw)}"
    value, text = _cap(rule, raw, formula)
    if rule.result_is_max:
        return Computation(max_yuan=value, explanation=f"{text}；此为上限，实际金额以分配结果为准")
    return Computation(amount_yuan=value, explanation=_selective(rule, text))


def per_unit(rule: Rule, facts: Mapping[str, object]) -> Computation:
    assert rule.count_fact and rule.unit_yuan is not None
    count = int(facts[rule.count_fact])  # type: ignore[call-overload]
    raw = count * rule.unit_yuan
    unit = rule.spec(rule.count_fact).unit
    formula = f"{count}{unit} × {format_yuan(rule.unit_yuan)} = {format_yuan(raw)}"
    value, text = _cap(rule, raw, formula)
    return Computation(amount_yuan=value, explanation=_selective(rule, text))


def matching(rule: Rule, facts: Mapping[str, object]) -> Computation:
    assert rule.base_fact and rule.ratio
    base = int(facts[rule.base_fact])  # type: ignore[call-overload]
    theirs, ours = (Decimal(p) for p in rule.ratio.split(":"))
    raw = _floor(Decimal(base) * ours / theirs)
    formula = (f"{rule.spec(rule.base_fact).label}{format_yuan(base)}，按{rule.ratio}配套"
               f" = {format_yuan(raw)}")
    value, text = _cap(rule, raw, formula)
    return Computation(amount_yuan=value, explanation=text)


def _share_rows(shares: tuple[Share, ...], total: int) -> tuple[dict[str, object], ...]:
    return tuple({"level": s.level, "percent": str(s.percent),
                  "max_yuan": _floor(Decimal(total) * s.percent / Decimal(100))}
                 for s in shares)


def _share_text(rows: tuple[dict[str, object], ...]) -> str:
    return "、".join(f"{r['level']}{r['percent']}%（最高{format_yuan(int(str(r['max_yuan'])))}）"
                    for r in rows)


def cost_sharing(rule: Rule, facts: Mapping[str, object]) -> Computation:
    assert rule.max_yuan is not None
    total = rule.max_yuan
    shares, warnings = rule.shares, []
    known = rule.share_fact is not None and rule.share_fact in facts
    for exc in rule.share_exceptions:
        if known and facts[exc.condition.fact] == exc.condition.value:
            shares = exc.shares
            if exc.note:
                warnings.append(exc.note)
    granted = facts.get(rule.granted_fact) if rule.granted_fact else None
    asked = (rule.spec(rule.asked_level_fact).choice_label(str(facts[rule.asked_level_fact]))
             if rule.asked_level_fact and rule.asked_level_fact in facts else None)
    if isinstance(granted, int) and granted > 0:
        return _granted_share(rule, shares, min(granted, total), granted, asked, warnings)
    rows = _share_rows(shares, total)
    share = _asked_row(rows, asked)
    text = f"{rule.cap_text}最高{format_yuan(total)}，由{_share_text(rows)}分担"
    if share is not None:  # 市里最多出多少: that level's ceiling
        top = int(str(share["max_yuan"]))
        return Computation(max_yuan=top, shares=rows, warnings=tuple(warnings),
                           explanation=f"{text}；其中{share['level']}最高{format_yuan(top)}")
    if not known and rule.share_exceptions:
        other = "；".join(
            f"{rule.spec(e.condition.fact).choice_label(str(e.condition.value))}："
            f"{_share_text(_share_rows(e.shares, total))}" for e in rule.share_exceptions)
        text += f"（{other}）"
    return Computation(max_yuan=total, explanation=text, shares=rows, warnings=tuple(warnings))


def _asked_row(rows: tuple[dict[str, object], ...], asked: object
               ) -> dict[str, object] | None:
    """The row of the level asked about (县级 is the county or county-level city's row)."""
    if not isinstance(asked, str):
        return None
    for row in rows:
        if row["level"] == asked:
            return row
    if asked == "县级":
        others = [r for r in rows if r["level"] not in ("省级", "市级")]
        return others[0] if len(others) == 1 else None
    return None


def _granted_share(rule: Rule, shares: tuple[Share, ...], base: int, granted: int,
                   asked: object, warnings: list[str]) -> Computation:
    """A granted subsidy split by level; the level asked about is the amount."""
    rows = _share_rows(shares, base)
    said = format_yuan(granted)
    capped = (f"（超过{rule.cap_text}最高{format_yuan(base)}，按{format_yuan(base)}计）"
              if granted > base else "")
    split = "、".join(f"{r['level']}{r['percent']}% = {format_yuan(int(str(r['max_yuan'])))}"
                      for r in rows)
    share = _asked_row(rows, asked)
    if share is None:
        text = f"获批{said}{capped}，按{split}分担"
        if isinstance(asked, str):  # the level asked has no share here (荣成市按50%)
            text += f"；文件未写明{asked}分担比例"
            return Computation(explanation=text, shares=rows, warnings=tuple(warnings))
        # no level asked: the enterprise receives what was granted, within the ceiling
        return Computation(amount_yuan=base, explanation=text, shares=rows,
                           warnings=tuple(warnings))
    amount = int(str(share["max_yuan"]))
    text = (f"获批{said}{capped} × {share['level']}分担{share['percent']}% = "
            f"{format_yuan(amount)}（全部：{split}）")
    return Computation(amount_yuan=amount, explanation=text, shares=rows,
                       warnings=tuple(warnings))


def case_by_case(rule: Rule, facts: Mapping[str, object]) -> Computation:
    return Computation(explanation=f"{rule.basis or '一事一议'}，不计入合计", case_by_case=True)


COMPUTE: dict[str, Callable[[Rule, Mapping[str, object]], Computation]] = {
    "fixed": fixed, "up_to": up_to, "at_least": at_least, "percentage": percentage,
    "per_unit": per_unit, "matching": matching, "cost_sharing": cost_sharing,
    "case_by_case": case_by_case,
}


def compute(rule: Rule, facts: Mapping[str, object]) -> Computation:
    """The amount of ``rule`` for ``facts`` (its conditions and facts already checked)."""
    return COMPUTE[rule.kind](rule, facts)


def headline_yuan(rule: Rule) -> int:
    """The figure a rule states (for precedence ties and messages)."""
    for value in (rule.amount_yuan, rule.max_yuan, rule.min_yuan, rule.unit_yuan,
                  rule.cap_yuan):
        if value is not None:
            return value
    return 0


def figure_text(rule: Rule) -> str:
    """The rule's figure in words: 30万元, 最高50万元, 3%（最高50万元）…"""
    if rule.kind == "fixed" and rule.amount_yuan is not None:
        return format_yuan(rule.amount_yuan)
    if rule.kind == "up_to" and rule.max_fact:
        return f"不超过{rule.spec(rule.max_fact).label}"
    if rule.kind in ("up_to", "cost_sharing") and rule.max_yuan is not None:
        return f"最高{format_yuan(rule.max_yuan)}"
    if rule.kind == "at_least" and rule.min_yuan is not None:
        return f"不低于{format_yuan(rule.min_yuan)}"
    if rule.rate_percent is not None:
        cap = f"（最高{format_yuan(rule.cap_yuan)}）" if rule.cap_yuan else ""
        return f"{format_percent(rule.rate_percent)}{cap}"
    if rule.unit_yuan is not None:
        return f"每{rule.spec(rule.count_fact or '').unit or '个'}{format_yuan(rule.unit_yuan)}"
    if rule.ratio:
        return f"按{rule.ratio}配套"
    return rule.basis or "一事一议"
