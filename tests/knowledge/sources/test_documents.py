"""Text extraction (real PDF/DOCX/HTML files) and metadata loading with located errors."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from knowledge.errors import ExtractionError, KnowledgeError, MetadataError
from knowledge.model import DocumentMeta
from knowledge.sources.documents import extract_text, load_source, normalize_doc_number
from knowledge.sources.parsing import parse_clauses

SEEDS = Path(__file__).resolve().parents[2] / "fixtures"
SEED_107 = SEEDS / "000_18f4e936e940e5f3.txt"
SEED_32 = SEEDS / "001_eff6465ac9f855be.txt"
SEED_106_WEB = SEEDS / "003_7f75836a4e4ff56d.txt"
META = DocumentMeta("威政办字〔2018〕107号", "测试", "威海市人民政府办公室", date(2018, 11, 27))

GOOD_META = """doc_number: 威政办字[2018]107 号
title: 威海市人民政府办公室关于加快科技服务业发展的实施意见
issuer: 威海市人民政府办公室
issued: 2018-11-27
effective_from: 2018-11-27
effective_until: null
source: 威海市人民政府网站
status: 现行有效
"""


def clause_view(text: str) -> list[tuple[object, ...]]:
    return [(c.path, c.headings, c.text, c.responsible) for c in parse_clauses(META, text)]


def seed_lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def make_pdf(path: Path, lines: list[str], width: int = 31) -> None:
    """A real PDF typeset with the built-in CID font; long lines wrap mid-word, pages numbered."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    wrapped: list[str] = []
    for line in lines:
        while len(line) > width:
            cut = width
            while line[cut - 1 : cut + 1].isascii() and line[cut - 1 : cut + 1].isalpha():
                cut -= 1  # typesetters wrap Chinese anywhere but keep Latin words whole
            wrapped.append(line[:cut])
            line = line[cut:]
        wrapped.append(line)
    per_page = 45
    for page_start in range(0, len(wrapped), per_page):
        pdf.setFont("STSong-Light", 12)
        y = 800.0
        for line in wrapped[page_start : page_start + per_page]:
            pdf.drawString(40, y, line)
            y -= 17
        pdf.drawString(280, 30, f"- {page_start // per_page + 1} -")
        pdf.showPage()
    pdf.save()


def test_pdf_round_trip_gives_same_clauses(tmp_path: Path) -> None:
    target = tmp_path / "107.pdf"
    make_pdf(target, seed_lines(SEED_107))
    extracted = extract_text(target)
    assert "- 2 -" in extracted  # the artefacts really are there
    assert clause_view(extracted) == clause_view(SEED_107.read_text(encoding="utf-8"))


def test_docx_paragraphs_and_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    for line in seed_lines(SEED_32):
        document.add_paragraph(line)
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "奖励项目", "金额"
    table.cell(1, 0).text, table.cell(1, 1).text = "国家创新型县（市）", "500万元"
    target = tmp_path / "32.docx"
    document.save(str(target))
    extracted = extract_text(target)
    assert "国家创新型县（市）\t500万元" in extracted
    expected = clause_view(SEED_32.read_text(encoding="utf-8"))
    assert clause_view(extracted) == expected  # the table follows the 抄送 trailer


def test_html_drops_scripts_and_navigation(tmp_path: Path) -> None:
    body = "".join(f"<p>{line}</p>" for line in seed_lines(SEED_106_WEB))
    body = body.replace("一、指导思想", "<span>一、</span><b>指导思想</b>", 1)
    page = (
        "<html><head><style>p {color: red}</style><script>var x = '（一）假';</script></head>"
        f"<body><nav>首页 | 政策文件</nav><div class='content'>{body}</div></body></html>"
    )
    target = tmp_path / "106.html"
    target.write_text(page, encoding="utf-8")
    extracted = extract_text(target)
    assert "var x" not in extracted and "首页" not in extracted and "color" not in extracted
    assert clause_view(extracted) == clause_view(SEED_106_WEB.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("name", "content"),
    [("broken.pdf", b"%PDF-1.4 not really a pdf"), ("broken.docx", b"PK\x03\x04 nope"),
     ("bad.txt", b"\xff\xfe\xfa invalid utf-8 \xff"), ("file.rtf", b"{\\rtf1}")],
    ids=["pdf", "docx", "encoding", "unsupported"],
)
def test_extraction_errors_name_the_file(tmp_path: Path, name: str, content: bytes) -> None:
    target = tmp_path / name
    target.write_bytes(content)
    with pytest.raises(ExtractionError) as caught:
        extract_text(target)
    assert caught.value.file == str(target)
    assert isinstance(caught.value, KnowledgeError)


