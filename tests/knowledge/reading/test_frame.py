"""The question frame: a message read against the previous question (pure, no engine)."""

from __future__ import annotations

import pytest

from knowledge.awards.vocabulary import default_vocabulary
from knowledge.reading.frame import Frame, Previous, read_frame
from knowledge.reading.talk import default_talk

TALK = default_talk()
TOPICS = default_vocabulary().topics
CENTRE = Previous("企业牵头建设市级技术创新中心能获得多少补助？", asked="amount",
                  doc_number="威政办字〔2018〕106号", clause_path="四、（三）",
                  topics=("tech_centre",),
                  thread=("企业牵头建设市级技术创新中心能获得多少补助？",))
INCUBATEES = Previous("我们市级孵化器今年有5家在孵企业升级为高新技术企业，奖励多少？",
                      asked="amount", doc_number="威政办字〔2018〕106号",
                      clause_path="四、（六）", topics=("incubator", "hitech"))
PURCHASE = Previous("2020年我们买了一项专利，合同额300万元，已登记，能补多少？",
                    asked="amount", doc_number="威科字〔2018〕58号", clause_path="二、（三）2.",
                    topics=("tech_purchase", "patent"))
BROKER = Previous("2020年我们促成2项成果转化，成交额300万元，补多少？", asked="amount",
                  doc_number="威科字〔2018〕58号", clause_path="二、（二）2.",
                  topics=("tech_transfer",))


def read(text: str, previous: Previous | None) -> Frame:
    return read_frame(text, previous, TALK, TOPICS)


@pytest.mark.parametrize(("previous", "text", "understood", "ref"), [
    (INCUBATEES, "如果是8家呢？",
     "我们市级孵化器今年有8家在孵企业升级为高新技术企业，奖励多少？", "count"),
    (PURCHASE, "合同额要是1000万呢？",
     "2020年我们买了一项专利，合同额1000万，已登记，能补多少？", "amount"),
    (CENTRE, "升到国家级以后呢？", "企业牵头建设国家级技术创新中心能获得多少补助？", "level"),
    (CENTRE, "那省级的呢", "企业牵头建设省级技术创新中心能获得多少补助？", "level"),
    (BROKER, "说错了，是3项，一共300万",
     "2020年我们促成3项成果转化，成交额300万，补多少？", "correction"),
    (CENTRE, "要是高校牵头呢", "高校牵头建设市级技术创新中心能获得多少补助？", "applicant"),
    (CENTRE, "那2022年呢", "2022年企业牵头建设市级技术创新中心能获得多少补助？", "year"),
    (PURCHASE, "那2019年呢", "2019年我们买了一项专利，合同额300万元，已登记，能补多少？",
     "year"),
    (PURCHASE, "要是合同没登记呢",
     "2020年我们买了一项专利，合同额300万元，已登记，能补多少？，如果合同没登记", "ellipsis"),
], ids=["count", "amount", "level", "level-short", "correction", "applicant", "year",
        "year-purchase", "denied-step"])
def test_a_change_rewrites_the_previous_question(previous: Previous, text: str,
                                                 understood: str, ref: str) -> None:
    frame = read(text, previous)
    assert frame.follow_up
    assert frame.text == understood
    assert ref in frame.refs


def test_hypothetical_is_marked() -> None:
    assert read("如果是8家呢？", INCUBATEES).hypothetical
    assert not read("说错了，是8家", INCUBATEES).hypothetical


def test_combination_joins_the_thread() -> None:
    first = read("后来升到省级了呢", CENTRE)
    assert first.text == "企业牵头建设省级技术创新中心能获得多少补助？"
    previous = Previous(first.text, asked="amount", topics=("tech_centre",),
                        thread=first.thread)
    both = read("两项加起来多少？", previous)
    assert "combination" in both.refs and both.asked == "amount"
    assert both.text == ("企业牵头建设市级技术创新中心能获得多少补助？；"
                         "企业牵头建设省级技术创新中心能获得多少补助？")


@pytest.mark.parametrize(("first", "second"), [
    ("我们拿了省技术市场奖，市里配套多少", "第二年又拿了国家技术市场奖呢"),  # X呢
    ("我们拿了省技术市场奖，市里配套多少", "另外我们还被认定为省级技术转移示范机构，给多少"),
])
def test_a_question_that_adds_to_the_one_before_stays_in_the_thread(first: str,
                                                                    second: str) -> None:
    start = read(first, None)
    previous = Previous(start.text, asked="amount", topics=("tech_market",),
                        thread=start.thread)
    added = read(second, previous)
    later = Previous(added.text, asked="amount", topics=("tech_transfer",),
                     thread=added.thread)
    both = read("两项加起来一共多少", later)
    assert "combination" in both.refs
    assert both.text.startswith(first + "；")


