"""The parts of a rule entry: its conditions, applicants and figures, read from YAML with
file:line, and the check that its quotes state every figure (for
:mod:`knowledge.awards.rule_schema`)."""

from __future__ import annotations

import re

from knowledge.awards import rule_fields as rf
from knowledge.awards.rules import (
    CONDITION_OPS,
    Condition,
    Rule,
    Share,
    ShareException,
    match_text,
)
from knowledge.money import find_money, find_percents, format_yuan
from knowledge.yamlio import Y

__all__ = ["applicants", "check_figures", "read_condition", "read_figures"]

_OP_KINDS = {"has": ("multi",), "has_any": ("multi",), "eq": ("choice",), "in": ("choice",),
             "is": ("bool",), "gte": ("money", "count", "number"),
             "gt": ("money", "count", "number"), "lte": ("money", "count", "number"),
             "lt": ("money", "count", "number")}


def read_condition(f: rf.File, y: Y) -> Condition | None:
    m = y.mapping
    if m is None or "fact" not in m:
        f.err("条件应写成 {fact: 事实名, has: 选项} 这样的映射", y.line)
        return None
    ops = [k for k in m if k in CONDITION_OPS]
    extra = [k for k in m if k not in CONDITION_OPS and k not in ("fact", "text")]
    if len(ops) != 1 or extra:
        f.err(f"条件需要且只能有一个比较（{'、'.join(CONDITION_OPS)} 之一）"
              + (f"；未知的键“{extra[0]}”" if extra else ""), y.line)
        return None
    op = ops[0]
    name = rf.fact(f, m["fact"], _OP_KINDS[op], f"条件 {op}")
    if not name:
        return None
    spec, raw = f.vocabulary.facts[name], m[op]
    allowed = [v for v, _ in spec.choices]
    valid = f"可用的选项：{'、'.join(allowed)}"
    value: object = raw.value
    if op in ("has", "eq"):
        if value not in allowed:
            f.err(f"“{value}”不是事实“{name}”的选项（{valid}；新选项请在 "
                  f"vocabulary/facts.yaml 中声明）", raw.line)
    elif op in ("has_any", "in"):
        items = [i.value for i in raw.sequence or []]
        if not items or any(i not in allowed for i in items):
            unknown = [str(i) for i in items if i not in allowed]
            f.err(f"“{op}”需要事实“{name}”的选项列表"
                  + (f"；未知的选项：{'、'.join(unknown)}" if unknown else "")
                  + f"（{valid}；新选项请在 vocabulary/facts.yaml 中声明）", raw.line)
        value = tuple(items)
    elif op == "is":
        if not isinstance(value, bool):
            f.err("“is”只能是 true 或 false", raw.line)
    elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
        f.err(f"“{op}”需要一个不小于 0 的整数（金额类事实以元计，如 200万元 写 2000000）",
              raw.line)
    text = str(m["text"].value) if "text" in m else ""
    return Condition(name, op, value, text, y.line)


def applicants(f: rf.File, y: Y | None) -> tuple[str, ...]:
    if y is None or y.value == "any":
        return ()
    values = f.vocabulary.choice_values("applicant_types")
    items = [i.value for i in y.sequence or []]
    if not items or any(i not in values for i in items):
        f.err(f"applicant_types 应是 any 或以下选项的列表：{'、'.join(sorted(values))}"
              f"（新选项请在 vocabulary/facts.yaml 中声明）", y.line)
        return ()
    return tuple(str(i) for i in items)


