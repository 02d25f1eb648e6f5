"""Rule files: schema, quotes checked against the clause text, loading all or nothing."""

from __future__ import annotations

import textwrap
from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.loading import check_rules, load_rules
from knowledge.awards.rules import RuleSet, match_text
from knowledge.errors import RuleError
from knowledge.model import DocumentMeta
from knowledge.sources.base import KnowledgeBase, load_knowledge

DOC = "威政办字〔2018〕107号"
CLAUSES = {
    (DOC, "二、（四）1."): "推进技术研发和转移机构建设。对列入市级试点技术创新中心的，"
                         "企业牵头组建的给予200万元资金补助，"
                         "高校院所等公益性单位牵头组建的给予300万元资金补助。",
    (DOC, "二、（四）2."): "对市级以上科技企业孵化器和众创空间，在孵企业在3年孵化期内"
                         "每成功升级1家高新技术企业，给予所在孵化器和众创空间奖励10万元，"
                         "每家每年最高奖励100万元。",
}
HEADER = f"""\
document:
  doc_number: {DOC}
  authority: 市政府
  issued: 2018-11-27
  effective_until: null
rules:
"""
GOOD_RULE = """\
  - id: r_ok
    label: 市级试点技术创新中心（企业牵头）
    kind: fixed
    amount_yuan: 2000000
    applicant_types: [enterprise]
    conditions:
      - {fact: platform_titles, has: tech_centre_city_pilot}
    citations:
      - clause_path: 二、（四）1.
        quote: 企业牵头组建的给予200万元资金补助
"""


def clause_text(doc_number: str, path: str) -> str | None:
    return CLAUSES.get((doc_number, path))