def test_a_new_subject_without_an_addition_starts_a_new_thread() -> None:
    new = read("企业建孵化器有什么支持", CENTRE)  # the boundary "" ends the one before
    assert new.thread == (CENTRE.text, "", new.text)


@pytest.mark.parametrize(("text", "asked"), [
    ("它从哪天开始执行？", "issued"),
    ("这个文件还有效吗", "validity"),
    ("这个文件谁发的", "issuer"),
], ids=["pronoun-issued", "pronoun-validity", "pronoun-issuer"])
def test_a_pronoun_asks_about_the_document_answered_last(text: str, asked: str) -> None:
    frame = read(text, PURCHASE)
    assert frame.follow_up and frame.asked == asked
    assert frame.text.startswith("威科字〔2018〕58号")


@pytest.mark.parametrize(("text", "intent"), [
    ("这个找哪个部门申请？", "office"), ("向谁申请？", "office"),
    ("申请需要什么材料？", "materials"), ("这个什么时候申报？", "deadline"),
], ids=["office", "whom", "materials", "when"])
def test_an_intent_alone_is_asked_of_the_clause_in_context(text: str, intent: str) -> None:
    frame = read(text, CENTRE)
    assert frame.about_clause == intent
    assert frame.text == CENTRE.text


def test_another_kind_of_question_about_the_same_subject() -> None:
    frame = read("那钱什么时候到账？", PURCHASE)
    assert frame.follow_up and frame.asked == "payment_timing"
    assert frame.text.startswith(PURCHASE.text)


def test_another_subject_asks_the_same_question() -> None:
    frame = read("那省级孵化器呢", CENTRE)
    assert frame.follow_up and frame.refs == ("subject",)
    assert frame.text == "省级孵化器，能拿多少"


@pytest.mark.parametrize("text", [
    "孵化器有什么奖励", "星创天地有什么支持", "威海市孵化器有奖励吗",
    "企业购买技术成果能补贴多少？",
], ids=["short-new", "short-new-2", "city-name", "long"])
def test_a_question_of_its_own_starts_afresh(text: str) -> None:
    frame = read(text, CENTRE)
    assert not frame.follow_up and frame.text == text
    assert not read("那省级的呢", None).follow_up  # nothing to follow


@pytest.mark.parametrize("text", ["对了明天威海会下雪吗", "今天气温几度",
                                  "今天这雪下得真大 你那边咋样", "你是真人还是机器人啊"])
def test_weather_is_no_follow_up(text: str) -> None:
    assert not read(text, CENTRE).follow_up


@pytest.mark.parametrize(("text", "follows"), [
    ("帮我写个科室的年终总结", False),
    ("讲个笑话", False),
    # a request of another kind that names a figure or a subject stays a follow-up
    ("帮我写个孵化器的申请", False),
    ("那写个2021年的呢", True),
])
def test_a_request_of_another_kind_is_no_follow_up(text: str, follows: bool) -> None:
    assert read(text, PURCHASE).follow_up is follows


@pytest.mark.parametrize(("text", "follows"), [
    # a history of its own: its own subject, dated in two years or more
    ("我们2019年是企业牵头的市级技术创新中心，2021年3月升了省级，加上今年国家级，三次一共拿多少",
     False),
    # one year, or a correction: read against the previous question
    ("2021年3月升了省级，加上今年国家级，一共拿多少", True),
    ("说错了，2019年是市级技术创新中心，2021年升的省级", True),
])
def test_a_history_told_whole_is_a_question_of_its_own(text: str, follows: bool) -> None:
    assert read(text, CENTRE).follow_up is follows


def test_where_the_money_is_paid_is_a_kind_asked() -> None:
    frame = read("奖励是打到公司基本户还是法人个人卡上", PURCHASE)
    assert frame.asked == "payment_account"


@pytest.mark.parametrize("text", [
    "市里配套的钱是跟省里的钱一起拨还是单独拨",
    "这笔奖励是哪个部门拨",
])
def test_how_the_money_is_paid_is_a_kind_asked(text: str) -> None:
    assert read(text, PURCHASE).asked == "payment_manner"


def test_a_named_document_starts_afresh() -> None:
    frame = read_frame("58号文件还有效吗", CENTRE, TALK, TOPICS, names_document=True)
    assert not frame.follow_up


@pytest.mark.parametrize("text", ["你好", "您好！", "在吗？", "谢谢", "谢谢啊，辛苦了",
                                  "👍", "早上好", "hello"])
def test_greetings_and_thanks(text: str) -> None:
    assert read(text, CENTRE).greeting
    assert read(text, None).greeting


