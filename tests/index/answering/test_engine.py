"""Engine: the JSON contract, validity by date, garbage input, atomic reloads."""

from __future__ import annotations

import importlib.util
import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from knowledge_edits import MARINE_DOC, confirm, unrepeal_107

from bot.conversation.presenter import answer_json
from index.answering.engine import Engine

pytestmark = pytest.mark.slow

CONTRACT_KEYS = {"question", "matched", "as_of", "hits", "estimate", "answer_text"}
HIT_KEYS = {"doc_number", "title", "clause_path", "text", "score", "in_force"}
HAS_ST = importlib.util.find_spec("sentence_transformers") is not None


def test_cited_answer_follows_contract(engine: Engine) -> None:
    result = answer_json(engine.ask("企业牵头组建市级技术创新中心有什么补助？",
                                    as_of=date(2026, 11, 24)))
    assert result.keys() >= CONTRACT_KEYS
    assert result["matched"] is True
    assert result["hits"], "a matched answer carries hits"
    for hit in result["hits"]:
        assert hit.keys() >= HIT_KEYS
    best = result["hits"][0]
    assert best["doc_number"] in {"威政办字〔2018〕107号", "威政办字〔2018〕106号"}
    assert "200万元" in best["text"]
    assert best["clause_path"] in result["answer_text"]
    assert best["doc_number"] in result["answer_text"]


def test_hits_never_repeat_a_clause(engine: Engine) -> None:
    result = answer_json(engine.ask("孵化器 众创空间 奖励", top_k=10))
    keys = [(h["doc_number"], h["clause_path"]) for h in result["hits"]]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(
    ("as_of", "in_force", "badge"),
    [(date(2019, 6, 1), True, "在有效期内（至 2021-11-10）"),
     (date(2026, 11, 24), False, "已失效")],
    ids=["within-58-validity", "after-58-expired"],
)
def test_validity_on_the_date_asked(engine: Engine, as_of: date, in_force: bool,
                                    badge: str) -> None:
    result = answer_json(engine.ask("企业购买技术合同经登记后按交易额奖励多少", as_of=as_of))
    hit = next(h for h in result["hits"] if h["doc_number"] == "威科字〔2018〕58号")
    assert hit["in_force"] is in_force
    assert badge in result["answer_text"]
    if not in_force:
        assert "2021-11-10" in result["answer_text"]


def test_out_of_scope_is_honest(engine: Engine) -> None:
    result = answer_json(engine.ask("办理出国签证需要什么材料"))
    assert result["matched"] is False
    assert result["hits"] == []
    assert "没有找到" in result["answer_text"]


@pytest.mark.parametrize(
    "question",
    ["", "   ", "😀😀😀", "\x00\x07\x1b[31m", "<script>alert(1)</script>", "孵化器" * 3400],
    ids=["empty", "blank", "emoji", "control", "markup", "10k-chars"],
)
def test_garbage_never_crashes(engine: Engine, question: str) -> None:
    result = answer_json(engine.ask(question))
    assert result.keys() >= CONTRACT_KEYS
    assert isinstance(result["answer_text"], str) and result["answer_text"]


def test_broken_reload_keeps_old_knowledge(tmp_path: Path, knowledge_dir: Path,
                                           built_copy: Path, use_embedder: Any) -> None:
    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    eng = Engine(kdir, built_copy, embedder=use_embedder)  # the session's index, copied
    eng.warm_up()
    before = answer_json(eng.ask("星创天地有什么奖励"))
    policy = next((kdir / "policies").glob("*106*.md"))
    policy.write_text("---\ntitle: [unclosed\n---\n正文", encoding="utf-8")
    report = eng.reload()
    assert report.ok is False
    assert policy.name in report.message
    assert eng.version == 1
    after = answer_json(eng.ask("星创天地有什么奖励"))
    assert after["hits"] == before["hits"]


