"""Domain evidence for the match decision: is a question about the policies' subject?

A question about unemployment benefits (失业补贴怎么领) shares 补贴 with the S&T policies
and scores a fair BM25 match on it; a question about incubator awards shares 孵化器.  The
*domain coverage* of a query tells the two apart: the share of the query's IDF mass, after
dropping generic words (money, procedure and question words every public-benefit question
shares), made of words the corpus knows (directly or through an official synonym).

* no non-generic word at all → 0 (no evidence the question is about these policies);
* a strong out-of-domain marker (个税, 购房, 社保, 签证 …) in the query → 0, unless the
  query also names the policies' core subject (研发, 科技, 专利, 孵化 …): an owner who
  says "我们是做智能停车系统的科技企业" is asking about S&T support, whatever his
  industry; such a question is measured like any other;
* no S&T *subject word* in the query → 0: the question must name a subject of the
  policies (``subjects`` of ``knowledge/vocabulary/domain.yaml``, every topic phrase of
  ``topics.yaml``, every alias term of ``aliases.yaml`` the question's colloquial phrases
  stand for, or a core word).  农业合作社建冷库有补贴吗, 驰名商标认定奖励 and
  文化企业上市奖励 name only generic words (补贴, 认定, 企业, 奖励, 上市) and are out of
  scope whatever the corpus contains.

The subject check and the markers are word lists, independent of the documents loaded:
adding documents on other subjects (a smart elderly-care technology plan full of 养老保险
and 社保补贴) cannot turn a pension question into an in-scope one, as the corpus-IDF
coverage alone did (tests/index/test_domain.py adds two such documents and compares
every verdict).  The IDF part then only grades questions that name a subject.

The lists live in ``domain_terms.txt`` next to this module (generic, out-of-domain
markers, core words; staff extend them in ``<knowledge>/cases/domain_terms.txt``) and in
``<knowledge>/vocabulary/domain.yaml`` (subjects, more generic words).  A match needs
this coverage to reach ``Calibration.domain_threshold`` besides the score threshold (see
:func:`index.retriever.is_match`); ranking is unaffected.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

from knowledge.errors import KnowledgeError, VocabularyError
from knowledge.yamlio import load_yaml

__all__ = [
    "KNOWLEDGE_FILE",
    "DomainTerms",
    "DomainTermsError",
    "domain_coverage",
    "knowledge_domain_terms",
    "load_domain_terms",
    "parse_domain_terms",
]

_FILE = "domain_terms.txt"
KNOWLEDGE_FILE = "cases/domain_terms.txt"  # optional staff additions, in the knowledge folder
VOCABULARY_FILE = "vocabulary/domain.yaml"  # subject and generic words, as staff data
# what follows a marker the question asks about: 社保怎么交, 编制能不能多要
_ASKED_AFTER = re.compile(r"[^，。？?]{0,4}?(怎么|如何|多少|能不能|可不可以|有没有|咋|吗|么|去哪"
                          r"|哪里|找谁|找哪|怎么办|办理|多久)")
_YAML_KEYS = ("subjects", "generic", "out_of_domain")


@dataclass(frozen=True)
class DomainTerms:
    generic: frozenset[str]
    out_of_domain: tuple[str, ...]
    core: tuple[str, ...] = ()  # S&T words that overrule an out-of-domain marker
    # S&T subject words: a question naming none of them (nor a core word) has no domain
    # coverage.  Empty: no such check (a bare list file, the tests' own lists).
    subjects: tuple[str, ...] = ()

    def extended(self, other: DomainTerms) -> DomainTerms:
        """These lists with the words of ``other`` added."""
        return DomainTerms(
            self.generic | other.generic,
            tuple(dict.fromkeys((*self.out_of_domain, *other.out_of_domain))),
            tuple(dict.fromkeys((*self.core, *other.core))),
            tuple(dict.fromkeys((*self.subjects, *other.subjects))),
        )

    def names_foreign(self, lowered: str) -> bool:
        """Whether the normalised question names another bureau's subject: an
        out-of-domain marker, not overruled by an S&T core word — unless the marker is
        what the question asks about (孵化器员工的社保怎么交: 社保, then 怎么交)."""
        markers = [m for m in self.out_of_domain if m in lowered]
        if not markers:
            return False
        if not any(w in lowered for w in self.core):
            return True
        return any(_ASKED_AFTER.match(lowered, lowered.index(m) + len(m)) for m in markers)

    def names_subject(self, lowered: str) -> bool:
        """Whether the normalised question names an S&T subject (always, without a list)."""
        if not self.subjects:
            return True
        return any(w in lowered for w in self.subjects) or any(w in lowered for w in self.core)


class DomainTermsError(ValueError):
    """A malformed vocabulary file; ``line`` is 1-based."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.message = message
        self.line = line