@pytest.mark.parametrize("text", ["你好，孵化器有什么奖励", "谢谢，那省级的呢"])
def test_a_greeting_with_a_question_is_a_question(text: str) -> None:
    assert not read(text, CENTRE).greeting


def test_another_city_is_named() -> None:
    assert read("青岛的孵化器补多少", None).place == "青岛"
    assert read("威海和青岛比哪个多", None).place == "青岛"  # compared with home: still
    assert read("威海的孵化器补多少", None).place == ""


def test_previous_round_trips_through_the_store_record() -> None:
    assert Previous.from_data(CENTRE.to_data()) == CENTRE
    assert Previous.from_data({"q": ""}) is None


def test_staff_conversation_vocabulary_errors_are_located(tmp_path: object) -> None:
    from pathlib import Path

    from knowledge.errors import VocabularyError
    from knowledge.reading.talk import check_talk, load_talk

    folder = Path(str(tmp_path))
    (folder / "vocabulary").mkdir()
    path = folder / "vocabulary" / "conversation.yaml"
    path.write_text("greetings: [你好]\nfollow_up:\n  starts: 那\nwhatever: []\n",
                    encoding="utf-8")
    problems = check_talk(folder)
    assert sorted((p.line, "starts" in p.message or "whatever" in p.message)
                  for p in problems) == [(3, True), (4, True)]
    with pytest.raises(VocabularyError, match=r"conversation.yaml:\d"):
        load_talk(path)
    path.write_text("greetings: [你好, 老板好]\nnear: [车间]\n", encoding="utf-8")
    talk = load_talk(path)  # staff words take effect without Python
    assert talk.is_greeting("老板好") and talk.is_near("车间的新产品")


def test_a_combination_word_is_not_money() -> None:
    both = read("两笔加一块多少", CENTRE)  # 一块 is not one yuan here
    assert "combination" in both.refs and "amount" not in both.refs


def test_this_one_after_a_new_subject_is_that_subject() -> None:
    frame = read("集团还有个孵化器认定成国家级了 这个呢", CENTRE)
    assert frame.refs == ("subject",)
    assert frame.text.startswith("集团还有个孵化器认定成国家级了")
    assert "技术创新中心" not in frame.text


TOWNS = Previous("国家创新型乡镇市里奖多少", asked="amount", topics=("innovative_region",),
                 thread=("国家创新型乡镇市里奖多少",))


def test_a_count_of_something_named_is_kept_in_a_combination() -> None:
    frame = read("如果我们市有4个镇评上呢 市里一共要出多少", TOWNS)
    assert "count" in frame.refs and frame.text.endswith("4个镇")
    assert "市级" not in frame.text  # 市里一共要出: the city paying, not a level


@pytest.mark.parametrize(("said", "joined"), [
    ("两项一共多少", 2),  # as many as it says, across the boundary
    ("一共多少", 1),  # the thread since it started
])
def test_a_combination_takes_as_many_as_it_says(said: str, joined: int) -> None:
    first = read("星创天地认定下来给多少", None)
    second = read("我们评上了省品牌众创空间 省里拨了六十万 市里配多少",
                  Previous(first.text, asked="amount", topics=("incubator",),
                           thread=first.thread))
    assert second.thread[-2:] == ("", second.text)
    both = read(said, Previous(second.text, asked="amount", topics=("incubator",),
                               thread=second.thread))
    assert len(both.text.split("；")) == joined
    assert "两项" not in both.text


INCUBATOR = Previous("国家级孵化器奖多少钱啊", asked="amount", topics=("incubator",),
                     thread=("国家级孵化器奖多少钱啊",), granted=("d106_incubator_national",))


def _titles(text: str) -> list[str]:
    return [w for w in ("国家专业化众创空间", "国家级孵化器", "省级孵化器") if w in text]


def test_another_title_is_another_subject() -> None:
    frame = read_frame("那国家专业化众创空间呢", INCUBATOR, TALK, TOPICS, titles=_titles)
    assert frame.refs == ("subject",) and frame.text.startswith("国家专业化众创空间")
    both = read_frame("俩都认定了一共能拿多少",
                      Previous(frame.text, asked="amount", topics=("incubator",),
                               thread=frame.thread), TALK, TOPICS, titles=_titles)
    assert both.text == "国家级孵化器奖多少钱啊；国家专业化众创空间，能拿多少"


def test_a_level_of_the_same_title_is_a_level_change() -> None:
    frame = read_frame("那省级孵化器呢", INCUBATOR, TALK, TOPICS, titles=_titles)
    assert "level" in frame.refs