def test_answer_carries_extraction_and_rule_ids(engine: Any) -> None:
    """The Answer holds what the question said and the rules behind it, so front ends
    never read the question twice or re-derive rule ids."""
    answer = engine.ask("2020年我们公司买了300万的技术，能补多少？", today=date(2026, 11, 24))
    assert answer.extraction is not None
    assert answer.facts["registered_tech_purchase_yuan"] == 3_000_000
    assert answer.as_of == date(2020, 12, 31)
    assert answer.estimate is not None
    assert answer.rule_ids == tuple(i.rule_id for i in answer.estimate.items)
    answer.facts["registered_tech_purchase_yuan"] = 1  # a copy: the answer is unchanged
    assert answer.facts["registered_tech_purchase_yuan"] == 3_000_000
    plain = engine.ask("孵化器 众创空间 奖励", top_k=3)
    assert plain.estimate is None and plain.rule_ids
    assert all(any((c.doc_number, c.clause_path) in {(h.doc_number, h.clause_path)
                                                     for h in plain.hits}
                   for c in engine.snapshot.rules.get(r).citations)
               or engine.snapshot.rules.get(r).same_award
               for r in plain.rule_ids)


@pytest.mark.st
@pytest.mark.skipif(not HAS_ST, reason="sentence-transformers extra not installed")
def test_sentence_transformers_path_end_to_end(
    tmp_path: Path, knowledge_dir: Path, monkeypatch: pytest.MonkeyPatch, use_embedder: Any
) -> None:
    """The optional embedder through the whole engine: its own index and calibration, cited
    answers, honest out-of-scope replies; going back to USE re-embeds everything.

    Over one document (威政办字〔2018〕107号) and its rules: embedding all four with
    MiniLM on a 2-core box takes half a minute, and one shows the whole path as well."""
    from index.artifacts import load_index
    from index.embedders import GT_MINILM, make_embedder
    from index.retriever import CALIBRATIONS

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")  # weights come from the pip package only
    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir / "cases", kdir / "cases")
    for folder, suffix in (("policies", "md"), ("rules", "yaml")):
        (kdir / folder).mkdir()
        name = f"weizhengbanzi-2018-107.{suffix}"
        shutil.copy(knowledge_dir / folder / name, kdir / folder / name)
    knowledge_dir = kdir
    data = tmp_path / "data"
    st = Engine(knowledge_dir, data, embedder_spec=f"st:{GT_MINILM}")
    st.warm_up()
    assert st.snapshot.retriever.calibration is CALIBRATIONS["st:"]
    result = answer_json(st.ask("对列入市级试点技术创新中心的企业有什么资金补助？"))
    assert result["matched"] and result["hits"]
    top = result["hits"][0]
    assert top["doc_number"] in {"威政办字〔2018〕107号", "威政办字〔2018〕106号"}
    assert "技术创新中心" in top["text"]
    assert top["clause_path"] in result["answer_text"]
    assert not st.ask("明天威海会下雨吗？").matched
    index = load_index(data, make_embedder(f"st:{GT_MINILM}"))
    assert index is not None and index.embedder_name.startswith(f"st:{GT_MINILM}")
    assert index.vectors.shape[1] == 384

    use = Engine(knowledge_dir, data, embedder=use_embedder)  # same dir, USE: a full rebuild
    use.warm_up()
    assert use.snapshot.retriever.index.vectors.shape[1] == 512
    assert use.ask("对列入市级试点技术创新中心的企业有什么资金补助？").matched