def write(folder: Path, name: str, body: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(needle)


def problem(folder: Path) -> RuleError:
    with pytest.raises(RuleError) as info:
        load_rules(folder, clause_text)
    return info.value


# -- the shipped rules ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def kb(knowledge_dir: Path) -> KnowledgeBase:
    return load_knowledge(knowledge_dir)


@pytest.fixture(scope="module")
def ruleset(kb: KnowledgeBase, knowledge_dir: Path) -> RuleSet:
    return load_rules(knowledge_dir / "rules", kb.clause, kb.document)


def test_every_shipped_quote_is_found_in_its_indexed_clause(kb: KnowledgeBase,
                                                            ruleset: RuleSet) -> None:
    assert len(ruleset.rules) >= 60
    for rule in ruleset.rules:
        for cite in rule.citations:
            text = kb.clause(cite.doc_number, cite.clause_path)
            assert text is not None, (rule.id, cite.clause_path)
            assert match_text(cite.quote) in match_text(text), (rule.id, cite.quote)
    for entry in ruleset.not_awards:
        text = kb.clause(entry.doc_number, entry.clause_path)
        assert text is not None and match_text(entry.quote) in match_text(text)


def test_shipped_validity_matches_the_knowledge_base(kb: KnowledgeBase, ruleset: RuleSet) -> None:
    for number, doc in ruleset.documents.items():
        meta = kb.document(number)
        assert meta is not None
        assert doc.start == (meta.effective_from or meta.issued)
        assert doc.meta.effective_until == meta.effective_until
    assert ruleset.documents["威科字〔2018〕58号"].meta.effective_until == date(2021, 11, 10)


# The list of awards (a floor): rule id → kind and figure in yuan.
CATALOGUE = {
    "d107_tech_centre_city_enterprise": ("fixed", 2_000_000),
    "d107_tech_centre_city_public": ("fixed", 3_000_000),
    "d106_tech_centre_national": ("fixed", 10_000_000),
    "d106_tech_centre_provincial": ("fixed", 5_000_000),
    "d107_intl_coop_national": ("fixed", 1_000_000),
    "d107_intl_coop_provincial": ("fixed", 500_000),
    "d107_new_rnd_institution": ("up_to", 2_000_000),
    "d107_tt_demo_national": ("fixed", 2_000_000),
    "d107_tt_demo_provincial": ("fixed", 1_000_000),
    "d107_tech_market_award_national": ("fixed", 200_000),
    "d107_tech_market_award_provincial": ("fixed", 100_000),
    "d106_incubator_national": ("fixed", 2_000_000),
    "d106_maker_space_national": ("fixed", 2_000_000),
    "d107_brand_incubator_sd": ("matching", None),
    "d107_contest_host": ("up_to", 1_000_000),
    "d107_incubatee_upgrade": ("per_unit", 100_000),
    "d107_univ_park_provincial": ("fixed", 1_000_000),
    "d107_univ_park_national": ("fixed", 3_000_000),
    "d107_hitech_first": ("fixed", 200_000),
    "d107_hitech_renewal": ("fixed", 100_000),
    "d107_advanced_tech_service": ("fixed", 200_000),
    "d107_patent_agency": ("up_to", 200_000),
    "d107_patent_ops_pilot": ("up_to", 1_000_000),
    "d107_overseas_rnd_service": ("fixed", 1_000_000),
    "d32_innovative_county": ("fixed", 5_000_000),
    "d32_innovative_town": ("fixed", 1_000_000),
    "d32_rnd_subsidy": ("cost_sharing", 10_000_000),
    "d106_clinical_centre_city": ("fixed", 1_000_000),
    "d106_clinical_centre_upgraded": ("fixed", 2_000_000),
    "d106_star_maker": ("fixed", 1_000_000),
    "d58_intermediary_turnover": ("percentage", None),
    "d58_registered_excellent": ("up_to", 500_000),
    "d58_tt_national": ("fixed", 2_000_000),
    "d58_tt_provincial": ("fixed", 300_000),
    "d58_matchmaking_event": ("up_to", 500_000),
    "d58_broker_programme": ("up_to", 1_000_000),
    "d58_tech_purchase": ("percentage", None),
    "d32_science_envoy": ("at_least", 100_000),
    "d32_county_allocation": ("percentage", None),
}


@pytest.mark.parametrize("rule_id", sorted(CATALOGUE))
def test_catalogue_floor(ruleset: RuleSet, rule_id: str) -> None:
    rule = ruleset.get(rule_id)
    assert rule is not None
    kind, figure = CATALOGUE[rule_id]
    assert rule.kind == kind
    if figure is not None:
        assert figure in (rule.amount_yuan, rule.max_yuan, rule.min_yuan, rule.unit_yuan)


def test_percentage_rules_carry_rate_cap_and_thresholds(ruleset: RuleSet) -> None:
    middleman = ruleset.get("d58_intermediary_turnover")
    purchase = ruleset.get("d58_tech_purchase")
    assert middleman is not None and purchase is not None
    assert middleman.rate_percent == 3 and middleman.cap_yuan == 500_000
    assert {(c.fact, c.op, c.value) for c in middleman.conditions} == {
        ("results_transferred", "gte", 3), ("tt_contract_turnover_yuan", "gte", 2_000_000)}
    assert purchase.rate_percent == 20 and purchase.cap_yuan == 500_000
    upgrade = ruleset.get("d107_incubatee_upgrade")
    assert upgrade is not None and upgrade.cap_yuan == 1_000_000


def test_rules_json_lists_each_rule_with_its_facts(ruleset: RuleSet) -> None:
    data = ruleset.to_json()
    by_id = {r["id"]: r for r in data["rules"]}
    assert by_id["d58_tech_purchase"]["facts"] == ["applicant_types",
                                                   "registered_tech_purchase_yuan"]
    assert ruleset.required_facts("d58_tech_purchase") == by_id["d58_tech_purchase"]["facts"]
    assert by_id["d32_rnd_subsidy"]["optional_facts"] == ["district"]
    assert all(r["citations"] and r["label"] for r in data["rules"])
    assert "applicant_types" in data["facts"]


def test_missing_rules_folder_is_an_empty_rule_set(tmp_path: Path) -> None:
    assert load_rules(tmp_path / "nope", clause_text).rules == ()


# -- schema and quotes, with a dict of clause texts -----------------------------------------
def test_a_valid_file_loads(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEADER + GOOD_RULE)
    ruleset = load_rules(tmp_path, clause_text)
    rule = ruleset.get("r_ok")
    assert rule is not None and rule.amount_yuan == 2_000_000
    assert rule.in_force(date(2020, 1, 1)) and not rule.in_force(date(2018, 1, 1))
    assert rule.citations[0].to_json() == {"doc_number": DOC, "clause_path": "二、（四）1.",
                                           "quote": "企业牵头组建的给予200万元资金补助"}


def test_unknown_key_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", HEADER + GOOD_RULE.replace("    kind: fixed\n",
                                                                "    kind: fixed\n    amout: 1\n"))
    err = problem(tmp_path)
    assert err.file == "a/a.yaml" or (err.file or "").endswith("a.yaml")
    assert err.line == line_of(path, "amout")
    assert "未知的键“amout”" in str(err)


