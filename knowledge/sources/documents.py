"""Reading policy files: text extraction and document metadata.

``.md``/``.txt`` files carry YAML front matter between ``---`` lines; ``.pdf``, ``.docx``
and ``.html`` files carry a sidecar ``<file name>.meta.yaml`` (``foo.pdf.meta.yaml``).
Metadata problems raise :class:`MetadataError` with the file and the line of the key.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from knowledge.errors import ExtractionError, MetadataError
from knowledge.model import DEFAULT_REGION, DocumentMeta
from knowledge.sources.frontmatter import split_front_matter
from knowledge.yamlio import load_yaml

TEXT_SUFFIXES = (".md", ".txt")
BINARY_SUFFIXES = (".pdf", ".docx", ".html", ".htm")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + BINARY_SUFFIXES
SIDECAR_SUFFIX = ".meta.yaml"

REQUIRED_KEYS = ("title", "issuer", "issued")
# a document without a 文号 (not every notice has one) is keyed on its title and date
OPTIONAL_KEYS = ("doc_number", "effective_from", "effective_until", "source", "status",
                 "confirmed_in_force_on", "supersedes", "superseded_by", "region",
                 "repealed_on", "repeal_source")
DATE_KEYS = ("issued", "effective_from", "effective_until", "confirmed_in_force_on",
             "repealed_on")

# Limits checked before any library inflates or parses a file (hostile or broken input:
# a DOCX zip bomb must be refused from its zip directory, not after 4 GiB of XML).
# Module constants, so tests (and an operator, in a pinch) can lower them.
MAX_FILE_BYTES = 50 << 20  # any policy file on disk
MAX_ZIP_TOTAL_BYTES = 200 << 20  # DOCX: sum of the declared uncompressed sizes
MAX_ZIP_ENTRY_BYTES = 100 << 20  # DOCX: one entry's declared uncompressed size
MAX_ZIP_RATIO = 100.0  # DOCX: uncompressed / compressed for an entry over 1 MiB
MAX_ZIP_ENTRIES = 10_000
_RATIO_FLOOR = 1 << 20  # small entries (styles, settings) may compress very well
MAX_PDF_PAGES = 1000
MAX_TEXT_CHARS = 5_000_000  # extracted text of one document

Fail = Callable[[str, str], MetadataError]  # a metadata key and what is wrong → the error
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_BRACKETS_RE = re.compile(r"[\[(（【［〔]\s*(\d{4})\s*[\])）】］〕]")
_HTML_DROP = ("script", "style", "nav", "noscript", "template")
_HTML_BLOCKS = (
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "header", "footer", "blockquote", "pre", "hr", "dd", "dt", "title",
)


@dataclass(frozen=True)
class SourceDocument:
    """One policy file read from disk: its metadata and raw (uncleaned) body text."""

    meta: DocumentMeta
    text: str
    first_line: int  # line of the file where ``text`` starts (1 for extracted text)
    path: Path
    warnings: tuple[str, ...] = ()

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()


def normalize_doc_number(value: str) -> str:
    """``威政办字[2018]106 号`` → ``威政办字〔2018〕106号`` (no spaces, 〔〕 around the year).

    The one normalisation of a 文号: ``[2018]``, ``［2018］``, ``(2018)``, ``（2018）``,
    ``【2018】`` and ``〔2018〕`` all become ``〔2018〕``.
    """
    compact = re.sub(r"\s+", "", value)
    return _YEAR_BRACKETS_RE.sub(r"〔\1〕", compact)


# ---------------------------------------------------------------------------- extraction


def extract_text(path: Path | str) -> str:
    """Plain text of a policy file; raises :class:`ExtractionError` when it cannot be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix not in SUPPORTED_SUFFIXES:
            raise ExtractionError(f"不支持的文件类型 {suffix!r}：请提供 PDF、DOCX、HTML、TXT 或 MD",
                                  path)
        _check_file_size(path)
        if suffix in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8")
        elif suffix in (".html", ".htm"):
            text = _html_text(path.read_bytes())
        elif suffix == ".pdf":
            text = _pdf_text(path)
        else:
            _check_zip(path)
            text = _docx_text(path)
    except ExtractionError:
        raise
    except Exception as exc:  # any library failure becomes a located error
        raise ExtractionError(f"无法读取文本（{type(exc).__name__}: {exc}）：文件可能已损坏，"
                              f"请重新下载或另存为 PDF/DOCX", path) from exc
    _check_text_length(len(text), path)
    return text


def _check_file_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ExtractionError(
            f"已拒绝：文件有 {size:,} 字节，超过上限 {MAX_FILE_BYTES:,}：请只提供政策文件本身", path
        )


def _check_text_length(chars: int, path: Path) -> None:
    if chars > MAX_TEXT_CHARS:
        raise ExtractionError(
            f"已拒绝：正文超过 {MAX_TEXT_CHARS:,} 字（不是政策文件？）：请只提供政策文件本身",
            path,
        )


