"""``policybot kb check``: lint the knowledge folder, every problem as ``file:line: problem``.

Unlike the loader, which stops at the first broken file (and the running bot then keeps
its previous knowledge), the check goes on and collects everything a staff member has to
fix: missing or malformed metadata, the same document twice, documents past their end
date still marked in force, numbering the parser could not place, rules whose quote no
longer matches a clause, money figures no rule covers, and canned questions that fail
(:mod:`bot.staff.cases`).

The same :class:`Audit` feeds ``kb report``.  Problem texts live in
``bot/templates/kb_problem.txt.j2``.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path
from typing import Any

from bot.staff.audit import Audit
from bot.staff.cases import Progress, check_cases
from bot.staff.goldens import check_goldens
from bot.staff.supersession import check_supersession
from index.domain import KNOWLEDGE_FILE, knowledge_domain_terms, parse_domain_terms
from knowledge.errors import (
    KnowledgeError,
)
from knowledge.sources.base import KnowledgeBase, load_knowledge, policy_files, read_policy_file
from knowledge.sources.cache import CachedSource
from knowledge.sources.cleaning import unplaced_numbering
from knowledge.sources.dedup import find_duplicates
from knowledge.sources.documents import (
    SIDECAR_SUFFIX,
    SUPPORTED_SUFFIXES,
    SourceDocument,
    sidecar_path,
)
from knowledge.sources.frontmatter import split_front_matter
from knowledge.sources.parsing import parse_clauses
from knowledge.yamlio import key_lines as yaml_key_lines

ENDED_STATUSES = ("已废止", "已失效", "废止", "失效")


# -- metadata key lines -------------------------------------------------------------------


def key_lines(path: Path) -> dict[str, int]:
    """Line of every metadata key of a policy file (front matter or sidecar)."""
    if path.suffix.lower() in (".md", ".txt"):
        try:
            front = split_front_matter(path.read_text(encoding="utf-8"), path)
        except KnowledgeError:  # not closed: reported by the loader
            front = None
        if front is not None:
            return yaml_key_lines(front.yaml_text, first_line=front.yaml_line)
    sidecar = sidecar_path(path)
    if sidecar.exists():
        return yaml_key_lines(sidecar.read_text(encoding="utf-8"))
    return {}


def meta_file(path: Path) -> Path:
    """The file that holds a document's metadata (itself, or its sidecar)."""
    sidecar = sidecar_path(path)
    if path.suffix.lower() in (".md", ".txt") and not sidecar.exists():
        return path
    return sidecar if sidecar.exists() else path


# -- the checks ---------------------------------------------------------------------------


def check_documents(audit: Audit, cache_dir: Path | None = None) -> list[SourceDocument]:
    """Metadata, extraction, duplicates, validity and numbering of every policy file.

    ``cache_dir``: the loader's per-file cache (an unchanged file is not parsed again).
    """
    root = audit.knowledge_dir
    try:
        files = policy_files(root)
    except KnowledgeError as exc:
        audit.add_error(exc)
        return []
    _check_other_files(audit, root / "policies")
    entries = _read_documents(audit, files, cache_dir)
    sources = [entry.source for entry in entries]
    kept, duplicates = find_duplicates(sources, signatures=[e.signature for e in entries])
    by_file = {s.meta.file: s for s in sources}
    for dup in duplicates:
        dropped = by_file.get(dup.dropped_file)
        line = None
        where = root / dup.dropped_file
        if dropped is not None:
            where = meta_file(dropped.path)
            line = key_lines(dropped.path).get("doc_number")
        audit.add("duplicate", where, line, kept=dup.kept_file, reason=dup.reason)
    by_source = {id(entry.source): entry for entry in entries}
    for source in kept:
        _check_kept(audit, by_source[id(source)])
    check_supersession(audit, kept, key_lines, meta_file)
    return kept


def _check_other_files(audit: Audit, policies: Path) -> None:
    """Sidecars without their document, and files of a type the loader does not read."""
    for path in sorted(policies.iterdir()):
        if not path.is_file() or path.name.startswith(".") or path.stem.lower().startswith(
            "readme"
        ):
            continue
        if path.name.endswith(SIDECAR_SUFFIX):
            if not path.with_name(path.name[: -len(SIDECAR_SUFFIX)]).exists():
                audit.add("orphan_sidecar", path, None)
        elif path.suffix.lower() not in SUPPORTED_SUFFIXES:
            audit.add("unsupported", path, None, suffixes=" ".join(SUPPORTED_SUFFIXES))


