"""``policybot kb add|check|report``: the staff's loop for the knowledge folder.

``kb add FILE`` extracts the text of a PDF/DOCX/HTML/TXT/MD policy, infers its metadata
(文号, title, issuer, signature date, commencement and expiry sentences), lets flags
override any of it, and writes ``policies/<name>.md`` with YAML front matter.  It never
overwrites a file and refuses a document that is already in the folder (same 文号 or
near-identical text) unless ``--force``.  Inference lives in :mod:`bot.staff.infer`,
``kb check`` in :mod:`bot.staff.check` (canned questions in :mod:`bot.staff.cases`),
``kb report`` in :mod:`bot.staff.report`.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.paths import default_data_dir, parse_date, resolve_knowledge_dir
from bot.render import render_text
from bot.staff.infer import Found, infer_metadata
from knowledge.errors import KnowledgeError, PolicyBotError
from knowledge.sources.base import policy_files as base_policy_files
from knowledge.sources.cleaning import clean_text
from knowledge.sources.dedup import NEAR_DUPLICATE, jaccard, shingles
from knowledge.sources.documents import (
    SUPPORTED_SUFFIXES,
    extract_text,
    load_source,
    parse_meta,
)
from knowledge.sources.parsing import parse_clauses

# -- adding a document --------------------------------------------------------------------

META_KEYS = ("doc_number", "title", "issuer", "issued", "effective_from", "effective_until",
             "source", "status")
REQUIRED = ("doc_number", "title", "issuer", "issued")
SIMILARITY_DUPLICATE = NEAR_DUPLICATE


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


def tidy_text(text: str) -> str:
    """Extracted text as it is written: no trailing blanks, at most one empty line in a row."""
    out: list[str] = []
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").split("\n"):
        line = raw.rstrip()
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out).strip("\n") + "\n"


def _split_front_matter(raw: str) -> tuple[dict[str, Any], str]:
    lines = raw.lstrip("\ufeff").split("\n")
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() in ("---", "..."):
                data = yaml.safe_load("\n".join(lines[1:index])) or {}
                if isinstance(data, dict):
                    return data, "\n".join(lines[index + 1 :])
                break
    return {}, raw


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


def render_front_matter(meta: dict[str, Any]) -> str:
    lines = ["---"]
    for key in META_KEYS:
        value = meta.get(key)
        if value in (None, ""):
            continue
        text = value.isoformat() if isinstance(value, date) else str(value)
        dumped = yaml.safe_dump({key: text}, allow_unicode=True, default_flow_style=False,
                                width=1000).strip()
        # Dates stay unquoted (YYYY-MM-DD reads back as a date string for the loader).
        lines.append(f"{key}: {text}" if isinstance(value, date) else dumped)
    lines.append("---")
    return "\n".join(lines) + "\n"


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the character shingles of two cleaned texts (as in dedup)."""
    return jaccard(shingles(a), shingles(b))


def policy_files(knowledge_dir: Path) -> list[Path]:
    """Policy documents of the knowledge folder ([] when it has no policies/ yet)."""
    try:
        return base_policy_files(knowledge_dir)
    except KnowledgeError:
        return []


def find_existing_duplicates(
    knowledge_dir: Path, doc_number: str, title: str, text: str
) -> list[str]:
    """Messages about documents already in the folder that this one would duplicate."""
    found: list[str] = []
    cleaned = clean_text(text, title)
    for path in policy_files(knowledge_dir):
        try:
            source = load_source(path, knowledge_dir)
        except KnowledgeError:
            continue  # kb check reports broken files; they cannot be duplicates here
        rel = source.meta.file
        if source.meta.doc_number == doc_number:
            found.append(render_text("kb_dup.txt.j2", kind="number", file=rel,
                                     doc_number=doc_number))
            continue
        ratio = similarity(cleaned, clean_text(source.text, source.meta.title))
        if ratio >= SIMILARITY_DUPLICATE:
            found.append(render_text("kb_dup.txt.j2", kind="text", file=rel,
                                     doc_number=source.meta.doc_number, ratio=ratio))
    return found


