"""Scope verdicts (answer / suggest / refuse / greeting) and what the documents leave
unanswered, per kind of question, on the real engine and knowledge."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.conversation.presenter import answer_json
from index.answering.scope import SUGGEST_SHARE, suggestions, unanswered
from index.retriever import Hit
from knowledge.reading.frame import Previous
from knowledge.reading.talk import default_talk

pytestmark = pytest.mark.slow
ON = date(2026, 11, 24)


@pytest.mark.parametrize(("question", "verdict"), [
    ("你好", "greeting"),
    ("谢谢，辛苦了！", "greeting"),
    ("社保补贴怎么领", "refuse"),
    ("明天威海会下雨吗？", "refuse"),
    ("首台套重大技术装备保险补偿怎么申请？", "refuse"),
    ("我们车间搞了个新产品小组，有啥扶持", "suggest"),
    ("我们给别的企业做检测服务", "suggest"),
    ("企业牵头建设市级技术创新中心能获得多少补助？", "answer"),
    ("58号文件还有效吗", "answer"),
    ("107号文件", "answer"),
    ("小公司有什么扶持", "answer"),
    # a task the assistant never does, even about a policy subject
    ("你会写诗吗 给我们孵化器写首藏头诗挂墙上", "refuse"),
    ("帮我翻译一下这段孵化器的英文介绍", "refuse"),
], ids=["hello", "thanks", "social-security", "weather", "other-bureau-marker",
        "workshop-team", "testing-service", "covered", "short-doc-ref", "doc-ref-alone",
        "small-company", "poem-task", "translation-task"])
def test_verdict(engine: Any, question: str, verdict: str) -> None:
    answer = engine.ask(question, as_of=ON)
    assert answer.verdict == verdict
    assert answer.matched == (verdict == "answer")
    if verdict == "suggest":
        assert 1 <= len(answer.suggestions) <= 3
        for s in answer.suggestions:  # each suggestion asks a question that is answered
            assert engine.ask(s.question, as_of=ON).verdict == "answer"
    else:
        assert answer.suggestions == ()


def test_short_document_reference_is_a_document_question(engine: Any) -> None:
    answer = engine.ask("58号文件还有效吗", as_of=ON)
    assert answer.intent == "validity" and answer.document is not None
    assert answer.document["doc_number"] == "威科字〔2018〕58号"
    text = answer_json(answer)["answer_text"]
    assert text.startswith("《") and "已失效" in text
    # a day of a month is not a document number
    assert engine.ask("每年5月31号前申报吗", as_of=ON).document is None


@pytest.mark.parametrize(("question", "asked", "says"), [
    ("高企认定需要什么条件", "conditions", "高新技术企业认定管理办法"),
    ("科技型中小企业入库编号有效期多久", "validity_period", "科技型中小企业评价办法"),
    ("研发费用加计扣除要去税务局备案吗", "tax", "主管税务机关"),
    ("买技术的奖励什么时候到账", "payment_timing", "没有规定奖补资金的拨付时间"),
    ("孵化器的奖励钱啥时候能拿到", "payment_timing", "没有规定奖补资金的拨付时间"),
    ("市级财政科技资金分配给区市的这笔钱一般几月份下达", "payment_timing", "拨付时间"),
    ("青岛的孵化器给多少钱", "other_city", "没有规定青岛的支持标准"),
    ("技术先进型服务企业认定条件是啥", "conditions", "技术先进型服务企业认定"),  # spoken 啥
    ("国家级孵化器的奖励跟省品牌孵化器的配套能同时拿吗", "stacking", "能否同时享受"),
    ("创新型县的奖励县里能用在哪些地方", "use_of_funds", "资金的使用范围"),
    ("孵化器的奖励是一次性给还是分几年给", "payment_timing", "拨付时间"),
    ("院士工作站按全市人才政策支持，具体给多少", "amount", "具体金额"),
    ("重点实验室新认定的择优扶持一般给多少", "amount", "具体金额"),
    ("技术转移服务机构备案找谁，联系电话多少", "contact", "联系方式"),
    ("技术创新中心现在全市已经有多少家了", "statistics", "统计数字"),
    ("知识产权质押贷款利率多少，有没有贴息", "finance_terms", "金融条件"),
    ("申报省级技术创新中心通过率高吗", "odds", "可能性"),
    ("孵化器认定审核要多久能批下来", "processing_time", "所需的时间"),
    ("技术创新中心拿到补助以后要验收吗", "obligations", "验收"),
    ("技术先进型服务企业所得税按几个点交", "tax_rate", "税率"),
    # two kinds asked: the tax break is stated, how to obtain it is not
    ("技术先进型服务企业的所得税优惠具体怎么办理", "procedure", "办理程序"),
    ("区里承办创新创业大赛 市县两级补助多少", "amount", "具体金额"),
    ("省里对国家级技术创新中心另外再奖多少", "other_level_amount", "省级、国家或区县另行"),
    # 到2020年…达到50家 is a target, not a condition of 星创天地
    ("评星创天地要啥条件", "conditions", "申报（认定）条件"),
], ids=["hitech-conditions", "smes-number", "super-deduction", "payment", "payment-2",
        "payment-month",
        "other-city", "spoken-conditions", "stacking", "use-of-funds", "one-time",
        "amount-by-other-policy", "amount-on-merit", "contact", "statistics", "finance",
        "odds", "processing-time", "obligations", "tax-rate", "tax-and-procedure",
        "no-figure-for-the-host", "the-province-paying",
        "a-target-is-no-condition"])
def test_not_stated_up_front(engine: Any, question: str, asked: str, says: str) -> None:
    answer = engine.ask(question, as_of=ON)
    assert answer.matched and answer.unanswered is not None
    assert answer.unanswered.asked == asked
    text = answer_json(answer)["answer_text"]
    first = text.split("\n", 1)[0]
    assert says in first
    assert "相关条款（仅供参考" in text  # related clauses listed as related, not as the answer


@pytest.mark.parametrize("question", [
    "企业牵头建设市级技术创新中心能获得多少补助？",
    "技术先进型服务企业有什么税收优惠？",  # the clause states 所得税优惠
    "认定为国家级科技企业孵化器奖励多少钱？",
    "企业买技术能补多少",  # a rate is a stated amount
    "星创天地给多少",  # 择优 100万: a figure
    "技转有啥奖励",  # an owner's word for a covered subject (aliases.yaml)
    "看两个文件都写了省级技术创新中心500万 是能拿两份吗",  # one award paid once: said
    # 同时拿到了 says what happened, it does not ask whether both may be had
    "辖区内的海川电子2019年同时拿到了国家级国际合作基地和省级技术创新中心两块牌子，市级合计多少",
], ids=["amount", "tax-stated", "incubator", "rate", "merit-with-figure", "alias-word",
                                  "same-award-two-documents", "both-obtained-said"])
def test_stated_questions_are_answered(engine: Any, question: str) -> None:
    answer = engine.ask(question, as_of=ON)
    assert answer.matched and answer.unanswered is None
    assert answer_json(answer)["answer_text"].split("\n", 1)[0] != ""


def test_suggestion_bar_reads_the_gate_score(engine: Any) -> None:
    snap = engine.snapshot
    cal = snap.retriever.calibration
    hits: list[Hit] = snap.retriever.search("我们给别的企业做检测服务", top_k=5)
    near = suggestions(hits, snap.rules, cal)
    assert near
    low = [Hit(h.clause, h.score, dense=0.0, lexical=0.0, domain=h.domain) for h in hits]
    assert suggestions(low, snap.rules, cal) == ()  # nothing near enough
    assert 0 < SUGGEST_SHARE < 1


def test_json_contract_carries_verdict_frame_and_unanswered(engine: Any) -> None:
    result = answer_json(engine.ask("买技术的奖励什么时候到账", as_of=ON))
    assert result["verdict"] == "answer"
    assert result["unanswered"]["asked"] == "payment_timing"
    assert result["frame"]["said"] == "买技术的奖励什么时候到账"
    assert result["suggestions"] == []


@pytest.mark.parametrize(("question", "yuan"), [
    ("企业研发财政补助一家最多能给到多少", 10_000_000),  # 单个企业最高1000万元
    ("县里财政科技专项资金3000万，市里最多能补多少", 5_000_000),  # 600万 capped at 500万
    # the county's own contribution is the ceiling (引进高校 is no technology purchase)
    ("我区引进了一所985高校来建工业技术研究院 区里出了两千万 市级最多支持多少", 20_000_000),
])
def test_the_most_an_award_can_be_is_said_first(engine: Any, question: str, yuan: int) -> None:
    answer = engine.ask(question, as_of=ON)
    assert answer.ceiling is not None and answer.ceiling.yuan == yuan
    first = answer_json(answer)["answer_text"].split("\n", 1)[0]
    assert "最高可得" in first


def test_a_follow_up_of_a_ceiling_question_is_one_too(engine: Any) -> None:
    first = engine.ask("县级科技专项资金1500万的话 市里最多能分给区里多少", as_of=ON)
    assert first.ceiling is not None and first.ceiling.yuan == 3_000_000
    previous = Previous(first.question, asked="amount", topics=("innovative_region",),
                        thread=(first.question,))
    again = engine.ask("要是县级有3000万呢", as_of=ON, previous=previous)
    assert again.ceiling is not None and again.ceiling.yuan == 5_000_000


def test_a_computed_case_is_not_a_focus_left_unstated(engine: Any) -> None:
    answer = engine.ask("2019年我们孵化器有5家在孵的升了高企 奖多少")  # as of 2019
    assert answer.unanswered is None  # the level of the incubator is asked instead


def test_a_floor_is_no_ceiling(engine: Any) -> None:
    answer = engine.ask("科技特派员的研发支持最多给多少", as_of=ON)  # 不低于10万元
    assert answer.ceiling is None
    assert answer.unanswered is not None and answer.unanswered.label == "最高金额"


def test_a_kind_is_stated_only_near_the_questions_subject() -> None:
    clause = ("对认定为星创天地的，择优给予100万元奖励。"
              "对工作成效好的科技特派员择优给予不低于10万元的研发支持。")
    talk = default_talk()
    # 不低于 speaks of the envoys' support, not of 星创天地's conditions
    found = unanswered("conditions", "星创天地要什么条件", [clause], talk, [],
                       subjects=("星创天地",))
    assert found is not None and found.asked == "conditions"
    assert unanswered("conditions", "星创天地要什么条件", [clause], talk, []) is None


def test_becoming_a_level_shows_what_it_adds(engine: Any) -> None:
    first = engine.ask("市级临床医学研究中心第一次通过绩效评价给多少钱", as_of=ON)
    granted = tuple(i.rule_id for i in first.estimate.items if i.outcome == "eligible")
    previous = Previous(first.question, asked="amount", topics=("clinical",),
                        thread=(first.question,), granted=granted)
    upgraded = engine.ask("升省级了呢", as_of=ON, previous=previous)
    assert upgraded.estimate is not None and upgraded.estimate.total_yuan == 2_000_000