def _read_documents(audit: Audit, files: list[Path], cache_dir: Path | None
                    ) -> list[CachedSource]:
    """Every document that reads (the loader's cached reading), its hints reported."""
    root = audit.knowledge_dir
    entries: list[CachedSource] = []
    for path in files:
        try:
            entry = read_policy_file(path, root, cache_dir)
        except KnowledgeError as exc:
            audit.add_error(exc)
            continue
        entries.append(entry)
        for warning in entry.source.warnings:
            file, line, text = _split_location(warning)
            audit.add("hint", file, line, severity="warning", detail=text)
    return entries


def _check_kept(audit: Audit, entry: CachedSource) -> None:
    """A kept document: its validity on the audit's day, its clauses, its numbering."""
    source = entry.source
    meta = source.meta
    if (meta.effective_until is not None and meta.effective_until < audit.as_of
            and meta.status not in ENDED_STATUSES):
        audit.add("expired", meta_file(source.path),
                  key_lines(source.path).get("effective_until"),
                  until=meta.effective_until.isoformat(), status=meta.status)
    try:
        clauses = (list(entry.clauses) if entry.clauses is not None
                   else parse_clauses(meta, source.text, source.first_line))
    except KnowledgeError as exc:
        audit.add_error(exc)
        return
    audit.documents.append(meta)
    audit.clause_counts[meta.doc_number] = len({c.path for c in clauses})
    unplaced = (entry.unplaced if entry.unplaced is not None
                else unplaced_numbering(source.text, source.first_line))
    for line, snippet in unplaced:
        audit.add("unplaced", source.path, line, snippet=snippet)


def _split_location(text: str) -> tuple[str, int | None, str]:
    """``file:line: message`` → parts (warnings from the loader come as text)."""
    head, sep, rest = text.partition(": ")
    if not sep:
        return "", None, text
    file, _, line = head.rpartition(":")
    if file and line.isdigit():
        return file, int(line), rest
    return head, None, rest


def check_rules(audit: Audit, kb: KnowledgeBase) -> Any:
    """Rule schema and quotes, per-document rule counts and money-figure coverage."""
    from knowledge.awards.loading import check_rules as check_rule_files

    vocabulary = check_fact_vocabulary(audit)
    if vocabulary is None:
        return False  # rules are checked against the vocabulary: fix it first
    rules_dir = audit.knowledge_dir / "rules"
    if not rules_dir.is_dir():
        return True
    ruleset, problems = check_rule_files(rules_dir, kb.clause, kb.document, vocabulary)
    for exc in problems:
        audit.add_error(exc, "rule")
    if ruleset is None:
        return False
    audit.rule_total = len(ruleset.rules)
    for rule in ruleset.rules:
        audit.rule_counts[rule.doc_number] = audit.rule_counts.get(rule.doc_number, 0) + 1
    check_coverage(audit, kb, ruleset)
    check_conflicts(audit, kb, ruleset)
    if not problems:
        check_goldens(audit, ruleset)
    return not problems


def check_fact_vocabulary(audit: Audit) -> Any:
    """``vocabulary/facts.yaml`` and ``topics.yaml``: every problem, located; the
    Vocabulary the rules are checked against (the default when the folder has none), or
    None when it is broken."""
    from knowledge.awards.vocabulary import VOCABULARY_DIR, default_vocabulary
    from knowledge.awards.vocabulary import check_vocabulary as check_words

    folder = audit.knowledge_dir / VOCABULARY_DIR
    if not folder.is_dir():
        return default_vocabulary()
    vocabulary, problems = check_words(folder)
    for exc in problems:
        audit.add_error(exc, "fact_vocabulary")
    from knowledge.reading.talk import check_talk  # vocabulary/conversation.yaml

    for exc in check_talk(audit.knowledge_dir):
        audit.add_error(exc, "fact_vocabulary")
    return vocabulary


def check_vocabulary(audit: Audit, kb: KnowledgeBase) -> bool:
    """``domain_terms.txt`` of the knowledge folder: well formed, and no out-of-domain
    marker that a policy contains (it would turn away questions the policy answers)."""
    path = audit.knowledge_dir / KNOWLEDGE_FILE
    if not path.is_file():
        return True
    try:
        knowledge_domain_terms(audit.knowledge_dir)  # the engine's reading, errors and all
    except KnowledgeError as exc:
        audit.add_error(exc, "vocabulary")
        return False
    lines = path.read_text(encoding="utf-8").splitlines()
    own = parse_domain_terms("\n".join(lines))
    texts = {c.doc_number: "" for c in kb.clauses}
    for clause in kb.clauses:
        texts[clause.doc_number] += clause.text.lower()
    ok = True
    for marker in own.out_of_domain:
        found = [doc for doc, text in texts.items() if marker in text]
        if found:
            line = next((n for n, raw in enumerate(lines, start=1)
                         if marker in raw.split("#", 1)[0].lower().split()), None)
            audit.add("vocabulary_marker", path, line, word=marker, doc=found[0])
            ok = False
    return ok


