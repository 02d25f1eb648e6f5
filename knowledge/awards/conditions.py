"""Conditions of a rule checked against facts, and against what the owner says is not so.

:func:`check` compares one condition with a known fact; :func:`assess` gives a rule's
failed conditions and missing facts.  :class:`Denied` carries the owner's own words for
a condition they say is not met (合同还没登记, 不是市级的): a condition it rules out fails
with those words (the item is ineligible and says why), it is never asked again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from knowledge.awards.facts import FactSpec
from knowledge.awards.rules import Condition, Rule
from knowledge.awards.vocabulary import default_vocabulary
from knowledge.money import format_yuan

__all__ = ["Denied", "assess", "assumed_windows", "check", "is_window", "requirement",
           "show_value"]


def is_window(spec: FactSpec) -> bool:
    """A time window (a number of years: 3年孵化期内): checked when stated, else assumed."""
    return spec.kind == "number" and spec.unit == "年"


def show_value(spec: FactSpec, value: object) -> str:
    """A fact's value as the owner would say it (300万元, 5家, 3年多, 企业)."""
    if spec.kind == "money":
        return format_yuan(int(value))  # type: ignore[call-overload]
    if spec.kind == "count":
        return f"{value}{spec.unit}"
    if spec.kind == "number" and isinstance(value, Decimal | int):
        whole = int(value)  # a half year is how the reader marks “more than” (3年多)
        if value == whole:
            return f"{whole}{spec.unit}"
        return f"不到1{spec.unit}" if whole == 0 else f"{whole}{spec.unit}多"
    if isinstance(value, frozenset | set | tuple | list):
        return "、".join(spec.choice_label(str(v)) for v in sorted(value)) or "无"
    if isinstance(value, bool):
        return "是" if value else "否"
    return spec.choice_label(str(value))


@dataclass(frozen=True)
class Denied:
    """What the owner said is not so, in their words (``said``: 合同还没登记).

    ``values``: the choices of a choice fact said not to be held (不是市级的); empty: the
    fact's condition as a whole (an unregistered contract is no registered amount).
    """

    said: str
    values: frozenset[str] = frozenset()
    # what every rule requires that the owner's words rule out, said instead of the rule's
    # own applicant types (贵单位在烟台 → 申报主体须为威海市的单位)
    requirement: str = ""


_OP_WORDS = {"gte": "不少于", "gt": "超过", "lte": "不超过", "lt": "少于"}


def requirement(cond: Condition, spec: FactSpec) -> str:
    """What ``cond`` requires, in Chinese (its ``text``, else worded from the operator)."""
    if cond.text:
        return cond.text
    if cond.op == "has":
        return f"须“{spec.choice_label(str(cond.value))}”"
    if cond.op == "has_any":
        return "须为以下之一：" + "、".join(spec.choice_label(v) for v in cond.value)
    if cond.op in ("eq", "in"):
        wanted = (cond.value,) if cond.op == "eq" else tuple(cond.value)
        return f"{spec.label}须为" + "或".join(spec.choice_label(str(v)) for v in wanted)
    if cond.op == "is":
        return f"须{spec.label}" if cond.value else f"须无{spec.label}"
    return f"{spec.label}须{_OP_WORDS[cond.op]}{show_value(spec, cond.value)}"


def check(cond: Condition, facts: Mapping[str, object],
          specs: Mapping[str, FactSpec] | None = None) -> tuple[bool | None, str]:
    """True/False, or None when the fact is unknown; with the Chinese failure message.

    ``specs``: the facts of the rule's vocabulary (default: the package's own).
    """
    if cond.fact not in facts:
        return None, ""
    value = facts[cond.fact]
    spec = (default_vocabulary().facts if specs is None else specs)[cond.fact]
    if cond.op == "has":
        ok = cond.value in value  # type: ignore[operator]
    elif cond.op == "has_any":
        ok = bool(set(cond.value) & set(value))  # type: ignore[call-overload]
    elif cond.op in ("eq", "in"):
        ok = value in ((cond.value,) if cond.op == "eq" else tuple(cond.value))
    elif cond.op == "is":
        ok = value is cond.value
    else:
        number = value if isinstance(value, Decimal) else int(value)  # type: ignore[call-overload]
        ok = {"gte": number >= cond.value, "gt": number > cond.value,
              "lte": number <= cond.value, "lt": number < cond.value}[cond.op]
    return ok, f"{requirement(cond, spec)}（贵单位：{show_value(spec, value)}）"


