"""威政办字〔2018〕107号's recorded repeal (政府文件库: 文件废止时间 2023-04-07), end to end.

Before 2023-04-07 nothing changes; from that day its awards are listed as repealed and
summed nowhere, an award 106号 also states stands on 106号 (cited alone), and no view
claims a validity the metadata does not state — through ``policybot ask --json`` and the
real Telegram Application (answers and ``/policies``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cli_runner import run_cli

from bot.conversation.store import SQLiteStore

COOP = "企业获批国家级国际合作基地能奖励多少？"  # an award only 107号 states
CENTRE = "我们企业牵头组建了市级试点技术创新中心，能补多少？"  # 107号 and 106号 both
D107 = "威政办字〔2018〕107号"
D106 = "威政办字〔2018〕106号"


def ask(question: str, as_of: str, data: Path, capsys: Any,
        monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    monkeypatch.setenv("POLICYBOT_DATA_DIR", str(data))
    code, out, err = run_cli(["ask", question, "--json", "--as-of", as_of], capsys)
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


@pytest.mark.parametrize(
    ("as_of", "repealed"),
    [("2020-06-01", False), ("2023-04-06", False), ("2023-04-07", True), ("2025-06-01", True)],
    ids=["2020", "eve-of-repeal", "repeal-day", "2025"],
)
def test_an_award_only_107_states(built_data_dir: Path, shared_use_model: Any, capsys: Any,
                                  monkeypatch: pytest.MonkeyPatch, as_of: str,
                                  repealed: bool) -> None:
    result = ask(COOP, as_of, built_data_dir, capsys, monkeypatch)
    item = next(i for i in result["estimate"]["items"] if i["rule_id"] == "d107_intl_coop_national")
    hit = next(h for h in result["hits"] if h["doc_number"] == D107)
    text = result["answer_text"]
    assert "现行有效" not in text and "长期" not in text
    if not repealed:
        assert (item["in_force"], item["validity"]) == (True, "unstated")
        assert result["estimate"]["total_yuan"] == 1_000_000
        assert hit["validity"] == "unstated" and "废止" not in text
        return
    assert (item["in_force"], item["validity"], item["repealed_on"]) == (
        False, "repealed", "2023-04-07")
    assert result["estimate"]["total_yuan"] == 0
    assert any("已于2023-04-07废止" in w for w in result["estimate"]["warnings"])
    assert (hit["validity"], hit["in_force"], hit["repealed_on"]) == (
        "repealed", False, "2023-04-07")
    assert "weihai.gov.cn" in hit["repeal_source"]
    assert "【文件已于2023-04-07废止】" in text and "已废止（2023-04-07 起）" in text
    assert "合计可确定金额" not in text


@pytest.mark.parametrize(
    ("as_of", "cited"),
    [("2023-04-06", [D106, D107]), ("2023-04-07", [D106])],
    ids=["eve-of-repeal", "repeal-day"],
)
def test_an_award_106_also_states_stands_on_106(
        built_data_dir: Path, shared_use_model: Any, capsys: Any,
        monkeypatch: pytest.MonkeyPatch, as_of: str, cited: list[str]) -> None:
    result = ask(CENTRE, as_of, built_data_dir, capsys, monkeypatch)
    estimate = result["estimate"]
    item = next(i for i in estimate["items"]
                if "d107_tech_centre_city_enterprise" in [i["rule_id"], *i.get("same_as", [])])
    assert (item["outcome"], item["amount_yuan"], item["in_force"]) == (
        "eligible", 2_000_000, True)
    assert estimate["total_yuan"] == 2_000_000
    assert [c["doc_number"] for c in item["citations"]] == cited
    if len(cited) == 1:
        assert "该文件已于2023-04-07废止" in item["explanation"]
        assert f"依据：{D107}" not in result["answer_text"]


def test_telegram_states_the_repeal(hash_engine: Any, tmp_path: Path) -> None:
    """The real Application (local Bot API server): an answer on either side of the
    repeal, and /policies."""
    from harness import Running, with_bot

    store = SQLiteStore(tmp_path / "state.sqlite3")

    async def scenario(bot: Running) -> list[str]:
        out = []
        for day, message in (("2022-06-01", COOP), ("2024-06-01", COOP),
                             ("2024-06-01", "/policies"), ("2022-06-01", "/policies")):
            await bot.say(31, f"/asof {day}")
            sent = await bot.say(31, message)
            out.append("\n".join(str(s.params["text"]) for s in sent))
        return out

    try:
        before, after, policies, policies_before = with_bot(tmp_path, hash_engine, store, scenario)
    finally:
        store.close()
    for html in (before, after, policies, policies_before):
        assert "现行有效" not in html and "长期" not in html
    assert "100万元" in before and "废止" not in before
    assert after.startswith("<b>目前没有在有效期内的奖补</b>")
    assert "该政策已于 2023-04-07 废止；原规定可获 100万元，现已不能申请" in after
    block = policies[policies.index(D107):]
    assert "已废止（2023-04-07 起）" in block.split("<b>")[0]
    assert "已废止" not in policies_before
    assert policies_before.count("未载明有效期") == 3  # 107号, 106号, 32号 (58号: 已失效)