def _check_zip(path: Path) -> None:
    """Refuse a DOCX whose zip directory declares too much data, before inflating any."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise ExtractionError(f"不是有效的 DOCX（zip）文件（{exc}）：请用 Word 重新另存为 DOCX",
                              path) from exc
    if len(entries) > MAX_ZIP_ENTRIES:
        raise ExtractionError(
            f"已拒绝：zip 中有 {len(entries):,} 个条目，超过上限 {MAX_ZIP_ENTRIES:,}", path
        )
    total = 0
    for entry in entries:
        size = entry.file_size
        total += size
        if size > MAX_ZIP_ENTRY_BYTES:
            raise ExtractionError(
                f"已拒绝：zip 条目 {entry.filename} 解压后有 {size:,} 字节，超过上限 "
                f"{MAX_ZIP_ENTRY_BYTES:,}（疑似 zip bomb 压缩炸弹）", path
            )
        ratio = size / max(1, entry.compress_size)
        if size > _RATIO_FLOOR and ratio > MAX_ZIP_RATIO:
            raise ExtractionError(
                f"已拒绝：zip 条目 {entry.filename} 的压缩比为 {ratio:,.0f}:1，超过上限 "
                f"{MAX_ZIP_RATIO:,.0f}:1（疑似 zip bomb 压缩炸弹）", path
            )
    if total > MAX_ZIP_TOTAL_BYTES:
        raise ExtractionError(
            f"已拒绝：zip 解压后共 {total:,} 字节，超过上限 {MAX_ZIP_TOTAL_BYTES:,}"
            f"（疑似 zip bomb 压缩炸弹）", path
        )


def _html_text(data: bytes) -> str:
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(data, "lxml")
    for tag in soup.find_all(list(_HTML_DROP)):
        tag.decompose()
    for tag in soup.find_all(list(_HTML_BLOCKS)):
        tag.insert_before("\n")
        tag.insert_after("\n")
    text = soup.get_text()
    return "\n".join(line.strip() for line in text.splitlines())


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    reader = PdfReader(path)
    count = len(reader.pages)
    if count > MAX_PDF_PAGES:
        raise ExtractionError(
            f"已拒绝：PDF 有 {count:,} 页，超过上限 {MAX_PDF_PAGES:,}：请只提供政策文件本身", path
        )
    pages: list[str] = []
    chars = 0
    for page in reader.pages:
        pages.append(page.extract_text() or "")
        chars += len(pages[-1]) + 1
        _check_text_length(chars, path)
    text = "\n".join(pages)
    if not text.strip():
        raise ExtractionError("PDF 中没有可提取的文字（扫描件？）：请提供文字版 PDF 或 DOCX", path)
    return text


def _docx_text(path: Path) -> str:
    import docx
    from docx.table import Table

    document = docx.Document(str(path))
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                cells: list[str] = []
                for cell in row.cells:
                    value = cell.text.strip()
                    if value and (not cells or cells[-1] != value):  # merged cells repeat
                        cells.append(value)
                lines.append("\t".join(cells))
        else:
            lines.append(block.text)
    return "\n".join(lines)


# ---------------------------------------------------------------------------- metadata


def sidecar_path(path: Path) -> Path:
    return path.with_name(path.name + SIDECAR_SUFFIX)


def load_source(path: Path | str, root: Path | None = None) -> SourceDocument:
    """Read one policy file with its metadata.

    ``root`` (the knowledge folder) makes ``meta.file`` relative; otherwise the file name.
    """
    path = Path(path)
    rel = _relative(path, root)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise ExtractionError(f"不支持的文件类型 {suffix!r}：请提供 PDF、DOCX、HTML、TXT 或 MD",
                              path)
    sidecar = sidecar_path(path)
    if suffix in TEXT_SUFFIXES:
        raw = extract_text(path)
        front = split_front_matter(raw, path)
        if front is not None:
            meta, warnings = parse_meta(front.yaml_text, path, line_offset=front.yaml_line - 1,
                                        rel=rel)
            return SourceDocument(meta, front.body, front.body_line, path, warnings)
        if not sidecar.exists():
            raise MetadataError(
                "缺少元数据：文件应以单独一行 --- 开头，写明文号、标题等（可用 policybot kb add "
                "生成）", path, 1
            )
        meta, warnings = parse_meta(sidecar.read_text(encoding="utf-8"), sidecar, 0, rel)
        return SourceDocument(meta, raw, 1, path, warnings)
    if not sidecar.exists():
        raise MetadataError(f"缺少元数据文件 {sidecar.name}：请用 policybot kb add 加入该文件，"
                            f"或手工写出该文件", path)
    try:
        meta_text = sidecar.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MetadataError(f"无法读取元数据（{exc}）：请以 UTF-8 编码保存该文件", sidecar) from exc
    meta, warnings = parse_meta(meta_text, sidecar, 0, rel)
    return SourceDocument(meta, extract_text(path), 1, path, warnings)


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def parse_meta(
    yaml_text: str, file: Path, line_offset: int = 0, rel: str = ""
) -> tuple[DocumentMeta, tuple[str, ...]]:
    """Validate metadata YAML. ``line_offset`` is the file line before the YAML's line 1."""
    start = line_offset + 1
    root = load_yaml(file, yaml_text, error=MetadataError, first_line=start, dates=False)
    if root.mapping is None:
        raise MetadataError("元数据应是“键: 值”的映射（如 doc_number: 威政办字〔2018〕107号）",
                            file, start)
    data: dict[str, Any] = root.plain()
    key_lines = dict(root.keys)

    def fail(key: str, problem: str) -> MetadataError:
        return MetadataError(f"{key}: {problem}", file, key_lines.get(key, start))

    warnings = tuple(
        f"{file}:{key_lines[str(k)]}: unknown metadata key {k!r}"
        for k in data
        if str(k) not in REQUIRED_KEYS + OPTIONAL_KEYS
    )
    numbered = data.get("doc_number") not in (None, "")
    for key in REQUIRED_KEYS:
        if data.get(key) in (None, ""):
            raise fail(key, "required key missing or empty")
    strings = _strings(data, fail)
    dates = {key: _date(data.get(key), key, fail) for key in DATE_KEYS}
    issued = dates["issued"]
    assert issued is not None  # required above
    start_date, until = dates["effective_from"], dates["effective_until"]
    if until is not None and until < (start_date or issued):
        raise fail("effective_until", f"{until} is before effective_from {start_date or issued}")
    if numbered:
        doc_number = normalize_doc_number(strings["doc_number"])
        if not doc_number:
            raise fail("doc_number", "empty after normalisation")
    else:
        doc_number = unnumbered_key(re.sub(r"\s+", "", strings["title"]), issued)
        where = key_lines.get("doc_number", start)
        warnings += (f"{file}:{where}: 未填写文号，暂以标题和日期为键（{doc_number}）："
                     "取得文号后请在 doc_number 中填写（有规则文件的，其 doc_number 一并修改）",)
    supersedes, superseded_by = _replacements(data, strings, doc_number, fail)
    meta = DocumentMeta(
        doc_number=doc_number,
        title=re.sub(r"\s+", "", strings["title"]),
        issuer=strings["issuer"],
        issued=issued,
        effective_from=start_date,
        effective_until=until,
        source=strings.get("source", ""),
        status=strings.get("status", ""),
        file=rel or file.name,
        confirmed_in_force_on=dates["confirmed_in_force_on"],
        supersedes=supersedes,
        superseded_by=superseded_by,
        region=strings.get("region") or DEFAULT_REGION,
        repealed_on=dates["repealed_on"],
        repeal_source=strings.get("repeal_source", ""),
        numbered=numbered,
    )
    return meta, warnings