def add_document(
    source: Path,
    knowledge_dir: Path,
    overrides: dict[str, Any],
    *,
    force: bool = False,
    dry_run: bool = False,
    name: str | None = None,
    today: date | None = None,
) -> AddResult:
    """Extract, infer, validate and (unless refused or ``dry_run``) write one policy."""
    source = Path(source)
    if source.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise PolicyBotError(render_text("kb_unsupported.txt.j2", file=str(source),
                                         suffixes=" ".join(SUPPORTED_SUFFIXES)))
    if not source.is_file():
        raise PolicyBotError(f"找不到文件：{source}")
    raw = extract_text(source)
    front: dict[str, Any] = {}
    if source.suffix.lower() in (".md", ".txt"):
        front, raw = _split_front_matter(raw)
    body = tidy_text(raw)

    # The body starts after the front matter we are about to write; count its lines.
    provisional = {k: v for k, v in overrides.items() if v not in (None, "")}
    inference = infer_metadata(body)
    fields: dict[str, Found] = {}
    for key in META_KEYS:
        if provisional.get(key) not in (None, ""):
            fields[key] = Found(provisional[key], "flag")
        elif front.get(key) not in (None, ""):
            fields[key] = Found(front[key], "front_matter")
        elif key in inference.fields:
            fields[key] = inference.fields[key]
    if "source" not in fields:
        fields["source"] = Found(source.name, "file")
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
    missing = [key for key in META_KEYS if key not in fields and key not in ("status",)]
    meta = {key: found.value for key, found in fields.items()}
    front_text = render_front_matter(meta)
    offset = front_text.count("\n")
    for found in fields.values():  # lines of the body → lines of the written file
        if found.origin in ("text", "derived") and found.line is not None:
            found.line += offset

    target_dir = knowledge_dir / "policies"
    if name:
        target = target_dir / (name if name.endswith(".md") else f"{name}.md")
    else:
        target = target_dir / target_name(str(meta.get("doc_number") or source.stem))
    result = AddResult(source, target, False, fields, missing)
    absent = [key for key in REQUIRED if key not in fields]
    if absent:
        result.problems.append(render_text("kb_missing.txt.j2", keys=absent))
        return result
    try:
        yaml_text = "\n".join(front_text.splitlines()[1:-1])
        parsed, _ = parse_meta(yaml_text, target, 1, target.relative_to(knowledge_dir).as_posix())
        clauses = parse_clauses(parsed, body, offset + 1)
    except KnowledgeError as exc:
        result.problems.append(exc.location_message())
        return result
    result.clause_count = len({c.path for c in clauses})
    result.expired = not parsed.in_force(today or date.today()) and (
        parsed.effective_until is not None and parsed.effective_until < (today or date.today())
    )
    result.duplicates = find_existing_duplicates(knowledge_dir, parsed.doc_number,
                                                 parsed.title, body)
    if result.duplicates and not force:
        return result
    if target.exists():
        result.problems.append(render_text("kb_exists.txt.j2", file=str(target)))
        return result
    if not dry_run:
        target_dir.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp")
        tmp.write_text(front_text + body, encoding="utf-8")
        tmp.replace(target)  # the watcher never sees a half-written file
        result.written = True
    return result


def _add_years(day: date, years: int) -> date:
    """``有效期N年`` from ``day``: the day before the same date N years later."""
    try:
        later = day.replace(year=day.year + years)
    except ValueError:  # 29 February
        later = day.replace(year=day.year + years, day=28)
    return later - timedelta(days=1)


# -- command line -------------------------------------------------------------------------



def _knowledge(args: argparse.Namespace) -> Path:
    return resolve_knowledge_dir(getattr(args, "knowledge", None))


def _data_dir(args: argparse.Namespace) -> Path:
    value = getattr(args, "data_dir", None)
    return Path(value) if value else default_data_dir()