def test_becoming_a_level_supersedes_what_was_granted() -> None:
    frame = read("升省级了呢", INCUBATOR)
    assert "升级为省级" in frame.text and frame.superseded == ("d106_incubator_national",)
    assert read("那省级的呢", INCUBATOR).superseded == ()  # asked instead, not become


MARKET = Previous("我们拿了省技术市场奖 市里配套多少", asked="amount", topics=("tech_market",),
                  thread=("我们拿了省技术市场奖 市里配套多少",))
SHARE = Previous("公司在环翠区 企业研发补助最高能给多少，这1000万里市里出多少", asked="amount",
                 topics=("rnd_subsidy",), thread=("…",))


def test_one_more_title_added_up_with_the_thread_s_questions() -> None:
    # (two questions before it: each of them and the new one, summed question by question)
    first = "我们孵化器2020年被认定为国家级科技企业孵化器，市里给多少钱？"
    second = "我们孵化器2023年复审又通过了，这次还有没有"
    previous = Previous(second, asked="amount", topics=("incubator",),
                        thread=("", first, second))
    frame = read_frame("另外我们还有个众创空间，今年认定了山东省品牌众创空间，省里拨了八十万。"
                       "这几年加起来市里一共给我们多少？", previous, TALK, TOPICS,
                       titles=lambda t: [w for w in ("山东省品牌众创空间",) if w in t])
    assert "combination" in frame.refs
    assert frame.text.split("；")[:2] == [first, second]
    assert "山东省品牌众创空间" in frame.text.split("；")[2]


def test_one_more_title_obtained_is_added_to_the_thread() -> None:
    frame = read_frame("第二年又拿了国家技术市场奖呢", MARKET, TALK, TOPICS,
                       titles=lambda t: [w for w in ("国家技术市场奖",) if w in t])
    assert frame.refs == ("subject",) and frame.text.startswith("第二年又拿了国家技术市场奖")
    assert frame.thread[-2:] == (MARKET.text, frame.text)


def test_an_addition_joined_to_the_previous_question_asks_them_together() -> None:
    frame = read_frame("再加上国家技术市场奖呢", MARKET, TALK, TOPICS,
                       titles=lambda t: [w for w in ("国家技术市场奖",) if w in t])
    assert frame.text == "我们拿了省技术市场奖 市里配套多少，再加上国家技术市场奖，一共多少"


def test_the_level_paying_is_swapped_in_its_place() -> None:
    frame = read("省里呢", SHARE)
    assert frame.text.endswith("这1000万里省里出多少")


NATIONAL_MARKET = Previous("获得国家技术市场奖励的，市里配套多少", asked="amount",
                           topics=("tech_market",), thread=("…",))


@pytest.mark.parametrize("text", ["省的呢", "省级的呢"])
def test_a_bare_level_after_a_title_and_its_payer_is_the_titles(text: str) -> None:
    # (the city pays every award but the split subsidy: the award's level changes)
    frame = read(text, NATIONAL_MARKET)
    assert "市里配套" in frame.text and "国家" not in frame.text


TT_TITLE = Previous("我们机构去年拿到了技术转移示范机构的称号，市里奖多少？", asked="amount",
                   topics=("tech_transfer",), thread=("…",))


@pytest.mark.parametrize("text", ["省级的", "国家级的呢"])
def test_a_bare_title_level_after_a_title_without_one_is_the_titles(text: str) -> None:
    # (省级的 after …技术转移示范机构…市里奖多少: the title's level, the city still pays)
    frame = read(text, TT_TITLE)
    assert "市里奖多少" in frame.text and "级技术转移示范机构" in frame.text


@pytest.mark.parametrize("text", ["那国家级能拿多少", "升到国家级还能拿多少", "那省级会给多少"])
def test_a_level_of_a_title_is_no_government_paying(text: str) -> None:
    frame = read(text, CENTRE)  # 国家级能…: the level of the centre, not who pays
    assert "level" in frame.refs and "市级" not in frame.text


MARKET_CO = Previous("我们公司拿了省技术市场奖，市里配套多少？", asked="amount",
                  doc_number="威政办字〔2018〕106号", clause_path="四、（七）",
                  topics=("tech_market",), thread=("我们公司拿了省技术市场奖，市里配套多少？",))


@pytest.mark.parametrize(("text", "understood"), [
    # a one-character level before what it qualifies (省技术市场奖) is the title's, not
    # the paying government (市里)
    ("要是国家的呢？", "我们公司拿了国家级技术市场奖，市里配套多少？"),
    ("国家级的呢", "我们公司拿了国家级技术市场奖，市里配套多少？"),
])
def test_a_level_said_short_replaces_the_titles(text: str, understood: str) -> None:
    assert read(text, MARKET_CO).text == understood


