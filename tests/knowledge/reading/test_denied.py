"""Titles a question denies (knowledge.reading.denied)."""

from __future__ import annotations

import pytest

from knowledge.awards.calculator import Denied
from knowledge.awards.vocabulary import default_vocabulary
from knowledge.reading.denied import below_said, denied_titles, not_yet_held, without_denied

VOCAB = default_vocabulary()


@pytest.mark.parametrize(("text", "fact", "value"), [
    # a level alone, with the subject it shares with a title
    ("我们的技术创新中心不是市级的", "platform_titles", "tech_centre_city_pilot"),
    # a term with no level: every title naming it
    ("我们还没认定高新技术企业", "enterprise_titles", "hitech_first"),
    # no title at all: every title of the subject named in the clause or just before it
    ("我们的孵化空间没有任何级别的认定", "incubation_titles", "incubator_city"),
    ("另一个是我们自己搞的孵化空间，没有任何级别的认定", "incubation_titles",
     "maker_space_national"),
])
def test_titles_denied(text: str, fact: str, value: str) -> None:
    assert value in denied_titles(text, {}, VOCAB).get(fact, frozenset())


def test_no_title_at_all_denies_every_title_of_the_fact_named() -> None:
    # 众创空间 names titles of the incubation fact: none of them is held, 国家级孵化器 neither
    denied = denied_titles("我们的众创空间还没拿到任何级别的认定", {}, VOCAB)
    assert {"incubator_national", "incubator_city"} <= denied["incubation_titles"]


@pytest.mark.parametrize("text", ["我们孵化器是区级的", "孵化器只是区里挂了个牌"])
def test_a_level_below_every_title_denies_them_all(text: str) -> None:
    denied = denied_titles(text, {}, VOCAB)
    assert {"incubator_city", "incubator_national"} <= denied["incubation_titles"]
    assert below_said(f"{text}，21年有5家升了高企") == text


@pytest.mark.parametrize("text", ["我们区有三家孵化器，两家市级、一家是区级的",
                                  "区里4个孵化器，其中1个是区级的"])
def test_a_part_counted_apart_at_a_level_below_denies_nothing_whole(text: str) -> None:
    assert "incubation_titles" not in denied_titles(text, {}, VOCAB)
    assert below_said(text) == ""


def test_a_level_pointed_at_and_said_to_fail_denies_its_title_even_said() -> None:
    text = "2022年我们报了国家级国际合作基地和省级国际合作基地，国家级那个被刷下来了，省级的评上了"
    held: dict[str, object] = {"platform_titles": frozenset({"intl_coop_base_national",
                                                             "intl_coop_base_provincial"})}
    denied = denied_titles(text, held, VOCAB)
    assert denied["platform_titles"] == frozenset({"intl_coop_base_national"})


def test_no_title_at_all_keeps_what_is_held_and_other_subjects() -> None:
    held: dict[str, object] = {"incubation_titles": frozenset({"incubator_national"})}
    denied = denied_titles("孵化器是国家级的，旁边的众创空间没有任何级别的认定", held, VOCAB)
    assert "incubator_national" not in denied["incubation_titles"]
    assert "platform_titles" not in denied and "enterprise_titles" not in denied


def test_a_stated_title_is_not_denied_by_its_level() -> None:
    held: dict[str, object] = {"platform_titles": frozenset({"tech_centre_provincial"})}
    denied = denied_titles("技术创新中心不是省级的", held, VOCAB)
    assert "tech_centre_provincial" not in denied.get("platform_titles", frozenset())


def test_a_title_not_held_yet_in_a_year_s_own_part() -> None:
    own = {"incubation_titles": Denied("那时孵化器还没被认定为市级", frozenset({"incubator_city"}))}
    per_year: list[tuple[int, dict[str, object]]] = [
        (2019, {"incubatees_upgraded": 3}),
        (2020, {"incubatees_upgraded": 2, "incubation_titles": frozenset({"incubator_city"})})]
    assert "incubation_titles" in not_yet_held({}, own, 2019, per_year)
    assert not_yet_held({}, own, 2020, per_year) == {}  # held by then
    facts: dict[str, object] = {"incubation_titles": frozenset({"incubator_city"})}
    denied = not_yet_held({}, own, 2019, per_year)
    assert without_denied(facts, denied, {})["incubation_titles"] == frozenset()
    assert without_denied(facts, denied, denied)["incubation_titles"] == frozenset(
        {"incubator_city"})  # denied for the whole question: left to the denial