def check_coverage(audit: Audit, kb: KnowledgeBase, ruleset: Any) -> None:
    """Money figures of the policies that no rule (and no ``not_awards`` entry) covers."""
    from knowledge.awards.coverage import find_uncovered
    from knowledge.awards.rules import RuleSet

    every = find_uncovered(kb.clauses, RuleSet(()), not_awards=())  # all money sentences
    uncovered = find_uncovered(kb.clauses, ruleset)
    totals: dict[str, int] = {}
    for item in every:
        totals[item.doc_number] = totals.get(item.doc_number, 0) + 1
    missing: dict[str, int] = {}
    for item in uncovered:
        missing[item.doc_number] = missing.get(item.doc_number, 0) + 1
        line = figure_line(audit.knowledge_dir / item.file, item.line, item.figures[0])
        audit.add("uncovered_money", item.file, line, figure="、".join(item.figures),
                  sentence=item.sentence, clause_path=item.clause_path)
        audit.uncovered.append({"file": audit._rel(item.file), "line": line,
                                "doc_number": item.doc_number, "sentence": item.sentence,
                                "clause_path": item.clause_path})
    for doc_number, total in totals.items():
        audit.coverage_by_doc[doc_number] = (total, total - missing.get(doc_number, 0))


def check_conflicts(audit: Audit, kb: KnowledgeBase, ruleset: Any) -> None:
    """Award sentences no rule encodes that look like another document's rule with another
    figure, their document not declaring ``supersedes:`` (warnings: the answer demotes the
    older figure until staff decide)."""
    from index.answering.honesty import likely_conflicts
    from knowledge.money import format_yuan

    for conflict in likely_conflicts(kb, ruleset, audit.as_of):
        found, rule = conflict.found, conflict.rule
        figure = (rule.amount_yuan or rule.max_yuan or rule.min_yuan or rule.unit_yuan
                  or rule.cap_yuan or 0)
        meta = kb.document(found.doc_number)
        other = kb.document(rule.doc_number)
        newer = bool(meta and other and (meta.effective_from or meta.issued)
                     > (other.effective_from or other.issued))
        line = figure_line(audit.knowledge_dir / found.file, found.line, found.figures[0])
        audit.add("likely_conflict", found.file, line, severity="warning",
                  doc_number=found.doc_number, clause_path=found.clause_path,
                  figure="、".join(found.figures), sentence=conflict.sentence,
                  rule_id=rule.id, rule_label=rule.label, rule_doc=rule.doc_number,
                  rule_figure=format_yuan(figure), rule_file=audit._rel(rule.file),
                  rule_line=rule.line, newer=newer, same_award=rule.same_award or rule.id)


def figure_line(path: Path, clause_line: int, figure: str, window: int = 120) -> int:
    """The line of ``path`` at or after ``clause_line`` where ``figure`` is printed.

    Coverage names the clause; staff want the sentence.  Falls back to the clause line
    when the figure is wrapped over two lines.
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return clause_line
    for number in range(clause_line, min(clause_line + window, len(lines) + 1)):
        compact = unicodedata.normalize("NFKC", "".join(lines[number - 1].split()))
        if figure in compact:
            return number
    return clause_line


def audit(
    knowledge_dir: Path,
    data_dir: Path,
    embedder_spec: str | None = None,
    *,
    as_of: date | None = None,
    run_cases: bool = True,
    progress: Progress | None = None,
) -> Audit:
    """Run every check over ``knowledge_dir`` (the index is built in ``data_dir``);
    ``progress(done, total)`` hears of the canned questions as they are asked."""
    result = Audit(Path(knowledge_dir).resolve(), as_of or date.today())
    check_documents(result, Path(data_dir) / "cache")
    if not result.documents:
        return result
    try:
        kb = load_knowledge(result.knowledge_dir, cache_dir=Path(data_dir) / "cache")
    except KnowledgeError as exc:
        # Rules and cases need the knowledge base; the file at fault is usually reported
        # already (the loader stops at the first broken file, the check does not).
        before = len(result.problems)
        result.add_error(exc)
        added = result.problems[before:]
        if any((p.file, p.line) == (q.file, q.line) for p in added
               for q in result.problems[:before]):
            del result.problems[before:]
        return result
    result.kb = kb
    result.fingerprint = kb.fingerprint
    rules_ok = check_rules(result, kb)
    vocabulary_ok = check_vocabulary(result, kb)
    if run_cases and rules_ok and vocabulary_ok:
        check_cases(result, kb, data_dir, embedder_spec, progress)
    return result