def test_a_change_with_a_combination_adds_the_new_question() -> None:
    # 要是明年再升国家级的，两个加起来: the new one and the one before, not the new one alone
    both = read("要是明年再升国家级，两个加起来多少？", CENTRE)
    assert "combination" in both.refs
    assert both.text.startswith(CENTRE.text + "；") and "国家级" in both.text.split("；")[1]


def test_a_title_also_obtained_is_asked_the_same_question() -> None:
    added = read_frame("2022年我们还首次认定了高企，我们是做软件外包的科技服务机构", CENTRE,
                       TALK, TOPICS, titles=lambda t: ["高企"] if "高企" in t else [])
    assert added.follow_up and added.text.endswith("能拿多少")


def test_a_title_also_obtained_with_its_own_question_continues_the_thread() -> None:
    first = read("星创天地认定下来给多少", None)
    second = read("我们还评上了省品牌众创空间 省里拨了六十万 市里配多少",
                  Previous(first.text, asked="amount", topics=("incubator",),
                           thread=first.thread))
    assert "" not in second.thread  # 还评上: one more, added up with the one before


def test_a_flow_also_had_is_asked_the_same_question() -> None:
    previous = Previous("我们公司2019年买了项专利技术，合同120万，登记了，市里奖多少",
                        asked="amount", topics=("tech_purchase",),
                        thread=("我们公司2019年买了项专利技术，合同120万，登记了，市里奖多少",))
    added = read_frame("2020年又买了200万的", previous, TALK, TOPICS, titles=lambda t: [])
    # (no subject of its own: the question told again with its year and figure)
    assert added.follow_up
    assert added.text == "我们公司2020年买了项专利技术，合同200万，登记了，市里奖多少"
    assert added.thread[-2:] == (previous.text, added.text)


_BRAND_ASKED = "我们孵化器被评为山东省品牌科技企业孵化器，市里怎么支持"
BRAND = Previous(_BRAND_ASKED, asked="", topics=("incubator",), thread=(_BRAND_ASKED,))


@pytest.mark.parametrize("text", ["省里拨了80万，市里配多少", "省里给了80万，市里配套多少"])
def test_the_provinces_money_beside_the_payer_asked_keeps_the_payer(text: str) -> None:
    frame = read(text, BRAND)
    assert "省里" in frame.text and "80万" in frame.text
    assert "市里拨" not in frame.text and "市里给了" not in frame.text


def test_a_follow_up_completing_the_question_takes_its_place_in_the_thread() -> None:
    asked = "我们公司拿了技术市场奖励，市里配套多少"
    previous = Previous(asked, asked="amount", topics=("tech_market",), thread=(asked,))
    frame = read("省里的，去年拿的", previous)
    assert frame.thread == (frame.text,)


def test_an_upgrade_said_with_its_verb_asks_of_the_upgrade() -> None:
    previous = Previous("我们医院的市级临床医学研究中心今年首次通过绩效评价，给多少",
                        asked="amount", topics=("clinical_centre",), thread=("…",))
    frame = read("那后面要是升级成省级的呢", previous)
    assert "升级为省级临床医学研究中心" in frame.text


def test_others_named_in_a_follow_up_do_not_change_the_asker() -> None:
    asked = "我是镇上的，我们镇今年评上了国家创新型乡镇，市里奖多少"
    previous = Previous(asked, asked="amount", topics=("innovative_town",), thread=(asked,))
    frame = read("那镇上那几家企业，每家能分多少？", previous)
    assert not frame.text.startswith("企业") and "那几家企业" in frame.text


@pytest.mark.parametrize(("asked", "said", "kept"), [
    ("我们厂2020年从威海本地一所高校买了一项专利技术，合同登记了，技术交易额120万，能奖多少",
     "那卖给我们技术的那所学校能拿吗", "那所学校"),
    ("我们是威海一所高校，2020年把一项成果卖给了本地企业，成交额500万，学校能拿奖励吗",
     "那买的企业能拿多少", "买的企业"),
])
def test_another_party_named_by_what_it_did_does_not_change_the_asker(asked: str, said: str,
                                                                      kept: str) -> None:
    previous = Previous(asked, asked="amount", topics=("tech_purchase",), thread=(asked,))
    frame = read(said, previous)
    assert frame.text.startswith(asked[:6]) and kept in frame.text


