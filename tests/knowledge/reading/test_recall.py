"""What a follow-up recalls of the conversation (knowledge.reading.recall)."""

from __future__ import annotations

import pytest

from knowledge.awards.vocabulary import default_vocabulary
from knowledge.reading.recall import (
    as_asker,
    asks_sum,
    foreign_subject,
    in_that_year,
    moved_home,
    subjectless,
    with_asker,
    without_roles,
)
from knowledge.reading.talk import default_talk

TALK = default_talk()


@pytest.mark.parametrize(("message", "previous", "read"), [
    ("同一年我们又买了一项", "我们2020年买了一项技术", "2020年我们又买了一项"),
    ("那年里面还有5家升了高企", "孵化器2019年认定，2021年升国家级", "2021年里面还有5家升了高企"),
    ("要是5月份才通过呢", "2023年3月首次通过高企认定", "要是2023年5月才通过呢"),
    # a year of its own, or no year before: as said
    ("2024年那年又升了5家", "孵化器2021年认定成国家级", "2024年那年又升了5家"),
    ("同一年我们又买了一项", "我们买了一项技术", "同一年我们又买了一项"),
    # a question of its own with a month is of this year
    ("我们是科技服务机构，3月份首次通过了高企认定，有奖励吗", "2020年买了技术",
     "我们是科技服务机构，3月份首次通过了高企认定，有奖励吗"),
    # one more event told with its figure: of the year the question before is about
    ("另外我们还买了一项技术，80万，也登记了", "我们2020年买了一项技术，合同120万，登记了",
     "2020年，另外我们还买了一项技术，80万，也登记了"),
    # later on, supposed, or no figure (a question of its own): as said
    ("后来又买了一项技术，80万", "我们2020年买了一项技术", "后来又买了一项技术，80万"),
    ("要是再买一项80万的呢", "我们2020年买了一项技术", "要是再买一项80万的呢"),
    ("另外孵化器有什么政策", "我们2020年买了一项技术", "另外孵化器有什么政策"),
])
def test_that_year_is_the_year_asked_about(message: str, previous: str, read: str) -> None:
    assert in_that_year(message, previous, TALK) == read


@pytest.mark.parametrize(("said", "asks"), [
    ("又买了一项，交易额200万，两项合计能拿多少", True),
    ("又多了2项，成交额一共到了400万", False),
])
def test_a_total_asked_not_stated(said: str, asks: bool) -> None:
    assert asks_sum(said, TALK) is asks


def test_an_applicant_with_its_role_is_left_out() -> None:
    assert without_roles("要是跟高校一起建、由高校牵头呢", TALK) == "要是跟高校一起建、由牵头呢"


@pytest.mark.parametrize(("said", "question", "moved"), [
    ("那如果是我们在威海高区设的孵化器今年认定国家级呢",
     "我们是烟台的孵化器，今年被认定为国家级科技企业孵化器，能给多少",
     "我们是威海的孵化器，今年被认定为国家级科技企业孵化器，能给多少"),
    # no place of the city named, or none elsewhere before, or still elsewhere: unchanged
    ("那如果是国家级呢", "我们是烟台的孵化器，能给多少", None),
    ("要是在高区呢", "我们是市级孵化器，能给多少", None),
    ("要是在威海和青岛各一家呢", "我们是烟台的孵化器，能给多少", None),
])
def test_the_asker_placed_in_the_city(said: str, question: str, moved: str | None) -> None:
    assert moved_home(said, question, TALK) == moved


TOPICS = default_vocabulary().topics


@pytest.mark.parametrize(("said", "own", "read"), [
    ("过两年复审要是又通过了，还能再拿一回不", set(), True),
    ("同样的事要是今年认定的，最多多少", set(), True),
    ("今天下午开会吗", set(), False),  # no step, no figure asked
    ("孵化器复审通过了能拿多少", {"incubator"}, False),  # a subject of its own
])
def test_a_step_without_a_subject(said: str, own: set[str], read: bool) -> None:
    assert subjectless(said, TALK, own, None) is read


@pytest.mark.parametrize(("said", "foreign"), [
    ("那有没有疫情期间停工停产的补贴", True),
    ("那有没有农机购置的补贴", True),
    ("那税收方面有啥政策", False),  # an asked kind (tax) of the same subject
    ("现在还有这政策吗", False),
    ("那高校牵头的补助呢", False),  # an applicant changed
    ("那市级孵化器的奖励呢", False),  # a subject of the policies
    ("那这个的奖励呢", False),
    ("技术合同登记的补贴怎么算", False),
])
def test_a_support_for_something_else(said: str, foreign: bool) -> None:
    assert foreign_subject(said, TALK, TOPICS) is foreign


@pytest.mark.parametrize(("text", "earlier", "told"), [
    ("今年我们也是第一次过了高企，这个能再奖多少？",
     ["我们是做检验检测的科技服务公司，今年被认定为技术先进型服务企业，有啥奖励？"],
     "我们是做检验检测的科技服务公司，今年我们也是第一次过了高企，这个能再奖多少？"),
    ("我司今年买了一项专利，能补多少", ["你好", "我司是技术转移机构，促成了3项成果"],
     "我司是技术转移机构，我司今年买了一项专利，能补多少"),
    ("我们是孵化器，能拿多少", ["我们是科技服务公司，能拿多少"], None),  # said again
    ("高企能拿多少", ["我们是科技服务公司，能拿多少"], None),  # not speaking as 我们
    ("我们今年能拿多少", ["孵化器能拿多少"], None),  # never said who they are
])
def test_who_the_owner_is_is_recalled(text: str, earlier: list[str], told: str | None
                                      ) -> None:
    assert with_asker(text, earlier) == told


def test_one_more_event_of_the_owner_s_is_told_with_who_they_are() -> None:
    earlier = ["我们是省级科技企业孵化器，2021年有8家在孵企业升了高企，孵化器能拿多少？"]
    assert with_asker("2022年又升了7家", earlier) is None  # not speaking as 我们
    assert with_asker("2022年又升了7家", earlier, ours=True) == \
        "我们是省级科技企业孵化器，2022年又升了7家"


@pytest.mark.parametrize(("question", "said", "read"), [
    # the owner takes over a question asked for another party
    ("帮合作高校问一下，他们牵头组建的市级中心获批了，补多少", "如果换成我们企业自己牵头呢",
     "我们企业牵头组建的市级中心获批了，补多少"),
    ("替客户问问，市级中心获批了补多少", "换成我们企业呢", "我们是企业，市级中心获批了补多少"),
    # not the owner speaking, or the owner's own question already: nothing to take over
    ("帮合作高校问一下，他们牵头的中心补多少", "如果换成企业牵头呢", None),
    ("我们牵头的中心补多少", "换成我们企业自己牵头呢", None),
])
def test_the_owner_takes_over_a_question_asked_for_another(
        question: str, said: str, read: str | None) -> None:
    assert as_asker(question, said, "企业") == read


def test_the_asker_named_by_its_kind_in_passing_is_kept() -> None:
    from knowledge.reading.recall import with_asker

    earlier = ("我们公司自己投钱建了个研究院，算新型研发机构，今年能拿多少支持",)
    assert with_asker("我们牵头组建的市级技术创新中心上个月也获批了", earlier) == (
        "我们公司，我们牵头组建的市级技术创新中心上个月也获批了")
    # said as whose (我们公司的) it is no description of the asker
    assert with_asker("我们牵头的中心获批了", ("我们公司的孵化器评上了",)) is None