def test_load_markdown_with_front_matter(tmp_path: Path) -> None:
    target = tmp_path / "policies" / "a.md"
    target.parent.mkdir()
    target.write_text(f"---\n{GOOD_META}---\n\n正文第一行。\n", encoding="utf-8")
    source = load_source(target, root=tmp_path)
    assert source.meta.doc_number == "威政办字〔2018〕107号"
    assert source.meta.issued == date(2018, 11, 27)
    assert source.meta.effective_until is None
    assert source.meta.file == "policies/a.md"
    assert source.first_line == 11
    assert source.text.splitlines()[1] == "正文第一行。"
    assert source.warnings == ()


def test_load_pdf_with_sidecar(tmp_path: Path) -> None:
    target = tmp_path / "doc.pdf"
    make_pdf(target, seed_lines(SEED_107)[:12])
    (tmp_path / "doc.pdf.meta.yaml").write_text(GOOD_META, encoding="utf-8")
    source = load_source(target)
    assert source.meta.title == "威海市人民政府办公室关于加快科技服务业发展的实施意见"
    assert source.first_line == 1
    assert "为深入实施创新驱动发展战略" in source.text


def test_missing_sidecar(tmp_path: Path) -> None:
    target = tmp_path / "doc.html"
    target.write_text("<p>x</p>", encoding="utf-8")
    with pytest.raises(MetadataError, match=r"doc\.html\.meta\.yaml"):
        load_source(target)


def test_markdown_without_front_matter(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    target.write_text("一、总体要求\n", encoding="utf-8")
    with pytest.raises(MetadataError) as caught:
        load_source(target)
    assert (caught.value.file, caught.value.line) == (str(target), 1)


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("issued: 2018-11-27", "issued: 2018/11/27"), 5, "YYYY-MM-DD"),
        (("issued: 2018-11-27", "issued: 2018-02-30"), 5, "invalid date"),
        (("issued: 2018-11-27", "issued: 2018-11-27 10:00:00"), 5, "YYYY-MM-DD"),
        (("effective_until: null", "effective_until: 2018-01-01"), 7, "before"),
        (("title: 威海市人民政府办公室关于加快科技服务业发展的实施意见\n", ""), 2, "title"),
        (("issuer: 威海市人民政府办公室", "issuer: ''"), 4, "issuer"),
        (("source: 威海市人民政府网站", "source: [a, b]"), 8, "expected text"),
        (("status: 现行有效", "status: [unclosed"), 9, "YAML 语法错误"),
        (("status: 现行有效", "title: again"), 9, "键“title”重复出现"),
    ],
    ids=["date-format", "impossible-date", "timestamp", "until-before-from", "missing-title",
         "empty-issuer", "list-value", "yaml-syntax", "duplicated-key"],
)
def test_metadata_errors_carry_file_and_line(
    tmp_path: Path, change: tuple[str, str], line: int, message: str
) -> None:
    target = tmp_path / "a.md"
    front = GOOD_META.replace(*change)
    target.write_text(f"---\n{front}---\n正文。\n", encoding="utf-8")
    with pytest.raises(MetadataError, match=message) as caught:
        load_source(target)
    assert caught.value.file == str(target)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{target}:{line}: ")


