"""``policybot kb add|check|report``: the staff's loop for the knowledge folder.

``kb add FILE`` extracts the text of a PDF/DOCX/HTML/TXT/MD policy, infers its metadata
(文号, title, issuer, signature date, commencement and expiry sentences), lets flags
override any of it, and writes ``policies/<name>.md`` with YAML front matter.  It never
overwrites a file but a duplicate it is told to replace: a document already in the folder
(same 文号 or near-identical text, :mod:`bot.staff.folder`) is refused, skipped or
overwritten as ``--on-duplicate`` says (refused by default), or added beside it with
``--force``.  The steps are named functions below.  Inference lives in :mod:`bot.staff.infer`,
``kb check`` in :mod:`bot.staff.check` (canned questions in :mod:`bot.staff.cases`),
``kb report`` in :mod:`bot.staff.report`; the commands themselves are in
:mod:`bot.cli.staff_commands`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from bot.render import render_text
from bot.staff.folder import DuplicatePolicy, Folder
from bot.staff.infer import (
    ACCEPTED_NUMBER_SHAPES,
    Found,
    Inference,
    Supersedes,
    infer_metadata,
    infer_supersedes,
    placeholder_doc_number,
    split_issuers,
    stops_mid_sentence,
    strip_footer,
)
from bot.staff.proposals import Replacement, propose_applying, propose_replacements
from knowledge.errors import KnowledgeError, MetadataError, PolicyBotError
from knowledge.model import DocumentMeta
from knowledge.reading.applying import Applying
from knowledge.sources.base import is_policy_name
from knowledge.sources.dedup import Match
from knowledge.sources.documents import (
    SUPPORTED_SUFFIXES,
    SourceDocument,
    extract_text,
    parse_meta,
)
from knowledge.sources.frontmatter import render_front_matter, split_front_matter
from knowledge.sources.parsing import parse_clauses
from knowledge.yamlio import load_yaml

# -- adding a document --------------------------------------------------------------------

META_KEYS = ("doc_number", "title", "issuer", "issued", "effective_from", "effective_until",
             "source", "status", "supersedes")
REQUIRED = ("title", "issuer", "issued")  # without a 文号: keyed on title and date, flagged


@dataclass
class AddResult:
    """Outcome of ``kb add`` (also for a refused or dry run)."""

    source: Path
    target: Path | None
    written: bool
    fields: dict[str, Found]
    missing: list[str]
    clause_count: int = 0
    duplicates: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    expired: bool = False
    footer: list[str] = field(default_factory=list)  # web-page footer lines removed
    cut_off: str | None = None  # the last line, when the text stops mid-sentence
    # documents the text says it replaces, and whether each is in the folder (then written)
    supersedes: list[tuple[Supersedes, bool]] = field(default_factory=list)
    # for the rules staff write next: older awards the text replaces, where/when to apply
    replaces: list[Replacement] = field(default_factory=list)
    applying: Applying = field(default_factory=Applying)
    # the documents of the folder this one repeats, and what was done about them
    matches: list[Match] = field(default_factory=list)
    on_duplicate: DuplicatePolicy = DuplicatePolicy.FAIL
    force: bool = False  # added beside its duplicates (--force)
    skipped: bool = False  # a duplicate, left out (--on-duplicate skip)
    replaced: list[str] = field(default_factory=list)  # files it overwrites
    removed: list[str] = field(default_factory=list)  # of those, deleted (another name)

    @property
    def refused(self) -> bool:
        """A duplicate refused (--on-duplicate fail, the default, without --force)."""
        return bool(self.duplicates) and not self.force and (
            self.on_duplicate is DuplicatePolicy.FAIL)


def tidy_text(text: str) -> str:
    """Extracted text as it is written: no trailing blanks, at most one empty line in a row."""
    out: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n"):
        line = raw.rstrip()
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"


def _read_front_matter(raw: str, path: Path) -> tuple[dict[str, Any], str]:
    """The front matter of a text file being added (dates as dates) and its body."""
    front = split_front_matter(raw, path)
    if front is None:
        return {}, raw
    root = load_yaml(path, front.yaml_text, error=MetadataError, first_line=front.yaml_line)
    if root.mapping is None:
        return {}, raw
    return root.plain(), front.body


# Pinyin of the characters of common 文号 prefixes, for file names like the existing
# ``weizhengbanzi-2018-107.md``; a prefix with other characters keeps its Chinese name.
_PINYIN = {
    "威": "wei", "政": "zheng", "办": "ban", "字": "zi", "发": "fa", "科": "ke", "函": "han",
    "财": "cai", "教": "jiao", "人": "ren", "社": "she", "规": "gui", "市": "shi", "委": "wei",
    "工": "gong", "信": "xin", "商": "shang", "农": "nong", "鲁": "lu", "国": "guo", "令": "ling",
    "知": "zhi", "税": "shui", "金": "jin", "融": "rong", "高": "gao", "经": "jing", "区": "qu",
}
_NUMBER_PARTS = re.compile(r"^(.+?)〔(\d{4})〕(\d+)号$")


def target_name(doc_number: str) -> str:
    """File name for a 文号: ``威政办字〔2018〕107号`` → ``weizhengbanzi-2018-107.md``."""
    m = _NUMBER_PARTS.match(doc_number)
    if m:
        prefix, year, number = m.groups()
        if all(ch in _PINYIN for ch in prefix):
            prefix = "".join(_PINYIN[ch] for ch in prefix)
        name = f"{prefix}-{year}-{number}"
    else:
        name = doc_number
    name = re.sub(r"[\\/:*?\"<>|\s〔〕]+", "-", name).strip(".-")
    return f"{name or 'policy'}.md"


_BAD_NAME_CHARS = re.compile(r"[\\/\x00-\x1f:*?\"<>|]")
MAX_NAME_BYTES = 250  # 255 per file name, less the ".….tmp" written first


def safe_policy_name(name: str) -> str:
    """``--name`` as a plain ``.md`` file name inside policies/, else a refusal.

    No separators (nor an absolute or nested path), no leading dot (hidden files are never
    loaded), no ``..``, no name the loader skips (``readme…``), none longer than a file
    name may be (with the temporary name written first); ``.md`` is added when missing.
    """
    plain = name.strip()
    if (not plain or plain.startswith(".") or ".." in plain
            or _BAD_NAME_CHARS.search(plain) or Path(plain).name != plain):
        raise PolicyBotError(render_text("kb_bad_name.txt.j2", given=name))
    file = plain if plain.endswith(".md") else f"{plain}.md"
    if len(file.encode("utf-8")) > MAX_NAME_BYTES:
        raise PolicyBotError(render_text("kb_name_too_long.txt.j2",
                                         length=len(file.encode("utf-8")), limit=MAX_NAME_BYTES))
    if not is_policy_name(file):
        raise PolicyBotError(render_text("kb_name_not_loaded.txt.j2", given=name, file=file))
    return file


def add_document(
    source: Path,
    knowledge_dir: Path,
    overrides: dict[str, Any],
    *,
    force: bool = False,
    on_duplicate: DuplicatePolicy = DuplicatePolicy.FAIL,
    dry_run: bool = False,
    name: str | None = None,
    today: date | None = None,
    cache_dir: Path | None = None,
) -> AddResult:
    """Extract, infer, validate and (unless refused or ``dry_run``) write one policy.

    A document the folder already has (same 文号, or near-identical text) is refused,
    skipped or overwrites it as ``on_duplicate`` says; ``force`` adds it beside them.
    ``cache_dir``: the data directory's ``cache/``, shared with the loader.
    """
    source = Path(source)
    _check_source(source, name)
    body, footer, front = _read_source(source)
    on = today or date.today()
    inference = infer_metadata(body)
    fields = _fields(overrides, front, inference, source, on)
    folder = Folder(knowledge_dir, cache_dir)
    supersedes = _supersedes(body, fields, folder)
    missing = [key for key in META_KEYS if key not in fields
               and key not in ("status", "supersedes")]
    meta = {key: found.value for key, found in fields.items()}
    front_text = render_front_matter(meta, META_KEYS)
    offset = front_text.count("\n")
    for found in fields.values():  # lines of the body → lines of the written file
        if found.origin in ("text", "derived") and found.line is not None:
            found.line += offset
    target = knowledge_dir / "policies" / (
        safe_policy_name(name) if name
        else target_name(str(meta.get("doc_number") or source.stem)))
    result = AddResult(source, target, False, fields, missing, footer=footer,
                       cut_off=stops_mid_sentence(body), supersedes=supersedes,
                       replaces=propose_replacements(body, knowledge_dir, cache_dir),
                       applying=propose_applying(body), on_duplicate=on_duplicate,
                       force=force)
    parsed = _dry_parse(result, knowledge_dir, front_text, body, offset, on)
    if parsed is None:
        return result
    result.matches = folder.duplicates_of(SourceDocument(parsed, body, offset + 1, target))
    result.duplicates = [render_text("kb_dup.txt.j2", kind="number" if m.same_number
                                     else "text", file=m.file, doc_number=m.doc_number,
                                     ratio=m.score) for m in result.matches]
    _place(result, folder, front_text + body, dry_run)
    return result


def _check_source(source: Path, name: str | None) -> None:
    """Refuse a bad ``--name``, an unsupported type or a missing file before any work."""
    if name is not None:
        safe_policy_name(name)
    if source.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise PolicyBotError(render_text("kb_unsupported.txt.j2", file=str(source),
                                         suffixes=" ".join(SUPPORTED_SUFFIXES)))
    if not source.is_file():
        raise PolicyBotError(f"找不到文件：{source}")


def _read_source(source: Path) -> tuple[str, list[str], dict[str, Any]]:
    """The body as it will be written, the web-page footer lines removed from it, and the
    front matter of a text file."""
    raw = extract_text(source)
    front: dict[str, Any] = {}
    if source.suffix.lower() in (".md", ".txt"):
        front, raw = _read_front_matter(raw, source)
    body, footer = strip_footer(tidy_text(raw))
    return body, footer, front


def _fields(overrides: dict[str, Any], front: dict[str, Any], inference: Inference,
            source: Path, on: date) -> dict[str, Found]:
    """Every metadata field: a flag beats the front matter, which beats the text; then
    what follows from them (dates, joint issuers, an expiry already passed)."""
    fields: dict[str, Found] = {}
    for key in META_KEYS:
        if overrides.get(key) not in (None, ""):
            fields[key] = Found(overrides[key], "flag")
        elif front.get(key) not in (None, ""):
            fields[key] = Found(front[key], "front_matter")
        elif key in inference.fields:
            fields[key] = inference.fields[key]
    if "source" not in fields:
        fields["source"] = Found(source.name, "file")
    _derive_dates(fields, inference)
    issuer = fields.get("issuer")
    if issuer is not None and isinstance(issuer.value, str):
        joint = split_issuers(issuer.value)
        if joint != re.sub(r"\s+", "", issuer.value):
            fields["issuer"] = Found(joint, issuer.origin, issuer.line, "联合发文")
    until = fields.get("effective_until")
    if ("status" not in fields and until is not None
            and isinstance(until.value, date) and until.value < on):
        fields["status"] = Found("已失效", "derived", None,
                                 f"有效期至{until.value.isoformat()}，已过")
    return fields


def _derive_dates(fields: dict[str, Found], inference: Inference) -> None:
    """自印发之日起施行 → the issue date; 有效期N年 → the end date."""
    start = fields.get("effective_from")
    if start is not None and start.value is None:  # 自印发之日起施行
        issued = fields.get("issued")
        if issued is not None:
            fields["effective_from"] = Found(issued.value, "derived", start.line, "自印发之日起")
        else:
            del fields["effective_from"]
    if "effective_until" not in fields and "effective_years" in inference.fields:
        years = int(inference.get("effective_years"))
        begin = fields.get("effective_from") or fields.get("issued")
        if years and begin is not None and isinstance(begin.value, date):
            until = _add_years(begin.value, years)
            fields["effective_until"] = Found(until, "derived",
                                              inference.fields["effective_years"].line,
                                              f"有效期{years}年")


def _supersedes(body: str, fields: dict[str, Found], folder: Folder
                ) -> list[tuple[Supersedes, bool]]:
    """The documents the text says it replaces, and whether each is in the folder (those
    go into ``supersedes`` unless a flag or the front matter gave it)."""
    proposals = infer_supersedes(body)
    known = folder.doc_numbers() if proposals else set()
    supersedes = [(p, p.doc_number in known) for p in proposals]
    if "supersedes" not in fields and any(ok for _, ok in supersedes):
        fields["supersedes"] = Found([p.doc_number for p, ok in supersedes if ok], "text",
                                     None, "正文写明替代")
    return supersedes


def _dry_parse(result: AddResult, knowledge_dir: Path, front_text: str, body: str,
               offset: int, on: date) -> DocumentMeta | None:
    """The metadata of the file as it would be written, its clauses counted; None (and
    the problem recorded) when it lacks a required field or does not parse."""
    fields, target = result.fields, result.target
    assert target is not None
    absent = [key for key in REQUIRED if key not in fields]
    if absent:
        result.problems.append(render_text("kb_missing.txt.j2", keys=absent))
        return None
    if "doc_number" in fields and placeholder_doc_number(str(fields["doc_number"].value)):
        result.problems.append(render_text("kb_bad_doc_number.txt.j2",
                                           given=fields["doc_number"].value,
                                           shapes=ACCEPTED_NUMBER_SHAPES))
        return None
    try:
        written = split_front_matter(front_text, target)
        assert written is not None  # render_front_matter writes both fences
        parsed, _ = parse_meta(written.yaml_text, target, written.yaml_line - 1,
                               target.relative_to(knowledge_dir).as_posix())
        clauses = parse_clauses(parsed, body, offset + 1)
    except KnowledgeError as exc:
        result.problems.append(exc.location_message())
        return None
    result.clause_count = len({c.path for c in clauses})
    result.expired = not parsed.in_force(on) and (
        parsed.effective_until is not None and parsed.effective_until < on)
    return parsed


def _place(result: AddResult, folder: Folder, text: str, dry_run: bool) -> None:
    """Write the document unless the duplicate policy refuses or skips it; a document
    it overwrites is replaced (in place, or removed when the new one has another name)."""
    target = result.target
    assert target is not None
    repeated = [] if result.force else result.matches
    if repeated and result.on_duplicate is DuplicatePolicy.FAIL:
        return
    if repeated and result.on_duplicate is DuplicatePolicy.SKIP:
        result.skipped = True
        return
    replaced = [m.file for m in repeated]
    if target.exists() and target not in [folder.root / f for f in replaced]:
        result.problems.append(render_text("kb_exists.txt.j2", file=str(target)))
        return
    result.replaced = replaced
    if dry_run:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)  # the watcher never sees a half-written file
    for file in replaced:  # after the new one is in place: the folder never lacks it
        if folder.root / file != target:
            folder.remove(file)
            result.removed.append(file)
    result.written = True


def _add_years(day: date, years: int) -> date:
    """``有效期N年`` from ``day``: the day before the same date N years later."""
    try:
        later = day.replace(year=day.year + years)
    except ValueError:  # 29 February
        later = day.replace(year=day.year + years, day=28)
    return later - timedelta(days=1)