def cmd_add(args: argparse.Namespace) -> int:
    """``policybot kb add FILE``."""
    knowledge_dir = _knowledge(args)
    overrides = {
        "doc_number": args.doc_number, "title": args.title, "issuer": args.issuer,
        "issued": args.issued, "effective_from": args.effective_from,
        "effective_until": args.effective_until, "source": args.source, "status": args.status,
    }
    result = add_document(Path(args.file), knowledge_dir, overrides, force=args.force,
                          dry_run=args.dry_run, name=args.name)
    target = result.target
    shown = target.relative_to(knowledge_dir.parent).as_posix() if target and \
        target.is_relative_to(knowledge_dir.parent) else str(target)
    print(render_text("kb_add.txt.j2", r=result, target=shown, dry_run=args.dry_run,
                      force=args.force))
    if result.problems or (result.duplicates and not args.force):
        return 1
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """``policybot kb check``."""
    from bot.staff.cases import update_known_failures
    from bot.staff.check import audit

    result = audit(_knowledge(args), _data_dir(args), getattr(args, "embedder", None),
                   as_of=args.as_of, run_cases=not args.no_cases)
    if args.update_known_failures:
        path = update_known_failures(result)
        print(render_text("kb_known_updated.txt.j2", file=str(path),
                          count=len(result.cases.failures) if result.cases else 0))
    out = sys.stdout
    for problem in result.problems:
        if problem.severity == "error" or args.verbose:
            print(f"{problem.location}: {problem.message}", file=out)
    print(render_text("kb_check_summary.txt.j2", a=result), file=sys.stderr)
    return 1 if result.errors else 0


def cmd_report(args: argparse.Namespace) -> int:
    """``policybot kb report [--output FILE.html]``."""
    from bot.staff.check import audit
    from bot.staff.report import render_report

    result = audit(_knowledge(args), _data_dir(args), getattr(args, "embedder", None),
                   as_of=args.as_of, run_cases=not args.no_cases)
    html = render_report(result)
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(html, encoding="utf-8")
    print(render_text("kb_report_written.txt.j2", file=str(output.resolve()),
                      errors=len(result.errors)))
    return 0


def register_cli(subparsers: Any) -> None:
    """Add ``kb add|check|report`` to the ``policybot`` parser."""
    kb_p = subparsers.add_parser("kb", help="manage the knowledge folder (add, check, report)")
    kb_sub = kb_p.add_subparsers(dest="kb_command", required=True)

    add_p = kb_sub.add_parser("add", help="add a policy document (PDF, DOCX, HTML, TXT, MD)")
    add_p.add_argument("file", help="the policy file")
    add_p.add_argument("--doc-number", help="文号, e.g. 威政办字〔2018〕107号")
    add_p.add_argument("--title", help="标题")
    add_p.add_argument("--issuer", help="发文机关")
    add_p.add_argument("--issued", type=parse_date, metavar="YYYY-MM-DD", help="发布日期")
    add_p.add_argument("--effective-from", type=parse_date, metavar="YYYY-MM-DD",
                       help="施行日期 (default: the issue date)")
    add_p.add_argument("--effective-until", type=parse_date, metavar="YYYY-MM-DD",
                       help="有效期截止日期")
    add_p.add_argument("--source", help="where the file came from (URL); default: its name")
    add_p.add_argument("--status", help="现行有效 (default), 已失效, 已废止 …")
    add_p.add_argument("--name", help="file name in policies/ (default: from the 文号)")
    add_p.add_argument("--force", action="store_true",
                       help="add even if the same document seems to be there already")
    add_p.add_argument("--dry-run", action="store_true",
                       help="show what would be written, write nothing")
    add_p.set_defaults(func=cmd_add)

    check_p = kb_sub.add_parser("check", help="lint the knowledge folder (exit 1 on problems)")
    check_p.add_argument("--as-of", type=parse_date, metavar="YYYY-MM-DD",
                         help="date for the validity checks (default: today)")
    check_p.add_argument("--no-cases", action="store_true",
                         help="skip the canned questions (no index needed)")
    check_p.add_argument("--update-known-failures", action="store_true",
                         help="record the canned questions failing now as known failures")
    check_p.add_argument("-v", "--verbose", action="store_true", help="also print warnings")
    check_p.set_defaults(func=cmd_check)

    report_p = kb_sub.add_parser("report", help="write an HTML report of the knowledge folder")
    report_p.add_argument("--output", "-o", default="knowledge-report.html",
                          metavar="FILE.html")
    report_p.add_argument("--as-of", type=parse_date, metavar="YYYY-MM-DD")
    report_p.add_argument("--no-cases", action="store_true",
                          help="skip the canned questions (no index needed)")
    report_p.set_defaults(func=cmd_report)