def _denial(cond: Condition, spec: FactSpec, denied: Mapping[str, Denied]) -> str:
    """Why the owner's own words rule ``cond`` out (合同还没登记, 不是市级的), else ""."""
    said = denied.get(cond.fact)
    if said is None:
        return ""
    if said.values:  # choices denied: every choice the condition accepts must be denied
        if cond.op in ("has", "eq", "has_any", "in"):
            wanted = ({str(cond.value)} if cond.op in ("has", "eq")
                      else {str(v) for v in cond.value})
            if not wanted <= said.values:
                return ""
        elif not (cond.op == "is" and cond.value is True):
            return ""
    elif cond.op == "is" and cond.value is False:
        return ""
    return f"您说“{said.said}”，而本项{requirement(cond, spec)}"


def _applicants(rule: Rule, facts: Mapping[str, object],
                denied: Mapping[str, Denied]) -> tuple[bool | None, str]:
    said = denied.get("applicant_types")
    if said is not None and said.requirement:  # (an award open to anyone in the city too)
        return False, f"您说“{said.said}”，而{said.requirement}"
    if not rule.applicant_types:
        return True, ""
    spec = rule.spec("applicant_types")
    wanted = "、".join(spec.choice_label(t) for t in rule.applicant_types)
    given = facts.get("applicant_types", ())
    if (said is not None and set(rule.applicant_types) <= said.values
            and not set(rule.applicant_types) & set(given)):  # type: ignore[call-overload]
        return False, f"您说“{said.said}”，而本项申报主体须为{wanted}"
    if "applicant_types" not in facts:
        return None, ""
    ok = bool(set(rule.applicant_types) & set(given))  # type: ignore[call-overload]
    return ok, f"申报主体须为{wanted}（贵单位：{show_value(spec, given)}）"


def assess(rule: Rule, facts: Mapping[str, object],
           denied: Mapping[str, Denied] | None = None) -> tuple[list[str], list[str]]:
    """(failed condition messages, missing fact names) of one rule.

    ``denied``: what the owner said is not so (see :class:`Denied`); a condition it rules
    out fails with the owner's words, whether or not the fact is otherwise known.
    """
    denied = denied or {}
    failed: list[str] = []
    missing: list[str] = []
    told: set[str] = set()  # facts whose denial is already said
    ok, message = _applicants(rule, facts, denied)
    if ok is None:
        missing.append("applicant_types")
    elif not ok:
        failed.append(message)
    for cond in rule.conditions:
        ok, message = check(cond, facts, rule.vocabulary.facts)
        if ok is not True and (why := _denial(cond, rule.spec(cond.fact), denied)):
            failed.append(why)
            told.add(cond.fact)
        elif ok is None:
            if not is_window(rule.spec(cond.fact)):  # a window unstated is assumed met
                missing.append(cond.fact)
        elif not ok:
            failed.append(message)
    for name in (rule.base_fact, rule.count_fact, rule.max_fact):
        if name and name not in facts:
            said = denied.get(name)
            if name in told:
                continue
            if said is not None and not said.values:
                quote = rule.citations[0].quote
                failed.append(f"您说“{said.said}”，而本项按{rule.spec(name).label}计算"
                              f"（依据：“{quote}”）")
            else:
                missing.append(name)
    ordered = sorted(dict.fromkeys(missing), key=lambda n: rule.vocabulary.fact_order[n])
    return failed, ordered


def assumed_windows(rule: Rule, facts: Mapping[str, object]) -> list[str]:
    """The time windows of ``rule`` the owner did not state: taken as met, and said so."""
    out: list[str] = []
    for cond in rule.conditions:
        spec = rule.spec(cond.fact)
        if cond.fact not in facts and is_window(spec):
            out.append(f"未说明{spec.label}，按{requirement(cond, spec).removeprefix('须')}计算")
    return out