def test_unclosed_front_matter_is_reported_as_such(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    target.write_text(f"---\n{GOOD_META}正文。\n", encoding="utf-8")
    with pytest.raises(MetadataError, match="元数据没有结束") as caught:
        load_source(target)
    assert (caught.value.file, caught.value.line) == (str(target), 1)
    assert str(caught.value).startswith(f"{target}:1: ")


def test_sidecar_error_points_into_sidecar(tmp_path: Path) -> None:
    target = tmp_path / "doc.html"
    target.write_text("<p>x</p>", encoding="utf-8")
    sidecar = tmp_path / "doc.html.meta.yaml"
    sidecar.write_text(GOOD_META.replace("issued: 2018-11-27", "issued: soon"), encoding="utf-8")
    with pytest.raises(MetadataError) as caught:
        load_source(target)
    assert (caught.value.file, caught.value.line) == (str(sidecar), 4)


def test_unknown_key_is_a_warning(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    target.write_text(f"---\n{GOOD_META}efective_until: 2020-01-01\n---\n正文。\n", "utf-8")
    source = load_source(target)
    assert len(source.warnings) == 1 and ":10: unknown metadata key" in source.warnings[0]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("威政办字〔2018〕106 号", "威政办字〔2018〕106号"),
        ("威政办字[2018]106号", "威政办字〔2018〕106号"),
        ("威政办字(2018)106号", "威政办字〔2018〕106号"),
        ("威政办字（2018）106号", "威政办字〔2018〕106号"),
        (" 威科字 〔 2018 〕 58 号 ", "威科字〔2018〕58号"),
        ("威政办字[2018]107号", "威政办字〔2018〕107号"),
        ("威政办字（2018）107号", "威政办字〔2018〕107号"),
        ("威政办字〔2018〕107号", "威政办字〔2018〕107号"),
        ("威政办字［2018］107号", "威政办字〔2018〕107号"),
        ("威政办字【2018】107号", "威政办字〔2018〕107号"),
    ],
    ids=["space", "square", "round", "fullwidth-round", "spaces-everywhere", "square-107",
         "fullwidth-round-107", "already-normal", "fullwidth-square", "lenticular"],
)
def test_normalize_doc_number(raw: str, expected: str) -> None:
    assert normalize_doc_number(raw) == expected


def _zip_bomb_docx(path: Path, padding: int = 4 << 20) -> Path:
    """A real DOCX whose word/document.xml is padded with ``padding`` bytes of spaces
    (compresses ~1000:1): a small zip bomb."""
    import zipfile

    import docx

    plain = path.with_name("plain.docx")
    document = docx.Document()
    document.add_paragraph("第一条 为促进科技成果转化，制定本办法。")
    document.save(str(plain))
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:body>", b"<w:body>" + b" " * padding, 1)
            out.writestr(item.filename, data, compress_type=zipfile.ZIP_DEFLATED,
                         compresslevel=9)
    return path


