"""An estimate narrowed or multiplied as the question says (knowledge.reading.narrowing)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.calculator import Estimate, evaluate
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.reading.asked_years import this_time
from knowledge.reading.extraction import extract_facts
from knowledge.reading.narrowing import (
    _RECIPIENTS_PASSED,
    already_received,
    counted_titles,
    per_recipient,
)
from knowledge.sources.base import load_knowledge

TODAY = date(2026, 12, 6)
KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", load_knowledge(KNOWLEDGE).clause)


def _plain(text: str) -> Estimate:
    ex = extract_facts(text, TODAY, RULESET)
    return evaluate(RULESET, ex.facts, TODAY, rule_ids=ex.candidate_rules, denied=ex.denied)


@pytest.mark.parametrize(("text", "kept"), [
    # the part saying it was paid names its title: the first recognition beside it stands
    ("我们科技服务机构2021年第一次认定高企；同一年我们运营的国家专业化众创空间（当时拿过钱）"
     "复核也通过了。能拿多少？", ["科技服务机构首次通过高新技术企业认定"]),
    ("我们是科技服务机构，今年首次认定了高企；我们的国家级科技企业孵化器以前拿过奖励，今年复核"
     "又过了。还能再拿多少", ["科技服务机构首次通过高新技术企业认定"]),
])
def test_an_award_received_is_the_one_its_part_names(text: str, kept: list[str]) -> None:
    again = already_received(RULESET, text, _plain(text))
    assert again is not None
    assert [i.label for i in again.items if i.outcome == "eligible"] == kept


@pytest.mark.parametrize(("text", "total"), [
    ("我们区有4个镇评上国家创新型乡镇，市里给多少", 4000000),
    # holders that passed, said with 被认定为 (the incubatees' award waits, it does not count)
    ("我们集团在威海有三个孵化器，前年有两个被认定为国家级科技企业孵化器，第三个还在申报没批。"
     "这两个国家级的奖励一共多少", 4000000),
    ("国家创新型乡镇市里奖多少，3个镇", 3000000),  # counted by their noun
    ("集团两家子公司各自牵头建了个市级技术创新中心，企业牵头，一共补多少", 4000000),
    # those paid the one-time award before are not paid again; those that failed were
    # never counted
    ("园区4家科技服务企业今年认定了技术先进型服务企业，其中1家2020年已经拿过20万了，"
     "这4家能拿多少", 600000),
    ("我们区4个镇报国家创新型乡镇，今年创成了2个，另1个没评上，市里给镇上多少", 2000000),
    # with no count passed, the failed part is left out
    ("我们园区5家企业都报了技术先进型服务企业 5家里2家没过 剩下的都认定了 这几家一共能拿多少",
     600000),
    # 过了N家: the ones that passed
    ("园区7家科技服务企业申请技术先进型服务企业认定，最后过了4家，这几家一共奖多少", 800000),
    # N个<noun>+verb: the recipients' noun between the count and its outcome
    ("荣成市科技局问一下，我们有3个镇报了国家创新型乡镇，结果2个镇创建成功，另一个没过。"
     "市级奖励总共多少", 2000000),
    ("园区4家科技服务企业申请技术先进型服务企业认定，3家企业都认定了，这几家一共奖多少", 600000),
    # one at a time (一个镇评上…又有一个镇评上): the recipients said of them (这两个镇)
    ("我是乳山市科技局的，2021年下面的一个镇评上国家创新型乡镇，2024年又有一个镇评上，"
     "这两个镇的奖励合计多少", 2000000),
    # the holders' own noun said before the title counted (3家医院的…中心); one that passed
    # before (另1家2023年就通过过了) is not paid again
    ("我是市卫健委的，2025年有3家医院的市级临床医学研究中心参加绩效评价都过了，其中2家是头一回"
     "通过，另1家2023年就通过过了，这次市里一共给多少？", 2000000),
    # a recipient outside the city is not one of them
    ("园区4家科技服务企业今年认定了技术先进型服务企业，不过有1家是烟台注册的，其余3家都在威海，"
     "这几家能拿多少", 600000),
    # the ones that passed for the first time, of more held
    ("本院一共有五个市级临床医学研究中心，今年其中三个第一次通过了绩效评价，另外两个还没到评价期。"
     "这回一共给多少？", 3000000),
])
def test_one_award_per_recipient(text: str, total: int) -> None:
    many = per_recipient(RULESET, text, _plain(text))
    assert many is not None and many.total_yuan == total
    assert "按" in many.items[0].explanation


@pytest.mark.parametrize("text", [
    # firms that built one centre together are no count of centres
    "我们大学牵头，联合三家企业组建的市级技术创新中心获批了，大学这边能拿多少",
    "国家创新型乡镇市里奖多少",
    # 我们市级孵化器 is no city spoken for; seven incubatees are that award's count
    "2022年我们市级孵化器在孵企业升高企七家 其中两家是做软件的 "
    "同年我们还认定了国家级孵化器 那年一共多少",
    # one of two obtained: not multiplied by the two
    "我们区下面两个镇一个创成了国家创新型乡镇 另一个还在评审 镇上市级奖励一共多少",
    # one and one more in the same year, one of them elsewhere: no count of two
    "今年这批国家创新型乡镇，我们环翠区一个镇评上了，隔壁海阳也有一个镇评上，我们区另外一个镇没评上，"
    "咱威海市级一共给多少",
    # 这俩: the two things asked about, no count of holders
    "我们区创建国家创新型县还在部里评审，下面张村镇已经命名为国家创新型乡镇了。这俩加起来市里能给多少？",
])
def test_no_recipients_no_multiplying(text: str) -> None:
    assert per_recipient(RULESET, text, _plain(text)) is None


def test_a_count_that_failed_is_no_count_passed() -> None:
    """2个镇都没通过 says no count passed (the noun before the verb is never a negation)."""
    m = _RECIPIENTS_PASSED.search("我们区3个镇报了，2个镇都没通过，1个镇通过了")
    assert m is not None and (m.group(1) or m.group(2)) == "1"


@pytest.mark.parametrize(("text", "total"), [
    ("我们孵化器2019年被认定为国家级科技企业孵化器拿了200万，今年国家复核又通过了，还能再拿吗", 0),
    ("技术先进型服务企业已经拿过20万了，今年复核通过还能再给吗", 0),
    # renewed since it was received, not asked "again" in words
    ("我们是国家专业化众创空间 2020年认定的时候拿过奖了 今年国家又重新评定了一次 今年能拿多少", 0),
    # received, then another step supposed: what is supposed is asked, not the one received
    ("我们企业牵头的市级技术创新中心今年已经拿过200万了。如果能升成省级，能给多少？", 5_000_000),
    # the amount said before it was received; the new one asked (这一下)
    ("要是今年我们公司牵头的那个省级技术创新中心能认定成国家级的，省级那五百万早就拿过了，"
     "那国家级这一下能拿多少钱", 10_000_000),
])
def test_a_one_time_award_received_is_not_paid_again(text: str, total: int) -> None:
    plain = _plain(text)
    again = already_received(RULESET, text, plain)
    assert again is not None and again.total_yuan == total
    assert any("已领取过" in f for i in again.items for f in i.failed)


def test_a_part_that_received_is_left_to_its_count() -> None:
    text = "5家通过了技术先进型服务企业，其中2家以前认定过拿过奖励，这次是复审，这几家能拿多少"
    assert already_received(RULESET, text, _plain(text)) is None


@pytest.mark.parametrize("text", [
    "我们孵化器被认定为国家级科技企业孵化器，能拿多少",  # nothing received
    "国家级孵化器的200万已经拿了，一共拿了多少",  # not asked again
    # a title obtained, then another one supposed: no money received
    "前年拿了省技术市场奖 如果明年再拿个国家技术市场奖 一共配套奖励多少",
])
def test_nothing_received_or_not_asked_again(text: str) -> None:
    assert already_received(RULESET, text, _plain(text)) is None


def test_an_award_received_said_with_its_title_is_not_asked_again() -> None:
    text = ("我们已经拿过省级技术转移示范机构的100万了，假如今年评上国家级技术转移示范机构，"
            "还能拿多少")
    again = already_received(RULESET, text, _plain(text))
    assert again is not None
    granted = [i.label for i in again.items if i.outcome == "eligible"]
    assert granted == ["国家级技术转移示范机构"]


def test_a_received_amount_names_the_award_received() -> None:
    # 拿了100万 is the first-time award; the upgrade asked about is still granted
    text = "市级临床医学研究中心首次通过绩效评价 已经拿了100万；如果升级成国家级的 还能再拿多少"
    again = already_received(RULESET, text, _plain(text))
    assert again is not None
    granted = [i.label for i in again.items if i.outcome == "eligible"]
    assert granted and all("升级" in label for label in granted)



@pytest.mark.parametrize(("text", "total"), [
    ("去年我们中心获得了2项国家技术市场奖励 3项省技术市场奖励 能配套多少", 700_000),
    ("去年我们拿了两项国家技术市场奖励，配套多少", 400_000),
    # a count said right after the title
    ("2019年我们区认定国家级国际合作基地两家，一共多少", 2_000_000),
    # a count of the holders that obtained it
    ("12家科技服务企业今年首次认定技术先进型服务企业 一共多少", 2_400_000),
    ("今年我们集团有3家子公司认定了技术先进型服务企业，一共多少", 600_000),
    # less the part put out
    ("今年我们集团有3家子公司认定了技术先进型服务企业，其中1家注册在烟台，一共多少", 400_000),
    # the holders counted before, all of them said to obtain it
    ("我们集团的三家子公司，今年全都认定了技术先进型服务企业，合计多少钱", 600_000),
    ("我们集团两个孵化器去年都认定国家级科技企业孵化器了，一共给多少", 4_000_000),
    # holders each with the count said after 各 (两家子公司…各拿了1个)
    ("我们控股的两家子公司（都在威海注册）各拿了1个省技术市场奖励，配套奖励合计多少", 200_000),
])
def test_a_title_held_several_times_is_counted(text: str, total: int) -> None:
    counted = counted_titles(RULESET, text, _plain(text))
    assert counted is not None and counted.total_yuan == total
    assert any("×" in i.explanation for i in counted.items)


@pytest.mark.parametrize("text", [
    "去年我们获得了国家技术市场奖励，配套多少",  # no count
    "第2项国家技术市场奖励，配套多少",  # an ordinal
    # a count of the awards asked about, or of incubatees, is not the title's
    "2019年买技术认定登记了150万，同年还认定了技术先进型服务企业 两项奖励加一起",
    "2019年在孵企业新认定高企6家（都在孵化期内），我们运营公司是科技服务机构，一共多少",
    # one count two awards share
    "今年两个市级技术创新中心列入试点（一个企业牵头，一个省属科研院所牵头），一共多少",
    "今年有5家在孵企业认定了高企，孵化器能拿多少",  # the incubatees' count
])
def test_a_title_not_counted_is_left(text: str) -> None:
    assert counted_titles(RULESET, text, _plain(text)) is None


def test_a_total_asked_counts_the_award_received_once() -> None:
    text = "国家专业化众创空间2020年认定拿了200万 2024年又重新认定了 一共拿多少"
    assert already_received(RULESET, text, _plain(text)) is None


@pytest.mark.parametrize(("text", "renewed"), [
    ("我们今年复审又认定了技术先进型服务企业，还给吗", True),
    ("我们的国家级科技企业孵化器今年复核通过了，能拿多少", True),
    ("我们今年认定了技术先进型服务企业，能拿多少", False),  # a first recognition
    # the renewal is of another title (高企): the one-time award stands
    ("我们今年认定了技术先进型服务企业，另外高企重新认定了，能拿多少", False),
    # the first time said with its own year, before the renewal: granted then
    ("技术先进型服务企业 2019年认定 2022年又重新认定了 合计多少钱", False),
    # paid again asked of the renewal, no total: not granted again
    ("请问技术先进型服务企业认定下来奖多少？我们做软件外包的，去年刚认定，能不能再来20万，"
     "今年复核又通过了", True),
])
def test_a_one_time_award_is_not_paid_on_renewal(text: str, renewed: bool) -> None:
    plain = _plain(text)
    narrowed = already_received(RULESET, text, plain)
    once = [i for i in (narrowed or plain).items if "一次性" in i.label]
    assert once
    assert all((i.outcome != "eligible") == renewed for i in once)
    if renewed:
        assert narrowed is not None and any("复审" in f for i in once for f in i.failed)


@pytest.mark.parametrize(("text", "said"), [
    # a title award whose clause names no renewal or review is paid on obtaining it
    ("企业牵头的市级技术创新中心，去年通过了市里的复评，这次复评能再拿200万吗？能拿多少", "复评"),
    ("我们牵头的省级技术创新中心今年复核通过了，能拿多少", "复核"),
])
def test_a_title_award_is_not_paid_on_a_review(text: str, said: str) -> None:
    plain = _plain(text)
    narrowed = already_received(RULESET, text, plain)
    assert narrowed is not None and narrowed.total_yuan == 0
    assert any(said in f and "未规定" in f for i in narrowed.items for f in i.failed)


def test_a_renewal_the_clause_pays_is_paid() -> None:
    """107号: 重新认定的给予10万元 — the clause names the renewal."""
    text = "我们是科技服务机构，2020年高企复审通过了，奖多少"
    plain = _plain(text)
    assert (already_received(RULESET, text, plain) or plain).total_yuan == 100_000


@pytest.mark.parametrize("text", [
    # the first time said too: the first recognition is granted (years apart or not)
    "技术先进型服务企业我们是2019年首次认定的，后来又都复审通过了，能领多少钱",
    "我们第一次认定技术先进型服务企业，今年复审也过了，一共多少",
])
def test_a_first_time_said_keeps_its_one_time_award(text: str) -> None:
    assert already_received(RULESET, text, _plain(text)) is None


def test_partners_counted_are_no_holders() -> None:
    text = "我们大学牵头，联合三家企业组建的市级技术创新中心获批了，大学这边能拿多少"
    assert counted_titles(RULESET, text, _plain(text)) is None


def test_both_times_told_keep_every_year() -> None:
    text = ("我们孵化器2019年被认定为国家级科技企业孵化器，当时拿过奖励；2022年复核又通过了，"
            "复核这次还能再给一份吗？两次加起来一共多少？")
    from knowledge.reading.estimate import estimate_question

    ex = extract_facts(text, TODAY, RULESET)
    estimate = estimate_question(RULESET, text, TODAY, list(ex.candidate_rules), ex,
                                 ex.as_of or TODAY)
    assert estimate.total_yuan == 2_000_000  # the first year's, the renewal's nothing


@pytest.mark.parametrize(("text", "paid"), [
    # the renewal asked about alone (这次): its one-time award not paid again
    ("国家专业化众创空间我们2021年就认定了，2024年又重新认定了一次，这次重新认定能拿多少", False),
    # both times asked about: the first time is paid
    ("技术先进型服务企业我们2019年首次认定，2022年复审又认定了，两次一共多少", True),
])
def test_a_renewal_asked_about_alone(text: str, paid: bool) -> None:
    assert this_time(text) is not paid
    estimate = _plain(text)
    narrowed = already_received(RULESET, text, estimate) or estimate
    assert any(i.outcome == "eligible" for i in narrowed.items) is paid


def test_a_count_of_another_title_multiplies_nothing() -> None:
    # 31家 are the district's new high-tech firms, not recipients of the county's award
    text = ("我局是文登区科技局。今年全区新增高新技术企业31家，规上工业产值增长9%。"
            "今年文登区成功创建为国家创新型县（市）。烦请告知市级给予文登区的奖励合计是多少。")
    assert per_recipient(RULESET, text, _plain(text)) is None
