"""Golden estimates (``knowledge/cases/estimates.yaml``): staff-readable expected amounts.

Each case gives a profile (``facts``) or a ``question``, an ``as_of`` date and what the
estimate must say::

    - name: 企业牵头组建的市级试点技术创新中心可得200万元，107号和106号只计一次
      as_of: 2024-06-01
      facts: {applicant_types: [enterprise], platform_titles: [tech_centre_city_pilot]}
      rules: [d107_tech_centre_city_enterprise]     # optional: only these rules (+ groups)
      expect:
        total_yuan: 2000000
        items:
          d107_tech_centre_city_enterprise:
            outcome: eligible
            amount_yuan: 2000000
            cites: [威政办字〔2018〕107号, 威政办字〔2018〕106号]

Item keys (all optional): ``outcome``, ``amount_yuan``, ``max_yuan``, ``min_yuan``,
``in_force``, ``cites`` (document numbers that must all be cited), ``missing`` (fact
names), ``explanation_contains``, ``failed_contains``.  Case keys: ``total_yuan``,
``missing`` (facts the estimate asks for), ``warnings_contain``.  A rule id also finds the
item it was merged into (same award in another document).  With ``question`` the facts,
date (unless ``as_of`` is given) and rules come from
:func:`knowledge.reading.extraction.extract_facts` with ``today`` (default ``as_of``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from knowledge.awards.calculator import Estimate, Item, evaluate
from knowledge.awards.rules import RuleSet
from knowledge.errors import KnowledgeError
from knowledge.money import format_yuan
from knowledge.reading.estimate import estimate_question
from knowledge.reading.extraction import extract_facts
from knowledge.yamlio import Y, load_yaml

CASE_KEYS = {"name", "as_of", "today", "facts", "question", "rules", "expect"}
EXPECT_KEYS = {"total_yuan", "items", "missing", "warnings_contain"}
ITEM_KEYS = {"outcome", "amount_yuan", "max_yuan", "min_yuan", "in_force", "cites", "missing",
             "explanation_contains", "failed_contains", "absent"}


@dataclass(frozen=True)
class EstimateCase:
    name: str
    expect: dict[str, Any]
    as_of: date | None = None
    today: date | None = None
    facts: dict[str, Any] = field(default_factory=dict)
    question: str | None = None
    rules: tuple[str, ...] | None = None
    line: int = 0


def _plain(y: Y) -> Any:
    if isinstance(y.value, dict):
        return {k: _plain(v) for k, v in y.value.items()}
    if isinstance(y.value, list):
        return [_plain(v) for v in y.value]
    return y.value


def _date(y: Y | None, path: Path) -> date | None:
    if y is None:
        return None
    if not isinstance(y.value, date):
        raise KnowledgeError("日期应写成 YYYY-MM-DD", path, y.line)
    return y.value


def load_estimate_cases(path: Path) -> list[EstimateCase]:
    """Read and check the case file; KnowledgeError with file and line when malformed."""
    root = load_yaml(path)
    cases: list[EstimateCase] = []
    for y in root.sequence or []:
        m = y.mapping
        if m is None or "name" not in m or "expect" not in m:
            raise KnowledgeError("每个案例需要 name 和 expect", path, y.line)
        unknown = set(m) - CASE_KEYS
        if unknown or ("facts" in m) == ("question" in m):
            raise KnowledgeError(f"facts 和 question 需要且只能写一个；未知的键："
                                 f"{'、'.join(sorted(unknown)) or '无'}", path, y.line)
        expect = _plain(m["expect"])
        bad = set(expect) - EXPECT_KEYS
        bad |= {k for item in expect.get("items", {}).values() for k in item} - ITEM_KEYS
        if bad:
            raise KnowledgeError(f"expect 中有未知的键：{'、'.join(sorted(bad))}", path, y.line)
        if "as_of" not in m and "question" not in m:
            raise KnowledgeError("按 facts 计算的案例需要 as_of（日期）", path, y.line)
        cases.append(EstimateCase(
            name=str(m["name"].value), expect=expect,
            as_of=_date(m.get("as_of"), path), today=_date(m.get("today"), path),
            facts=_plain(m["facts"]) if "facts" in m else {},
            question=str(m["question"].value) if "question" in m else None,
            rules=tuple(_plain(m["rules"])) if "rules" in m else None,
            line=y.line))
    return cases


def run_case(ruleset: RuleSet, case: EstimateCase) -> Estimate:
    if case.question is not None:
        today = case.today or case.as_of or date.today()
        extraction = extract_facts(case.question, today, ruleset)
        as_of = case.as_of or extraction.as_of or today
        rules = case.rules or extraction.candidate_rules
        # the question's estimate as the bot composes it (years, denials, "如果", an
        # applicant the award is open to alike)
        return estimate_question(ruleset, case.question, today, list(rules), extraction, as_of)
    assert case.as_of is not None
    return evaluate(ruleset, case.facts, case.as_of, case.rules)


def check_case(ruleset: RuleSet, case: EstimateCase) -> list[str]:
    """Differences between the estimate and the expectation (empty: the case passes)."""
    return [en for en, _ in differences(ruleset, case)]


def check_case_zh(ruleset: RuleSet, case: EstimateCase) -> list[str]:
    """The same differences in Chinese, each naming the item and the figure (kb check)."""
    return [zh for _, zh in differences(ruleset, case)]


def _yuan(value: Any) -> str:
    return format_yuan(int(value)) if isinstance(value, int) else str(value)


def differences(ruleset: RuleSet, case: EstimateCase) -> list[tuple[str, str]]:
    """Each difference as (English, Chinese)."""
    estimate = run_case(ruleset, case)
    data = estimate.to_json()
    problems = _case_differences(data, case.expect)
    for rule_id, want in case.expect.get("items", {}).items():
        item = estimate.item(rule_id)
        if want.get("absent"):
            if item is not None:
                problems.append((f"{rule_id}: expected no item, got {item.outcome}",
                                 f"{rule_id}：不应出现，实际为 {item.outcome}"))
            continue
        if item is None:
            problems.append((f"{rule_id}: no item in the estimate",
                             f"{rule_id}：估算中没有这一项"))
            continue
        problems.extend(_item_differences(rule_id, want, item))
    return problems


def _case_differences(data: dict[str, Any], exp: dict[str, Any]) -> list[tuple[str, str]]:
    """The total, the facts asked for and the warnings, against the case's ``expect``."""
    problems: list[tuple[str, str]] = []
    if "total_yuan" in exp and data["total_yuan"] != exp["total_yuan"]:
        problems.append((f"total_yuan {data['total_yuan']} != {exp['total_yuan']}",
                         f"合计为{_yuan(data['total_yuan'])}，标准答案为{_yuan(exp['total_yuan'])}"))
    if "missing" in exp and [m["fact"] for m in data["missing"]] != exp["missing"]:
        got_missing = [m["fact"] for m in data["missing"]]
        problems.append((f"missing {got_missing} != {exp['missing']}",
                         f"需补充的信息为 {got_missing}，标准答案为 {exp['missing']}"))
    for text in exp.get("warnings_contain", []):
        if not any(text in w for w in data["warnings"]):
            problems.append((f"no warning contains “{text}”: {data['warnings']}",
                             f"提示中没有“{text}”"))
    return problems