def test_staff_vocabulary_turns_away_a_subject_live(tmp_path: Path, knowledge_dir: Path,
                                                    built_copy: Path, use_embedder: Any) -> None:
    """Staff add a subject to cases/domain_terms.txt; after a reload the bot stops answering
    it.  A broken vocabulary file keeps the previous knowledge in service."""
    from index.domain import KNOWLEDGE_FILE

    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    eng = Engine(kdir, built_copy, embedder=use_embedder)  # the session's index, copied
    eng.warm_up()
    # no S&T subject at all: turned away by the subject words (vocabulary/domain.yaml)
    assert not eng.ask("农业合作社建冷库有补助吗").matched
    question = "高校建冷库有补助吗"  # cold storage, through a subject word (高校) it shares
    assert eng.ask(question).matched
    vocabulary = kdir / KNOWLEDGE_FILE
    vocabulary.write_text("[out_of_domain]\n冷库\n", encoding="utf-8")
    report = eng.reload()
    assert report.ok and report.embedded == 0  # nothing re-embedded for a word list
    assert not eng.ask(question).matched
    assert eng.ask("科技企业孵化器有什么奖励").matched
    vocabulary.write_text("[out_of_domain]\n冷库\n[cold]\n", encoding="utf-8")
    broken = eng.reload()
    assert not broken.ok and f"{KNOWLEDGE_FILE}:3" in broken.message
    assert eng.version == 2 and not eng.ask(question).matched


DAMAGE_QUESTION = "科技企业孵化器有什么奖励"
DAMAGED_FILES = ("faiss.index", "chunks.json", "pieces.npy", "manifest.json")


def _answer_key(eng: Engine) -> list[tuple[str, str]]:
    answer = eng.ask(DAMAGE_QUESTION)
    assert answer.matched
    return [(h.doc_number, h.clause_path) for h in answer.hits]


@pytest.fixture(scope="module")
def hash_index(
    tmp_path_factory: pytest.TempPathFactory, knowledge_dir: Path
) -> tuple[Path, list[tuple[str, str]]]:
    """A data dir with an index of the real knowledge (hash embedder) and its answer."""
    data = tmp_path_factory.mktemp("hash-index") / "data"
    eng = Engine(knowledge_dir, data, "hash")
    eng.warm_up()
    return data, _answer_key(eng)


def _damage(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "empty":
        path.write_bytes(b"")
    elif how == "truncate":
        path.write_bytes(data[: len(data) // 2])
    else:  # one flipped bit in the middle: the silent kind
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0x10]) + data[middle + 1:])


@pytest.mark.parametrize("how", ["truncate", "empty", "bitflip"])
@pytest.mark.parametrize("name", DAMAGED_FILES)
def test_damaged_index_is_rebuilt_not_fatal(
    tmp_path: Path, knowledge_dir: Path, hash_index: tuple[Path, list[tuple[str, str]]],
    name: str, how: str,
) -> None:
    """Truncated, empty or bit-flipped artefacts: the engine rebuilds and answers exactly as
    with the intact index (never an error, never an answer from bad bytes)."""
    from index.artifacts import current_build, index_is_stale

    template, expected = hash_index
    data = tmp_path / "data"
    shutil.copytree(template, data)
    build = current_build(data)
    assert build is not None
    _damage(build / name, how)
    eng = Engine(knowledge_dir, data, "hash")
    eng.warm_up()
    assert _answer_key(eng) == expected
    assert not index_is_stale(eng.snapshot.kb, data, eng.embedder)


def test_damage_under_a_running_engine_is_repaired_by_reload(
    tmp_path: Path, knowledge_dir: Path, hash_index: tuple[Path, list[tuple[str, str]]],
) -> None:
    from index.artifacts import current_build

    template, expected = hash_index
    data = tmp_path / "data"
    shutil.copytree(template, data)
    eng = Engine(knowledge_dir, data, "hash")
    eng.warm_up()
    build = current_build(data)
    assert build is not None
    _damage(build / "faiss.index", "bitflip")
    report = eng.reload()
    assert report.ok, report.message
    assert _answer_key(eng) == expected


