"""One loaded knowledge version, and the one function that builds it.

A :class:`Snapshot` is everything an answer reads: the knowledge base, the rules and the
vocabulary they were validated against, the conversation vocabulary, the typo map, the
domain terms, the index and its retriever, and the work that depends on no question
(the award sentences no rule encodes, :mod:`index.answering.unencoded`; the rules by
clause and by award, :class:`~knowledge.awards.rules.RuleSet`).  It is immutable and is
the only source of vocabulary, rules and fingerprint while answering: nothing reaches back
to the package's defaults or to the disk.

:func:`build_snapshot` is used by :meth:`index.answering.engine.Engine.reload` (and its
first warm-up) and by ``policybot index build``, so the index job and the serving
replicas read a knowledge folder exactly the same way.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any

from index.answering.unencoded import Unencoded
from index.artifacts import SearchIndex, load_index
from index.build import BuildReport, build_index
from index.domain import DomainTerms, knowledge_domain_terms
from index.embedders import Embedder
from index.ensure import OuterLock, ensure_index
from index.expansion import knowledge_expander
from index.focus import deployment_regions
from index.names import DocumentNames
from index.retriever import Retriever
from index.tokenize import policy_words
from knowledge.awards.loading import load_rules
from knowledge.awards.rules import RuleSet
from knowledge.awards.vocabulary import Vocabulary, knowledge_vocabulary
from knowledge.errors import IndexError_
from knowledge.model import Clause
from knowledge.reading.extraction import extract_facts
from knowledge.reading.normalize import normalize_question, written_out
from knowledge.reading.scope import STATUS_WORDS
from knowledge.reading.talk import Talk, knowledge_talk, word_at
from knowledge.reading.typos import TermMap, build_term_map, domain_terms
from knowledge.sources.base import KnowledgeBase, load_knowledge

__all__ = ["Built", "Snapshot", "build_snapshot"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Snapshot:
    """Everything one answer needs, immutable once built."""

    kb: KnowledgeBase
    rules: RuleSet  # carries the vocabulary it was validated against
    retriever: Retriever
    version: int
    loaded_at: float
    talk: Talk  # the conversation vocabulary (vocabulary/conversation.yaml)
    names: DocumentNames  # the documents' 文号 and titles, indexed once per load
    typos: TermMap  # the typo map of this vocabulary and the policy dictionary
    domain_terms: DomainTerms  # the domain gate's lists (shipped + this folder's)
    unencoded: Unencoded  # award sentences no rule encodes, by clause (once per load)

    @cached_property
    def topic_words(self) -> tuple[str, ...]:
        """Every word of the vocabulary's topics (the subjects a question may name)."""
        return tuple(dict.fromkeys(w for words in self.rules.vocabulary.topics.values()
                                   for w in words))

    @cached_property
    def known_words(self) -> tuple[str, ...]:
        """Subject and generic words, taken out of a question to find what it asks about
        (:mod:`index.answering.focus`); built once per load."""
        terms = self.domain_terms
        expander = self.retriever.expander
        aliases = (p for a in (expander.aliases if expander else ()) for p in a.phrases
                   if "…" not in p)  # 技转, 牵线: owners' words for a covered subject
        talk = (*(w for kind in ("combinations", "starts", "endings", "additions")
                  for w in self.talk.markers(kind)),
                *(w for words in self.talk.levels.values() for w in words))
        # the places a message names (威海能给多少, 烟台的企业) are whose, not what is asked
        places = (*self.rules.vocabulary.home, *self.rules.vocabulary.elsewhere)
        return tuple(dict.fromkeys((*self.topic_words, *terms.generic, *terms.subjects,
                                    *terms.core, *aliases, *talk, *places, *STATUS_WORDS)))

    def normalized(self, text: str) -> str:
        """``text`` as every reader takes it: normalized (script, width, typos, a dictated
        run parted), the vocabulary's short forms of titles written out (国孵)."""
        return written_out(normalize_question(text, self.typos),
                           self.rules.vocabulary.short_forms)

    def typed(self, text: str) -> tuple[dict[str, Any], bool]:
        """(the facts ``text`` states as the estimates read them, whether it states any
        fact at all — a title, a year, a count, an amount, or a level, applicant or stage
        the conversation changes: 省级的 / 升级省级了)."""
        said = self.normalized(text)
        read = extract_facts(said, date.today(), self.rules)
        return dict(read.facts), bool(read.facts or read.denied or read.excluded
                                      or read.as_of) or any(
            word_at(said, w) >= 0 for table in (self.talk.levels, self.talk.applicants,
                                                self.talk.stages)
            for words in table.values() for w in words)

    @property
    def vocabulary(self) -> Vocabulary:
        """The facts, choices, topics and patterns of the loaded knowledge folder."""
        return self.rules.vocabulary

    @property
    def fingerprint(self) -> str:
        """The loaded knowledge's fingerprint (every file it was read from)."""
        return self.kb.fingerprint


