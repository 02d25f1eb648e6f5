"""Loading a whole knowledge folder: the shipped one and small temporary ones."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from knowledge_edits import unrepeal_107

from knowledge.errors import KnowledgeError, MetadataError
from knowledge.sources.base import KnowledgeBase, fingerprint, load_knowledge, policy_files
from knowledge.sources.parsing import MAX_CLAUSE_CHARS

SEEDS = Path(__file__).resolve().parents[2] / "fixtures"
META_106 = """doc_number: 威政办字〔2018〕106号
title: 威海市人民政府办公室关于加快科技创新平台建设的意见
issuer: 威海市人民政府办公室
issued: 2018-11-30
"""


@pytest.fixture(scope="module")
def kb(knowledge_dir: Path) -> KnowledgeBase:
    return load_knowledge(knowledge_dir)


@pytest.fixture
def folder(tmp_path: Path, knowledge_dir: Path) -> Path:
    """A writable copy of the shipped policies plus empty rules/ and cases/."""
    root = tmp_path / "kb"
    shutil.copytree(knowledge_dir / "policies", root / "policies")
    (root / "rules").mkdir()
    (root / "cases").mkdir()
    return root


def test_shipped_knowledge(kb: KnowledgeBase) -> None:
    assert [d.doc_number for d in kb.documents] == [
        "威科字〔2018〕58号",
        "威政办发〔2018〕32号",
        "威政办字〔2018〕106号",
        "威政办字〔2018〕107号",
    ]
    assert kb.duplicates == () and kb.warnings == () and kb.rules is None
    assert len(kb.fingerprint) == 64
    assert sum(len(v) for v in kb.clauses_by_doc.values()) == len(kb.clauses)
    assert all(len(c.text) <= MAX_CLAUSE_CHARS for c in kb.clauses)
    assert len({c.chunk_id for c in kb.clauses}) == len(kb.clauses)


@pytest.mark.parametrize(
    ("doc_number", "title", "until"),
    [
        ("威政办字〔2018〕107号", "威海市人民政府办公室关于加快科技服务业发展的实施意见", None),
        ("威政办发〔2018〕32号", "威海市人民政府办公室关于加快县域创新驱动发展的实施意见", None),
        ("威政办字[2018]106 号", "威海市人民政府办公室关于加快科技创新平台建设的意见", None),
        ("威科字〔2018〕58号",
         "威海市科学技术局关于印发《促进科技成果转移转化服务体系建设三年行动计划》的通知",
         date(2021, 11, 10)),
    ],
    ids=["107", "32", "106", "58"],
)
def test_document_metadata(
    kb: KnowledgeBase, doc_number: str, title: str, until: date | None
) -> None:
    meta = kb.document(doc_number)
    assert meta is not None
    assert (meta.title, meta.effective_until) == (title, until)
    assert meta.file.startswith("policies/") and meta.file.endswith(".md")


def test_58_in_force_window(kb: KnowledgeBase) -> None:
    meta = kb.document("威科字〔2018〕58号")
    assert meta is not None
    assert not meta.in_force(date(2018, 11, 10))
    assert meta.in_force(date(2019, 6, 1))
    assert not meta.in_force(date(2021, 11, 11))


@pytest.mark.parametrize(
    ("doc_number", "path", "fragment", "line"),
    [
        ("威政办字〔2018〕107号", "二、（四）1.", "企业牵头组建的给予200万元资金补助", 97),
        ("威政办字〔2018〕107号", "二、(四)4．", "对首次通过认定的给予20万元奖励", 105),
        ("威政办发〔2018〕32号", "二、（七）", "到2020年农业高新技术企业达到50家", 60),
        ("威政办字〔2018〕106号", "四、（三）", "市级分别给予1000万元、500万元支持", 172),
        ("威科字〔2018〕58号", "二、（三）2.", "按年实际技术交易额的20%给予奖励", 146),
        ("威科字〔2018〕58号", "附则", "有效期至2021年11月10日", 196),
    ],
    ids=["107-1", "107-4-typed-loosely", "32-7", "106-3", "58-2", "58-closing"],
)
def test_clause_lookup_and_file_lines(
    kb: KnowledgeBase, doc_number: str, path: str, fragment: str, line: int, knowledge_dir: Path
) -> None:
    text = kb.clause(doc_number, path)
    assert text is not None and fragment in text
    first = kb.chunks(doc_number, path)[0]
    assert first.line == line
    file_line = (knowledge_dir / first.doc.file).read_text(encoding="utf-8").splitlines()[line - 1]
    assert first.text[:4] in file_line  # the line really is where the clause starts


def test_unknown_clause_and_document(kb: KnowledgeBase) -> None:
    assert kb.clause("威政办字〔2018〕107号", "九、") is None
    assert kb.clause("不存在", "序言") is None
    assert kb.document("不存在") is None


def test_readme_and_sidecars_are_not_documents(folder: Path) -> None:
    (folder / "policies" / "notes.pdf.meta.yaml").write_text(META_106, encoding="utf-8")
    names = [p.name for p in policy_files(folder)]
    assert "README.md" not in names and all(not n.endswith(".yaml") for n in names)
    kb = load_knowledge(folder)
    assert kb.warnings == ("policies/notes.pdf.meta.yaml: 元数据文件没有对应的政策文件",)


def test_web_copy_is_reported_as_duplicate(folder: Path) -> None:
    lines = (SEEDS / "003_7f75836a4e4ff56d.txt").read_text("utf-8").splitlines()
    html = "".join(f"<p>{line}</p>" for line in lines)
    (folder / "policies" / "106.html").write_text(f"<html><body>{html}</body></html>", "utf-8")
    (folder / "policies" / "106.html.meta.yaml").write_text(META_106, encoding="utf-8")
    kb = load_knowledge(folder)
    assert len(kb.documents) == 4
    assert [(d.kept_file, d.dropped_file) for d in kb.duplicates] == [
        ("policies/weizhengbanzi-2018-106.md", "policies/106.html")
    ]
    assert any("106.html duplicates" in w for w in kb.warnings)


def test_broken_file_names_file_and_line(folder: Path) -> None:
    target = folder / "policies" / "weikezi-2018-58.md"
    text = target.read_text(encoding="utf-8").replace("issued: 2018-10-10", "issued: 2018-10-xx")
    target.write_text(text, encoding="utf-8")
    with pytest.raises(MetadataError) as caught:
        load_knowledge(folder)
    assert caught.value.file is not None and caught.value.file.endswith("weikezi-2018-58.md")
    assert caught.value.line == 5
    assert "weikezi-2018-58.md:5: issued" in str(caught.value)


def test_missing_policies_folder(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="policies"):
        load_knowledge(tmp_path)


def test_staff_warnings(folder: Path) -> None:
    target = folder / "policies" / "extra.md"
    target.write_text(
        "---\ndoc_number: 威科字〔2019〕1号\ntitle: 测试\nissuer: 威海市科学技术局\n"
        "issued: 2019-01-01\n---\n威科字〔2019〕2号\n"
        "一、总则\n（一）甲。内容。\n（三）乙。内容。\n",
        encoding="utf-8",
    )
    kb = load_knowledge(folder)
    assert kb.warnings == (
        "policies/extra.md:10: numbering out of sequence, kept as body text or a gap: "
        "（三）乙。内容。",
        "policies/extra.md:7: the text says 威科字〔2019〕2号 but doc_number is 威科字〔2019〕1号",
    )


def test_fingerprint_tracks_every_input(folder: Path) -> None:
    first = fingerprint(folder)
    assert fingerprint(folder) == first
    rules = folder / "rules" / "awards.yaml"
    rules.write_text("rules: []\n", encoding="utf-8")
    second = fingerprint(folder)
    assert second != first
    (folder / "cases" / "questions.yaml").write_text("[]\n", encoding="utf-8")
    third = fingerprint(folder)
    assert third != second
    rules.unlink()
    assert fingerprint(folder) not in (first, second, third)
    assert load_knowledge(folder).fingerprint == fingerprint(folder)


def test_with_rules_keeps_lookups(kb: KnowledgeBase) -> None:
    ruled = kb.with_rules({"sentinel": True})
    assert ruled.rules == {"sentinel": True} and kb.rules is None
    number = "威政办字〔2018〕107号"
    assert ruled.clause(number, "序言") == kb.clause(number, "序言")


def _one_policy_kb(tmp_path: Path) -> Path:
    root = tmp_path / "kb"
    (root / "policies").mkdir(parents=True)
    (root / "policies" / "ok.md").write_text(
        "---\ndoc_number: 威科字〔2020〕1号\ntitle: 测试办法\nissuer: 威海市科学技术局\n"
        "issued: 2020-01-01\n---\n第一条 本办法适用于全市。\n",
        encoding="utf-8")
    return root


def test_symlink_out_of_policies_is_refused_with_its_path(tmp_path: Path) -> None:
    root = _one_policy_kb(tmp_path)
    outside = tmp_path / "secret.md"
    outside.write_text("---\n---\n", encoding="utf-8")
    link = root / "policies" / "leak.md"
    link.symlink_to(outside)
    with pytest.raises(KnowledgeError, match="符号链接指向 policies/ 文件夹之外") as info:
        policy_files(root)
    assert str(link) in str(info.value)
    with pytest.raises(KnowledgeError, match="文件夹之外"):
        load_knowledge(root)


def test_dangling_symlink_is_reported_not_skipped(tmp_path: Path) -> None:
    root = _one_policy_kb(tmp_path)
    link = root / "policies" / "gone.md"
    link.symlink_to(tmp_path / "nowhere.md")
    with pytest.raises(KnowledgeError, match="符号链接指向不存在的文件") as info:
        policy_files(root)
    assert str(link) in str(info.value)


def test_symlink_inside_policies_is_followed(tmp_path: Path) -> None:
    root = _one_policy_kb(tmp_path)
    data = root / "policies" / "..data"
    data.mkdir()
    (root / "policies" / "ok.md").rename(data / "ok.md")
    (root / "policies" / "ok.md").symlink_to(data / "ok.md")
    assert [p.name for p in policy_files(root)] == ["ok.md"]
    assert len(load_knowledge(root).documents) == 1


def test_seed_documents_claim_no_confirmation(kb: KnowledgeBase) -> None:
    on = date(2026, 11, 24)
    states = {m.doc_number: m.validity(on) for m in kb.documents}
    assert states == {"威科字〔2018〕58号": "expired", "威政办发〔2018〕32号": "unstated",
                      "威政办字〔2018〕106号": "unstated", "威政办字〔2018〕107号": "repealed"}
    assert kb.document("威政办字〔2018〕107号").validity(date(2023, 4, 6)) == "unstated"  # type: ignore[union-attr]
    assert {m.status for m in kb.documents} == {"已失效", "", "已废止"}  # never 现行有效
    assert all(m.confirmed_in_force_on is None and not m.superseded_by for m in kb.documents)


def _successor(folder: Path, key_line: str, old: str = "威政办字〔2018〕107号") -> None:
    (folder / "policies" / "new.md").write_text(
        "---\ndoc_number: 威政办字〔2026〕1号\ntitle: 新意见\nissuer: 威海市人民政府办公室\n"
        f"issued: 2026-01-01\neffective_from: 2026-03-01\n{key_line.format(old=old)}---\n"
        "一、总体要求\n加快发展。\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("side", "old", "on", "validity", "warned"),
    [
        ("new", "威政办字〔2018〕107号", date(2026, 2, 28), "unstated", False),
        ("new", "威政办字〔2018〕107号", date(2026, 3, 1), "superseded", False),
        ("old", "威政办字〔2018〕107号", date(2026, 3, 1), "superseded", False),
        ("new", "威政发〔2010〕1号", date(2026, 3, 1), "unstated", True),
    ],
    ids=["before-successor-starts", "supersedes-on-the-new", "superseded-by-on-the-old",
         "unknown-number-reported"],
)
def test_supersession_is_resolved_across_documents(
        folder: Path, side: str, old: str, on: date, validity: str, warned: bool) -> None:
    unrepeal_107(folder)  # a 2026 history in which 107号 stands until replaced
    if side == "new":
        _successor(folder, "supersedes: [{old}]\n", old)
    else:
        _successor(folder, "")
        plan = folder / "policies" / "weizhengbanzi-2018-107.md"
        plan.write_text(plan.read_text(encoding="utf-8").replace(
            "source: ", "superseded_by: 威政办字〔2026〕1号\nsource: ", 1),
            encoding="utf-8")
    kb = load_knowledge(folder)
    meta = kb.document("威政办字〔2018〕107号")
    assert meta is not None and meta.validity(on) == validity
    assert meta.in_force(on) is (validity == "unstated")
    if validity == "superseded":
        assert (meta.superseded_by, meta.superseded_by_title, meta.superseded_from) == (
            "威政办字〔2026〕1号", "新意见", date(2026, 3, 1))
        clause = next(c for c in kb.clauses if c.doc_number == "威政办字〔2018〕107号")
        assert clause.doc.superseded_by == "威政办字〔2026〕1号"  # clauses carry it too
    assert any("不在知识库中，已忽略：请核对文号" in w for w in kb.warnings) is warned
