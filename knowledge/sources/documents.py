"""Reading policy files: text extraction and document metadata.

``.md``/``.txt`` files carry YAML front matter between ``---`` lines; ``.pdf``, ``.docx``
and ``.html`` files carry a sidecar ``<file name>.meta.yaml`` (``foo.pdf.meta.yaml``).
Metadata problems raise :class:`MetadataError` with the file and the line of the key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from knowledge.errors import ExtractionError, MetadataError
from knowledge.model import DocumentMeta

TEXT_SUFFIXES = (".md", ".txt")
BINARY_SUFFIXES = (".pdf", ".docx", ".html", ".htm")
SUPPORTED_SUFFIXES = TEXT_SUFFIXES + BINARY_SUFFIXES
SIDECAR_SUFFIX = ".meta.yaml"

REQUIRED_KEYS = ("doc_number", "title", "issuer", "issued")
OPTIONAL_KEYS = ("effective_from", "effective_until", "source", "status")
DATE_KEYS = ("issued", "effective_from", "effective_until")

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_BRACKETS_RE = re.compile(r"[\[(（【［〔]\s*(\d{4})\s*[\])）】］〕]")
_HTML_DROP = ("script", "style", "nav", "noscript", "template")
_HTML_BLOCKS = (
    "p", "div", "br", "li", "ul", "ol", "tr", "table", "h1", "h2", "h3", "h4", "h5", "h6",
    "section", "article", "header", "footer", "blockquote", "pre", "hr", "dd", "dt", "title",
)


class _MetaLoader(yaml.SafeLoader):
    """SafeLoader that leaves dates as strings, so bad dates get a located message."""


_MetaLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


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
    """``威政办字[2018]106 号`` → ``威政办字〔2018〕106号`` (no spaces, 〔〕 around the year)."""
    compact = re.sub(r"\s+", "", value)
    return _YEAR_BRACKETS_RE.sub(r"〔\1〕", compact)


# ---------------------------------------------------------------------------- extraction


def extract_text(path: Path | str) -> str:
    """Plain text of a policy file; raises :class:`ExtractionError` when it cannot be read."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in TEXT_SUFFIXES:
            return path.read_text(encoding="utf-8")
        if suffix in (".html", ".htm"):
            return _html_text(path.read_bytes())
        if suffix == ".pdf":
            return _pdf_text(path)
        if suffix == ".docx":
            return _docx_text(path)
    except ExtractionError:
        raise
    except Exception as exc:  # any library failure becomes a located error
        raise ExtractionError(f"cannot read text ({type(exc).__name__}: {exc})", path) from exc
    raise ExtractionError(f"unsupported file type {suffix!r}", path)


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
    pages = [page.extract_text() or "" for page in reader.pages]
    text = "\n".join(pages)
    if not text.strip():
        raise ExtractionError("the PDF has no extractable text (scanned image?)", path)
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
        raise ExtractionError(f"unsupported file type {suffix!r}", path)
    sidecar = sidecar_path(path)
    if suffix in TEXT_SUFFIXES:
        raw = extract_text(path)
        front = _split_front_matter(raw)
        if front is not None:
            yaml_text, body, first_line = front
            meta, warnings = parse_meta(yaml_text, path, line_offset=1, rel=rel)
            return SourceDocument(meta, body, first_line, path, warnings)
        if not sidecar.exists():
            raise MetadataError(
                "no YAML front matter (the file must start with a '---' line)", path, 1
            )
        meta, warnings = parse_meta(sidecar.read_text(encoding="utf-8"), sidecar, 0, rel)
        return SourceDocument(meta, raw, 1, path, warnings)
    if not sidecar.exists():
        raise MetadataError(f"missing metadata file {sidecar.name}", path)
    try:
        meta_text = sidecar.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MetadataError(f"cannot read metadata ({exc})", sidecar) from exc
    meta, warnings = parse_meta(meta_text, sidecar, 0, rel)
    return SourceDocument(meta, extract_text(path), 1, path, warnings)


def _relative(path: Path, root: Path | None) -> str:
    if root is not None:
        try:
            return path.resolve().relative_to(root.resolve()).as_posix()
        except ValueError:
            pass
    return path.name


def _split_front_matter(raw: str) -> tuple[str, str, int] | None:
    """(yaml text, body, body's first line) or None when the file has no front matter."""
    lines = raw.lstrip("\ufeff").split("\n")
    if not lines or lines[0].strip() != "---":
        return None
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            yaml_text = "\n".join(lines[1:index])
            body = "\n".join(lines[index + 1 :])
            return yaml_text, body, index + 2
    return None


def parse_meta(
    yaml_text: str, file: Path, line_offset: int = 0, rel: str = ""
) -> tuple[DocumentMeta, tuple[str, ...]]:
    """Validate metadata YAML. ``line_offset`` is the file line before the YAML's line 1."""
    try:
        node = yaml.compose(yaml_text, Loader=_MetaLoader)
        data = yaml.load(yaml_text, Loader=_MetaLoader)  # a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 + line_offset if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise MetadataError(f"invalid YAML: {problem}", file, line) from exc
    start = line_offset + 1
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        raise MetadataError("metadata must be a mapping of key: value", file, start)
    key_lines: dict[str, int] = {}
    for key_node, _ in node.value:
        key_lines[str(key_node.value)] = key_node.start_mark.line + 1 + line_offset

    def fail(key: str, problem: str) -> MetadataError:
        return MetadataError(f"{key}: {problem}", file, key_lines.get(key, start))

    warnings = tuple(
        f"{file}:{key_lines[str(k)]}: unknown metadata key {k!r}"
        for k in data
        if str(k) not in REQUIRED_KEYS + OPTIONAL_KEYS
    )
    for key in REQUIRED_KEYS:
        if data.get(key) in (None, ""):
            raise fail(key, "required key missing or empty")
    strings: dict[str, str] = {}
    for key in ("doc_number", "title", "issuer", "source", "status"):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise fail(key, f"expected text, got {type(value).__name__}")
        strings[key] = str(value).strip()
    dates = {key: _date(data.get(key), key, fail) for key in DATE_KEYS}
    issued = dates["issued"]
    assert issued is not None  # required above
    start_date, until = dates["effective_from"], dates["effective_until"]
    if until is not None and until < (start_date or issued):
        raise fail("effective_until", f"{until} is before effective_from {start_date or issued}")
    doc_number = normalize_doc_number(strings["doc_number"])
    if not doc_number:
        raise fail("doc_number", "empty after normalisation")
    meta = DocumentMeta(
        doc_number=doc_number,
        title=re.sub(r"\s+", "", strings["title"]),
        issuer=strings["issuer"],
        issued=issued,
        effective_from=start_date,
        effective_until=until,
        source=strings.get("source", ""),
        status=strings.get("status") or "现行有效",
        file=rel or file.name,
    )
    return meta, warnings


def _date(value: Any, key: str, fail: Any) -> date | None:
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
