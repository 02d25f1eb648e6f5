"""Question normalisation: script, width, spacing; identity on the simplified corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.reading.normalize import normalize_question, to_simplified

KNOWLEDGE = Path(__file__).resolve().parents[3] / "knowledge"


@pytest.mark.parametrize(("raw", "expected"), [
    ("我們公司購買技術，經登記的成交額300萬元", "我们公司购买技术，经登记的成交额300万元"),
    ("國家級科技企業孵化器有什麼獎勵", "国家级科技企业孵化器有什么奖励"),
    ("高新技術企業認定後補貼多少", "高新技术企业认定后补贴多少"),
    ("２０２０年买了３００万的技术", "2020年买了300万的技术"),
    ("ＡＢＣ　众创空间", "ABC 众创空间"),
    ("  孵化器   奖励 ", "孵化器 奖励"),
    ("", ""),
], ids=["traditional-purchase", "traditional-incubator", "traditional-hitech",
        "fullwidth-digits", "fullwidth-letters-space", "spacing", "empty"])
def test_normalize_question(raw: str, expected: str) -> None:
    assert normalize_question(raw) == expected


def test_fullwidth_punctuation_is_kept() -> None:
    assert normalize_question("（一）补助？") == "（一）补助？"


@pytest.mark.parametrize("path", sorted([*KNOWLEDGE.glob("policies/*.md"),
                                         KNOWLEDGE / "cases" / "questions.yaml",
                                         KNOWLEDGE / "cases" / "estimates.yaml"]),
                         ids=lambda p: p.name)
def test_simplified_corpus_converts_to_itself(path: Path) -> None:
    """The conversion never rewrites a simplified character of the policies or questions."""
    text = path.read_text(encoding="utf-8")
    assert to_simplified(text) == text


@pytest.mark.parametrize(("text", "normal"), [
    ("买技术花了80w", "买技术花了80万"),
    ("买技术花了 80 W，", "买技术花了 80万，"),
    ("预算5k元", "预算5千元"),
    ("伍拾万元", "五十万元"),
    ("壹佰贰拾万", "一百二十万"),
    ("用了80wh电", "用了80wh电"),  # a unit word, not an amount
    ("Windows 10", "Windows 10"),
    # nothing paid, said as an amount of nothing
    ("要是省里一分钱没拨呢", "要是省里拨了0元呢"),
    ("省里一分钱都没给", "省里给了0元"),
    # 个亿 and 半个亿 as owners say them
    ("成交额0.2个亿", "成交额0.2亿"),
    ("两个亿的合同", "两亿的合同"),
    ("半个亿", "0.5亿"),
    ("一个半亿", "1.5亿"),
    ("大半个亿", "大半个亿"),  # (not a figure to read)
    # 两百八 / 一千二 after the words stating an amount: of 万
    ("2020年买技术花了两百八 合同登记了", "2020年买技术花了两百八十万 合同登记了"),
    ("合同额一千二，登记了", "合同额一千二百万，登记了"),
    ("合同两百八 单位是万", "合同两百八十万 单位是万"),
    ("合同额两百八十万", "合同额两百八十万"),
    ("一共两百八家", "一共两百八家"),
])
def test_amounts_as_owners_type_them(text: str, normal: str) -> None:
    assert normalize_question(text) == normal


@pytest.mark.parametrize(("text", "written"), [
    ("2019和2020两年都优秀", "2019年和2020年两年都优秀"),
    ("2020、2021、2022每年都是上半年签的", "2020年、2021年、2022年每年都是上半年签的"),
    ("2019到2022年每年都从高校买技术", "2019年到2022年每年都从高校买技术"),
    ("合同2020000元", "合同2020000元"),  # an amount, no year
])
def test_a_list_or_range_of_years_is_written_out(text: str, written: str) -> None:
    assert normalize_question(text) == written


@pytest.mark.parametrize(("text", "written"), [
    ("我们区今年有俩镇创成国家创新型乡镇", "我们区今年有两个镇创成国家创新型乡镇"),
    ("促成了仨高校成果", "促成了三个高校成果"),
    ("有俩个企业", "有两个企业"),
])
def test_spoken_counts_are_written_out(text: str, written: str) -> None:
    assert normalize_question(text) == written


@pytest.mark.parametrize(("text", "written"), [
    ("我们机构二〇二〇年促成六项", "我们机构2020年促成六项"),
    ("二零一九年买了技术", "2019年买了技术"),
    ("二十年来", "二十年来"),  # no year in Chinese digits
    # two digits, as owners say them
    ("二〇年买技术的合同登记金额是二百五十万", "2020年买技术的合同登记金额是二百五十万"),
    ("一九年认定的", "2019年认定的"),
    ("入孵二年", "入孵二年"),  # a duration
    ("孵化期三年内", "孵化期三年内"),
])
def test_a_year_in_chinese_digits(text: str, written: str) -> None:
    assert normalize_question(text) == written


@pytest.mark.parametrize(("text", "read"), [
    ("在孵企业升级高企的有5家 不对 是3家 另外两家", "在孵企业升级高企的有3家 另外两家"),
    ("企业牵头的有3家，哦不对，是2家，另外还有1家", "企业牵头的有2家，另外还有1家"),
    ("3个镇创建为国家创新型乡镇，更正一下，是2个镇，区本身", "2个镇创建为国家创新型乡镇，区本身"),
    ("一开始我报的是2项 不对 是4项", "一开始我报的是4项"),
    ("合同300万，说错了，应该是350万", "合同350万"),
    # 哦不 / 不不, and the number nearest the correction (no year taken for it)
    ("2020年孵化器里有三家，哦不，四家在孵企业升成了高企",
     "2020年孵化器里有四家在孵企业升成了高企"),
    ("买了两项，不不，三项专利", "买了三项专利"),
    # not a correction of a number: left as said
    ("我们不对外开放，有3家", "我们不对外开放，有3家"),
    ("花了300万，不对，是5家", "花了300万，不对，是5家"),
    # a date corrected: the date said last, not a count of months
    ("2023年2月，不对，是2023年3月，又认定为国家级", "2023年3月，又认定为国家级"),
    ("6月 不对 是8月签的", "8月签的"),
    ("2022年，说错了，是2021年认定的", "2021年认定的"),
    # a phrase of two numbers said again corrected: the one before taken out
    ("报了10家 6家过了4家没过 哦说错了 是7家过了3家没过 都在孵化期",
     "报了10家 7家过了3家没过 都在孵化期"),
    ("买了两项，一项50万一项80万，不对，一项60万一项80万，能拿多少",
     "买了两项，一项60万一项80万，能拿多少"),
])
def test_a_number_corrected_as_typed_is_read_once(text: str, read: str) -> None:
    assert normalize_question(text) == read


@pytest.mark.parametrize(("text", "written"), [
    # a year said bare in a terse message is a year
    ("高企：2019首次认定；2022重新认定 — 合计？", "高企：2019年首次认定；2022年重新认定，合计？"),
    ("国合基地：省级 2019；国家级 2023年6月", "国合基地：省级 2019年；国家级 2023年6月"),
    # an amount, a date or a code is no year
    ("合同2019万", "合同2019万"),
    ("证书日期2018-11-12", "证书日期2018-11-12"),
    ("2019.5", "2019年5月"),  # (a date with a dot: its year and month)
    ("版本2019.51", "版本2019.51"),
    # a dash before the question is a break; a range is not
    ("2019年认定——补助？", "2019年认定，补助？"),
    ("2021年3家（其中1家超过3年）— 合计？", "2021年3家，其中1家超过3年，合计？"),
    ("2019—2021年", "2019—2021年"),
])
def test_a_terse_message_s_years_and_breaks(text: str, written: str) -> None:
    assert normalize_question(text) == written


@pytest.mark.parametrize(("text", "said"), [
    ("大前年三月份头一回评上高企", "大前年3月份头一回评上高企"),
    ("2023年十一月认定", "2023年11月认定"),
    ("三个月后", "三个月后"),  # a span, not a month
])
def test_a_month_in_chinese_digits_after_its_year(text: str, said: str) -> None:
    assert normalize_question(text) == said


@pytest.mark.parametrize(("text", "said"), [
    ("员工45人，2014年成立。2019年首次认定高企", "员工45人，成立。2019年首次认定高企"),
    ("2008年在乳山市注册成立，去年产值一个多亿", "在乳山市注册成立，去年产值一个多亿"),
    ("公司成立于2005年3月，2020年买了专利", "公司成立，2020年买了专利"),
    ("我们是2016年注册的，2021年认定", "我们是注册的，2021年认定"),
    # a title founded keeps its year: an event of the question
    ("2019年成立了市级技术创新中心", "2019年成立了市级技术创新中心"),
    ("2019年成立的孵化器，2021年升了国家级", "2019年成立的孵化器，2021年升了国家级"),
])
def test_the_year_the_unit_was_founded_is_no_event(text: str, said: str) -> None:
    assert normalize_question(text) == said


@pytest.mark.parametrize(("text", "said"), [
    ("去年，哦不对，是前年认定的", "前年认定的"),
    ("前年……不对，是去年，认定为国家级", "去年，认定为国家级"),
    ("国家级，啊不对，省级的孵化器", "省级的孵化器"),
    ("今年是市级，不对，省级", "今年是省级"),
    # no correction of a year or a level
    ("国家级的不对，我们没评上", "国家级的不对，我们没评上"),
])
def test_a_year_or_a_level_corrected_as_typed_is_read_once(text: str, said: str) -> None:
    assert normalize_question(text) == said


@pytest.mark.parametrize(("text", "said"), [
    # a date with a dot or a slash: its year and month
    ("23.2国家级", "2023年2月国家级"),
    ("2020.5认定", "2020年5月认定"),
    ("20/5认定", "2020年5月认定"),
    # an amount or a share is no date
    ("合同1.5亿", "合同1.5亿"),
    ("补助12.5万", "补助12.5万"),
    ("增长2.5%", "增长2.5%"),
    # facts joined by a sign: one more fact
    ("孵化器21年升国家级+3家在孵升高企", "孵化器2021年升国家级，3家在孵升高企"),
    ("国家专业化众创空间&省品牌众创空间", "国家专业化众创空间，省品牌众创空间"),
])
def test_a_terse_message_s_dates_and_signs(text: str, said: str) -> None:
    assert normalize_question(text) == said


def test_a_sign_inside_a_latin_word_is_kept() -> None:
    assert normalize_question("a key R&D institution") == "a key R&D institution"


@pytest.mark.parametrize(("raw", "expected"), [
    # an arrow parts the facts; a sum asked in a word or two after it is the question
    ("国孵(2020) + 4家在孵升高企/3年内 → 市里共?",
     "国孵(2020年)，4家在孵升高企/3年内，市里共多少？"),
    ("省级示范机构拿下了 → ?", "省级示范机构拿下了，能拿多少？"),
    ("前年省里重新评估保留资格 → 前年市里再给?", "前年省里重新评估保留资格，前年市里再给多少？"),
    ("2020年买技术 -> 条件?", "2020年买技术，条件?"),  # no sum asked
    # a slash with a space parts two facts; not two levels said as one
    ("今年申报国孵没批 / 只拿下省品牌孵化器", "今年申报国孵没批，只拿下省品牌孵化器"),
    ("省级/国家级孵化器", "省级/国家级孵化器"),
    # a statement of another time in brackets is a clause of its own; a label stays
    ("市级技创中心(2023年已拿过市级的钱)明年升省级",
     "市级技创中心，2023年已拿过市级的钱，明年升省级"),
    ("买技术合同登记了150万（就促成了这1项）", "买技术合同登记了150万（就促成了这1项）"),
    ("没批下来（2019年已经是省级了）；", "没批下来（2019年已经是省级了）；"),
    # a count written as a multiplication; 牵头 straight before a level
    ("企业牵头市级×2, 高校牵头市级×1", "企业牵头的市级2个, 高校牵头的市级1个"),
])
def test_terse_messages_read_as_clauses(raw: str, expected: str) -> None:
    assert normalize_question(raw) == expected


def test_short_forms_are_written_out() -> None:
    from knowledge.awards.vocabulary import default_vocabulary
    from knowledge.reading.normalize import written_out

    forms = default_vocabulary().short_forms
    assert written_out("国孵和省孵，技创中心，临床中心", forms) \
        == "国家级科技企业孵化器和省级科技企业孵化器，技术创新中心，临床医学研究中心"
    # a short form followed by the rest of its title is the title already
    assert written_out("众创空间和众创", forms) == "众创空间和众创空间"