def test_read_only_replica_loads_the_shared_index_and_never_writes_it(
    tmp_path: Path, knowledge_dir: Path, hash_index: tuple[Path, list[tuple[str, str]]],
) -> None:
    """A replica over a read-only index answers from it; knowledge newer than the index
    fails the reload (the old snapshot keeps serving) and nothing is written."""
    template, expected = hash_index
    data, kdir = tmp_path / "data", tmp_path / "knowledge"
    shutil.copytree(template, data)
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    index = data / "index"
    before = {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in index.rglob("*")}
    eng = Engine(kdir, data, "hash", read_only=True, index_wait=0)
    eng.warm_up()
    assert _answer_key(eng) == expected
    policy = next(p for p in sorted((kdir / "policies").glob("*.md")) if "README" not in p.name)
    policy.write_text(policy.read_text(encoding="utf-8") + "\n本办法另有新增一句。\n",
                      encoding="utf-8")
    report = eng.reload()
    assert not report.ok and "policybot index build" in report.message
    assert eng.version == 1 and _answer_key(eng) == expected
    after = {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for p in index.rglob("*")}
    assert after == before


# -- vocabulary as staff data: a new document, choice and rule without Python --------------
KEY_LAB_POLICY = """---
doc_number: 威科字〔2025〕9号
title: 威海市科学技术局关于支持全国重点实验室建设的若干措施
issuer: 威海市科学技术局
issued: 2025-03-01
effective_from: 2025-03-01
effective_until: null
source: 威海市科学技术局网站
status: 现行有效
---
威海市科学技术局
关于支持全国重点实验室建设的若干措施

一、支持全国重点实验室建设。对新获批的全国重点实验室，给予一次性奖励500万元。

二、本措施自2025年3月1日起施行。
"""
KEY_LAB_CHOICE = """      - value: national_key_lab
        label: "新获批全国重点实验室"
        phrases: [全国重点实验室]
"""
KEY_LAB_RULES = """document:
  doc_number: 威科字〔2025〕9号
  issuer: 威海市科学技术局
  authority: 市直部门
  issued: 2025-03-01
  effective_from: 2025-03-01
  effective_until: null

rules:
  - id: k2025_national_key_lab
    label: 新获批全国重点实验室一次性奖励
    kind: fixed
    amount_yuan: 5000000
    applicant_types: any
    conditions:
      - {fact: platform_titles, has: national_key_lab}
    topics: [platform]
    citations:
      - clause_path: 一、
        quote: 对新获批的全国重点实验室，给予一次性奖励500万元
"""
KEY_LAB_QUESTION = "我们企业新获批全国重点实验室，能奖励多少？"


def add_key_lab_document(kdir: Path) -> None:
    """What staff do for a new document: a policy file, a vocabulary line, a rule file."""
    (kdir / "policies" / "weikezi-2025-9.md").write_text(KEY_LAB_POLICY, encoding="utf-8")
    facts = kdir / "vocabulary" / "facts.yaml"
    anchor = "      - value: overseas_rnd\n"  # a platform_titles choice: insert before it
    text = facts.read_text(encoding="utf-8")
    assert anchor in text
    facts.write_text(text.replace(anchor, KEY_LAB_CHOICE + anchor), encoding="utf-8")
    (kdir / "rules" / "weikezi-2025-9.yaml").write_text(KEY_LAB_RULES, encoding="utf-8")


def test_new_document_choice_and_rule_are_estimated_without_python(
        tmp_path: Path, knowledge_dir: Path, built_copy: Path, use_embedder: Any) -> None:
    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    add_key_lab_document(kdir)
    eng = Engine(kdir, built_copy, embedder=use_embedder)
    eng.warm_up()
    assert "national_key_lab" in eng.snapshot.rules.vocabulary.choice_values("platform_titles")
    result = answer_json(eng.ask(KEY_LAB_QUESTION, as_of=date(2026, 1, 1)))
    assert result["matched"] is True
    estimate = result["estimate"]
    item = next(i for i in estimate["items"] if i["rule_id"] == "k2025_national_key_lab")
    assert item["outcome"] == "eligible" and item["amount_yuan"] == 5_000_000
    assert item["citations"] == [{"doc_number": "威科字〔2025〕9号", "clause_path": "一、",
                                  "quote": "对新获批的全国重点实验室，给予一次性奖励500万元"}]
    assert estimate["total_yuan"] == 5_000_000
    assert "500万元" in result["answer_text"] and "威科字〔2025〕9号" in result["answer_text"]


