"""Amounts placed on their money facts, segment by segment (knowledge.reading.amounts)."""

from __future__ import annotations

import pytest

from knowledge.reading.amounts import read_money
from knowledge.reading.raw import RawExtraction


def _read(text: str, topics: set[str] | None = None) -> RawExtraction:
    out = RawExtraction(topics=topics or set())
    read_money(text, out, {})
    return out


@pytest.mark.parametrize(("text", "yuan"), [
    ("买技术合同登记了150万", 1_500_000),
    # several of one fact add up; one said to be the total is the amount
    ("买技术签了两份，一份60万登记了，一份40万也登记了", 1_000_000),
    # a part whose own segment denies the condition is left out
    ("买技术登记了的合同交易额150万，还有一份60万的合同没备案", 1_500_000),
    ("买技术花了200万，其中120万登记了，另外80万没登记", 1_200_000),
    # an amount said alone in its clause is of the clause before it
    ("买了5项专利，3项合同登记了，一共260万，还有2项没登记，一共90万", 2_600_000),
    ("2019年买了技术但合同没登记，2020年买的登记了，150万", 1_500_000),
    # each amount said registered in the clause after it, the unregistered one left out
    ("我们是威海的企业，2019年从哈工大买专利70万，登记了；从一家韩国公司引进技术130万，也登记了；"
     "另外跟合作伙伴签了个30万的技术开发合同，没去登记。", 2_000_000),
    # no contract signed: nothing to register
    ("2020年我们买技术花了几笔钱：从省外一所大学买专利，合同200万，登记了；还有一笔30万是口头"
     "说好的，没签合同。", 2_000_000),
    ("买技术一份80万签了合同也登记了，另一份40万还没签正式合同", 800_000),
    # a total said of the part opened before it (另外两份没去登记，合计80万), not of all
    ("我们公司2020年买了5项技术。其中3份做了认定登记，金额分别是40万、60万、30万；"
     "另外两份没去登记，合计80万。", 1_300_000),
    # asking on a client's behalf (替一家客户咨询): the purchase is the client's, not brokered
    ("替一家客户咨询：他们2020年买了两项专利，一项120万登记了，一项60万没登记", 1_200_000),
    # the cap the asker has heard of is no amount of theirs
    ("2020年买技术登记了200万，听说一年最多50万", 2_000_000),
])
def test_registered_amounts_less_their_unregistered_parts(text: str, yuan: int) -> None:
    assert _read(text).facts.get("registered_tech_purchase_yuan") == yuan


@pytest.mark.parametrize(("text", "yuan"), [
    ("买技术签了5份合同，登记了3份，每份50万，另外2份每份30万没登记", 1_500_000),
    ("买了4项专利，每项合同20万，都登记了", 800_000),
    # one unit, or no count said: the amount as said
    ("买了一项专利，每项合同20万，登记了", 200_000),
    ("买技术合同每份20万，登记了", 200_000),
    # the units of one deal are one another's (5项技术, 每份合同)
    ("买了5项技术，每份合同都是30万，都登记了", 1_500_000),
    ("签了3笔技术合同，每项20万，都登记了", 600_000),
    # a count whose each unit has the amount (两份各150万)
    ("签了四份技术合同，两份各150万做了认定登记，另外两份各50万没登记", 3_000_000),
    # less its parts said not to meet the condition, the rest said to (其中有2份…，剩下的都…)
    ("一共5份技术购买合同，每份都是50万，其中有2份当时嫌麻烦没去认定登记，剩下的都登记了",
     1_500_000),
])
def test_an_amount_per_unit_times_the_count_of_that_unit(text: str, yuan: int) -> None:
    out = _read(text)
    assert out.facts.get("registered_tech_purchase_yuan") == yuan
    assert any("每" in n for n in out.notes) is (yuan > 200_000)


@pytest.mark.parametrize(("text", "yuan"), [
    ("既买技术也卖技术，买了3项，合同登记了共90万，卖给本市企业2项，合同登记了共200万", 900_000),
    ("我们把一项专利卖给了本市企业，又从山大买了一项技术，合同登记了100万", 1_000_000),
    ("山大把专利卖给我们，合同登记了80万", 800_000),  # sold to the asker: a purchase
])
def test_an_amount_of_a_sale_is_no_purchase(text: str, yuan: int) -> None:
    assert _read(text).facts.get("registered_tech_purchase_yuan") == yuan


def test_a_denial_in_a_segment_of_its_own_denies_them_all() -> None:
    assert "registered_tech_purchase_yuan" not in _read("买技术花了150万，合同还没登记").facts


