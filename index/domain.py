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
  industry; such a question is measured like any other.

The three word lists (generic, out-of-domain markers, core words) live in
``domain_terms.txt`` next to this module; staff may extend them.  A match needs this
coverage to reach ``Calibration.domain_threshold`` besides the score threshold (see
:func:`index.retriever.is_match`); ranking is unaffected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from knowledge.errors import KnowledgeError

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


@dataclass(frozen=True)
class DomainTerms:
    generic: frozenset[str]
    out_of_domain: tuple[str, ...]
    core: tuple[str, ...] = ()  # S&T words that overrule an out-of-domain marker

    def extended(self, other: DomainTerms) -> DomainTerms:
        """These lists with the words of ``other`` added."""
        return DomainTerms(
            self.generic | other.generic,
            tuple(dict.fromkeys((*self.out_of_domain, *other.out_of_domain))),
            tuple(dict.fromkeys((*self.core, *other.core))),
        )


class DomainTermsError(ValueError):
    """A malformed vocabulary file; ``line`` is 1-based."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(f"line {line}: {message}")
        self.message = message
        self.line = line


SECTIONS = ("generic", "out_of_domain", "core")


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
    )


@lru_cache(maxsize=1)
def load_domain_terms() -> DomainTerms:
    """The lists of ``index/domain_terms.txt`` (read once)."""
    text = resources.files("index").joinpath(_FILE).read_text(encoding="utf-8")
    return parse_domain_terms(text)


def knowledge_domain_terms(knowledge_dir: str | Path) -> DomainTerms:
    """The shipped lists, extended by ``<knowledge>/cases/domain_terms.txt`` if present.

    Staff add words there (same format) without a release: a subject the bot wrongly
    answered goes under ``[out_of_domain]``.  A broken file raises
    :class:`~knowledge.errors.KnowledgeError` naming its file and line.
    """
    shipped = load_domain_terms()
    path = Path(knowledge_dir) / KNOWLEDGE_FILE
    if not path.is_file():
        return shipped
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KnowledgeError(f"cannot read the vocabulary file: {exc}", path) from exc
    try:
        own = parse_domain_terms(text)
    except DomainTermsError as exc:
        raise KnowledgeError(exc.message, path, exc.line) from exc
    return shipped.extended(own)


def domain_coverage(
    text: str,
    tokens: Iterable[str],
    idf: Mapping[str, float],
    max_idf: float,
    expansions: Callable[[str], Iterable[str]],
    terms: DomainTerms | None = None,
) -> float:
    """Share in [0, 1] of the non-generic IDF mass of ``tokens`` that the corpus knows.

    ``text`` is the normalised query (for the out-of-domain markers), ``idf`` the corpus
    IDF (unknown words weigh ``max_idf``), ``expansions`` gives the official synonyms of
    a colloquial word.  Inner dictionary words of a longer query token count with it.
    """
    terms = terms or load_domain_terms()
    lowered = text.lower()
    if any(marker in lowered for marker in terms.out_of_domain) and not any(
        word in lowered for word in terms.core
    ):
        return 0.0
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