@pytest.mark.parametrize(("value", "each_time"), [("true", True), ("false", False)])
def test_an_award_paid_each_time_it_is_obtained(tmp_path: Path, value: str,
                                                each_time: bool) -> None:
    write(tmp_path, "a.yaml", HEADER + GOOD_RULE.replace(
        "    kind: fixed\n", f"    kind: fixed\n    each_time: {value}\n"))
    rule = load_rules(tmp_path, clause_text).get("r_ok")
    assert rule is not None and rule.each_time is each_time


def test_each_time_must_be_true_or_false(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", HEADER + GOOD_RULE.replace(
        "    kind: fixed\n", "    kind: fixed\n    each_time: 每次\n"))
    err = problem(tmp_path)
    assert "“each_time”只能是 true 或 false" in err.message
    assert err.line == line_of(path, "each_time")


def test_money_must_be_integer_yuan(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEADER + GOOD_RULE.replace("2000000", '"200万元"'))
    assert "以元计的正整数" in problem(tmp_path).message


def test_unknown_fact_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", HEADER + GOOD_RULE.replace("fact: platform_titles",
                                                                "fact: platform_title"))
    err = problem(tmp_path)
    assert "事实“platform_title”未定义" in err.message
    assert err.line == line_of(path, "platform_title,")


def test_unknown_choice_is_rejected(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEADER + GOOD_RULE.replace("has: tech_centre_city_pilot",
                                                         "has: tech_center"))
    message = problem(tmp_path).message
    assert "“tech_center”不是事实“platform_titles”的选项" in message
    assert "可用的选项：" in message and "tech_centre_city_pilot" in message
    assert "vocabulary/facts.yaml 中声明" in message


def test_quote_no_longer_in_clause_is_an_error_at_the_quote(tmp_path: Path) -> None:
    path = write(tmp_path, "a.yaml", HEADER + GOOD_RULE.replace("企业牵头组建的给予200万元",
                                                                "企业牵头组建的给予250万元"))
    err = problem(tmp_path)
    assert "找不到原文" in err.message and err.line == line_of(path, "quote:")


def test_missing_clause_is_an_error(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEADER + GOOD_RULE.replace("clause_path: 二、（四）1.",
                                                         "clause_path: 二、（四）9."))
    assert "没有条款“二、（四）9.”" in problem(tmp_path).message


def test_missing_citation_is_an_error(tmp_path: Path) -> None:
    body = GOOD_RULE.split("    citations:")[0]
    write(tmp_path, "a.yaml", HEADER + body)
    assert "缺少“citations”" in problem(tmp_path).message


def test_figure_must_be_stated_in_a_quote(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEADER + GOOD_RULE.replace("2000000", "20000000"))
    message = problem(tmp_path).message
    assert "amount_yuan 2000万元 在规则“r_ok”的引文中都找不到" in message
    assert "加入 citations" in message


def test_duplicated_id_across_files_names_both(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEADER + GOOD_RULE)
    second = write(tmp_path, "b.yaml", HEADER + GOOD_RULE)
    err = problem(tmp_path)
    assert "规则 id“r_ok”重复" in err.message and "a.yaml" in err.message
    assert err.file is not None and err.file.endswith("b.yaml")
    assert err.line == line_of(second, "- id: r_ok")


def test_yaml_syntax_error_and_duplicate_key(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEADER + "  - id: [broken\n")
    assert "YAML 语法错误" in problem(tmp_path).message
    write(tmp_path, "a.yaml", HEADER + GOOD_RULE + "    label: again\n")
    assert "键“label”重复出现" in problem(tmp_path).message


def test_kind_specific_checks(tmp_path: Path) -> None:
    per_unit = """\
  - id: r_unit
    label: 升级奖励
    kind: per_unit
    unit_yuan: 100000
    count_fact: incubatees_upgraded
    cap_yuan: 1000000
    citations:
      - clause_path: 二、（四）2.
        quote: 给予所在孵化器和众创空间奖励10万元，每家每年最高奖励100万元
"""
    write(tmp_path, "a.yaml", HEADER + per_unit)
    assert load_rules(tmp_path, clause_text).get("r_unit") is not None
    write(tmp_path, "a.yaml", HEADER + per_unit.replace("count_fact: incubatees_upgraded",
                                                        "count_fact: tt_contract_turnover_yuan"))
    assert "类型是 money，而“count_fact”需要 count" in problem(tmp_path).message
    write(tmp_path, "a.yaml", HEADER + per_unit.replace("kind: per_unit", "kind: bonus"))
    assert "“kind”应是 fixed、up_to" in problem(tmp_path).message
    assert "现为 'bonus'" in problem(tmp_path).message