def test_broken_vocabulary_keeps_the_last_good_snapshot(
        tmp_path: Path, knowledge_dir: Path, built_copy: Path, use_embedder: Any) -> None:
    kdir = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    eng = Engine(kdir, built_copy, embedder=use_embedder)
    eng.warm_up()
    add_key_lab_document(kdir)  # live: documents, vocabulary and rule arrive together
    report = eng.reload()
    assert report.ok, report.message
    assert eng.snapshot.rules.get("k2025_national_key_lab") is not None
    facts = kdir / "vocabulary" / "facts.yaml"
    lines = facts.read_text(encoding="utf-8").splitlines()
    number = next(n for n, line in enumerate(lines, 1) if "value: national_key_lab" in line)
    lines[number - 1] = lines[number - 1].replace("national_key_lab", "overseas_rnd")
    facts.write_text("\n".join(lines) + "\n", encoding="utf-8")  # the same choice twice
    again = next(n for n, line in enumerate(lines, 1)
                 if "value: overseas_rnd" in line and n > number)
    broken = eng.reload()
    assert not broken.ok
    assert f"vocabulary/facts.yaml:{again}" in broken.message and "overseas_rnd" in broken.message
    assert eng.version == 2 and eng.snapshot.rules.get("k2025_national_key_lab") is not None


# -- validity that claims only what it knows; supersession; awards no rule encodes yet ------

MARINE_QUESTION = "新认定的市级海洋牧场科技创新中心能补助多少钱？"
MARINE_SENTENCE = "对新认定的市级海洋牧场科技创新中心，给予一次性补助80万元。"

SUCCESSOR_DOC = """---
doc_number: 威政办字〔2026〕1号
title: 威海市人民政府办公室关于进一步加快科技服务业发展的实施意见
issuer: 威海市人民政府办公室
issued: 2026-01-01
effective_from: 2026-03-01
supersedes:
  - 威政办字〔2018〕107号
source: 测试
---
一、支持科技服务业集聚发展
鼓励各区市建设科技服务业集聚区，完善服务功能。
"""
CENTER_QUESTION = "企业牵头组建市级试点技术创新中心能补助多少？"
PLATFORM_QUESTION = "国家级科技企业孵化器奖励多少"
COOP_QUESTION = "企业获批国家级国际合作基地能奖励多少？"