def _item_differences(rule_id: str, want: dict[str, Any], item: Item
                      ) -> list[tuple[str, str]]:
    """One item of the estimate against what the case expects of it."""
    problems: list[tuple[str, str]] = []
    got = item.to_json()
    for key in ("outcome", "amount_yuan", "max_yuan", "min_yuan", "in_force"):
        if key in want and got.get(key) != want[key]:
            shown = _yuan if key.endswith("_yuan") else str
            problems.append((f"{rule_id}: {key} {got.get(key)!r} != {want[key]!r}",
                             f"{rule_id}（{item.label}）：{ZH_KEYS[key]}为"
                             f"{shown(got.get(key))}，标准答案为{shown(want[key])}"))
    cited = {c["doc_number"] for c in got["citations"]}
    for doc in want.get("cites", []):
        if doc not in cited:
            problems.append((f"{rule_id}: does not cite {doc} (cites {sorted(cited)})",
                             f"{rule_id}（{item.label}）：没有引用{doc}"
                             f"（引用的是{'、'.join(sorted(cited))}）"))
    if "missing" in want and got.get("missing", []) != want["missing"]:
        problems.append((f"{rule_id}: missing {got.get('missing', [])} != {want['missing']}",
                         f"{rule_id}：需补充 {got.get('missing', [])}，标准答案为 "
                         f"{want['missing']}"))
    hint = want.get("explanation_contains")
    if hint is not None and hint not in got["explanation"]:
        problems.append((f"{rule_id}: explanation “{got['explanation']}” lacks "
                         f"“{want['explanation_contains']}”",
                         f"{rule_id}（{item.label}）：说明“{got['explanation']}”中没有“{hint}”"))
    if "failed_contains" in want and not any(
            want["failed_contains"] in f for f in got.get("failed", [])):
        problems.append((f"{rule_id}: failed {got.get('failed')} lacks "
                         f"“{want['failed_contains']}”",
                         f"{rule_id}（{item.label}）：不符合的原因中没有“{want['failed_contains']}”"))
    return problems


ZH_KEYS = {"outcome": "结果", "amount_yuan": "金额", "max_yuan": "最高金额",
           "min_yuan": "最低金额", "in_force": "是否有效"}
