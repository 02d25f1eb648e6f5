"""Honest before rules exist: a newer clause demotes an older figure; a subject no rule
covers gets no unrelated rule's estimate.  Through Engine.ask, ``policybot ask --json`` and
the Telegram application, over a knowledge copy holding one new document."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from knowledge_edits import unrepeal_107

from bot.conversation.presenter import answer_json
from index.answering.engine import Engine
from index.answering.honesty import same_award
from knowledge.awards.loading import load_rules
from knowledge.awards.vocabulary import knowledge_vocabulary
from knowledge.sources.base import load_knowledge

pytestmark = pytest.mark.slow

NEWER_DOC = """---
doc_number: 威科发〔2026〕5号
title: 威海市科学技术局关于支持创新平台建设的若干措施
issuer: 威海市科学技术局
issued: 2026-02-01
effective_from: 2026-02-01
effective_until: 2028-12-31
source: 测试
---
一、支持国家级技术创新中心建设
对新认定的国家级技术创新中心，给予一次性奖励500万元。
二、支持科技成果转化概念验证中心建设
对新认定的市级科技成果转化概念验证中心，给予一次性补助50万元。
三、加强组织保障
各区市要加强组织领导，抓好政策落实。
"""
NEWER = "威科发〔2026〕5号"
CENTRE_QUESTION = "我们企业被认定为国家级技术创新中心，能奖励多少？"
NOTE = ("较新的《威海市科学技术局关于支持创新平台建设的若干措施》（威科发〔2026〕5号）对同一事项"
        "规定了500万元，旧规定金额未计入合计，请以新文件为准并向威海市科学技术局确认")
NEW_SUBJECT_QUESTION = "建设科技成果转化概念验证中心能补助多少钱？"
IN_FORCE = date(2026, 6, 1)


def _write(kdir: Path, supersedes: tuple[str, ...] = ()) -> None:
    unrepeal_107(kdir)  # a 2026 history in which 107号 still stands
    text = NEWER_DOC
    if supersedes:
        listed = "".join(f"  - {d}\n" for d in supersedes)
        text = text.replace("source: 测试\n", f"source: 测试\nsupersedes:\n{listed}")
    (kdir / "policies" / "weikefa-2026-5.md").write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def newer_kb(tmp_path_factory: pytest.TempPathFactory, knowledge_dir: Path,
             built_data_dir: Path, use_embedder: Any) -> tuple[Path, Path, Engine]:
    """A knowledge copy with one newer document whose clauses no rule encodes."""
    base = tmp_path_factory.mktemp("newer")
    kdir = base / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    _write(kdir)
    data = Path(shutil.copytree(built_data_dir, base / "data"))
    eng = Engine(kdir, data, embedder=use_embedder)
    eng.warm_up()  # indexes the new document once
    return kdir, data, eng


def _check_demoted(estimate: dict[str, Any]) -> None:
    first, *rest = estimate["items"]
    assert first["outcome"] == "not_encoded" and first["figure"] == "500万元"
    assert first["citations"][0]["doc_number"] == NEWER
    old = next(i for i in rest if i["rule_id"] in ("d106_tech_centre_national",
                                                   "d107_tech_centre_national"))
    assert (old["outcome"], old["amount_yuan"], old["demoted_by"]) == (
        "eligible", 10_000_000, NEWER)
    assert old["warnings"][0] == NOTE
    assert estimate["total_yuan"] == 0
    assert estimate["warnings"][0] == NOTE


def test_newer_clause_demotes_the_older_figure(newer_kb: tuple[Path, Path, Engine]) -> None:
    result = answer_json(newer_kb[2].ask(CENTRE_QUESTION, as_of=IN_FORCE))
    _check_demoted(result["estimate"])
    text = result["answer_text"]
    assert text.index("原文规定500万元") < text.index("符合条件，1000万元")
    assert f"【较新文件{NEWER}规定不同，未计入合计】" in text
    assert "合计可确定金额" not in text


@pytest.mark.parametrize(
    ("as_of", "demoted"),
    [(date(2026, 1, 15), False), (IN_FORCE, True)],
    ids=["newer-not-yet-in-force", "newer-in-force"],
)
def test_only_an_in_force_newer_clause_demotes(newer_kb: tuple[Path, Path, Engine],
                                               as_of: date, demoted: bool) -> None:
    estimate = answer_json(newer_kb[2].ask(CENTRE_QUESTION, as_of=as_of))["estimate"]
    old = next(i for i in estimate["items"] if i["rule_id"].endswith("tech_centre_national"))
    assert ("demoted_by" in old) is demoted
    assert estimate["total_yuan"] == (0 if demoted else 10_000_000)


@pytest.mark.parametrize(
    ("supersedes", "demoted"),
    [(("威政办字〔2018〕106号", "威政办字〔2018〕107号"), False),
     (("威政办字〔2018〕106号",), True)],
    ids=["both-replaced-superseded-not-demoted", "one-replaced-other-still-demoted"],
)
def test_declared_supersession_is_not_a_conflict(
        tmp_path: Path, knowledge_dir: Path, built_copy: Path, use_embedder: Any,
        supersedes: tuple[str, ...], demoted: bool) -> None:
    """Documents the newer one says it replaces are superseded, not demoted; one it does
    not name still states its figure in force, and that figure is demoted."""
    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    _write(kdir, supersedes)
    eng = Engine(kdir, built_copy, embedder=use_embedder)
    estimate = answer_json(eng.ask(CENTRE_QUESTION, as_of=IN_FORCE))["estimate"]
    old = next(i for i in estimate["items"] if i["rule_id"].endswith("tech_centre_national"))
    assert (old.get("demoted_by") == NEWER) is demoted
    assert (old["validity"] == "superseded") is not demoted
    assert estimate["total_yuan"] == 0


def test_cli_json_shows_the_demotion(newer_kb: tuple[Path, Path, Engine], shared_use_model: Any,
                                     capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from cli_runner import run_cli

    kdir, data, _ = newer_kb
    monkeypatch.setenv("POLICYBOT_DATA_DIR", str(data))
    code, out, err = run_cli(["ask", CENTRE_QUESTION, "--json", "--as-of", "2026-06-01",
                              "--knowledge", str(kdir)], capsys)
    assert code == 0, err
    _check_demoted(json.loads(out)["estimate"])


def test_telegram_shows_the_newer_clause_first(newer_kb: tuple[Path, Path, Engine],
                                               tmp_path: Path) -> None:
    from harness import Running, with_bot

    from bot.conversation.store import SQLiteStore

    store = SQLiteStore(tmp_path / "state.sqlite3")

    async def scenario(bot: Running) -> str:
        sent = await bot.say(7, f"2026年6月1日，{CENTRE_QUESTION}")
        return str(sent[0].params["text"])

    try:
        html = with_bot(tmp_path, newer_kb[2], store, scenario)
    finally:
        store.close()
    assert html.index("原文规定 500万元") < html.index(NOTE) < html.index("旧规定 1000万元")
    assert "合计约" not in html
    assert "可申请" not in html.split("为您找到")[0]


# -- a subject no rule covers ------------------------------------------------------------

def test_subject_no_rule_covers_gets_no_unrelated_estimate(
        newer_kb: tuple[Path, Path, Engine]) -> None:
    """概念验证中心 shares the topic word 成果转化 with the technology-transfer rules; the
    estimate lists the new clause only, never an item of those rules."""
    result = answer_json(newer_kb[2].ask(NEW_SUBJECT_QUESTION, as_of=IN_FORCE))
    assert result["hits"][0]["doc_number"] == NEWER
    items = result["estimate"]["items"]
    assert [(i["outcome"], i.get("figure")) for i in items] == [("not_encoded", "50万元")]
    assert "需补充信息" not in result["answer_text"]


def test_cli_subject_no_rule_covers(newer_kb: tuple[Path, Path, Engine], shared_use_model: Any,
                                    capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from cli_runner import run_cli

    kdir, data, _ = newer_kb
    monkeypatch.setenv("POLICYBOT_DATA_DIR", str(data))
    code, out, err = run_cli(["--knowledge", str(kdir), "ask", NEW_SUBJECT_QUESTION, "--json",
                              "--as-of", "2026-06-01"], capsys)
    assert code == 0, err
    items = json.loads(out)["estimate"]["items"]
    assert {i["outcome"] for i in items} == {"not_encoded"}


# -- what counts as the same award --------------------------------------------------------

@pytest.fixture(scope="module")
def seed_rules(knowledge_dir: Path) -> Any:
    kb = load_knowledge(knowledge_dir)
    return load_rules(knowledge_dir / "rules", kb.clause, kb.document,
                      knowledge_vocabulary(knowledge_dir))


@pytest.mark.parametrize(
    ("heading", "sentence", "named", "rule_id", "same"),
    [
        ("支持国家级技术创新中心建设", "给予一次性奖励500万元",
         {"platform_titles": {"tech_centre_national"}}, "d106_tech_centre_national", True),
        ("支持省级技术创新中心建设", "给予一次性奖励300万元",
         {"platform_titles": {"tech_centre_provincial"}}, "d106_tech_centre_national", False),
        ("支持技术创新中心建设", "给予一次性奖励300万元", {}, "d106_tech_centre_national", False),
        ("企业研究开发财政补助", "给予单个企业最高500万元补助", {}, "d32_rnd_subsidy", True),
        ("支持海洋牧场建设", "给予一次性补助80万元", {}, "d32_rnd_subsidy", False),
    ],
    ids=["same-title", "other-title", "no-title-named", "no-title-rule-same-name",
         "no-title-rule-other-name"],
)
def test_same_award(seed_rules: Any, heading: str, sentence: str,
                    named: dict[str, set[str]], rule_id: str, same: bool) -> None:
    assert same_award(heading, sentence, named, seed_rules.get(rule_id)) is same


@pytest.mark.parametrize(
    ("sentence", "figures", "kept", "kept_figures"),
    [
        ("对认定的给予100万元补助。", ("100万元",), "对认定的给予100万元补助。", ("100万元",)),
        ("原文件中给予100万元补助的规定不再执行。", ("100万元",), "", ()),
        ("原规定中给予100万元补助的规定停止执行；对新认定的给予50万元奖励。",
         ("100万元", "50万元"), "对新认定的给予50万元奖励。", ("50万元",)),
    ],
    ids=["a-grant", "a-notice-only", "notice-then-grant"],
)
def test_a_replacement_notice_is_not_a_grant(sentence: str, figures: tuple[str, ...],
                                             kept: str, kept_figures: tuple[str, ...]) -> None:
    from index.answering.honesty import granted_part

    assert granted_part(sentence, figures) == (kept, kept_figures)


TWO_TITLES_DOC = """---
doc_number: 威科发〔2023〕8号
title: 威海市科学技术局关于调整技术创新中心支持标准的通知
issuer: 威海市科学技术局
issued: 2023-06-01
effective_from: 2023-06-01
effective_until: 2026-12-31
source: 测试
---
一、调整技术创新中心支持标准
对认定为国家技术创新中心的给予500万元支持，对认定为省级技术创新中心的给予1000万元支持。
"""


@pytest.mark.parametrize(("question", "rule_id"), [
    (CENTRE_QUESTION, "tech_centre_national"),
    ("我们企业被认定为省级技术创新中心，能奖励多少？", "tech_centre_provincial"),
], ids=["national-1000-not-taken-from-the-provincial-part", "provincial"])
def test_a_newer_figure_is_read_per_title_of_its_sentence(
        tmp_path: Path, knowledge_dir: Path, built_copy: Path, use_embedder: Any,
        question: str, rule_id: str) -> None:
    """The 2023 sentence gives the national centre 500万 and the provincial one 1000万:
    the 2018 1000万 for the national centre is not "stated" by the provincial part."""
    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (kdir / "policies" / "weikefa-2023-8.md").write_text(TWO_TITLES_DOC, encoding="utf-8")
    eng = Engine(kdir, built_copy, embedder=use_embedder)
    estimate = answer_json(eng.ask(question, as_of=date(2024, 6, 1)))["estimate"]
    old = next(i for i in estimate["items"] if i["rule_id"].endswith(rule_id))
    assert old.get("demoted_by") == "威科发〔2023〕8号"
    assert estimate["total_yuan"] == 0
