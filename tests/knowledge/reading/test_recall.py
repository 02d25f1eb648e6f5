"""What a follow-up recalls of the conversation (knowledge.reading.recall)."""

from __future__ import annotations

import pytest

from knowledge.reading.recall import asks_sum, in_that_year, moved_home, without_roles
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
