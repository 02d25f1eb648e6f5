"""The calculator: golden estimates, invariants (hypothesis), the interview API."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from knowledge.awards.calculator import candidate_rules, evaluate, next_questions
from knowledge.awards.facts import FACTS
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.errors import FactError
from knowledge.goldens.estimates import EstimateCase, check_case, load_estimate_cases
from knowledge.sources.base import load_knowledge

KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
KB = load_knowledge(KNOWLEDGE)
# with the knowledge base's metadata (repeals, supersessions), as the engine loads them
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", KB.clause, KB.document)
CASES = load_estimate_cases(KNOWLEDGE / "cases" / "estimates.yaml")
IN_FORCE = date(2020, 6, 1)  # all four seed documents in force
TODAY = date(2025, 6, 1)  # 58号 expired


# -- golden cases ---------------------------------------------------------------------------
@pytest.mark.parametrize("case", CASES, ids=[f"L{c.line}" for c in CASES])
def test_golden_estimate(case: EstimateCase) -> None:
    assert check_case(RULESET, case) == [], case.name


def test_every_rule_has_a_golden_case() -> None:
    named = {rule_id for case in CASES for rule_id in case.expect.get("items", {})}
    merged = set()
    for rule in RULESET.rules:
        if any(r.id in named for r in RULESET.group(rule)):
            merged.add(rule.id)
    assert sorted(r.id for r in RULESET.rules if r.id not in merged) == []


def test_golden_check_reports_a_wrong_expectation() -> None:
    case = next(c for c in CASES if c.name.startswith("购买技术300万元"))
    wrong = dataclasses.replace(case, expect={"total_yuan": 600_000, "items": {
        "d58_tech_purchase": {"amount_yuan": 600_000, "cites": ["威政办字〔2018〕107号"]}}})
    problems = check_case(RULESET, wrong)
    assert len(problems) == 3 and "total_yuan 500000 != 600000" in problems[0]


# -- outcomes and the estimate JSON ---------------------------------------------------------
def test_estimate_json_shape() -> None:
    data = evaluate(RULESET, {"applicant_types": ["enterprise"],
                              "registered_tech_purchase_yuan": 3_000_000},
                    IN_FORCE, ["d58_tech_purchase"]).to_json()
    assert set(data) == {"as_of", "total_yuan", "items", "missing", "warnings"}
    item = data["items"][0]
    assert item["outcome"] == "eligible" and item["amount_yuan"] == 500_000
    assert item["explanation"].startswith(
        "300万元 × 20% = 60万元，超过每家企业每年最高50万元，按50万元计")
    assert item["citations"][0]["doc_number"] == "威科字〔2018〕58号"
    assert {"rule_id", "label", "citations", "in_force"} <= set(item)


def test_unknown_facts_are_never_zero() -> None:
    estimate = evaluate(RULESET, {}, IN_FORCE)
    assert estimate.total_yuan == 0
    assert {i.outcome for i in estimate.items} == {"need_info"}
    assert estimate.missing[0] == "applicant_types"
    first = estimate.to_json()["missing"][0]
    assert first == {"fact": "applicant_types", "question": FACTS["applicant_types"].question}


@pytest.mark.parametrize(("on", "docs", "said"), [
    (IN_FORCE, ["威政办字〔2018〕106号", "威政办字〔2018〕107号"], "只计一次"),
    (date(2023, 4, 6), ["威政办字〔2018〕106号", "威政办字〔2018〕107号"], "只计一次"),
    # 107号 repealed on 2023-04-07: the award stands on 106号, which alone is cited
    (date(2023, 4, 7), ["威政办字〔2018〕106号"], "该文件已于2023-04-07废止"),
    (TODAY, ["威政办字〔2018〕106号"], "该文件已于2023-04-07废止"),
], ids=["2020", "eve-of-repeal", "repeal-day", "2025"])
def test_overlap_is_one_item(on: date, docs: list[str], said: str) -> None:
    facts = {"applicant_types": ["incubator"], "incubation_titles": ["incubator_national"]}
    estimate = evaluate(RULESET, facts, on, ["d107_incubator_national",
                                             "d106_incubator_national"])
    assert len(estimate.items) == 1 and estimate.total_yuan == 2_000_000
    assert [c.doc_number for c in estimate.items[0].citations] == docs
    assert said in estimate.items[0].explanation and estimate.items[0].in_force
    # where the award was also read from stays known (an answer on that clause finds it)
    assert [c.doc_number for c in estimate.items[0].repealed_citations] == (
        [] if len(docs) == 2 else ["威政办字〔2018〕107号"])


def test_conflict_is_never_summed_and_explained() -> None:
    facts = {"applicant_types": ["service_institution"], "transfer_titles": ["tt_demo_provincial"]}
    item = evaluate(RULESET, facts, IN_FORCE).item("d58_tt_provincial")
    assert item is not None and item.amount_yuan == 1_000_000
    assert item.conflicts[0]["figure"] == "30万元" and "效力高于" in item.conflicts[0]["reason"]
    all_rules = evaluate(RULESET, facts, IN_FORCE)
    assert all_rules.total_yuan == 1_000_000


def test_bad_facts_raise_fact_error() -> None:
    for facts in ({"registered_tech_purchase_yuan": -1}, {"results_transferred": 10**9},
                  {"colour": "red"}, {"applicant_types": ["robot"]}):
        with pytest.raises(FactError):
            evaluate(RULESET, facts, IN_FORCE)
    with pytest.raises(KeyError):
        evaluate(RULESET, {}, IN_FORCE, ["no_such_rule"])


def test_next_questions_most_settling_fact_first() -> None:
    specs = next_questions(RULESET, {}, IN_FORCE, ["d58_intermediary_turnover"])
    assert [s.name for s in specs] == ["applicant_types", "results_transferred",
                                       "tt_contract_turnover_yuan"]
    after = next_questions(RULESET, {"applicant_types": ["enterprise"]}, IN_FORCE,
                           ["d58_intermediary_turnover"])
    assert after == []  # an enterprise is not a transfer institution: settled
    rnd = next_questions(RULESET, {"applicant_types": ["enterprise"], "has_rnd_spending": True},
                         IN_FORCE, ["d32_rnd_subsidy"])
    assert [s.name for s in rnd] == ["district"]  # optional, refines the split
    specs = next_questions(RULESET, {}, IN_FORCE)
    counts = [s.name for s in specs]
    assert counts[0] == "applicant_types" and len(counts) == len(set(counts))


def test_next_questions_ask_what_an_award_in_force_waits_for() -> None:
    # a provincial brand incubator in 2026: the province's funds, not the incubatees'
    # upgrades (107号 repealed in 2023); asked about 2022, both wait
    facts = {"applicant_types": frozenset({"incubator"}),
             "incubation_titles": frozenset({"brand_incubator_sd"})}
    ids = ["d106_brand_incubator_sd", "d107_incubatee_upgrade"]
    now = [s.name for s in next_questions(RULESET, facts, date(2026, 12, 6), ids)]
    assert now == ["provincial_funds_yuan"]
    then = [s.name for s in next_questions(RULESET, facts, date(2022, 6, 1), ids)]
    assert "incubatees_upgraded" in then and "provincial_funds_yuan" in then
    # once the award in force is granted, the repealed one's facts are not asked
    funded = {**facts, "provincial_funds_yuan": 600_000}
    assert next_questions(RULESET, funded, date(2026, 12, 6), ids) == []


def test_candidate_rules_prefers_named_values() -> None:
    ids = candidate_rules(RULESET, {"incubation_titles": frozenset({"star_maker"})}, {"incubator"})
    assert ids == ["d106_star_maker", "d32_star_maker"]
    assert "d107_incubator_national" in candidate_rules(RULESET, {}, {"incubator"})
    assert candidate_rules(RULESET, {}, set()) == []


@pytest.mark.parametrize(("facts", "excluded", "wanted", "unwanted"), [
    # only a denied title named: that award (to say it is not granted), not its siblings
    ({}, {"incubation_titles": frozenset({"incubator_national"})},
     "d106_incubator_national", "d106_star_maker"),
    # a held title wins over a denied one
    ({"incubation_titles": frozenset({"star_maker"})},
     {"incubation_titles": frozenset({"incubator_national"})},
     "d106_star_maker", "d106_incubator_national"),
])
def test_candidate_rules_for_a_denied_title(facts: dict[str, object],
                                            excluded: dict[str, frozenset[str]],
                                            wanted: str, unwanted: str) -> None:
    ids = candidate_rules(RULESET, facts, {"incubator"}, excluded)
    assert wanted in ids
    assert unwanted not in ids


def test_to_json_is_plain_json() -> None:
    import json

    facts = {"applicant_types": ["enterprise"], "has_rnd_spending": True}
    text = json.dumps(evaluate(RULESET, facts, IN_FORCE).to_json(), ensure_ascii=False)
    assert "省级50%" in text


# -- invariants -----------------------------------------------------------------------------
MONEY = st.integers(min_value=0, max_value=10**10)
COUNT = st.integers(min_value=0, max_value=1000)


def _multi(name: str) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from([v for v, _ in FACTS[name].choices]), unique=True)


PROFILE = st.fixed_dictionaries({}, optional={
    "applicant_types": _multi("applicant_types"),
    "platform_titles": _multi("platform_titles"),
    "incubation_titles": _multi("incubation_titles"),
    "transfer_titles": _multi("transfer_titles"),
    "enterprise_titles": _multi("enterprise_titles"),
    "region_titles": _multi("region_titles"),
    "activities": _multi("activities"),
    "incubatees_upgraded": COUNT, "results_transferred": COUNT, "patent_grants": COUNT,
    "tt_contract_turnover_yuan": MONEY, "registered_tech_purchase_yuan": MONEY,
    "provincial_funds_yuan": MONEY, "county_st_funds_yuan": MONEY,
    "county_contribution_yuan": MONEY, "has_rnd_spending": st.booleans(),
    "district": st.sampled_from([v for v, _ in FACTS["district"].choices]),
})
DATES = st.dates(min_value=date(2018, 1, 1), max_value=date(2030, 12, 31))
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(PROFILE, DATES)
def test_amounts_never_negative_nor_above_caps(facts: dict[str, object], on: date) -> None:
    estimate = evaluate(RULESET, facts, on)
    total = 0
    for item in estimate.items:
        rule = RULESET.get(item.rule_id)
        assert rule is not None
        for value in (item.amount_yuan, item.max_yuan, item.min_yuan):
            assert value is None or value >= 0
        if rule.cap_yuan is not None:
            assert (item.amount_yuan or 0) <= rule.cap_yuan
            assert (item.max_yuan or 0) <= rule.cap_yuan
        if item.outcome != "eligible":
            assert item.amount_yuan is None and item.max_yuan is None
        if item.outcome == "eligible" and item.in_force and item.amount_yuan is not None:
            total += item.amount_yuan
        if item.outcome == "need_info":
            assert item.missing and all(name not in facts for name in item.missing)
    assert estimate.total_yuan == total


@FAST
@given(PROFILE, DATES)
def test_same_facts_same_estimate(facts: dict[str, object], on: date) -> None:
    shuffled = {k: (list(reversed(v)) if isinstance(v, list) else v)
                for k, v in reversed(list(facts.items()))}
    assert evaluate(RULESET, facts, on).to_json() == evaluate(RULESET, shuffled, on).to_json()


PERCENTAGE_RULES = [r.id for r in RULESET.rules if r.kind in ("percentage", "matching")]


@FAST
@given(st.sampled_from(PERCENTAGE_RULES), MONEY, MONEY)
def test_monotonic_in_the_base_up_to_the_cap(rule_id: str, low: int, high: int) -> None:
    low, high = sorted((low, high))
    rule = RULESET.get(rule_id)
    assert rule is not None and rule.base_fact is not None
    fact = rule.base_fact
    base = {"applicant_types": list(rule.applicant_types) or ["enterprise"],
            "results_transferred": 10, "incubation_titles": ["brand_incubator_sd"]}

    def amount(value: int) -> int:
        item = evaluate(RULESET, {**base, fact: value}, IN_FORCE, [rule_id]).items[0]
        return item.amount_yuan or item.max_yuan or 0 if item.outcome == "eligible" else 0

    a, b = amount(low), amount(high)
    assert a <= b
    if rule.cap_yuan is not None:
        assert b <= rule.cap_yuan


@FAST
@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=0, max_value=1000))
def test_per_unit_monotonic_and_capped(low: int, high: int) -> None:
    low, high = sorted((low, high))

    def amount(count: int) -> int:
        facts = {"applicant_types": ["incubator"], "incubation_titles": ["incubator_city"],
                 "incubatees_upgraded": count}
        item = evaluate(RULESET, facts, IN_FORCE, ["d107_incubatee_upgrade"]).items[0]
        return item.amount_yuan or 0

    assert amount(low) <= amount(high) <= 1_000_000
    assert amount(low) == min(low * 100_000, 1_000_000)