SECTIONS = ("generic", "out_of_domain", "core", "subjects")


def parse_domain_terms(text: str) -> DomainTerms:
    sections: dict[str, list[str]] = {name: [] for name in SECTIONS}
    current: list[str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            name = line[1:-1].strip()
            if name not in sections:
                raise DomainTermsError(
                    f"unknown section [{name}] (known: {', '.join(SECTIONS)})", number
                )
            current = sections[name]
            continue
        if current is None:
            raise DomainTermsError(f"words before the first [section]: {line!r}", number)
        current.extend(line.lower().split())
    return DomainTerms(
        frozenset(sections["generic"]),
        tuple(dict.fromkeys(sections["out_of_domain"])),
        tuple(dict.fromkeys(sections["core"])),
        tuple(dict.fromkeys(sections["subjects"])),
    )


@lru_cache(maxsize=1)
def load_domain_terms() -> DomainTerms:
    """The lists of ``index/domain_terms.txt`` (read once)."""
    text = resources.files("index").joinpath(_FILE).read_text(encoding="utf-8")
    return parse_domain_terms(text)


def knowledge_domain_terms(knowledge_dir: str | Path,
                           topics: Mapping[str, tuple[str, ...]] | None = None,
                           aliases: Iterable[Iterable[str]] | None = None) -> DomainTerms:
    """The shipped lists, extended by the knowledge folder's own.

    ``topics`` and ``aliases`` (each alias's ``terms``): the loaded vocabulary's and the
    loaded expander's, when the caller has them (the engine's snapshot); else read from the
    folder.

    * ``<knowledge>/cases/domain_terms.txt`` (same format as the shipped file): staff add
      words there without a release — a subject the bot wrongly answered goes under
      ``[out_of_domain]``;
    * ``<knowledge>/vocabulary/domain.yaml`` (``subjects``, ``generic``,
      ``out_of_domain``): the S&T subject words a question must name, and more generic
      words; the subjects are extended by every topic phrase of ``topics.yaml`` and every
      ``terms`` word of ``aliases.yaml`` that is not generic.

    None of these lists depends on the documents loaded, so adding a document on another
    subject never turns an out-of-scope question into an in-scope one.  A broken file
    raises :class:`~knowledge.errors.KnowledgeError` naming its file and line.
    """
    terms = load_domain_terms()
    path = Path(knowledge_dir) / KNOWLEDGE_FILE
    if path.is_file():
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise KnowledgeError(f"cannot read the vocabulary file: {exc}", path) from exc
        try:
            terms = terms.extended(parse_domain_terms(text))
        except DomainTermsError as exc:
            raise KnowledgeError(exc.message, path, exc.line) from exc
    vocabulary_file = Path(knowledge_dir) / VOCABULARY_FILE
    if vocabulary_file.is_file():
        own = _vocabulary_domain(vocabulary_file)
        terms = terms.extended(own)
        # the folder's own subjects as listed; policy wording from the vocabulary unless
        # generic (补助, 奖励 are alias terms, not subjects)
        derived = (normalize_word(x)
                   for x in _vocabulary_subjects(Path(knowledge_dir), topics, aliases))
        kept = (*own.subjects, *(w for w in derived if w and w not in terms.generic))
        terms = replace(terms, subjects=tuple(dict.fromkeys(kept)))
    return terms


def normalize_word(word: str) -> str:
    return unicodedata.normalize("NFKC", word).strip().lower()


def _vocabulary_domain(path: Path) -> DomainTerms:
    """The lists of ``vocabulary/domain.yaml``."""
    root = load_yaml(path, error=VocabularyError)
    mapping = root.mapping or {}
    if root.value is not None and root.mapping is None:
        raise VocabularyError("文件应是含 subjects / generic / out_of_domain 的映射", path,
                              root.line)
    lists: dict[str, tuple[str, ...]] = {}
    for key, y in mapping.items():
        if key not in _YAML_KEYS:
            raise VocabularyError(f"未知的键“{key}”（可用：{'、'.join(_YAML_KEYS)}）", path,
                                  root.key_line(key))
        items = y.sequence if y.value is not None else []
        if items is None or any(not isinstance(i.value, str) or not i.value.strip()
                                for i in items):
            raise VocabularyError(f"“{key}”应是由非空文字组成的列表", path, y.line)
        lists[key] = tuple(normalize_word(str(i.value)) for i in items)
    return DomainTerms(frozenset(lists.get("generic", ())), lists.get("out_of_domain", ()),
                       (), lists.get("subjects", ()))


def _vocabulary_subjects(knowledge_dir: Path,
                         topics: Mapping[str, tuple[str, ...]] | None = None,
                         aliases: Iterable[Iterable[str]] | None = None) -> list[str]:
    """Topic phrases and alias terms of the folder's vocabulary (policy wording)."""
    if topics is None:
        from knowledge.awards.vocabulary import knowledge_vocabulary

        topics = knowledge_vocabulary(knowledge_dir).topics
    if aliases is None:
        from index.expansion import knowledge_expander

        aliases = [a.terms for a in knowledge_expander(knowledge_dir, topics).aliases]
    words = [w for phrases in topics.values() for w in phrases]
    words += [t for terms in aliases for t in terms]
    return words


def domain_coverage(
    text: str,
    tokens: Iterable[str],
    idf: Mapping[str, float],
    max_idf: float,
    expansions: Callable[[str], Iterable[str]],
    terms: DomainTerms | None = None,
    named: Iterable[str] = (),
) -> float:
    """Share in [0, 1] of the non-generic IDF mass of ``tokens`` that the corpus knows.

    ``text`` is the normalised query (for the out-of-domain markers), ``idf`` the corpus
    IDF (unknown words weigh ``max_idf``), ``expansions`` gives the official synonyms of
    a colloquial word, ``named`` the policy wording the question's colloquial phrases
    stand for (index.expansion; evidence of a subject, never of a marker's exception).
    Inner dictionary words of a longer query token count with it.
    """
    terms = terms or load_domain_terms()
    lowered = text.lower()
    if terms.names_foreign(lowered):
        return 0.0
    if not terms.names_subject(lowered) and not any(
        terms.names_subject(normalize_word(word)) for word in named
    ):
        return 0.0  # generic words only (补贴, 认定, 企业 …): no evidence of the subject
    groups: list[list[str]] = []  # a primary token and the inner words jieba added after it
    for token in tokens:
        if groups and len(token) < len(groups[-1][0]) and token in groups[-1][0]:
            groups[-1].append(token)
        else:
            groups.append([token])
    total = known = 0.0
    seen: set[str] = set()
    for group in groups:
        primary = group[0]
        if primary in terms.generic or primary in seen:
            continue
        seen.add(primary)
        weight = _known_weight(primary, idf, expansions)
        if weight is None:  # an unknown long word counts as known through its inner words
            inner = [
                w
                for t in group[1:]
                if t not in terms.generic and (w := _known_weight(t, idf, expansions))
            ]
            weight = max(inner) if inner else None
        if weight is None:
            if primary.isascii():
                # An English word with no policy synonym is neither evidence for nor
                # against the domain (function words, "building", "key"); Chinese
                # unknown words are, because the corpus is Chinese.
                continue
            total += max_idf
        else:
            total += weight
            known += weight
    return known / total if total > 0 else 0.0


def _known_weight(
    token: str, idf: Mapping[str, float], expansions: Callable[[str], Iterable[str]]
) -> float | None:
    """IDF of ``token`` in the corpus, else of its best-known official synonym, else None."""
    weight = idf.get(token)
    if weight is not None:
        return weight
    synonyms = [idf[s] for s in expansions(token) if s in idf]
    return max(synonyms) if synonyms else None