@pytest.mark.parametrize(("asked", "said", "year"), [
    ("我们厂2020年买了一项专利技术，合同登记了，交易额120万，能奖多少",
     "同一年我们又买了一项，交易额200万，也登记了，两项合计能拿多少", "2020年"),
    ("我们孵化器2021年认定成国家级了，市里奖多少？",
     "那年里面还有5家在孵企业升了高企，孵化器能拿多少", "2021年里面还有5家"),
    # a lone month is of the year asked about
    ("我们是科技服务机构，2023年3月首次通过高新技术企业认定，有奖励吗", "要是5月份才通过呢",
     "2023年5月"),
])
def test_that_year_is_the_year_asked_about(asked: str, said: str, year: str) -> None:
    previous = Previous(asked, asked="amount", topics=(), thread=(asked,))
    text = read(said, previous).text
    new = next(p for p in text.split("；") if p != asked)  # (the new part, or the whole)
    assert year in new


def test_a_message_naming_its_own_year_keeps_it() -> None:
    previous = Previous("我们孵化器2021年认定成国家级了，市里奖多少", asked="amount", topics=(),
                        thread=("…",))
    assert "2021年" not in read("2024年那年又升了5家，能拿多少", previous).text.split("；")[-1]


def test_one_more_with_its_figure_is_added_to_the_one_before() -> None:
    asked = "我们厂2020年买了一项专利技术，合同登记了，交易额120万，能奖多少"
    previous = Previous(asked, asked="amount", topics=("tech_purchase",), thread=(asked,))
    frame = read("2020年我们又买了一项，交易额200万，也登记了，两项合计能拿多少", previous)
    assert frame.follow_up and "120万" in frame.text and "200万" in frame.text
    # a figure said as the total so far is a correction of the figure, not one more
    frame = read("又多了2项，成交额一共到了400万", Previous(
        "我们机构2020年促成4项成果转化，成交额250万，能补多少", asked="amount",
        topics=("tech_transfer",), thread=("…",)))
    assert "250万" not in frame.text or "400万" in frame.text


def test_asking_where_the_answer_comes_from_is_a_follow_up() -> None:
    asked = "我们是威海本地的一所高校，牵头组建的市级技术创新中心去年批下来了，市里补多少？"
    previous = Previous(asked, asked="amount", topics=("innovation_centre",), thread=(asked,),
                        doc_number="威政办字〔2018〕106号")
    assert read("这是哪个文件哪一条规定的？", previous).follow_up


def test_a_leader_with_its_role_is_no_subject_of_its_own() -> None:
    asked = "企业牵头组建的市级技术创新中心补多少"
    previous = Previous(asked, asked="amount", topics=("innovation_centre",), thread=(asked,))
    frame = read("要是跟高校一起建、由高校牵头呢", previous)
    assert "subject" not in frame.refs and "高校牵头" in frame.text


_NATIONAL = "我们在经区运营的孵化器今年刚认定成国家级科技企业孵化器，市里给奖励吗？给多少"
NATIONAL_INCUBATOR = Previous(_NATIONAL, asked="amount", topics=("incubator",),
                              thread=(_NATIONAL,))
PATENT_PILOT = Previous("我们知识产权服务机构2021年被认定为国家专利运营试点，最多能奖多少",
                        asked="amount", topics=("patent",))


@pytest.mark.parametrize(("text", "previous"), [
    ("过两年复审要是又通过了，还能再拿一回不", NATIONAL_INCUBATOR),
    ("同样的事要是今年认定的，最多多少", PATENT_PILOT),
    ("这种情况还能拿多少", NATIONAL_INCUBATOR),
], ids=["review-again", "same-thing-this-year", "this-case"])
def test_a_step_asked_without_a_subject_is_about_the_previous_one(text: str,
                                                                   previous: Previous) -> None:
    frame = read(text, previous)
    assert frame.follow_up
    assert frame.text.startswith(previous.text[:8])


@pytest.mark.parametrize("text", [
    "那有没有疫情期间停工停产的补贴",
    "那有没有农机购置的补贴",
], ids=["pandemic-stoppage", "farm-machinery"])
def test_a_support_for_another_thing_is_a_question_of_its_own(text: str) -> None:
    frame = read(text, NATIONAL_INCUBATOR)
    assert not frame.follow_up and frame.text == text


def test_who_the_owner_said_they_are_stays_with_the_conversation() -> None:
    first = "我们是做检验检测的科技服务公司，今年被认定为技术先进型服务企业，有啥奖励？"
    previous = Previous(first, asked="eligibility", topics=("tech_service",), thread=(first,))
    later = read("今年我们也是第一次过了高企，这个能再奖多少？", previous)
    assert later.text.startswith("我们是做检验检测的科技服务公司，")
    # said again in the message: not written twice
    again = read("我们是技术转移机构，2020年促成了3项成果转化，能补多少", previous)
    assert again.text == "我们是技术转移机构，2020年促成了3项成果转化，能补多少"


CLINIC = Previous("我们医院2021年牵头的市级临床医学研究中心首次通过绩效评价，有多少资金支持",
                  asked="amount", topics=("clinical_centre",),
                  thread=("我们医院2021年牵头的市级临床医学研究中心首次通过绩效评价，有多少资金支持",))