@dataclass(frozen=True)
class Built:
    """A snapshot, and what building it cost."""

    snapshot: Snapshot
    index: BuildReport | None  # the index build this call made; None: the live one served
    seconds: float

    @property
    def embedded(self) -> int:
        return self.index.embedded if self.index is not None else 0

    @property
    def reused(self) -> int:
        return self.index.reused if self.index is not None else 0


def build_snapshot(
    knowledge_dir: Path,
    data_dir: Path,
    embedder: Embedder,
    *,
    version: int = 1,
    memo: dict[str, tuple[Clause, ...]] | None = None,
    progress: bool = False,
    read_only: bool = False,
    wait: float = 0.0,
    lock: OuterLock | None = None,
    force: bool = False,
    warm: bool = True,
) -> Built:
    """Read ``knowledge_dir``, make the index in ``data_dir`` match it, and load both.

    ``memo``: the previous load's clauses by file (see
    :func:`~knowledge.sources.base.load_knowledge`); ``read_only``, ``wait``, ``lock``
    and ``force``: see :func:`~index.ensure.ensure_index`; ``warm``: load the model and
    caches before returning (the engine; ``index build`` serves no question).  Raises
    :class:`~knowledge.errors.PolicyBotError` for a broken file or index.
    """
    started = time.perf_counter()
    knowledge_dir, data_dir = Path(knowledge_dir), Path(data_dir)
    # per-file extraction, dedup signature and clauses cached by content hash
    kb = load_knowledge(knowledge_dir, cache_dir=data_dir / "cache",
                        memo=memo)  # unchanged files: the serving clauses
    # facts, choices and topics of this folder (vocabulary/*.yaml); the rules carry them
    vocabulary = knowledge_vocabulary(knowledge_dir)
    rules = load_rules(knowledge_dir / "rules", kb.clause, kb.document, vocabulary)
    kb = kb.with_rules(rules)
    expander = knowledge_expander(knowledge_dir, vocabulary.topics)
    terms = knowledge_domain_terms(knowledge_dir, vocabulary.topics,
                                   [alias.terms for alias in expander.aliases])
    # built once per knowledge version: by this process under the build locks, by
    # another one it queued behind, or (read-only) by the index job it waits for
    report = ensure_index(kb, data_dir, embedder, progress=progress, read_only=read_only,
                          wait=wait, lock=lock, force=force)
    index, rebuilt = _load(kb, data_dir, embedder, read_only, progress)
    retriever = Retriever(index, embedder, domain_terms=terms, expander=expander,
                          regions=deployment_regions())
    if warm:
        retriever.warm_up()  # model, jieba and caches loaded before this snapshot serves
    snapshot = Snapshot(
        kb=kb, rules=rules, retriever=retriever, version=version, loaded_at=time.time(),
        talk=knowledge_talk(knowledge_dir), names=DocumentNames(kb.documents),
        typos=build_term_map(domain_terms(vocabulary, policy_words())),
        domain_terms=terms, unencoded=Unencoded.of(kb, rules))
    return Built(snapshot, rebuilt or report, time.perf_counter() - started)


def _load(kb: KnowledgeBase, data_dir: Path, embedder: Embedder, read_only: bool,
          progress: bool) -> tuple[SearchIndex, BuildReport | None]:
    """The live index (the knowledge base's clauses are its chunks: no second copy); one
    damaged since the check is rebuilt here (never when read-only)."""
    try:  # memory-mapped
        index = load_index(data_dir, embedder, kb.clauses)
    except IndexError_ as exc:
        if read_only:
            raise
        log.warning("%s; rebuilding the index", exc)
        index = None
    if index is not None:
        return index, None
    report = build_index(kb, data_dir, embedder, progress=progress)
    index = load_index(data_dir, embedder, kb.clauses)
    if index is None:
        raise IndexError_("索引构建后无法加载 / index could not be loaded after build")
    return index, report
