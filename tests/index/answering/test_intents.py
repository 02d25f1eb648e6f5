"""Engine: the question's intent, named documents, offices and materials.

The real engine over the real knowledge with the hashing embedder, and ``policybot ask
--json`` in-process over the same index.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run_cli

from bot.conversation.presenter import answer_json

ON = date(2026, 11, 24)


@pytest.mark.parametrize(("question", "intent"), [
    ("企业牵头建设市级技术创新中心能获得多少补助？", "amount"),
    ("企业牵头建设市级技术创新中心有补助吗？", "eligibility"),
    ("企业牵头建设市级技术创新中心找哪个部门申请？", "office"),
    ("技术创新中心申请需要什么材料？", "materials"),
    ("威政办字〔2018〕107号还有效吗？", "validity"),
], ids=["amount", "eligibility", "office", "materials", "validity"])
def test_answer_carries_intent(hash_engine: Any, question: str, intent: str) -> None:
    result = answer_json(hash_engine.ask(question, as_of=ON))
    assert result["intent"] == intent and result["matched"] is True


def test_yes_no_question_gets_an_estimate_and_a_bottom_line(hash_engine: Any) -> None:
    result = answer_json(hash_engine.ask("企业牵头建设市级技术创新中心有补助吗？", as_of=ON))
    assert result["estimate"] is not None and result["estimate"]["total_yuan"] == 2_000_000
    assert result["answer_text"].startswith("结论：可以申请")


def test_a_bottom_line_says_when_the_policy_met_is_no_longer_in_force(hash_engine: Any) -> None:
    result = answer_json(hash_engine.ask("今年我们孵化器里有5家在孵企业升成高企了，这块还有钱吗",
                                         as_of=ON))
    assert result["answer_text"].startswith("结论：按您说的情况原本符合")
    assert "现在不能申请" in result["answer_text"].split("\n")[0]


@pytest.mark.parametrize("number", ["威政办字〔2018〕107号", "威政办字[2018]107号",
                                    "威政办字（2018）107号", "威政办字 [2018] 107 号"],
                         ids=["lenticular", "square", "full-width-paren", "spaced"])
def test_a_named_document_restricts_the_hits(hash_engine: Any, number: str) -> None:
    answer = hash_engine.ask(f"{number}对技术创新中心有什么支持？", as_of=ON)
    assert answer.matched and answer.hits
    assert {h.doc_number for h in answer.hits} == {"威政办字〔2018〕107号"}


def test_a_title_names_the_document(hash_engine: Any) -> None:
    answer = hash_engine.ask("加快科技创新平台建设的意见是哪个部门发布的？", as_of=ON)
    assert answer.intent == "issuer"
    assert answer.document is not None and answer.document["doc_number"] == "威政办字〔2018〕106号"
    assert {h.doc_number for h in answer.hits} == {"威政办字〔2018〕106号"}
    assert "由威海市人民政府办公室印发（2018-11-30）" in answer_json(answer)["answer_text"]


@pytest.mark.parametrize(("on", "said"), [
    (date(2022, 6, 1), "按 2022-06-01 判断，未载明有效期（2018年印发），建议向责任单位确认。"),
    (ON, "按 2026-11-24 判断，已废止（2023-04-07 起）。（废止依据：威海市人民政府网站"
         "（weihai.gov.cn）政府文件库“威政办字〔2018〕107号”条目：文件废止时间 2023-04-07）"),
], ids=["before-the-repeal", "after-the-repeal"])
def test_document_question_answers_from_its_metadata(hash_engine: Any, on: date,
                                                     said: str) -> None:
    live = answer_json(hash_engine.ask("威政办字〔2018〕107号还有效吗？", as_of=on))
    assert live["document"]["doc_number"] == "威政办字〔2018〕107号"
    assert live["answer_text"].splitlines()[0] == (
        "《威海市人民政府办公室关于加快科技服务业发展的实施意见》（威政办字〔2018〕107号）："
        + said)
    assert "已失效" not in live["answer_text"].splitlines()[0]  # not 58号's expiry clause
    early = answer_json(hash_engine.ask("威科字(2018)58号还有效吗", as_of=date(2020, 6, 1)))
    late = answer_json(hash_engine.ask("威科字(2018)58号还有效吗", as_of=ON))
    assert early["document"]["validity"] == "in_force_until"
    assert "在有效期内（至 2021-11-10）" in early["answer_text"].splitlines()[0]
    assert "已失效（有效期至 2021-11-10）" in late["answer_text"].splitlines()[0]


def test_office_and_materials_questions(hash_engine: Any) -> None:
    office = answer_json(hash_engine.ask("企业牵头建设市级技术创新中心找哪个部门申请？",
                                         as_of=ON))
    assert office["offices"] == ["市科技局", "各区市政府〔管委〕"]
    assert office["answer_text"].startswith("负责部门：市科技局、各区市政府〔管委〕")
    materials = answer_json(hash_engine.ask("技术创新中心申请需要什么材料？", as_of=ON))
    assert materials["materials_listed"] is False
    assert materials["answer_text"].startswith(
        "现有政策文件没有列出需要提交的申报材料，具体材料请向市科技局、各区市政府〔管委〕咨询。")


def test_policybot_ask_json_document_question(hash_data_dir: Path, capsys: Any) -> None:
    code, out, err = run_cli(["ask", "威政办字[2018]107号还有效吗？", "--json", "--as-of",
                              "2026-11-24", "--embedder", "hash", "--data-dir",
                              str(hash_data_dir)], capsys)
    assert code == 0, err
    result = json.loads(out)
    assert result["intent"] == "validity"
    assert result["document"]["doc_number"] == "威政办字〔2018〕107号"
    assert {h["doc_number"] for h in result["hits"]} == {"威政办字〔2018〕107号"}
    assert "已废止（2023-04-07 起）" in result["answer_text"].splitlines()[0]
    assert result["document"]["repealed_on"] == "2023-04-07"


def test_named_document_in_traditional_script_is_found(engine: Any) -> None:
    """The 文号 is looked for in the normalised question, so traditional script names it too."""
    answer = engine.ask("威政辦字〔2018〕107號還有效嗎？", today=date(2026, 12, 1))
    assert answer.document is not None
    assert answer.document["doc_number"] == "威政办字〔2018〕107号"
    assert all(h.doc_number == "威政办字〔2018〕107号" for h in answer.hits)


# -- what the owner denies: ineligible, saying why ---------------------------------------
@pytest.mark.parametrize(("question", "rule_id", "words"), [
    ("我们公司买了300万的技术，合同还没登记，能补多少？", "d58_tech_purchase", "合同还没登记"),
    ("我们公司的技术创新中心不是市级的，有补助吗？", "d107_tech_centre_city_enterprise",
     "不是市级的"),
], ids=["contract-unregistered", "level-only"])
def test_engine_says_why_a_denied_item_is_ineligible(hash_engine: Any, question: str,
                                                      rule_id: str, words: str) -> None:
    answer = hash_engine.ask(question, as_of=date(2020, 6, 1))
    assert answer.estimate is not None
    item = answer.estimate.item(rule_id)
    assert item is not None and item.outcome == "ineligible", item
    assert "您说“" in item.explanation and words in item.explanation
    assert all(i.outcome != "eligible" for i in answer.estimate.items if i.rule_id == rule_id)
    assert words in answer_json(answer)["answer_text"]


# -- deadline questions: the clause's own words, else say it is not stated -----------------
@pytest.mark.parametrize(("question", "office", "annual"), [
    ("企业购买技术什么时候申报？", "威海市科学技术局", "每家企业每年奖励金额最高为50万元"),
    ("企业牵头建设市级技术创新中心的申报时间是什么时候？", "", ""),
], ids=["tech-purchase", "tech-centre"])
def test_deadline_answer_says_what_the_documents_state(hash_engine: Any, question: str,
                                                       office: str, annual: str) -> None:
    result = answer_json(hash_engine.ask(question, as_of=date(2020, 6, 1)))
    assert result["intent"] == "deadline" and result["matched"] is True
    assert result["timing"] == {"stated": [], "annual": [annual] if annual else []}
    lead = result["answer_text"].splitlines()[0]
    assert lead.startswith("文件未载明申报时间，请向") and "咨询" in lead
    assert office in lead and (annual in lead)
    best = result["hits"][0]
    assert f"（{best['doc_number']}）" in lead and f"{best['effective_from']} 起施行" in lead


def test_other_intents_carry_no_timing(hash_engine: Any) -> None:
    assert answer_json(hash_engine.ask("企业购买技术能补多少？"))["timing"] is None


# -- "which fit me": an overview from every stated fact ------------------------------------
def test_overview_question_answers_from_every_stated_fact(hash_engine: Any) -> None:
    question = "我们是高新技术企业，有市级技术创新中心，去年研发投入800万，能享受哪些政策？"
    result = answer_json(hash_engine.ask(question, as_of=date(2020, 6, 1)))
    assert result["intent"] == "overview" and result["overview"] is not None
    text = result["answer_text"]
    assert text.startswith("结论：按您说的情况，可享受 2 项政策，确定金额合计 200万元")
    assert "【符合条件】" in text and "市级技术创新中心（企业牵头组建）：200万元" in text
    assert "【再补充一项即可判断】" in text and "经登记的技术交易额" in text


def test_overview_needs_stated_facts(hash_engine: Any) -> None:
    result = answer_json(hash_engine.ask("有哪些政策可以享受？", as_of=date(2020, 6, 1)))
    assert result["overview"] is None and "【符合条件】" not in result["answer_text"]


@pytest.mark.parametrize(("question", "matched"), [
    ("我们是企业，有哪些政策可以申请？", True),
    ("我们是高校，能享受哪些政策？", True),
    ("我们是企业，买房有哪些政策可以享受？", False),  # another bureau's subject
], ids=["enterprise", "university", "foreign-subject"])
def test_an_overview_naming_only_the_applicant_is_in_scope(hash_engine: Any, question: str,
                                                           matched: bool) -> None:
    answer = hash_engine.ask(question, as_of=date(2020, 6, 1))
    assert answer.intent == "overview"
    assert answer.matched is matched
    assert (answer.overview is not None) is matched