@pytest.mark.parametrize(("text", "yuan", "asked"), [
    # a list's parts by position: the denial is of the last two
    ("买技术签了5份合同，分别是30万、45万、25万、20万和15万，其中前三份去登记了，后面两份没登记",
     1_000_000, False),
    # affirmed of a part in one clause, denied of another whose amount is left out
    ("买技术签了4个合同，开发30万，专利45万，咨询25万，这三个都认定登记了，还有一个80万，没法登记",
     1_000_000, False),
    # a part of a total denied, its amount not said: asked
    ("买了5项技术共300万，其中3项登记了，2项没登记", None, True),
    # undone whole: every amount denied, nothing asked
    ("买一项技术，合同150万，当时也做了登记，后来合同解除了，登记也撤销了", None, False),
], ids=["by-position", "affirmed-apart", "part-of-a-total", "undone-whole"])
def test_a_denial_of_a_part(text: str, yuan: int | None, asked: bool) -> None:
    out = _read(text)
    assert out.facts.get("registered_tech_purchase_yuan") == yuan
    assert any("未能分清" in n for n in out.notes) is asked


def test_a_part_placed_elsewhere_in_the_segment_opening_it() -> None:
    out = RawExtraction(topics={"tech_transfer"})
    read_money("促成了4项成果转化：3项在威海，合同额150万、250万、300万；还有1项转给了烟台的企业，"
               "合同额200万", out, {}, elsewhere=("烟台", "青岛"))
    assert any("烟台" in n and "不在本市" in n for n in out.notes)


def test_an_absurd_amount_is_refused_and_said() -> None:
    out = _read("买技术合同登记了-5万")
    assert "registered_tech_purchase_yuan" not in out.facts


@pytest.mark.parametrize(("text", "yuan"), [
    # what is said of an amount goes on in the clauses after it (no amount of their own)
    ("2020年花80万买了一项专利，合同登记过了；另外还有一份50万的技术服务合同，"
     "登记的时候被驳回了，说材料不合格", 800_000),
    ("买技术一份60万登记了，一份40万，登记时被退回来了", 600_000),
    # a clause with an amount of its own, or another part, is no longer the amount's
    ("买技术一份60万，登记了，另外一份40万也登记了", 1_000_000),
])
def test_a_denial_in_the_clauses_going_on_about_an_amount(text: str, yuan: int) -> None:
    out = _read(text)
    assert out.facts.get("registered_tech_purchase_yuan") == yuan
    assert all("未经登记" in n for n in out.notes if n.startswith("未计入："))


@pytest.mark.parametrize(("text", "yuan", "said"), [
    ("19年买了5项技术，每项都是40万，其中4项合同登记了，1项没登记", 1_600_000, "1项没登记"),
    ("买技术签了3份合同，每份30万，2份登记了，1份登记被驳回了", 600_000, "1份登记被驳回了"),
    # a part said after a but (可是其中2份…), in units of the same deal
    ("买了5项技术，每份合同都是30万，可是其中2份没经过技术合同管理机构认定登记", 900_000,
     "可是其中2份没经过"),
    ("买了4项技术，每项25万，不过有1项没登记", 750_000, "不过有1项没登记"),
])
def test_per_unit_amounts_count_only_the_parts_that_meet_the_condition(
        text: str, yuan: int, said: str) -> None:
    out = _read(text)
    assert out.facts.get("registered_tech_purchase_yuan") == yuan
    assert any(said in n and "按" in n for n in out.notes), out.notes


def test_all_parts_denied_still_deny_the_whole() -> None:
    out = _read("2020年买了2项技术，一共100万，2项都没登记")
    assert "registered_tech_purchase_yuan" not in out.facts


@pytest.mark.parametrize(("text", "fact"), [
    # a purchase the asker brokered is the client's: its contract is the brokered turnover
    ("我们是一家技术经纪公司，2020年撮合威海一家企业买了哈工大的1项专利，合同400万已登记",
     "tt_contract_turnover_yuan"),
    ("我们是技术转移机构，帮本地企业买了两项专利，合同额400万", "tt_contract_turnover_yuan"),
    # the broker's own purchase is its purchase
    ("我们是技术转移机构，自己买了一项专利，合同登记了400万", "registered_tech_purchase_yuan"),
    # asking for the buyer (帮买方问下) is no help in buying
    ("2020年我们把技术卖给了我们（文登的一家企业），合同400万登记了，想帮买方问下",
     "registered_tech_purchase_yuan"),
])
def test_a_purchase_brokered_is_not_the_askers(text: str, fact: str) -> None:
    assert _read(text).facts.get(fact) == 4_000_000


@pytest.mark.parametrize(("text", "yuan"), [
    ("省里拨了80万，市里配多少", 800_000),
    # the recipient named between the province and its grant
    ("省里给我们的品牌科技企业孵化器拨了八十万，市里一比一配套是多少", 800_000),
])
def test_the_provinces_grant(text: str, yuan: int) -> None:
    assert _read(text).facts.get("provincial_funds_yuan") == yuan