def test_an_event_told_after_an_amount_question_asks_the_same_of_it() -> None:
    def titles(t: str) -> list[str]:
        return [w for w in ("省级临床医学研究中心",) if w in t]

    frame = read_frame("前年升级为省级临床医学研究中心了", CLINIC, TALK, TOPICS, titles=titles)
    assert frame.follow_up and frame.text == "前年升级为省级临床医学研究中心了，能拿多少"
    assert frame.thread[-2:] == (CLINIC.text, frame.text)
    # asked, not told: the question as it is
    asked = read_frame("省级临床医学研究中心有什么条件", CLINIC, TALK, TOPICS, titles=titles)
    assert not asked.text.endswith("能拿多少")


def test_a_second_time_is_a_stage_not_a_count() -> None:
    frame = read("2022年第二次绩效评价也通过了呢", CLINIC)
    assert "stage" in frame.refs and "count" not in frame.refs
    assert "首次" not in frame.text and "第绩效" not in frame.text


def test_an_applicant_said_with_its_role_is_swapped_where_it_leads() -> None:
    univ = Previous("我们是驻威高校，学校牵头组建的市级技术创新中心2024年批下来了，补多少",
                    asked="amount", topics=("tech_centre",))
    frame = read("要是企业牵头的呢", univ)
    assert frame.text == "我们是驻威高校，企业牵头组建的市级技术创新中心2024年批下来了，补多少"


def test_the_owner_taking_over_a_question_asked_for_another() -> None:
    other = Previous("帮合作高校问一下，他们牵头组建的市级技术创新中心今年获批试点了，补多少",
                     asked="amount", topics=("tech_centre",),
                     thread=("帮合作高校问一下，他们牵头组建的市级技术创新中心今年获批试点了，补多少",))
    frame = read("如果换成我们企业自己牵头呢", other)
    assert frame.text.startswith("我们企业牵头组建的市级技术创新中心")
    assert "asker" in frame.refs and other.text not in frame.thread


def test_another_subject_asked_the_same_keeps_who_the_owner_said_they_are() -> None:
    first = Previous("我们是做检验检测的科技服务公司，今年被认定为技术先进型服务企业，有啥奖励？",
                     asked="eligibility", topics=("advanced_service",),
                     thread=("我们是做检验检测的科技服务公司，今年被认定为技术先进型服务企业，有啥奖励？",))

    def titles(t: str) -> list[str]:
        return [w for w in ("高企",) if w in t]

    frame = read_frame("前年我们还首次过了高企", first, TALK, TOPICS, titles=titles)
    assert frame.text.startswith("我们是做检验检测的科技服务公司，")


_CENTRES = ("市级技术创新中心", "省级技术创新中心", "技术创新中心", "重点新型研发机构")
CITY_Q = "我们公司牵头建的市级技术创新中心今年列入试点了，市里补多少钱？"
PROVINCE_Q = "我们公司牵头建的省级技术创新中心今年列入了，市里补多少钱？"
TWO_CENTRES = Previous(f"{CITY_Q}；{PROVINCE_Q}", asked="amount", topics=("tech_centre",),
                       thread=(CITY_Q, PROVINCE_Q, f"{CITY_Q}；{PROVINCE_Q}"))


def _centres(text: str) -> list[str]:
    return [w for w in _CENTRES if w in text]


ONE_CENTRE = Previous(PROVINCE_Q, asked="amount", topics=("tech_centre",),
                      thread=(CITY_Q, PROVINCE_Q))


@pytest.mark.parametrize(("previous", "said", "summed"), [
    (TWO_CENTRES, "不对，省级那个其实还没批下来，只是报上去了，那现在一共能拿多少", True),
    (ONE_CENTRE, "不对，省级那个其实还没批下来，只是报上去了，那现在一共能拿多少", True),
    # no sum asked: the one it corrects alone
    (ONE_CENTRE, "不对，省级那个其实没通过", False),
])
def test_a_correction_denying_one_of_the_thread_tells_it_in_that_one(
        previous: Previous, said: str, summed: bool) -> None:
    frame = read_frame(said, previous, TALK, TOPICS, titles=_centres)
    assert frame.follow_up and "correction" in frame.refs
    denied = [q for q in frame.text.split("；") if "省级" in q]
    assert len(denied) == 1 and ("没批下来" in denied[0] or "没通过" in denied[0])
    assert denied[0].endswith("市里补多少钱？")  # told before its asking clause
    assert (CITY_Q in frame.text) is summed