@pytest.fixture(scope="module")
def currency_kb(tmp_path_factory: pytest.TempPathFactory, knowledge_dir: Path,
                built_data_dir: Path, use_embedder: Any) -> tuple[Path, Path]:
    """A knowledge copy: a money clause without a rule, 107 superseded, 106 confirmed."""
    base = tmp_path_factory.mktemp("currency")
    kdir = base / "knowledge"
    shutil.copytree(knowledge_dir, kdir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    (kdir / "policies" / "weikefa-2026-3.md").write_text(MARINE_DOC, encoding="utf-8")
    (kdir / "policies" / "weizhengbanzi-2026-1.md").write_text(SUCCESSOR_DOC, encoding="utf-8")
    unrepeal_107(kdir)  # this history replaces 107号 in 2026 instead
    confirm(kdir / "policies" / "weizhengbanzi-2018-106.md", "2026-05-20")
    data = Path(shutil.copytree(built_data_dir, base / "data"))
    Engine(kdir, data, embedder=use_embedder).warm_up()  # index the new documents once
    return kdir, data


def _ask_json(kdir: Path, data: Path, question: str, as_of: str, capsys: Any,
              monkeypatch: pytest.MonkeyPatch, knowledge_first: bool = True) -> dict[str, Any]:
    import json

    from cli_runner import run_cli

    monkeypatch.setenv("POLICYBOT_DATA_DIR", str(data))
    args = ["ask", question, "--json", "--as-of", as_of]
    argv = ["--knowledge", str(kdir), *args] if knowledge_first else [*args, "--knowledge",
                                                                     str(kdir)]
    code, out, err = run_cli(argv, capsys)
    assert code == 0, err
    result: dict[str, Any] = json.loads(out)
    return result


@pytest.mark.parametrize(
    ("question", "as_of", "doc_number", "validity", "shown"),
    [
        (CENTER_QUESTION, "2026-02-01", "威政办字〔2018〕107号", "unstated",
         "未载明有效期（2018年印发），建议向责任单位确认"),
        (CENTER_QUESTION, "2026-06-01", "威政办字〔2018〕107号", "superseded",
         "已被《威海市人民政府办公室关于进一步加快科技服务业发展的实施意见》（威政办字〔2026〕1号）替代"),
        (PLATFORM_QUESTION, "2026-06-01", "威政办字〔2018〕106号", "confirmed",
         "经核实有效（2026-05-20 核实）"),
        (MARINE_QUESTION, "2026-06-01", "威科发〔2026〕3号", "in_force_until",
         "在有效期内（至 2028-01-31）"),
        (MARINE_QUESTION, "2026-01-15", "威科发〔2026〕3号", "not_yet", "尚未施行"),
    ],
    ids=["no-end-date-unstated", "superseded-from-successor-start", "staff-confirmed",
         "end-date-stated", "not-yet-in-force"],
)
def test_hit_validity_claims_only_what_the_metadata_says(
        currency_kb: tuple[Path, Path], shared_use_model: Any, capsys: Any,
        monkeypatch: pytest.MonkeyPatch, question: str, as_of: str, doc_number: str,
        validity: str, shown: str) -> None:
    result = _ask_json(*currency_kb, question, as_of, capsys, monkeypatch)
    hit = next(h for h in result["hits"] if h["doc_number"] == doc_number)
    assert hit["validity"] == validity
    assert hit["in_force"] is (validity in ("unstated", "confirmed", "in_force_until"))
    assert shown in result["answer_text"]
    assert "现行有效" not in result["answer_text"]
    if validity == "superseded":
        assert hit["superseded_by"]["doc_number"] == "威政办字〔2026〕1号"


def test_superseded_awards_are_listed_but_not_counted(
        currency_kb: tuple[Path, Path], shared_use_model: Any, capsys: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    before = _ask_json(*currency_kb, COOP_QUESTION, "2026-02-01", capsys, monkeypatch)
    after = _ask_json(*currency_kb, COOP_QUESTION, "2026-06-01", capsys, monkeypatch,
                      knowledge_first=False)  # --knowledge after the subcommand
    old = before["estimate"]["items"][0]
    new = after["estimate"]["items"][0]
    assert old["rule_id"] == new["rule_id"] == "d107_intl_coop_national"
    assert (old["outcome"], old["validity"], old["in_force"]) == ("eligible", "unstated", True)
    assert before["estimate"]["total_yuan"] == 1_000_000
    assert (new["outcome"], new["validity"], new["in_force"]) == ("eligible", "superseded", False)
    assert new["superseded_by"] == "威政办字〔2026〕1号"
    assert after["estimate"]["total_yuan"] == 0
    assert any("已被威政办字〔2026〕1号替代" in w for w in after["estimate"]["warnings"])
    assert "【文件已被威政办字〔2026〕1号替代】" in after["answer_text"]
    assert "已失效" not in after["answer_text"] and "尚未施行" not in after["answer_text"]


@pytest.mark.parametrize(
    ("as_of", "listed"),
    [("2026-06-01", True), ("2026-01-15", False)],
    ids=["in-force-clause-listed", "not-yet-in-force-not-listed"],
)
def test_award_no_rule_encodes_is_listed_not_summed(
        currency_kb: tuple[Path, Path], shared_use_model: Any, capsys: Any,
        monkeypatch: pytest.MonkeyPatch, as_of: str, listed: bool) -> None:
    result = _ask_json(*currency_kb, MARINE_QUESTION, as_of, capsys, monkeypatch)
    assert result["matched"] is True
    assert result["hits"][0]["doc_number"] == "威科发〔2026〕3号"
    estimate = result["estimate"]
    items = [i for i in (estimate or {}).get("items", []) if i["outcome"] == "not_encoded"]
    if not listed:
        assert not items
        return
    assert len(items) == 1
    item = items[0]
    assert item["label"] == "支持海洋牧场科技创新中心建设"
    assert item["figure"] == "80万元"
    assert item["explanation"] == "尚未编入估算规则，以原文为准"
    assert item["citations"] == [{"doc_number": "威科发〔2026〕3号", "clause_path": "一、",
                                  "quote": MARINE_SENTENCE}]
    assert estimate["total_yuan"] == 0
    assert estimate["items"][-1]["outcome"] == "not_encoded"  # after every rule's item
    text = result["answer_text"]
    assert "原文规定80万元（尚未编入估算规则，以原文为准）" in text
    assert "没有符合条件" not in text


def test_telegram_states_currency_as_the_metadata_does(
        currency_kb: tuple[Path, Path], use_embedder: Any, tmp_path: Path) -> None:
    """Supersession, a not-yet-in-force document and an award no rule encodes, as an
    owner sees them in Telegram (real Application, local Bot API server)."""
    from harness import Running, with_bot

    from bot.conversation.store import SQLiteStore

    store = SQLiteStore(tmp_path / "state.sqlite3")
    engine = Engine(*currency_kb, embedder=use_embedder)

    async def scenario(bot: Running) -> list[str]:
        out = []
        for day, question in (("2026-06-01", COOP_QUESTION),
                              ("2026-06-01", MARINE_QUESTION),
                              ("2026-01-15", MARINE_QUESTION)):
            await bot.say(7, f"/asof {day}")
            sent = await bot.say(7, question)
            out.append(str(sent[0].params["text"]))
        return out

    try:
        superseded, listed, not_yet = with_bot(tmp_path, engine, store, scenario)
    finally:
        store.close()
    assert "现行有效" not in superseded + listed + not_yet
    # superseded: the old award is shown as no longer applicable, never headlined
    assert superseded.startswith("<b>目前没有在有效期内的奖补</b>")
    assert "该政策已被威政办字〔2026〕1号替代；原规定可获 100万元，现已不能按此申请" in superseded
    assert "符合条件" not in superseded
    # an in-force clause no rule encodes: its figure quoted, nothing summed
    assert "原文规定 80万元（尚未编入估算规则，以原文为准）" in listed
    assert "在有效期内（至 2028-01-31）" in listed and "合计" not in listed
    # before its start date: stated as such, no money listed
    assert "尚未施行（2026-02-01 起施行）" in not_yet and "原文规定" not in not_yet


def test_a_month_s_part_keeps_its_clause_s_count(hash_engine: Any) -> None:
    # 其中8家证书是2023年3月下的: the 8 are March's (before the repeal), the 4 December's
    answer = hash_engine.ask("我们孵化器是市级的，2023年在孵企业一共有12家拿到高企证书，"
                             "都在孵化期内，其中8家证书是2023年3月下的，另外4家是12月份才下的。"
                             "2023年孵化器能奖多少？", as_of=date(2026, 12, 6))
    assert answer.estimate is not None and answer.estimate.total_yuan == 800_000
