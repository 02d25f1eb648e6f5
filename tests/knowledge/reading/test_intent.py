"""knowledge.reading.intent: what a question asks for, read from its wording."""

from __future__ import annotations

import pytest

from knowledge.reading import intent as it

CASES = [
    ("amount", "企业牵头建设市级技术创新中心能获得多少补助？", False, it.AMOUNT),
    ("amount-extractor", "购买技术能补多少", True, it.AMOUNT),
    ("yes-no-subsidy", "企业牵头建设市级技术创新中心有补助吗？", False, it.ELIGIBILITY),
    ("can-apply", "我们是高校，能申请吗", False, it.ELIGIBILITY),
    ("conditions", "我们公司符合条件吗？", False, it.ELIGIBILITY),
    ("any-award", "建孵化器有没有奖励", False, it.ELIGIBILITY),
    ("support-or-not", "中心绩效评价过了 市里有支持没", False, it.ELIGIBILITY),
    ("award-q", "首次通过高企认定 市里奖吗", False, it.ELIGIBILITY),
    ("money-q", "要是升成国家级 有钱吗", False, it.ELIGIBILITY),
    ("give-or-not", "众创空间评上了给不给钱", False, it.ELIGIBILITY),
    ("expired-is-a-fact", "证书过期了，重新认定又通过，一共能拿多少", True, it.AMOUNT),
    ("expired-asked", "58号文过期了吗", False, it.VALIDITY),
    ("overview", "我们企业能享受哪些政策？", False, it.OVERVIEW),
    ("office", "这个找哪个部门申请？", False, it.OFFICE),
    ("office-whom", "技术转移机构补助向谁申请", False, it.OFFICE),
    ("materials", "申请需要什么材料？", False, it.MATERIALS),
    ("materials-amount", "申请补助需要哪些材料", True, it.MATERIALS),
    ("deadline", "技术创新中心什么时候申报？", False, it.DEADLINE),
    ("validity", "威政办字〔2018〕107号还有效吗？", False, it.VALIDITY),
    ("validity-period", "这个文件的有效期到什么时候", False, it.VALIDITY),
    ("issuer", "威政办字〔2018〕106号是哪个部门发布的", False, it.ISSUER),
    ("issued", "威科字〔2018〕58号什么时候印发的", False, it.ISSUED),
    ("general", "星创天地有什么支持", False, it.GENERAL),
    ("empty", "", False, it.GENERAL),
]


@pytest.mark.parametrize(("text", "amount", "expected"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_read_intent(text: str, amount: bool, expected: str) -> None:
    assert it.read_intent(text, amount) == expected


@pytest.mark.parametrize(("text", "intent"), [
    ("这个政策什么时候到期", "validity"),
    ("58号文件到期了吗", "validity"),
    ("我们是科技服务机构，高新技术企业到期后重新认定通过了，奖多少", "amount"),
], ids=["when-expires", "expired-yet", "a-qualification-expiring"])
def test_expiry_asks_a_documents_validity_only_as_a_question(text: str, intent: str) -> None:
    assert it.read_intent(text, is_amount_question="多少" in text) == intent


@pytest.mark.parametrize(("text", "other"), [
    ("省里对国家级技术创新中心另外再奖多少", True),
    ("区里自己还会再配套吗", True),
    ("省里是不是也有配套的钱", True),  # asked as whether
    ("省里拨了80万 市里配多少", False),  # a provincial grant stated, the city's asked
    ("这1000万里省里出多少", False),  # the province's share of a split: stated
])
def test_another_level_paying(text: str, other: bool) -> None:
    assert it.asks_other_payer(text) is other


@pytest.mark.parametrize(("text", "asked"), [
    ("最多能给多少", True),
    ("顶格算一共多少", True),
    ("按最高算能拿多少", True),
    ("多少封顶", True),
    ("一共能拿多少", False),
    # the most, said alone at the end (a terse follow-up, or restated after its question)
    ("最多呢", True),
    ("研究开发财政补助 我们今年能拿多少，最多", True),
    ("最多呢，一共能拿多少", False),
])
def test_asking_for_the_most_an_award_can_be(text: str, asked: bool) -> None:
    assert it.asks_ceiling(text) is asked


@pytest.mark.parametrize(("text", "asks"), [
    ("两次都能拿钱吗？一共多少？", True),  # the sum said with 一共
    ("两次加起来一共多少？", True),
    ("按现在这个一次性200万的政策，能补给我们多少？", True),  # (给我们 before 多少)
    ("能拿多少", True),
    ("两笔能同时拿吗", False),
    ("什么时候到账", False),
])
def test_a_message_ending_on_the_sum(text: str, asks: bool) -> None:
    assert it.asks_sum(text) is asks


@pytest.mark.parametrize(("text", "intent"), [
    ("我们单位去年获得了省技术市场奖励，市里有配套吗", it.ELIGIBILITY),  # 有配套吗
    ("我们今年评上省级国际合作基地，还有50万吗", it.AMOUNT),  # a figure asked about
    ("技术创新中心认定为国家级，是不是106号和107号各给1000万", it.AMOUNT),
])
def test_a_figure_or_a_top_up_asked_about(text: str, intent: str) -> None:
    assert it.read_intent(text) == intent


@pytest.mark.parametrize("text", ["省级那个申报截至是几号啊", "申报截止时间是哪天"])
def test_a_deadline_asked_with_its_typo(text: str) -> None:
    assert it.read_intent(text) == it.DEADLINE


@pytest.mark.parametrize("text", ["合同额一共500万，这个3%的补助有吗", "孵化奖励还有吗"])
def test_the_support_said_before_有吗_asks_eligibility(text: str) -> None:
    assert it.read_intent(text) == "eligibility"


@pytest.mark.parametrize("text", ["合计下来能到账多少", "一共能到手多少", "两项加起来多少"])
def test_a_sum_said_with_what_reaches_the_account(text: str) -> None:
    from knowledge.reading.intent import asks_sum

    assert asks_sum(text)


@pytest.mark.parametrize("text", ["今年复核又通过了，能不能再来20万", "还能再拿吗"])
def test_paid_again_is_an_eligibility_question(text: str) -> None:
    from knowledge.reading.intent import ELIGIBILITY, read_intent

    assert read_intent(text) == ELIGIBILITY


def test_whether_an_award_a_few_words_away_can_be_had() -> None:
    from knowledge.reading.intent import ELIGIBILITY, read_intent

    assert read_intent("合同100万，能享受威海那个20%奖励吗") == ELIGIBILITY