def test_an_addition_with_a_pronoun_is_summed_with_the_thread() -> None:
    first = "我们和一所大学合作在威海建了个新型研发机构，今年被列为重点新型研发机构了，能给多少？"
    second = "这个机构是市政府参与建设的，这样能给多少"
    previous = Previous(second, asked="amount", topics=("rnd_institution",),
                        thread=(first, second))
    frame = read_frame("另外它今年还被认定成省级技术创新中心了，加起来一共多少", previous, TALK,
                       TOPICS, titles=_centres)
    assert frame.follow_up and "combination" in frame.refs
    assert first in frame.text and "省级技术创新中心" in frame.text



@pytest.mark.parametrize(("said", "follows"), [
    # chit-chat (the vocabulary's unrelated words), naming nothing near the policies: its own
    ("你知道哪家海鲜好吃不", False),
    # short answers, years, figures, asked kinds and questions about the subject follow
    ("企业", True),
    ("去年的", True),
    ("10万", True),
    ("具体多少", True),
    ("这块是哪个部门牵头", True),
])
def test_chit_chat_is_no_follow_up(said: str, follows: bool) -> None:
    previous = Previous("我是科技特派员 在乳山服务成效挺好 能给多少研发支持", asked="amount",
                        topics=("rnd_subsidy",))
    assert read(said, previous).follow_up is follows


def test_a_question_told_whole_of_a_title_of_its_own_is_its_own() -> None:
    """我们是备案的机构 2019年考核还评了优秀 那个奖多少: 那个 is the title the message names
    (the asker said again), not the question before."""
    first = "我们技术转移机构2019年促成了5项高校成果在威海落地，合同额两千多万，能补多少"
    previous = Previous(first, asked="amount", topics=("tech_transfer",), thread=(first,))

    def titles(text: str) -> list[str]:
        return [w for w in ("考核还评了优秀", "促成") if w in text]

    frame = read_frame("我们是备案的机构 2019年考核还评了优秀 那个奖多少", previous, TALK,
                       TOPICS, titles=titles)
    assert not frame.follow_up and frame.text.startswith("我们是备案的机构")
    assert previous.text in frame.thread  # kept for a later "一共"



def test_a_title_of_its_own_asked_as_a_follow_up_still_follows() -> None:
    first = "我们是市级孵化器，2021年被认定的，能拿多少"
    previous = Previous(first, asked="amount", topics=("incubator",), thread=(first,))

    def titles(text: str) -> list[str]:
        return [w for w in ("国家级孵化器", "市级孵化器") if w in text]

    frame = read_frame("我们是国家级孵化器呢", previous, TALK, TOPICS, titles=titles)
    assert frame.follow_up


def test_one_more_said_with_also_is_read_against_the_previous_question() -> None:
    # no subject of its own: the question told again with its year and figure
    frame = read_frame("2022年也买了98万", PURCHASE, TALK, TOPICS, titles=_titles)
    assert frame.follow_up
    assert frame.text == "2022年我们买了一项专利，合同额98万，已登记，能补多少？"
    assert frame.thread[-1] == frame.text


def test_one_more_title_of_the_owners_pointed_at_is_a_question_of_its_own() -> None:
    patents = Previous("代理所2021年代理的市内发明专利授权有90件，最多能奖多少", asked="amount",
                       topics=("patent",))
    frame = read_frame("那年我们还被认定为国家专利运营试点，这个最高给多少", patents, TALK, TOPICS,
                       titles=lambda t: [w for w in ("专利运营试点",) if w in t])
    assert not frame.follow_up and frame.text.startswith("2021年我们还被认定为国家专利运营试点")
    assert frame.thread[-1] == frame.text


def test_not_this_but_that_is_a_correction() -> None:
    asked = "研究所的，2019年认定了省级国际合作基地，市里给多少"
    base = Previous(asked, asked="amount", topics=("intl_coop",), thread=(asked,))
    frame = read("不是省级 是国家级的", base)
    assert "correction" in frame.refs and "国家级国际合作基地" in frame.text
    assert frame.thread == (frame.text,)  # (it takes the corrected one's place)


def test_the_asker_written_before_a_question_is_kept_once_in_the_thread() -> None:
    first = "我们公司牵头建的市级技术创新中心今年列入试点了，市里补多少钱？"
    centre = Previous(first, asked="amount", topics=("tech_centre",), thread=(first,))
    frame = read_frame("今年又认定成省级技术创新中心了，这个再给多少", centre, TALK, TOPICS,
                       titles=lambda t: [w for w in ("省级技术创新中心",) if w in t])
    assert frame.text.startswith("我们公司，")
    assert frame.thread.count(frame.text) == 1 and "今年又认定成省级技术创新中心了，这个再给多少" \
        not in frame.thread
