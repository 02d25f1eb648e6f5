"""Several awards, counts, amounts and years in one question, on the real engine."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.slow

CASES = [  # (question, total, what the items must show)
    ("我们公司2019年买技术花了300万，2020年又买了200万，合同都登记了，两年一共能拿多少？",
     900000, ["2019年：", "2020年："]),  # the annual cap applies per year
    ("2019年我们促成3项成果转化成交额300万，2020年又促成4项成交额500万，"
     "我们是技术转移服务机构，两年能补多少", 240000, ["2019年：", "2020年："]),
    ("我们是市级孵化器，2022年有6家在孵企业升级为高企，其中2家已经超过3年孵化期，奖多少",
     400000, []),
    ("2020年我们公司买了两项技术，一项合同100万已经登记，另一项50万没登记，能奖多少",
     200000, []),
    ("2019年我们厂签了两份技术合同，一份60万，一份40万，都认定登记了，奖多少", 200000, []),
    ("我们企业牵头的技术创新中心2019年列入市级试点，2021年又认定为省级，一共能拿多少",
     7000000, []),
    ("我们的技术创新中心还没列入市级试点，如果直接认定为省级的能拿多少", 5000000, []),
    ("2020年我们公司买技术花了100万，但合同还没去登记，能奖多少", 0, []),
    # a title per year, each on that year's law
    ("我们公司牵头的技术创新中心2019年列为市级，2020年升为省级，2025年又认定为国家级，一共多少",
     17000000, ["2019年：", "2020年：", "2025年："]),
    # a terse year repeats the year before with its own count
    ("我们是市级孵化器，2021年有2家在孵企业认定了高企，2022年又有4家，都在孵化期内，一共多少",
     600000, ["2021年：", "2022年："]),
    # a month of a year is that year's date: after 107号's repeal (2023-04-07) nothing
    ("我们市级众创空间2022年有2家在孵企业升为高企，2023年5月又有3家，一共多少", 200000,
     ["2022年：", "2023年："]),
    # an outcome said after what was sought denies it
    ("我们镇2021年参评国家创新型乡镇没评上，能拿多少", 0, []),
    ("我们是市级孵化器，申报国家级孵化器没批下来，不过有3家在孵企业2年内升成了高企，"
     "2021年能拿多少", 300000, []),
    # each recipient with its own figure: caps per recipient
    ("我们有两个市级孵化器，2022年分别有8家和13家在孵企业升级为高企，都在孵化期内，加起来能拿多少",
     1800000, ["第1个：", "第2个："]),
    ("我们集团三个子公司，2019年各自买技术合同都登记了：甲公司威海注册买了300万，"
     "乙公司威海注册买了100万，丙公司烟台注册买了200万，几家加起来能拿多少",
     700000, ["甲公司：", "乙公司："]),
    # distinct holders per year are each granted the one-time award
    ("我们医院2019年和2020年各有一个不同的临床医学研究中心首次通过市级绩效评价，"
     "2021年其中一个升级为省级，合计多少", 4000000, ["2019年：", "2020年：", "2021年："]),
    # a month range dates the year's part by its last month (58号 valid to 2021-11-10)
    ("我们技术转移机构2019年促成5项高校成果在威海转化合同两千万，2020年只促成2项共三百万，"
     "2021年3到9月促成3项共四百万，都是高校院所的成果在威海落地，能补多少", 620000, []),
    # asked about a repeat of a first-time award, or an award received already
    ("我们医院的市级临床医学研究中心2020年首次通过绩效评价，2023年又第二次通过了，"
     "第二次还有钱吗，能拿多少", 0, []),
    ("我们孵化器2019年被认定为国家级科技企业孵化器拿了200万，今年国家复核又通过了，"
     "还能再拿吗 能拿多少", 0, []),
    # a district's towns that obtained the title, the one that did not left out
    ("区科技局咨询：2024年我们区有3个镇申报国家创新型乡镇，最后2个创建成功，1个没成。"
     "这几个镇市级奖励一共多少？", 2000000, []),
    ("我们区今年有三个孵化器被认定为国家级科技企业孵化器 另外还有一个报了没通过 市里一共奖多少",
     6000000, []),
    # the district's own title and its towns' beside it (俩 is two)
    ("区科技局的 问下 我们区今年创成国家创新型县（市）了，下面还有俩镇创成了国家创新型乡镇，"
     "市级奖励区里和镇里一共是多少？", 7000000, []),
    # not yet obtained, in other words
    ("我们镇报的国家创新型乡镇现在名单还在公示期，还没正式命名，现在市里能给我们镇多少钱", 0, []),
    ("我们今年申请技术先进型服务企业被驳回了，国家技术市场奖也只是入围没获奖，市里能给多少", 0, []),
    # a provincial title is not the national one the award is for
    ("我们镇今年评上了省级创新型乡镇（不是国家级的） 市级有奖励吗 多少", 0, []),
    # a whole and its registered part
    ("2019年我们买技术花了200万，其中120万的合同做了认定登记，另外80万的合同没登记，能奖多少",
     240000, []),
    ("2022年我们市级孵化器有5家在孵企业（都在孵化期内）申报高企，有2家没通过，剩下的都认定了，"
     "孵化器能拿多少奖励", 300000, []),
    # the question closing on one year asks about that year
    ("我们科技服务机构2019年第一次认定高企拿了20万，2022年重新认定通过，同年第一次认定了"
     "技术先进型服务企业，2022年一共能拿多少", 300000, []),
    # a year's own facts in the last clause do not limit the question to it
    ("技术转移机构 2019年促成4项高校成果在威海转化 成交额合计500万；2020年促成3项 合计1800万；"
     "2022年促成5项 合计600万 按3%那个补助三年一共多少", 650000, ["2019年：", "2020年："]),
    # this session's fresh dev batch: letters with brackets, a park's firms, a service
    # company is an enterprise too, never before then first, results counted per year
    ("我们集团下面三家子公司2020年都买了技术，合同都登记了：甲（威海注册）300万，乙（威海注册）"
     "120万，丙是在烟台注册的200万。按买技术的奖励集团总共能拿多少", 740000, []),
    ("我是园区管委会的 2019年园区三家企业都买了技术：A公司登记合同400万，B公司登记合同150万，"
     "C公司50万的合同没登记。按当时政策园区这三家一共能拿多少奖励", 800000, []),
    ("你好 我们是环翠区一家做检验检测的科技服务公司，今年刚拿到技术先进型服务企业认定，"
     "我们牵头组建的市级技术创新中心也列入试点了，这两项市里加起来能给多少钱", 2200000, []),
    ("我们是科技服务机构，之前从没认定过高企，2022年第一次通过认定，能拿多少", 200000, []),
    ("我们技术转移机构近几年促成高校院所成果在威海转化的情况：2019年4项 成交额1000万；"
     "2020年3项 成交额2500万；2022年5项 成交额800万。按合同成交额补助的那个政策，三年合计多少",
     800000, ["2019年：", "2020年："]),
    # failures in other words: not created, none approved
    ("区里今年申报国家创新型县没创建成功，不过有一个镇创建国家创新型乡镇成功了，市级奖励一共多少",
     1000000, []),
    ("市级孵化器 2021年有5家在孵企业报了高企，结果一家都没批，孵化器能拿多少", 0, []),
    # renewals said beside first recognitions are no upgrades
    ("2021年我们市级孵化器里有4家在孵企业第一次认定为高企（都在孵化期内），另外2家在孵企业是"
     "2018年就认定过的高企，2021年到期重新认定，孵化器能拿多少", 400000, []),
]


@pytest.mark.parametrize(("question", "total", "labels"), CASES,
                         ids=["years-capped", "years-broker", "count-minus-excluded",
                              "registered-only", "two-contracts", "upgrade-later",
                              "denied-then-if", "denied", "titles-by-year", "terse-year",
                              "month-after-repeal", "not-obtained", "not-approved-but",
                              "recipients-listed", "recipients-named", "distinct-holders",
                              "month-range", "second-time", "received-already",
                              "towns-counted", "incubators-counted", "county-and-towns",
                              "in-publicity", "shortlisted", "provincial-town",
                              "registered-part", "failed-part", "year-asked",
                              "year-facts-last", "letters-bracketed", "park-firms",
                              "service-company", "never-then-first", "results-per-year",
                              "not-created", "none-approved", "renewals-beside"])
def test_everything_the_owner_said_adds_up(engine: Any, question: str, total: int,
                                           labels: list[str]) -> None:
    answer = engine.ask(question)
    assert answer.estimate is not None
    assert answer.estimate.total_yuan == total
    shown = [i.label for i in answer.estimate.items]
    for label in labels:
        assert any(s.startswith(label) for s in shown)


def test_the_excluded_part_is_said(engine: Any) -> None:
    answer = engine.ask(CASES[2][0])
    assert any("其中2家已经超过3年孵化期 → 按4家计" in n for n in answer.extraction.notes)


@pytest.mark.parametrize(("question", "total"), [
    ("2020年买了一项专利技术花了90万，合同登记了，能奖多少", 180000),
    ("2019年我们花了三千万买技术，合同都登记了，奖多少", 500000),
])
def test_an_award_open_to_several_kinds_alike_is_computed_and_says_so(
        engine: Any, question: str, total: int) -> None:
    answer = engine.ask(question)
    assert answer.estimate is not None and answer.estimate.total_yuan == total
    assert any("按贵单位属于其中之一计算" in w for w in answer.estimate.warnings)


def test_an_award_that_depends_on_who_applies_asks(engine: Any) -> None:
    # enterprise-led 200万, university-led 300万: never assumed
    answer = engine.ask("2021年牵头组建的市级技术创新中心获批了，能拿多少？")
    assert answer.estimate is not None and answer.estimate.total_yuan == 0
    assert "applicant_types" in answer.estimate.missing


@pytest.mark.parametrize(("question", "total"), [
    ("2022年我们集团3家子公司各自牵头建技术创新中心报市级试点，结果2个入选，市里一共补多少",
     4_000_000),
    ("我们园区5家科技服务公司2024年申报技术先进型服务企业，通过了4家，一共能拿多少", 800_000),
    ("我是文登区科技局的，2024年我们区创成了国家创新型县，区里的一个镇也被评为国家创新型乡镇，"
     "两项奖励加一起多少", 6_000_000),
])
def test_several_recipients_one_speaks_for(engine: Any, question: str, total: int) -> None:
    answer = engine.ask(question)
    assert answer.estimate is not None and answer.estimate.total_yuan == total


@pytest.mark.parametrize(("question", "total"), [
    # a year names its own award (重新认定 said without 高企 beside it)
    ("我们是技术转移公司，2019年第一次认定高企，2022年重新认定也过了，一共给多少", 300_000),
    # the question limits itself to one year
    ("我们是技术转移公司，2019年第一次认定高企，2022年重新认定也过了，光算2022年给多少",
     100_000),
    # 入驻的企业 are incubatees; a design-service company is an S&T service institution
    ("我们市级众创空间2022年有3家入驻不到两年的企业评上了高新技术企业，奖多少", 300_000),
    ("我们是做工业设计服务的公司，2019年第一次被认定为高新技术企业，奖多少", 200_000),
    # 去年…今年 are two years of their own; the closing 今年能拿多少 (after a space) limits
    ("前年我们企业牵头的技术创新中心列入市级 领过200万了 今年升成省级 今年能拿多少",
     5_000_000),
    # the applicant assumed in every year (a kind losing the other award is not it)
    ("去年拿了技术先进型服务企业的20万奖励，今年被认定为省级技术创新中心，两年一共多少",
     5_200_000),
    # a status a clause later, a space parting clauses
    ("今年申报国家级科技企业孵化器 材料交上去了还没批下来 能拿多少", 0),
    ("2021年我们的技术创新中心认定为省级 国家技术市场奖只进了提名 没评上 能拿多少",
     5_000_000),
    # the titles named before the first year are that year's; 奖了100万 was paid
    ("我们企业牵头的市级技术创新中心前年拿了200万，今年认定为省级技术创新中心，今年能拿多少",
     5_000_000),
    ("2022年评上省级技术转移示范机构 奖了100万 今年升成国家级的了 今年还能拿多少", 2_000_000),
    # the operator's own 高企 beside its incubatees' (a clause of its own)
    ("2021年我们市级孵化器有2家在孵企业升了高企，运营公司是科技服务机构，自己也首次认定了高企，"
     "一共多少",
     400_000),
    # a title said as where the news is (我们国家级孵化器里…): held, its award not asked
    ("2022年我们国家级孵化器里在孵企业一共升了13家高企，都在孵化期内，孵化器能拿多少",
     1_000_000),
    ("我们国家级孵化器2019年有14家在孵企业首次认定高企，都在孵化期内，当年能拿多少", 1_000_000),
    # the level an upgrade starts from is held, not obtained now
    ("学校的省级大学科技园2021年升级成了国家大学科技园，还获得了国家技术市场奖励，合计多少",
     3_200_000),
    # a renewal is paid in each year it is; titles only the question names are asked
    ("我们科技服务机构2016年首次认定高企，2019年重新认定，2022年又重新认定，这两次重新认定"
     "一共能拿多少", 200_000),
    # a year terse in its first clause keeps the amounts it states later
    ("2019年买技术登记了80万，2020年签了两个，100万的登记了，50万的没登记，两年奖励总共多少",
     360_000),
])
def test_years_name_their_awards_and_a_year_can_be_singled_out(engine: Any, question: str,
                                                               total: int) -> None:
    answer = engine.ask(question)
    assert answer.estimate is not None and answer.estimate.total_yuan == total


@pytest.mark.parametrize(("question", "total"), [
    # a university that sold to us is the counterparty: we bought
    ("山大威海分校把两项专利卖给了我们厂，2020年合同一共150万，做了认定登记，我们厂能拿多少",
     300_000),
    # a university by short name leads the centre
    ("哈工大（威海）牵头的技术创新中心2020年列入市级试点，2023年被认定为省级，一共支持多少",
     8_000_000),
    # 这次: the latest year only (the renewal after 107号's repeal: nothing)
    ("我们是科技服务公司，2020年首次认定高企时已经领过奖了，2023年9月重新认定通过，这次能拿多少",
     0),
])
def test_who_sold_who_leads_and_this_time(engine: Any, question: str, total: int) -> None:
    answer = engine.ask(question)
    assert answer.estimate is not None and answer.estimate.total_yuan == total


SPLITS = [  # (question, total): a granted subsidy's share by the level asked
    ("我们在文登 批下来研发补助400万 市级担多少", 1000000),
    ("公司在环翠区 企业研发补助批了800万 县里出多少", 2000000),
    ("企业研发补助拿了1200万 省里那块是多少", 5000000),  # over the 1000万 cap
    ("刚评上省级技术创新中心 市里给1000万对吧", 5000000),  # a figure to check
    ("我们民营医院搞了个升级为省级临床医学研究中心 第一次绩效评价过了 一共多少", 3000000),
    ("国家创新型乡镇市里奖多少，4个镇", 4000000),  # recipients counted by their noun
    ("我们区创建成国家创新型县了；下面的镇评上国家创新型乡镇，3个镇，一共多少", 8000000),
    ("荣成一家企业研发补助批了600万，荣成市这一级财政要承担多少", 3000000),  # 荣成按50%
    ("文登的企业研发补助定了400万，区级一共要分担多少", 1000000),
    ("高区一家企业研发补助核定了800万，区里（县级）财政要出多少", 2000000),
    # a county-level city named as what was created (荣成被创建为…): its government
    ("今年荣成被创建为国家创新型县，另外还有2个镇创建成国家创新型乡镇，市级奖励总共多少",
     7000000),
]


@pytest.mark.parametrize(("question", "total"), SPLITS,
                         ids=["city-share", "county-share", "capped-share", "check-a-figure",
                              "two-titles-sharing-a-noun", "towns-counted",
                              "county-and-its-towns", "share-by-name", "share-in-all",
                              "county-by-name", "share-in-brackets"])
def test_the_share_asked_and_titles_that_share_a_noun(engine: Any, question: str,
                                                      total: int) -> None:
    answer = engine.ask(question)
    assert answer.estimate is not None
    assert answer.estimate.total_yuan == total


def test_a_split_without_the_level_asked_lists_every_share(engine: Any) -> None:
    answer = engine.ask("公司在高区 研发补助批了600万 省市区怎么分")
    # the enterprise receives what was granted; every level's share is listed
    assert answer.estimate is not None and answer.estimate.total_yuan == 6000000
    text = answer.estimate.items[0].explanation
    assert "省级50% = 300万元" in text and "市级25% = 150万元" in text


READINGS = [  # (question, total): a wording read into its fact
    ("我们是技术转移服务机构，2020年促成了3项高校成果在威海本地转化，技术合同一共2400000元，补助多少",
     72000),  # a broker's contracts are its turnover, not a purchase
    ("2021年我们孵化器（市级的）有3家在孵企业升了高企，奖励多少", 300000),  # level in brackets
    ("我们大学科技园2020年升了省级，2022年又升成国家大学科技园，一共拿多少", 4000000),
    ("我们市创建成国家创新型县（市）了，下面有一个镇也评上了国家创新型乡镇，这两块市级奖励加一起是多少？",
     6000000),  # 我们市 is the county-level city applying
    ("2019年买了个小技术，三万五，合同登记了，能奖多少", 7000),  # the spoken 三万五
    ("如果明年我们同时拿到国家技术市场奖励和省级技术转移示范机构称号，一共能拿多少", 1200000),
    ("要是明年我们孵化器被认定为国家级科技企业孵化器，一次性能拿多少", 2000000),
    # a first-time award asked of the second time
    ("咱们院的市级临床医学研究中心2021年首次通过绩效评价已经拿过钱了，2023年第二次通过，这次能拿多少？",
     0),
    # months of one year on each side of 58号's expiry (2021-11-10)
    ("我们公司2021年3月跟一家研究所签了技术开发合同100万，2021年12月又签了一份80万的技术转让合同，"
     "两份都做了认定登记，这两份合同市里能奖多少？", 200000),
    ("集团两家子公司各自牵头建了个市级技术创新中心 一共补多少", 4000000),  # subsidiaries
    # a renewal asked of (这次) is the latest year's, on its law
    ("我们是知识产权代理机构，2018年12月首次认定高企，2021年到期重新认定又通过，2021年这次奖多少",
     100000),
    ("我们孵化器只在区里备了案，不是市级的，2021年有2家在孵企业认定了高企，奖多少", 0),
    # a list of years sharing one statement, a range heading a list, terse years
    ("我们公司2020、2021每年都是上半年买技术一百万，合同都登记了，一共奖多少", 400000),
    ("我们公司2019到2021年每年都买技术，合同都登记了：2019年一百万，2020年三百万，"
     "2021年上半年八十万，一共能奖励多少", 860000),
    ("我们市级孵化器2020年升级高企4家，2021年12家，都在孵化期内，累计能拿多少", 1400000),
    # spaces parting the owner's clauses part their amounts' conditions
    ("2020年我们公司买了两项技术 一项登记了150万 另一项60万没登记 奖励多少", 300000),
]


@pytest.mark.parametrize(("question", "total"), READINGS,
                         ids=["broker-contracts", "level-in-brackets", "park-level-after",
                              "our-city", "spoken-numeral", "sum-not-stacking",
                              "sum-not-payment-timing", "second-time",
                              "months-across-an-expiry", "subsidiaries", "renewal-this-time",
                              "level-denied-not-implied", "years-listed", "years-range",
                              "terse-years-with-head", "spaced-clauses"])
def test_a_wording_is_read_into_its_fact(engine: Any, question: str, total: int) -> None:
    answer = engine.ask(question)
    assert answer.unanswered is None
    assert answer.estimate is not None and answer.estimate.total_yuan == total
