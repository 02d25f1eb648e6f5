"""A question's estimate, every reader together (knowledge.reading.estimate)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.awards.calculator import Estimate
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.reading.estimate import estimate_question
from knowledge.reading.extraction import extract_facts
from knowledge.reading.normalize import normalize_question
from knowledge.sources.base import load_knowledge

TODAY = date(2026, 12, 6)
KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"
_KB = load_knowledge(KNOWLEDGE)
# with the documents' validity (107号 repealed on 2023-04-07, 58号 expired 2021-11-10)
RULESET: RuleSet = load_rules(KNOWLEDGE / "rules", _KB.clause, _KB.document)


def _estimate(question: str) -> Estimate:
    text = normalize_question(question)
    ex = extract_facts(text, TODAY, RULESET)
    return estimate_question(RULESET, text, TODAY, list(ex.candidate_rules), ex,
                             ex.as_of or TODAY)


@pytest.mark.parametrize(("text", "total"), [
    # a year's own denial is that year's, not the other years'
    ("2019年买技术100万没登记，2020年买技术150万登记了，一共能奖多少", 300_000),
    # a year of two amounts, one not registered, is a terse repeat of the year before
    ("公司2019年买技术登记了80万，2020年签了两个，100万的登记了，50万的没登记，"
     "2023年又买了300万也登记了，三年20%奖励总共多少", 360_000),
    # a year said again (就问2021年那年) keeps the date its first part gives (上半年)
    ("2020到2022年我们每年都买技术 合同都登记了 2020年100万 2021年400万都是上半年的 "
     "2022年150万 就问2021年那年能拿多少", 500_000),
    # the year asked about states no award granted: none of the other years'
    ("医院的市级临床医学研究中心2024年第一次绩效评价就通过了，今年第二次绩效评价也过了，"
     "今年能拿多少？", 0),
    # a title awaited beside titles obtained; a year to come is a plan
    ("我们是科技服务公司 2020年首次认定高企 2021年认定技术先进型服务企业 2021年上半年买技术"
     "登记了合同100万 明年打算申报国家级技术转移示范机构 加起来能拿多少", 600_000),
    # several awards asked at their most: each ceiling at its top
    ("我们是专利代理机构 算科技服务机构 2021年代理市内发明专利授权130件 2022年被认定为国家"
     "专利运营试点 2022年首次认定高企 技术先进型服务企业还在等 顶格算一共多少", 1_400_000),
    # a title held several times
    ("去年我们中心获得了2项国家技术市场奖励 3项省技术市场奖励 能配套多少", 700_000),
    # each title its own count, a stage said without its title too
    ("2022年我们区科技服务机构有5家首次认定高企 3家重新认定 一共多少", 1_300_000),
    # how many held it, said in the next clause
    ("我们医院牵头的4个市级临床医学研究中心 今年第一次参加绩效评价 3个通过了 1个没通过 "
     "今年能拿多少", 3_000_000),
    # parts of one year dated apart around the repeal, the head's count theirs
    ("我们是市级众创空间 2023年有7家在孵企业认定高企 2家是2月份认定的 5家是12月份认定的 "
     "都在3年孵化期内 能拿多少", 200_000),
    # recipients each dated on their own (两所…, 一个2020年…，另一个2024年…), the subject a
    # recipient leaves out written back; 这两个 points back, it counts no recipients
    ("区里两所高校的科技园，一个2020年升为省级大学科技园，另一个是2024年才升的省级。"
     "市里对这两个升级一共给多少补助", 1_000_000),
    # a level held since a year (前年已经是市级的了) beside a supposition, summed (前后加起来)
    ("我们公司牵头的技术创新中心前年已经是市级的了，要是今年能认定成省级，前后加起来一共能拿多少",
     7_000_000),
    # a count whose leader closes it (还有一个高校牵头的): the noun and level said before
    ("今年俩企业牵头的市级技术创新中心 还有一个高校牵头的 都批了 一共多少", 7_000_000),
])
def test_every_reader_together(text: str, total: int) -> None:
    assert _estimate(text).total_yuan == total


def test_a_hypothetical_is_computed_and_said_so() -> None:
    estimate = _estimate("如果我们孵化器认定为国家级科技企业孵化器，能拿多少")
    assert estimate.total_yuan == 2_000_000
    assert any("如果" in w for w in estimate.warnings)


@pytest.mark.parametrize(("text", "total"), [
    # a second try after failing is the first pass
    ("我们是做科技咨询的服务机构，2020年第一次申报高企没评上，2021年再报才通过，"
     "这算首次认定还是重新认定？市里能奖多少", 200_000),
    ("我们医院的市级临床医学研究中心2024年第一次参加绩效评价没通过，2025年第二次评价通过了，"
     "这算首次通过吗 能拿多少", 1_000_000),
])
def test_a_first_pass_after_failing(text: str, total: int) -> None:
    assert _estimate(text).total_yuan == total


@pytest.mark.parametrize(("text", "total"), [
    # a step said not done, supposed done after: computed as supposed
    ("当时2020年我们买技术那份150万的合同没去登记，假如当时登记了，能拿多少？", 300_000),
    ("2020年我们买技术有两份合同，100万那份登记了，80万那份没登记，要是当时两份都登记了能拿多少",
     360_000),
    # the supposition is of another step: the denial stands
    ("2020年我们买技术那份150万的合同没登记，如果再买一份呢，能拿多少", 0),
    # the year's level said with 是 (2019年是市级): that year's title
    ("我们企业牵头的技术创新中心，2019年是市级，2022年认定为省级，去年成了国家级，三次一共多少钱",
     17_000_000),
    # a count said with a double negation (都没出孵化期) counts; 空间里有3家 is where
    ("我们在经区运营一个市级众创空间，2020年评上了国家专业化众创空间，同一年空间里还有3家在孵企业"
     "（都没出孵化期）升了高新技术企业，这两样合起来能拿多少？", 2_300_000),
    # those that passed (过了7家) less a part out (其中有1家…超过孵化期)
    ("我们是高区一家市级众创空间，2022年空间里9家企业报了高企，过了7家，其中有1家已经毕业超过"
     "孵化期了，空间能拿多少奖励", 600_000),
    # a part placed outside the city gets nothing
    ("我们集团有3家子公司今年认定了技术先进型服务企业，两家在威海注册，一家在青岛，奖励一共多少钱？",
     400_000),
])
def test_segments_read_with_their_polarity(text: str, total: int) -> None:
    estimate = _estimate(text)
    assert estimate.total_yuan == total
    if "假如" in text or "要是" in text:
        assert any("如果" in w for w in estimate.warnings) == (total > 0)


@pytest.mark.parametrize(("text", "total"), [
    # a part opening its clause with 有 is of the count; its window is its own
    ("2020年我们孵化器有9家在孵企业升为高企，有2家是孵化第4年了，能奖多少", 700_000),
    # a step under way is not done (还在走登记流程)
    ("2021年6月我们买技术签了两个合同：一个200万已登记，另一个100万还在走登记流程，能奖多少",
     400_000),
    # the asker among those counted asks for its one
    ("今年全市有4家单位获得国家技术市场奖励，其中1家是我们，我们能拿多少配套", 200_000),
    ("今年全市有4家单位获得国家技术市场奖励，市里一共配套多少", 800_000),
    # a part renewed beside the others recognised the first time
    ("我们集团旗下2家公司今年认定了技术先进型服务企业，另有1家是复审，一共能拿多少", 400_000),
])
def test_parts_of_what_is_counted(text: str, total: int) -> None:
    assert _estimate(text).total_yuan == total


@pytest.mark.parametrize(("text", "total"), [
    # a part of those that passed (过了的里面有一家…4年多了)
    ("我们是市级孵化器，19年在孵的企业有8家报了高企，过了一半，不过过了的里面有一家在我们这都孵了"
     "4年多了，孵化器这块能拿多少奖励", 300_000),
    # a part passed before (通过过一回), of the count that passed (过了3家)
    ("今年全市4家医院的临床医学研究中心参加市级绩效评价，过了3家，不过有一家前年就已经通过过一回了，"
     "这次市里一共拨多少", 2_000_000),
    # the count said verb first (通过4家), a part renewed said with 但是其中
    ("今年高区6家企业报技术先进型服务企业，通过4家，但是其中1家是前年就认定过的这次是复核，"
     "那这批能拿到的一次性奖励一共多少", 600_000),
    # another leads, the asker takes part
    ("假如我们作为参与单位加入别人牵头的国家级技术创新中心，今年认定下来，我们能分多少", 0),
    # not yet obtained, supposed obtained in other words (还没拿到…假如认定上了)
    ("我们孵化器还没拿到省品牌，假如今年认定上了，省里拨60万，市里能配多少", 600_000),
    ("我们孵化器还没拿到省品牌，省里拨60万，市里能配多少", 0),
])
def test_parts_and_suppositions_said_other_ways(text: str, total: int) -> None:
    assert _estimate(text).total_yuan == total


@pytest.mark.parametrize(("text", "total"), [
    # the district asks for its own share: the towns' award is theirs, and their count is
    # no count of the district's award
    ("我是文登区政府的 今年我们区创成国家创新型县（市） 区里另外两个镇也创成了国家创新型乡镇 "
     "市里奖给区政府这一块是多少", 5_000_000),
    # asked together: both
    ("我是文登区政府的 今年我们区创成国家创新型县（市） 区里另外两个镇也创成了国家创新型乡镇 "
     "市里一共给多少", 7_000_000),
    # the hospital's three centres said one by one
    ("我们医院有3个市级临床医学研究中心：一个今年是第一次通过绩效评价；一个前年就首次通过了，"
     "今年是第二次通过；还有一个今年没评过。今年医院能拿多少钱？", 1_000_000),
    # a level approved (批为) then upgraded: both levels, each in its year
    ("如果我们大学牵头组建的技术创新中心今年被批为市级，后年再升成省级，一共能拿多少？", 8_000_000),
    # paid before, said of the part naming its title; the first recognition beside it stands
    ("我们科技服务机构2021年第一次认定高企；同一年我们运营的国家专业化众创空间（2019年认定的，"
     "当时拿过钱）复核也通过了。2021年能拿多少？", 200_000),
    # a level said alone takes the noun, not the event said of it (首次通过绩效评价)
    ("今年全市有3家医院的市级临床医学研究中心首次通过绩效评价，另外还有1家去年就通过了、"
     "今年升成了省级，今年这几家一共能拿多少", 5_000_000),
    # those that passed said as 批下来5家, a part of them out
    ("我们众创空间（市级）2021年有8家在孵企业申报高企，批下来5家，其中1家是入孵满3年以后才升的，"
     "能拿多少", 400_000),
    # applied, then passed (6家申报，5家通过了), a part of those renewed and paid before
    ("我们园区2024年有6家科技服务企业申报技术先进型服务企业，5家通过了，其中2家以前认定过拿过奖励，"
     "这次是复审，园区这几家能拿多少", 600_000),
], ids=["district-share", "district-and-towns", "one-by-one", "approved-then-upgraded",
        "paid-before-in-brackets", "level-takes-the-noun", "approved-count",
        "applied-then-passed-part-renewed"])
def test_parts_read_on_the_question_frame(text: str, total: int) -> None:
    assert _estimate(text).total_yuan == total


@pytest.mark.parametrize(("question", "total", "asked"), [
    # the exact figure decides the total (250万 → 7.5万, 260万 → 7.8万): asked, ends said
    ("2019年我们技术转移机构促成3项高校成果在市内转化，合同成交额二百五十多万，补助多少", 0, True),
    ("2020年我们公司买技术，登记的合同大约120万，奖多少", 0, True),
    # either end of the range reaches the cap: the total stands
    ("2020年我们公司买技术，登记的合同三百多万，奖多少", 500_000, False),
    # an exact amount is no range
    ("2020年我们公司买技术，登记的合同250万，奖多少", 500_000, False),
])
def test_an_approximate_amount_is_asked_when_the_total_depends_on_it(
        question: str, total: int, asked: bool) -> None:
    estimate = _estimate(question)
    assert estimate.total_yuan == total
    assert any("取决于确切金额" in w for w in estimate.warnings) is asked
    if asked:
        assert estimate.missing


@pytest.mark.parametrize(("text", "total", "asked"), [
    # 12 or 13 upgrades: over the 100万 cap either way, so answered
    ("省级孵化器，2021年5月在孵企业里升高企的有十二三家，都还在孵化期内，市里奖励多少", 1_000_000,
     False),
    # 7 or 8: 70万 or 80万, so the count is asked
    ("省级孵化器，2021年5月在孵企业里升高企的有七八家，都还在孵化期内，市里奖励多少", 0, True),
    # 十几家: 11 to 19, over the cap either way
    ("2021年5月我们市级孵化器有十几家在孵企业升了高企，都在孵化期里，孵化器奖励多少", 1_000_000,
     False),
])
def test_a_count_said_roughly_is_asked_only_when_it_matters(text: str, total: int,
                                                             asked: bool) -> None:
    ex = extract_facts(text, date(2026, 12, 6), RULESET)
    estimate = estimate_question(RULESET, text, date(2026, 12, 6), list(ex.candidate_rules), ex,
                                 ex.as_of or date(2026, 12, 6))
    assert estimate.total_yuan == total
    assert any("是约数" in w and "确切数量" in w for w in estimate.warnings) is asked
    # said so either way: the ends that give one total, or the ends that do not
    assert any("是约数" in w for w in estimate.warnings)


def test_a_year_whose_amount_is_unknown_is_asked_not_repeated_from_another() -> None:
    # 2020's amount is not 2019's: the amount is asked, no total guessed
    estimate = _estimate("我们公司2019年买技术合同100万登记了，2020年又买了一项也登记了，"
                         "金额记不清了，两年一共能拿多少？")
    assert not any(i.outcome == "eligible" for i in estimate.items)
    assert any(i.outcome == "need_info" for i in estimate.items)


@pytest.mark.parametrize(("text", "total"), [
    # terse: short forms, an arrow, a statement of another time in brackets
    ("国孵(我们运营) 2021年共9家在孵升高企, 其中2家入孵已满3年才升的 → 市里给多少?", 700_000),
    ("假如我司牵头的市级技创中心(2023年已拿过市级的钱)明年升省级 → 能拿多少?", 5_000_000),
    ("今年申报国孵没批 / 只拿下省品牌孵化器(省拨100万) → 市里?", 1_000_000),
    ("我们众创(市级) 2022年 十二家在孵升高企(都在孵化期内) → 市里给?", 1_000_000),
    # a letter: irrelevant context, a polite request, the year asked
    ("市科技局：\n敝公司是做智能装备的，员工350人，年营收5亿元。敝公司牵头的技术创新中心2024年"
     "已被列为市级技术创新中心，当年的200万元已经拿到；今年敝公司申报省级技术创新中心，但没有获批。"
     "\n烦请告知敝公司今年合计可获得多少。", 0),
    # dictated: no commas at all
    ("我们孵化器是市级的嗯二零二零年有七家在孵企业升成高新技术企业了不过里面有两家是进来孵化都快四年"
     "了才升上去的其他五家都在三年以内这个升级的奖励能拿多少", 500_000),
])
def test_terse_letters_and_dictation(text: str, total: int) -> None:
    assert _estimate(text).total_yuan == total
