"""What is said of an amount (knowledge.reading.said): its clause and the clauses going on
about it; the last outcome said wins."""

from __future__ import annotations

import pytest

from knowledge.money import MoneyMention, scan_money
from knowledge.reading.raw import RawExtraction
from knowledge.reading.said import (
    amount_unknown,
    circumstances_out,
    denies,
    each_of_count,
    in_the_city,
    listed_parts,
    met_later,
    note_approximate,
    own_start,
    part_unknown,
)

REGISTERED = r"登记|认定登记|备案|登(?=[，,。；;！!？?\s]|$)"


def _first(text: str) -> MoneyMention:
    return next(m for m in scan_money(text) if not m.problem)


@pytest.mark.parametrize(("text", "denied"), [
    ("一份50万的技术服务合同，登记的时候被驳回了，说材料不合格", True),
    ("合同100万，钱也付了，但是去做技术合同认定登记的时候没给认定，被退回了", True),
    ("合同150万，当时也做了登记，后来对方没履行，合同解除了，一分钱没付，登记也撤销了", True),
    ("合同100万，开始没登记，后来补登记了", False),
    ("合同60万登记了，另外一份40万没登记", False),  # another part, with its own amount
    ("合同60万，另外还有一份没登记", False),  # another part said with 另外
    ("一项60万登记了，不过剩下那项没登记", False),  # another part after a but
    ("一项60万登记了，但是后来没去登记", True),  # the same deal, going on
    ("D项40万登记了但合同后来解除了", True),  # the deal undone later (解除, 终止)
    # 驳回 with who turned it down between (被登记机构驳回)
    ("金额50万元的一份被登记机构驳回，另外两份均已登记成功", True),
])
def test_what_is_said_of_an_amount(text: str, denied: bool) -> None:
    assert denies(text, _first(text), REGISTERED) is denied


def test_a_clause_saying_only_the_amount_is_of_the_clause_before() -> None:
    text = "买了5项专利，还有2项没登记，一共90万"
    mention = next(m for m in scan_money(text) if m.yuan == 900_000)
    assert text[own_start(text, mention):].startswith("还有2项没登记")


@pytest.mark.parametrize(("text", "met"), [
    ("合同开始没登记，后来补登记了", True),
    ("合同没登记，假如当时登记了", False),  # supposed, not met
    ("合同没登记，一直没登记", False),
    ("合同没登记，登记的另外几份是去年的", False),  # another part, no word of later
])
def test_a_condition_met_later(text: str, met: bool) -> None:
    assert met_later(text, REGISTERED, text.index("登记") + 2) is met


def test_a_step_undone_later_is_denied() -> None:
    text = "2020年9月的80万登记了但后来被撤销了"
    mention = next(m for m in scan_money(text) if m.yuan == 800_000)
    assert denies(text, mention, "登记")
    text = "2020年买技术合同100万，开始没登记，后来补登记了"
    mention = next(m for m in scan_money(text) if m.yuan == 1_000_000)
    assert not denies(text, mention, "登记")


def test_an_amount_placed_elsewhere_in_the_segment_opening_its_part() -> None:
    text = "3项在威海，合同额150万、250万；还有1项转给了烟台的企业，合同额200万"
    notes: list[str] = []
    kept = in_the_city(text, [m for m in scan_money(text) if not m.problem], ("烟台",), notes)
    assert [m.yuan for m in kept] == [1_500_000, 2_500_000]
    assert any("烟台" in n for n in notes)


@pytest.mark.parametrize(("text", "yuan"), [
    ("两份各150万做了认定登记", 3_000_000),
    ("一份150万做了认定登记", 1_500_000),  # one: as said
])
def test_an_amount_of_each_of_a_count(text: str, yuan: int) -> None:
    assert each_of_count(text, _first(text), []).yuan == yuan


@pytest.mark.parametrize(("text", "listed"), [
    # items of a list, each opening with its count: a total said in one is that item's
    ("签了4项合同：两项从高校买的，合计90万，已登记；一项从韩国引进的30万，也登记了", True),
    ("两项合计90万；另一项30万", True),
    # a total first, then its parts: the whole
    ("一共签了400万，登记了的只有150万，剩下的没登", False),
    ("合同合计90万；其中30万没登记", False),
])
def test_amounts_in_the_items_of_a_list(text: str, listed: bool) -> None:
    assert listed_parts(text, [m for m in scan_money(text) if not m.problem]) is listed


