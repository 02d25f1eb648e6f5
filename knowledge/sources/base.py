"""The knowledge base: every policy document of a knowledge folder, parsed into clauses.

``load_knowledge(dir)`` reads ``dir/policies/*`` (``.md``, ``.txt``, ``.pdf``, ``.docx``,
``.html``; sidecar ``*.meta.yaml`` and README files are not documents), drops duplicates,
parses clauses and fingerprints every input (policies, rules, cases, vocabulary) so that
callers can tell whether an index built earlier is still current.  A broken file raises a
:class:`KnowledgeError` naming file and line; the caller keeps its previous base.

Rules hook: ``KnowledgeBase.rules`` stays ``None`` here; the award rules
(``knowledge.awards.rules.load_rules``) are attached by the caller with ``with_rules``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from knowledge.errors import KnowledgeError
from knowledge.links import link_problem
from knowledge.model import Clause, DocumentMeta
from knowledge.sources.cache import SUBDIR as CACHE_SUBDIR
from knowledge.sources.cache import CachedSource, SourceCache, code_version, entry_key
from knowledge.sources.cleaning import unplaced_numbering
from knowledge.sources.dedup import Duplicate, find_duplicates, signature
from knowledge.sources.documents import (
    SIDECAR_SUFFIX,
    SUPPORTED_SUFFIXES,
    SourceDocument,
    load_source,
    normalize_doc_number,
)
from knowledge.sources.parsing import PARSER_VERSION, normalize_path, parse_clauses

POLICIES = "policies"
RULES = "rules"
CASES = "cases"
VOCABULARY = "vocabulary"  # facts, choices and topics (knowledge.awards.vocabulary)
FINGERPRINT_DIRS = (POLICIES, RULES, CASES, VOCABULARY)
_DOC_NUMBER_LINE = re.compile(r"^\S{1,14}[〔\[(（【]\d{4}[〕\])）】]\d+号$")


@dataclass(frozen=True)
class KnowledgeBase:
    """An immutable snapshot of a knowledge folder."""

    root: Path
    documents: tuple[DocumentMeta, ...]
    clauses: tuple[Clause, ...]
    duplicates: tuple[Duplicate, ...] = ()
    warnings: tuple[str, ...] = ()
    fingerprint: str = ""
    rules: object | None = None  # filled in by the caller via knowledge.awards.rules.load_rules
    parser_version: str = PARSER_VERSION
    _by_doc: Mapping[str, tuple[Clause, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _docs: Mapping[str, DocumentMeta] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        grouped: dict[str, list[Clause]] = {meta.doc_number: [] for meta in self.documents}
        for clause in self.clauses:
            grouped.setdefault(clause.doc_number, []).append(clause)
        object.__setattr__(
            self, "_by_doc", MappingProxyType({k: tuple(v) for k, v in grouped.items()})
        )
        object.__setattr__(
            self, "_docs", MappingProxyType({m.doc_number: m for m in self.documents})
        )

    @property
    def clauses_by_doc(self) -> Mapping[str, tuple[Clause, ...]]:
        """Clauses (all chunks, in document order) keyed by normalised 文号."""
        return self._by_doc

    def document(self, doc_number: str) -> DocumentMeta | None:
        return self._docs.get(normalize_doc_number(doc_number))

    def chunks(self, doc_number: str, path: str) -> tuple[Clause, ...]:
        """All chunks of one clause (usually one), in order."""
        wanted = normalize_path(path)
        clauses = self._by_doc.get(normalize_doc_number(doc_number), ())
        return tuple(c for c in clauses if c.path == wanted)

    def clause(self, doc_number: str, path: str) -> str | None:
        """Full text of a clause, its chunks joined; None when there is no such clause.

        Chunks are cut after sentence ends, so joining them restores the text exactly,
        except a paragraph break that fell on a chunk boundary.
        """
        chunks = self.chunks(doc_number, path)
        return "".join(c.text for c in chunks) if chunks else None

    def paths(self, doc_number: str) -> list[str]:
        """Clause paths of a document, in order, without repeats."""
        clauses = self._by_doc.get(normalize_doc_number(doc_number), ())
        return list(dict.fromkeys(c.path for c in clauses))

    def with_rules(self, rules: object) -> KnowledgeBase:
        """A copy with the award rules attached."""
        return dataclasses.replace(self, rules=rules)

    def __iter__(self) -> Iterator[Clause]:
        return iter(self.clauses)


def is_policy_name(name: str) -> bool:
    """Whether a file called ``name`` in policies/ is loaded as a document (a supported
    suffix; not a sidecar, hidden or README file)."""
    path = Path(name)
    return (path.suffix.lower() in SUPPORTED_SUFFIXES and not name.endswith(SIDECAR_SUFFIX)
            and not name.startswith(".") and not path.stem.lower().startswith("readme"))


def policy_files(root: Path) -> list[Path]:
    """Document files of ``root/policies`` in sorted order.

    A symbolic link is followed only to a file inside the policies folder (as a mounted
    ConfigMap's ``..data`` links are); a link leading out of it, or to nothing, raises a
    :class:`KnowledgeError` naming the link, so it is reported rather than read or skipped.
    """
    folder = root / POLICIES
    if not folder.is_dir():
        raise KnowledgeError(f"知识库文件夹中没有 {POLICIES}/ 文件夹："
                             f"请核对 --knowledge 指向的位置", root)
    found: list[Path] = []
    for path in sorted(folder.iterdir()):
        if not is_policy_name(path.name):
            continue
        problem = link_problem(path, folder)
        if problem is not None:
            raise KnowledgeError(problem, path)
        if path.is_file():
            found.append(path)
    return found


def fingerprint(root: Path) -> str:
    """Hash of the parser version and every file under policies/, rules/, cases/ and
    vocabulary/."""
    digest = hashlib.sha256(f"parser:{PARSER_VERSION}\n".encode())
    for name in FINGERPRINT_DIRS:
        folder = root / name
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            rel = path.relative_to(root)
            if not path.is_file() or any(p.startswith(".") or p == "__pycache__"
                                         for p in rel.parts):
                continue
            digest.update(rel.as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_knowledge(root: Path | str, cache_dir: Path | str | None = None,
                   memo: dict[str, tuple[Clause, ...]] | None = None) -> KnowledgeBase:
    """Load, deduplicate and parse every policy document of the knowledge folder ``root``.

    ``cache_dir`` (the data directory's ``cache/``) keeps each file's extraction, dedup
    signature and clauses by content hash (:mod:`knowledge.sources.cache`), so an
    unchanged file is not read into text, cleaned or parsed again.

    ``memo``: the clauses of the previous load by cache key, kept by the caller (replaced
    by this load's): an unchanged file's clauses are the *same objects* as in the
    knowledge base still serving, so a reload holds one copy of them, not two.  It
    works with ``cache_dir`` only.
    """
    root = Path(root)
    files = policy_files(root)
    cache = SourceCache(Path(cache_dir) / CACHE_SUBDIR if cache_dir is not None else None)
    versions = code_version()
    keys = [entry_key(path, root, versions) for path in files] if cache.folder else []
    entries = [_cached_read(path, root, cache, keys[i] if keys else None, memo)
               for i, path in enumerate(files)]
    sources = [e.source for e in entries]
    warnings: list[str] = []
    for source in sources:
        warnings.extend(source.warnings)
    for sidecar in sorted((root / POLICIES).glob("*" + SIDECAR_SUFFIX)):
        if not sidecar.with_name(sidecar.name[: -len(SIDECAR_SUFFIX)]).exists():
            warnings.append(f"{sidecar.relative_to(root).as_posix()}: 元数据文件没有对应的政策文件")
    kept, duplicates = find_duplicates(sources, signatures=[e.signature for e in entries])
    warnings.extend(str(d) for d in duplicates)
    position = {id(e.source): i for i, e in enumerate(entries)}
    documents: list[DocumentMeta] = []
    clauses: list[Clause] = []
    for source in sorted(kept, key=lambda s: s.meta.file):
        index = position[id(source)]
        entry = entries[index]
        if entry.clauses is None:  # parsed once, for kept documents only (as before)
            entry = dataclasses.replace(
                entry, clauses=tuple(parse_clauses(source.meta, source.text, source.first_line)),
                hints=tuple(_source_warnings(source)))
            if keys:
                cache.put(keys[index], entry)
        assert entry.clauses is not None
        entries[index] = entry
        clauses.extend(entry.clauses)
        documents.append(source.meta)
        warnings.extend(entry.hints)
    if keys:
        cache.prune(set(keys))
    if memo is not None:  # the clauses only: they are held by the knowledge base anyway
        memo.clear()
        memo.update((key, entry.clauses) for key, entry in zip(keys, entries, strict=True)
                    if entry.clauses is not None)
    if not documents:
        raise KnowledgeError("没有找到政策文件：请用 policybot kb add 加入文件", root / POLICIES)
    resolved, notes = resolve_supersession(documents)
    warnings.extend(notes)
    if resolved != documents:
        by_number = {m.doc_number: m for m in resolved}
        clauses = [dataclasses.replace(c, doc=by_number[c.doc.doc_number]) for c in clauses]
        documents = resolved
    return KnowledgeBase(
        root=root,
        documents=tuple(documents),
        clauses=tuple(clauses),
        duplicates=tuple(duplicates),
        warnings=tuple(warnings),
        fingerprint=fingerprint(root),
    )


def read_policy_file(path: Path, root: Path, cache_dir: Path | None = None) -> CachedSource:
    """One policy file read, fingerprinted and parsed as :func:`load_knowledge` does it,
    through the same cache (``cache_dir``); raises the :class:`KnowledgeError` of
    :func:`load_source`.  ``clauses`` is None when the file does not parse."""
    cache = SourceCache(Path(cache_dir) / CACHE_SUBDIR if cache_dir is not None else None)
    key = entry_key(path, root, code_version()) if cache.folder else None
    return _cached_read(path, root, cache, key)


def _cached_read(path: Path, root: Path, cache: SourceCache, key: str | None,
                 memo: dict[str, tuple[Clause, ...]] | None = None) -> CachedSource:
    entry = cache.get(key) if key else None
    shared = memo.get(key) if key and memo is not None else None
    if entry is not None and shared is not None:  # the serving knowledge base's objects
        return dataclasses.replace(entry, clauses=shared)
    if entry is None:
        entry = _read(path, root)
        if key:
            cache.put(key, entry)
    return entry


def _read(path: Path, root: Path) -> CachedSource:
    """Read, fingerprint and parse one policy file (one cleaning pass serves both).

    A file that does not parse is still read: a dropped duplicate never raises, as it
    was never parsed before either; a kept one is parsed again and raises then.
    """
    source = load_source(path, root=root)
    grams = signature(source)
    try:
        clauses = tuple(parse_clauses(source.meta, source.text, source.first_line))
    except KnowledgeError:
        return CachedSource(source, grams)
    return CachedSource(source, grams, clauses, tuple(_source_warnings(source)),
                        tuple(unplaced_numbering(source.text, source.first_line)))


def replacement_edges(documents: list[DocumentMeta]) -> dict[str, str]:
    """Old 文号 → the 文号 replacing it, from either side's metadata (known 文号 only; the
    first declaration wins)."""
    known = {m.doc_number for m in documents}
    replaced: dict[str, str] = {}
    for meta in documents:
        for old in meta.supersedes:
            if old in known:
                replaced.setdefault(old, meta.doc_number)
        if meta.superseded_by in known:
            replaced.setdefault(meta.doc_number, meta.superseded_by)
    return replaced


def supersession_cycles(documents: list[DocumentMeta]) -> list[list[str]]:
    """Loops of replacement (A replaces B, B replaces A; or longer), each in order once."""
    edges = replacement_edges(documents)
    cycles: list[list[str]] = []
    seen: set[str] = set()
    for start in sorted(edges):
        path: list[str] = []
        node: str | None = start
        while node is not None and node not in seen and node not in path:
            path.append(node)
            node = edges.get(node)
        if node is not None and node in path:
            cycles.append(path[path.index(node):])
        seen.update(path)
    return cycles


def resolve_supersession(documents: list[DocumentMeta]) -> tuple[list[DocumentMeta], list[str]]:
    """Mark each replaced document with its replacement (``supersedes`` / ``superseded_by``).

    The replacement takes effect on the replacing document's effective date.  A 文号 that
    is not in the knowledge base is reported and ignored; so is a loop of replacements
    (documents replacing each other would all count as replaced; ``kb check`` locates it).
    """
    by_number = {m.doc_number: m for m in documents}
    notes: list[str] = []
    for meta in documents:
        for old in meta.supersedes:
            if old not in by_number:
                notes.append(f"{meta.file}: supersedes 中的 {old} 不在知识库中，已忽略：请核对文号")
        if meta.superseded_by and meta.superseded_by not in by_number:
            notes.append(f"{meta.file}: superseded_by 中的 {meta.superseded_by} 不在知识库中，"
                         "已忽略：请核对文号")
    replaced = replacement_edges(documents)
    for cycle in supersession_cycles(documents):
        loop = " → ".join([*cycle, cycle[0]])
        notes.append(f"{by_number[cycle[0]].file}: 替代关系成环（{loop}），已忽略："
                     "请删去错误的一条")
        for number in cycle:
            replaced.pop(number, None)
    out: list[DocumentMeta] = []
    for meta in documents:
        new = by_number.get(replaced.get(meta.doc_number, ""))
        if new is None:
            out.append(dataclasses.replace(meta, superseded_by="") if meta.superseded_by
                       else meta)
            continue
        out.append(dataclasses.replace(meta, superseded_by=new.doc_number,
                                       superseded_by_title=new.title,
                                       superseded_from=new.effective_from or new.issued))
    return out, notes


def _source_warnings(source: SourceDocument) -> list[str]:
    """Staff hints: numbering the parser could not place, a 文号 differing from the text."""
    name = source.meta.file
    found = [
        f"{name}:{line}: numbering out of sequence, kept as body text or a gap: {snippet}"
        for line, snippet in unplaced_numbering(source.text, source.first_line)
    ]
    for offset, raw in enumerate(source.text.splitlines()[:20]):
        compact = re.sub(r"\s+", "", raw)
        if _DOC_NUMBER_LINE.match(compact):
            printed = normalize_doc_number(compact)
            if printed != source.meta.doc_number:
                found.append(
                    f"{name}:{source.first_line + offset}: the text says {printed} but "
                    f"doc_number is {source.meta.doc_number}"
                )
            break
    return found