def read_figures(f: rf.File, m: dict[str, Y], kind: str, fields: dict[str, object]) -> None:
    """A rule's amounts, rate, facts, ratio and shares (with their exceptions)."""
    for key in ("amount_yuan", "max_yuan", "min_yuan", "cap_yuan", "unit_yuan"):
        if key in m:
            fields[key] = rf.yuan(f, m[key], key)
    if "rate_percent" in m:
        fields["rate_percent"] = rf.percent(f, m["rate_percent"], "rate_percent")
    for key, kinds in (("base_fact", ("money",)), ("count_fact", ("count",)),
                       ("max_fact", ("money",)), ("granted_fact", ("money",)),
                       ("asked_level_fact", ("choice",))):
        if key in m:
            fields[key] = rf.fact(f, m[key], kinds, key)
    if "up_to" in m:
        fields["result_is_max"] = m["up_to"].value is True
    if kind == "up_to" and ("max_yuan" in m) == ("max_fact" in m):
        f.err("up_to 类规则需要且只能有 max_yuan 和 max_fact 之一", m["kind"].line)
    if "ratio" in m:
        fields["ratio"] = _ratio(f, m["ratio"])
    if "shares" in m:
        fields["shares"] = _shares(f, m["shares"])
    exceptions = []
    for item in rf.seq(f, m.get("exceptions"), "exceptions"):
        exception = _share_exception(f, item)
        if exception is not None:
            exceptions.append(exception)
            fields["share_fact"] = exception.condition.fact
    fields["share_exceptions"] = tuple(exceptions)


def _ratio(f: rf.File, y: Y) -> str:
    ratio = str(y.value)
    if not re.fullmatch(r"\d+:\d+", ratio) or ratio.startswith("0") or ratio.endswith(":0"):
        f.err("ratio 应写成带引号的 \"1:1\" 形式", y.line)
    return ratio


def _share_exception(f: rf.File, y: Y) -> ShareException | None:
    em = rf.keys(f, y, {"when", "shares"}, {"when", "shares", "note"}, "exceptions 条目")
    if em is None:
        return None
    cond = read_condition(f, em["when"]) if "when" in em else None
    if cond is None or "shares" not in em:
        return None
    return ShareException(cond, _shares(f, em["shares"]),
                          str(em["note"].value) if "note" in em else "")


def _shares(f: rf.File, y: Y) -> tuple[Share, ...]:
    m = y.mapping
    if not m:
        f.err("shares 应把每一级映射到百分数，例如 {省级: 50, 市级: 25}", y.line)
        return ()
    shares = tuple(Share(level, rf.percent(f, v, f"shares.{level}")) for level, v in m.items())
    if sum(s.percent for s in shares) != 100:
        f.err(f"shares 合计应为 100%，现为 {sum(s.percent for s in shares)}%", y.line)
    return shares


def check_figures(f: rf.File, rule: Rule) -> None:
    """Each figure of a rule must be stated in one of its quotes (catches typos)."""
    quotes = [match_text(c.quote) for c in rule.citations]
    money = {m.yuan for q in quotes for m in find_money(q)}
    percents = {p for q in quotes for p in find_percents(q)}
    wanted = [(getattr(rule, k), k) for k in ("amount_yuan", "max_yuan", "min_yuan", "cap_yuan",
                                              "unit_yuan")]
    wanted += [(c.value, f"条件 {c.fact} 的金额") for c in rule.conditions
               if c.op in ("gte", "gt", "lte", "lt") and rule.spec(c.fact).kind == "money"
               and c.value]
    for value, what in wanted:
        if value is not None and value not in money:
            f.err(f"{what} {format_yuan(value)} 在规则“{rule.id}”的引文中都找不到：请核对"
                  f"金额（以元计），或把写明该金额的原文加入 citations", rule.line)
    rates = [(rule.rate_percent, "rate_percent")] if rule.rate_percent is not None else []
    rates += [(s.percent, f"分担比例 {s.level}") for s in rule.shares]
    rates += [(s.percent, f"分担比例 {s.level}") for e in rule.share_exceptions
              for s in e.shares]
    for rate, what in rates:
        if rate not in percents:
            f.err(f"{what} {rate}% 在规则“{rule.id}”的引文中都找不到：请核对比例，或把写明"
                  f"该比例的原文加入 citations", rule.line)
    if rule.ratio and not any(rule.ratio in q for q in quotes):
        f.err(f"ratio {rule.ratio} 在规则“{rule.id}”的引文中都找不到：请核对配套比例，或把"
              f"写明该比例的原文加入 citations", rule.line)