def test_docx_zip_bomb_refused_before_inflating(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    import docx

    bomb = _zip_bomb_docx(tmp_path / "bomb.docx")
    assert bomb.stat().st_size < 200_000  # a few KB on disk, megabytes inside

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("python-docx opened the bomb")

    monkeypatch.setattr(docx, "Document", never)
    started = time.perf_counter()
    with pytest.raises(ExtractionError, match="zip bomb") as info:
        extract_text(bomb)
    assert time.perf_counter() - started < 2
    assert "bomb.docx" in str(info.value) and "word/document.xml" in str(info.value)


def test_docx_total_uncompressed_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import knowledge.sources.documents as documents

    plain = _zip_bomb_docx(tmp_path / "small.docx", padding=10)
    assert "第一条" in extract_text(plain)
    monkeypatch.setattr(documents, "MAX_ZIP_TOTAL_BYTES", 1000)
    with pytest.raises(ExtractionError, match="解压后共") as info:
        extract_text(plain)
    assert "small.docx" in str(info.value)


def test_zip_bomb_in_policies_refused_by_load_knowledge(tmp_path: Path) -> None:
    """The watcher/reload path (load_knowledge → load_source) applies the same limits."""
    from knowledge.sources.base import load_knowledge

    policies = tmp_path / "kb" / "policies"
    policies.mkdir(parents=True)
    bomb = _zip_bomb_docx(policies / "bomb.docx")
    (policies / "bomb.docx.meta.yaml").write_text(
        "doc_number: 威科字〔2020〕1号\ntitle: 测试\nissuer: 威海市科学技术局\n"
        "issued: 2020-01-01\n", encoding="utf-8")
    with pytest.raises(ExtractionError, match="zip bomb") as info:
        load_knowledge(tmp_path / "kb")
    assert str(bomb) in str(info.value)


def test_pdf_over_page_limit_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportlab.pdfgen import canvas

    import knowledge.sources.documents as documents

    path = tmp_path / "long.pdf"
    pdf = canvas.Canvas(str(path))
    for number in range(5):
        pdf.drawString(72, 720, f"Article {number}")
        pdf.showPage()
    pdf.save()
    assert "Article 4" in extract_text(path)
    monkeypatch.setattr(documents, "MAX_PDF_PAGES", 3)
    with pytest.raises(ExtractionError, match="PDF 有 5 页") as info:
        extract_text(path)
    assert "long.pdf" in str(info.value)


def test_file_size_and_text_length_limits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import knowledge.sources.documents as documents

    path = tmp_path / "big.txt"
    path.write_text("正文" * 1000, encoding="utf-8")
    monkeypatch.setattr(documents, "MAX_TEXT_CHARS", 100)
    with pytest.raises(ExtractionError, match="正文超过 100 字") as info:
        extract_text(path)
    assert "big.txt" in str(info.value)
    monkeypatch.setattr(documents, "MAX_FILE_BYTES", 100)
    with pytest.raises(ExtractionError, match="字节，超过上限 100"):
        extract_text(path)


@pytest.mark.parametrize(
    ("extra", "confirmed", "supersedes", "superseded_by"),
    [
        ("", None, (), ""),
        ("confirmed_in_force_on: 2026-05-20\n", date(2026, 5, 20), (), ""),
        ("supersedes: 威科发[2016]5 号\n", None, ("威科发〔2016〕5号",), ""),
        ("supersedes:\n  - 威科发〔2016〕5号\n  - 威科发（2017）9号\n", None,
         ("威科发〔2016〕5号", "威科发〔2017〕9号"), ""),
        ("superseded_by: 威政办字[2026]1号\n", None, (), "威政办字〔2026〕1号"),
    ],
    ids=["none", "confirmed", "supersedes-one", "supersedes-list", "superseded-by"],
)
def test_currency_metadata_keys(tmp_path: Path, extra: str, confirmed: date | None,
                                supersedes: tuple[str, ...], superseded_by: str) -> None:
    target = tmp_path / "a.md"
    target.write_text(f"---\n{GOOD_META}{extra}---\n正文。\n", encoding="utf-8")
    source = load_source(target)
    assert source.warnings == ()  # real keys, not "unknown metadata key"
    meta = source.meta
    assert meta.confirmed_in_force_on == confirmed
    assert meta.supersedes == supersedes
    assert meta.superseded_by == superseded_by
    expected = "superseded" if superseded_by else "confirmed" if confirmed else "unstated"
    assert meta.summary(date(2026, 6, 1))["validity"] == expected


def test_a_dated_repeal_is_read_from_the_front_matter(tmp_path: Path) -> None:
    target = tmp_path / "a.md"
    meta_text = GOOD_META.replace("status: 现行有效", "status: 已废止")
    target.write_text(f"---\n{meta_text}repealed_on: 2023-04-07\n"
                      "repeal_source: 政府文件库 文件废止时间 2023-04-07\n---\n正文。\n",
                      encoding="utf-8")
    source = load_source(target)
    assert source.warnings == ()
    assert source.meta.repealed_on == date(2023, 4, 7)
    assert source.meta.repeal_source.startswith("政府文件库")
    assert source.meta.validity(date(2023, 4, 6)) == "unstated"
    assert source.meta.validity(date(2023, 4, 7)) == "repealed"


def test_the_seed_107_records_its_repeal() -> None:
    meta = load_source(SEEDS.parents[1] / "knowledge" / "policies"
                       / "weizhengbanzi-2018-107.md").meta
    assert (meta.status, meta.repealed_on) == ("已废止", date(2023, 4, 7))
    assert "weihai.gov.cn" in meta.repeal_source and "2023-04-07" in meta.repeal_source


@pytest.mark.parametrize(
    ("extra", "line", "message"),
    [
        ("confirmed_in_force_on: 2026/05/20\n", 10, "YYYY-MM-DD"),
        ("supersedes: [{a: 1}]\n", 10, "expected a 文号"),
        ("supersedes: [威政办字〔2018〕107号]\n", 10, "不能替代自身"),
        ("superseded_by: [a, b]\n", 10, "expected text"),
    ],
    ids=["confirmed-date-format", "supersedes-not-text", "supersedes-itself",
         "superseded-by-list"],
)
def test_currency_metadata_errors_carry_file_and_line(tmp_path: Path, extra: str, line: int,
                                                      message: str) -> None:
    target = tmp_path / "a.md"
    target.write_text(f"---\n{GOOD_META}{extra}---\n正文。\n", encoding="utf-8")
    with pytest.raises(MetadataError, match=message) as caught:
        load_source(target)
    assert caught.value.line == line


@pytest.mark.parametrize(
    ("extra", "region"),
    [("", "威海市"), ("region: 荣成市\n", "荣成市"), ("region: ''\n", "威海市")],
    ids=["default", "stated", "empty-is-default"],
)
def test_region_metadata_key(tmp_path: Path, extra: str, region: str) -> None:
    target = tmp_path / "a.md"
    target.write_text(f"---\n{GOOD_META}{extra}---\n正文。\n", encoding="utf-8")
    source = load_source(target)
    assert source.warnings == ()
    assert source.meta.region == region