def _strings(data: dict[str, Any], fail: Fail) -> dict[str, str]:
    """The text fields present, stripped (a number is text; a list or a mapping is not)."""
    strings: dict[str, str] = {}
    for key in ("doc_number", "title", "issuer", "source", "status", "superseded_by",
                "region", "repeal_source"):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise fail(key, f"expected text, got {type(value).__name__}")
        strings[key] = str(value).strip()
    return strings


def _replacements(data: dict[str, Any], strings: dict[str, str], doc_number: str,
                  fail: Fail) -> tuple[tuple[str, ...], str]:
    """``supersedes`` and ``superseded_by``, normalised; neither may name the document."""
    supersedes = _doc_numbers(data.get("supersedes"), fail)
    if doc_number in supersedes:
        raise fail("supersedes", f"{doc_number} 不能替代自身（supersedes 写的是本文件的文号）："
                                 "请删去，或改为被替代文件的文号")
    superseded_by = normalize_doc_number(strings.get("superseded_by", ""))
    if superseded_by == doc_number:
        raise fail("superseded_by", f"{doc_number} 不能替代自身（superseded_by 写的是本文件的"
                                    "文号）：请删去，或改为替代它的文件的文号")
    return supersedes, superseded_by


def unnumbered_key(title: str, issued: date) -> str:
    """The key of a document without a 文号: its title and date (staff fill the 文号 in
    later; :attr:`DocumentMeta.numbered` is then true)."""
    return f"无文号·{issued.isoformat()}·{title}"


def _doc_numbers(value: Any, fail: Fail) -> tuple[str, ...]:
    """``supersedes``: one 文号 or a list of them, normalised."""
    if value is None or value == "":
        return ()
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for item in items:
        if not isinstance(item, str) or not item.strip():
            raise fail("supersedes", f"expected a 文号 or a list of 文号, got {item!r}")
        out.append(normalize_doc_number(item))
    return tuple(dict.fromkeys(out))


def _date(value: Any, key: str, fail: Fail) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        raise fail(key, f"expected a date YYYY-MM-DD, got a timestamp {value}")
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not _DATE_RE.match(text):
        raise fail(key, f"expected a date YYYY-MM-DD, got {text!r}")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise fail(key, f"invalid date {text!r} ({exc})") from exc