def test_the_whole_less_a_part_of_it_placed_outside_the_city() -> None:
    text = "合同总额350万 其中2项卖给了青岛企业 合计120万 剩下3项都是本市企业买的"
    notes: list[str] = []
    kept = in_the_city(text, [m for m in scan_money(text) if not m.problem], ("青岛",), notes)
    assert [m.yuan for m in kept] == [2_300_000]
    assert any("按230万元计" in n for n in notes)


def test_the_whole_less_its_part_elsewhere_with_its_parts_here_said() -> None:
    # 共600万，其中4项在威海（500万），1项在烟台（100万）: the part here is within the whole
    text = "合同成交额共600万元，其中4项在威海转化（500万元），1项在烟台转化（100万元）。补助多少？"
    notes: list[str] = []
    kept = in_the_city(text, [m for m in scan_money(text) if not m.problem], ("烟台",), notes)
    assert [m.yuan for m in kept] == [5_000_000]
    # parts here that do not make up the whole with the part elsewhere: not taken as within
    text = "合同成交额共600万元，其中4项在威海转化（300万元），1项在烟台转化（100万元）"
    kept = in_the_city(text, [m for m in scan_money(text) if not m.problem], ("烟台",), [])
    assert 6_000_000 in [m.yuan for m in kept]


@pytest.mark.parametrize(("text", "approximate"), [
    ("合同成交额二百五十多万", (2_500_000, 2_600_000, "二百五十多万")),
    ("合同成交额约80万", (750_000, 850_000, "约80万")),
    ("合同成交额80万", None),
])
def test_an_approximate_amount_keeps_its_range(text: str,
                                               approximate: tuple[int, int, str] | None
                                               ) -> None:
    mention = scan_money(text)[0]
    out = RawExtraction(facts={"tt_contract_turnover_yuan": mention.yuan})
    note_approximate(text, {"tt_contract_turnover_yuan": [(mention, text)]}, [mention], out)
    assert out.approximate.get("tt_contract_turnover_yuan") == approximate
    assert any("约数" in n for n in out.notes) is (approximate is not None)


@pytest.mark.parametrize(("text", "kept", "said"), [
    # an amount said just after a word of the asker's circumstances is no base
    ("本公司销售收入3.1亿元，研发投入占比4.2%，买技术登记了100万", ["100万"], "销售收入"),
    ("注册资本是500万，合同额200万", ["200万"], "注册资本"),
    ("买技术登记了100万，去年营收也不错", ["100万"], ""),
])
def test_the_askers_circumstances_are_no_base(text: str, kept: list[str], said: str) -> None:
    notes: list[str] = []
    words = ("销售收入", "营收", "注册资本")
    got = circumstances_out(text, [m for m in scan_money(text) if not m.problem], words, notes)
    assert [m.text for m in got] == kept
    assert (said in notes[0]) if said else not notes


@pytest.mark.parametrize(("text", "asked"), [
    ("5份合同，4份金额分别为40万元、35万元，第5份合同的金额财务那边还没有核对出来", True),
    ("还有一笔不清楚具体金额", True),
    ("2020年也买了几项技术、合同都登记了，但具体金额财务还没汇总出来", True),
    ("4份合同金额分别为40万元、35万元", False),
])
def test_a_part_of_the_amount_unknown_is_asked(text: str, asked: bool) -> None:
    out = RawExtraction(facts={"registered_tech_purchase_yuan": 750_000},
                        notes=["按40万元＋35万元＝75万元计"])
    part_unknown(text, out)
    assert ("registered_tech_purchase_yuan" not in out.facts) is asked
    assert out.notes[0].startswith("您说“") is asked
    assert any("＋" in n for n in out.notes) is not asked


@pytest.mark.parametrize(("text", "kept", "said"), [
    ("听说一年最多50万，我们买技术登记了120万", ["120万"], True),
    ("据说最高是100万，我们合同80万", ["80万"], True),
    ("合同80万", ["80万"], False),
    # the maximum supposed as the asker's own figure (要是拿最多1000万的话) is theirs
    ("要是拿最多1000万的话，市里出多少", ["1000万"], False),
])
def test_a_cap_the_asker_quotes_is_no_base(text: str, kept: list[str], said: bool) -> None:
    notes: list[str] = []
    got = circumstances_out(text, [m for m in scan_money(text) if not m.problem], (), notes)
    assert [m.text for m in got] == kept
    assert any("上限" in n for n in notes) is said


@pytest.mark.parametrize(("text", "unknown"), [
    ("2020年又买了一项也登记了，金额记不清了", True),
    ("还有一笔金额不清楚", True),
    ("第5份合同的金额财务还没有核对出来", True),
    ("2020年又买了一项50万也登记了", False),
])
def test_an_amount_said_to_be_unknown(text: str, unknown: bool) -> None:
    assert amount_unknown(text) is unknown