def test_one_bad_rule_rejects_the_whole_file_and_counts_problems(tmp_path: Path) -> None:
    bad = GOOD_RULE.replace("r_ok", "r_bad").replace("200万元资金", "999万元资金")
    write(tmp_path, "a.yaml", HEADER + GOOD_RULE + bad + bad.replace("r_bad", "r_bad2"))
    ruleset, problems = check_rules(tmp_path, clause_text)
    assert ruleset is None and len(problems) == 2
    err = problem(tmp_path)
    assert "（另有 1 处问题）" in err.message


def test_same_award_members_must_agree_on_conditions(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEADER + GOOD_RULE + "    same_award: g\n")
    other = GOOD_RULE.replace("r_ok", "r_other").replace("[enterprise]", "[university]")
    write(tmp_path, "b.yaml", HEADER + other + "    same_award: g\n")
    assert "same_award“g”的各条规则" in problem(tmp_path).message
    assert "“r_ok”" in problem(tmp_path).message


def test_validity_is_checked_against_the_knowledge_base(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEADER + GOOD_RULE)
    meta = DocumentMeta(DOC, "t", "i", date(2018, 11, 27), effective_until=date(2020, 1, 1))
    with pytest.raises(RuleError, match=r"与知识库中该文件的元数据.*不一致"):
        load_rules(tmp_path, clause_text, lambda number: meta)
    same = DocumentMeta(DOC, "t", "i", date(2018, 11, 27))
    assert load_rules(tmp_path, clause_text, lambda number: same).get("r_ok") is not None


def test_not_awards_are_validated(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", HEADER + GOOD_RULE + textwrap.dedent("""\
        not_awards:
          - {clause_path: 二、（四）2., quote: 每家每年最高奖励100万元, reason: 示例}
        """))
    assert load_rules(tmp_path, clause_text).not_awards[0].reason == "示例"
    write(tmp_path, "a.yaml", HEADER + GOOD_RULE + textwrap.dedent("""\
        not_awards:
          - {clause_path: 二、（四）2., quote: 每家每年最高奖励100万元}
        """))
    assert "缺少“reason”" in problem(tmp_path).message


# -- kb check for people: closest passage, paths as people type them -------------------------


@pytest.mark.parametrize(
    ("typo", "closest"),
    [("企业牵头组建的给予250万元资金补助", "企业牵头组建的给予200万元资金补助"),
     ("高校院所牵头组建的给予300万元资金补助", "公益性单位牵头组建的给予300万元资金补助")],
    ids=["wrong-figure", "wrong-words"],
)
def test_quote_mismatch_shows_the_closest_passage(tmp_path: Path, typo: str,
                                                  closest: str) -> None:
    write(tmp_path, "a.yaml", HEADER + GOOD_RULE.replace(
        "quote: 企业牵头组建的给予200万元资金补助", f"quote: {typo}"))
    message = problem(tmp_path).message
    assert "找不到原文" in message and "最接近的一段" in message
    shown = message.split("最接近的一段是：“", 1)[1].split("”", 1)[0]
    assert match_text(closest) in shown or shown in match_text(closest), message


@pytest.mark.parametrize(
    "typed", ["二、(四)1.", "二、（四）1．", "二、(四) 1、", "二、（四）1."],
    ids=["half-width-brackets", "full-width-dot", "spaces-and-comma", "canonical"],
)
def test_clause_path_as_people_type_it_is_accepted(tmp_path: Path, typed: str) -> None:
    write(tmp_path, "a.yaml", HEADER + GOOD_RULE.replace("clause_path: 二、（四）1.",
                                                         f"clause_path: \"{typed}\""))
    ruleset, problems = check_rules(tmp_path, clause_text)
    assert not problems and ruleset is not None
    assert [c.clause_path for c in ruleset.rules[0].citations] == ["二、（四）1."]


def test_a_rules_symlink_out_of_the_folder_is_refused_located(tmp_path: Path) -> None:
    from knowledge.awards.loading import check_rules

    rules = tmp_path / "rules"
    rules.mkdir()
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("rules: []\n", encoding="utf-8")
    (rules / "leak.yaml").symlink_to(outside)
    ruleset, problems = check_rules(rules, lambda doc, path: None)
    assert ruleset is None and len(problems) == 1
    assert problems[0].file == "rules/leak.yaml"
    assert "符号链接指向 rules/ 文件夹之外" in problems[0].message