@pytest.mark.parametrize(("text", "yuan"), [
    # an award named by its own figure is no amount it is computed on
    ("省品牌众创空间省拨了一百五十万 又认定了国家专业化众创空间 两百万那个奖 一共多少", 1_500_000),
    ("省里拨了80万，还有20万的那项补助，市里配多少", 800_000),
    ("省里拨了150万的奖补资金，市里配多少", 1_500_000),  # the grant itself, said with 的
    # the award asked about by its figure (有没有那个20万)
    ("省里拨了60万，有没有那个20万的补助，市里配多少", 600_000),
])
def test_an_award_named_by_its_figure(text: str, yuan: int) -> None:
    assert _read(text).facts.get("provincial_funds_yuan") == yuan


@pytest.mark.parametrize(("text", "yuan"), [
    # a listed amount named again and said to have fallen through is left out
    ("在威海促成了4项高校成果转化，合同额100万、80万、70万、50万，其中80万那项后来双方撤回合同了",
     2_200_000),
    # a part of the list named by position, placed outside the city or fallen through
    ("撮合了四项科研院所成果转化，合同额300万、250万、400万、500万，不过只有前两项是在威海转化的，"
     "后两项受让方在外省", 5_500_000),
    ("促成了4项成果转化，合同额100万、80万、70万、50万，最后一项黄了", 2_500_000),
    # a position said without an outcome or a place puts nothing out
    ("促成了3项成果转化，合同额100万、80万、70万，前两项是上半年签的", 2_500_000),
])
def test_listed_amounts_less_the_parts_put_out(text: str, yuan: int) -> None:
    out = RawExtraction(topics={"tech_transfer"})
    read_money(text, out, {}, elsewhere=("外省", "青岛", "烟台"))
    assert out.facts.get("tt_contract_turnover_yuan") == yuan


@pytest.mark.parametrize(("text", "approximate"), [
    ("登记的合同三百多万", (3_000_000, 4_000_000, "三百多万")),
    ("登记的合同二百五十多万", (2_500_000, 2_600_000, "二百五十多万")),
    ("登记的合同大约120万", (1_150_000, 1_250_000, "大约120万")),
    ("登记的合同不到300万", (2_000_000, 3_000_000, "不到300万")),
    ("登记的合同250万", None),
])
def test_the_range_of_an_approximate_amount(text: str,
                                            approximate: tuple[int, int, str] | None) -> None:
    out = _read("2020年买技术，" + text)
    assert out.approximate.get("registered_tech_purchase_yuan") == approximate


@pytest.mark.parametrize(("text", "yuan"), [
    # 一共 said of the count of contracts, not of the first amount after it
    ("2019年我们公司一共签了三份买技术的合同：跟山大威海签的100万、跟一家北京研究所签的150万，"
     "这两份都做了技术合同登记；还有一份50万的没去登记", 2_500_000),
    ("一共签了3份买技术的合同，跟A签的80万、跟B签的70万，都登记了", 1_500_000),
    # 一共 said of the amount itself: the total, its registered part
    ("2019年买技术一共签了400万，登记了的只有150万，剩下的没登", 1_500_000),
    ("买技术签了3份合同一共300万，都登记了", 3_000_000),
])
def test_a_total_word_is_said_of_the_amount_not_of_a_count(text: str, yuan: int) -> None:
    assert _read(text).facts.get("registered_tech_purchase_yuan") == yuan


@pytest.mark.parametrize(("text", "yuan"), [
    # an award named by its amount (二十万那个) is no figure of the owner's
    ("2021年评上山东省品牌众创空间，省里拨了一百万；同年还被认定为技术先进型服务企业（二十万那个）",
     1_000_000),
])
def test_an_award_named_by_its_amount_is_no_figure(text: str, yuan: int) -> None:
    assert _read(text).facts.get("provincial_funds_yuan") == yuan


@pytest.mark.parametrize(("text", "yuan"), [
    ("众创空间认定为山东省品牌众创空间，省里拨了0元，市里配套多少", 0),  # nothing paid, said
    ("众创空间认定为山东省品牌众创空间，省里拨了45万，市里配套多少", 450_000),
])
def test_an_amount_of_nothing_is_read(text: str, yuan: int) -> None:
    assert _read(text).facts.get("provincial_funds_yuan") == yuan


@pytest.mark.parametrize("text", [
    # a service organisation's own purchase, brokering words or not
    "我们是一家科技咨询服务机构，此外当年我们从哈工大买了一项技术，合同经认定登记，成交额100万",
    "我们是技术转移服务机构，本公司自己购买了一项专利，合同登记了，合同额100万",
])
def test_the_askers_own_purchase_is_a_purchase(text: str) -> None:
    out = _read(text)
    assert out.facts.get("registered_tech_purchase_yuan") == 1_000_000
    assert "tt_contract_turnover_yuan" not in out.facts


def test_a_deal_brokered_stays_turnover() -> None:
    out = _read("我们是技术转移服务机构，帮本地企业从哈工大买了一项技术，合同登记了，成交额300万")
    assert out.facts.get("tt_contract_turnover_yuan") == 3_000_000
