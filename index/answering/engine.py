"""The answering core: question → a typed :class:`Answer` (cited clauses, estimate).

One :class:`Snapshot` (knowledge base, rules, index, retriever) is built at a time and
swapped in by one reference assignment: a request reads one snapshot from start to end, no
answer mixes old and new knowledge, a failed reload leaves the old one in service."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from index.answering.answer import Answer
from index.answering.candidates import candidate_rules_of, named_rule_cites, rules_citing
from index.answering.focus_check import FOCUSED, amount_focus_answer, focus_answer
from index.answering.hits import answer_hit, document_changes, without_target_clauses
from index.answering.hits import responsible_offices as responsible_offices
from index.answering.honesty import with_not_encoded
from index.answering.overview import build_overview
from index.answering.scope import amount_answer, scope_verdict, unanswered_of
from index.answering.shown import (
    asks_of_place,
    case_computed,
    only_this,
    place_unread,
    what_the_change_adds,
    with_reading,
)
from index.answering.snapshot import Snapshot, build_snapshot
from index.answering.summed import estimated
from index.answering.timing import clause_timing
from index.answering.understand import Understood, understand
from index.embedders import Embedder, make_embedder
from index.ensure import OuterLock
from index.retriever import MAX_TOP_K, Hit
from knowledge.awards.calculator import Estimate, evaluate, next_questions
from knowledge.awards.facts import FactSpec
from knowledge.errors import PolicyBotError
from knowledge.model import Clause
from knowledge.reading.asof import years_written_out
from knowledge.reading.estimate import estimate_profile, flat_profile
from knowledge.reading.frame import Previous
from knowledge.reading.intent import (
    AMOUNT,
    DEADLINE,
    DOCUMENT_INTENTS,
    ESTIMATE_INTENTS,
    MATERIALS,
    OFFICE,
    OVERVIEW,
)
from knowledge.reading.sanitize import sanitize_question
from knowledge.sources.base import fingerprint as knowledge_fingerprint
from knowledge.sources.documents import normalize_doc_number

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReloadReport:
    ok: bool
    message: str
    version: int
    embedded: int = 0
    reused: int = 0
    seconds: float = 0.0
    # documents as (文号, title), compared with the knowledge served before the reload
    added: tuple[tuple[str, str], ...] = ()
    changed: tuple[tuple[str, str], ...] = ()
    removed: tuple[tuple[str, str], ...] = ()
    # the knowledge this reload read (the new snapshot's fingerprint; of the folder as it
    # failed to load otherwise): replicas agree on "this reload" by it
    fingerprint: str = ""


@dataclass
class _Stats:
    questions: int = 0
    matched: int = 0
    estimates: int = 0
    reloads_ok: int = 0
    reloads_failed: int = 0
    last_reload_error: str = ""
    timings_ms: list[float] = field(default_factory=list)


class Engine:
    """Answers questions from one knowledge folder; safe to share between threads."""

    def __init__(
        self,
        knowledge_dir: Path | str,
        data_dir: Path | str,
        embedder_spec: str | None = None,
        *,
        embedder: Embedder | None = None,
        progress: bool = False,
        read_only: bool = False,
        index_wait: float = 0.0,
        build_lock: OuterLock | None = None,
    ) -> None:
        """Validate and store; nothing is loaded until :meth:`warm_up` (or first use).

        ``embedder`` (an object) beats ``embedder_spec`` (a name for
        :func:`index.embedders.make_embedder`): tests pass a small deterministic one.
        ``read_only``: never build, wait up to ``index_wait`` seconds for the index job to
        publish the build of this knowledge (see :mod:`index.ensure`); ``build_lock``: an
        outer lock every builder takes (the bot passes a Redis lock shared by replicas).
        """
        self.knowledge_dir = Path(knowledge_dir)
        self.data_dir = Path(data_dir)
        self.embedder_spec = embedder_spec
        self.progress = progress
        self.read_only = read_only
        self.index_wait = index_wait
        self.build_lock = build_lock
        self._embedder: Embedder | None = embedder
        self._snapshot: Snapshot | None = None
        self._sources: dict[str, tuple[Clause, ...]] = {}  # the last load's clauses, by file
        self._reload_lock = threading.Lock()
        self._stats = _Stats()
        self._stats_lock = threading.Lock()

    # -- lifecycle -----------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            self._embedder = make_embedder(self.embedder_spec)
        return self._embedder

    @property
    def version(self) -> int:
        return self._snapshot.version if self._snapshot else 0

    @property
    def snapshot(self) -> Snapshot:
        snap = self._snapshot
        if snap is None:
            self.warm_up()
            snap = self._snapshot
            assert snap is not None
        return snap

    def warm_up(self) -> None:
        """Load knowledge and index (building it if missing or stale) once."""
        with self._reload_lock:
            if self._snapshot is None:
                self._snapshot, _ = self._build_snapshot(version=1)

    def _build_snapshot(self, version: int) -> tuple[Snapshot, ReloadReport]:
        built = build_snapshot(self.knowledge_dir, self.data_dir, self.embedder,
                               version=version, memo=self._sources, progress=self.progress,
                               read_only=self.read_only, wait=self.index_wait,
                               lock=self.build_lock)
        snap = built.snapshot
        msg = (f"knowledge v{version}: {len(snap.kb.documents)} documents, "
               f"{len(snap.kb.clauses)} chunks, {len(snap.rules.rules)} rules; embedded "
               f"{built.embedded}, reused {built.reused} in {built.seconds:.1f}s")
        return snap, ReloadReport(True, msg, version, built.embedded, built.reused,
                                  built.seconds, fingerprint=snap.fingerprint)

    def reload(self) -> ReloadReport:
        """Rebuild from the knowledge folder and swap atomically; keep the old on failure."""
        with self._reload_lock:
            current = self._snapshot.version if self._snapshot else 0
            try:
                snap, report = self._build_snapshot(version=current + 1)
            except PolicyBotError as exc:
                return self._failed_reload(current, str(exc))
            except Exception as exc:  # a bad file must never take the bot down
                log.exception("reload failed")
                return self._failed_reload(current, f"{type(exc).__name__}: {exc}")
            old, self._snapshot = self._snapshot, snap
            with self._stats_lock:
                self._stats.reloads_ok += 1
            if old is None:
                return report
            added, changed, removed = document_changes(old.kb, snap.kb)
            return replace(report, added=added, changed=changed, removed=removed)

    def _failed_reload(self, version: int, message: str) -> ReloadReport:
        with self._stats_lock:
            self._stats.reloads_failed += 1
            self._stats.last_reload_error = message
        try:  # the same fingerprint a load computes, of the folder that failed to load
            folder = knowledge_fingerprint(self.knowledge_dir)
        except OSError:
            folder = ""
        return ReloadReport(False, message, version, fingerprint=folder)

    # -- questions -----------------------------------------------------------------
    def ask(self, question: str, top_k: int = 5, as_of: date | None = None,
            today: date | None = None, previous: Previous | None = None) -> Answer:
        """Answer one message, read against ``previous`` (the conversation's last
        answered question; None: on its own).

        ``as_of`` (explicit) beats a year stated in the question, which beats ``today``.
        """
        started = time.perf_counter()
        snap = self.snapshot  # one read: the whole answer comes from this snapshot
        raw = question if isinstance(question, str) else str(question)
        today = today or date.today()
        text = years_written_out(snap.normalized(sanitize_question(raw)), today)
        if previous is not None and snap.domain_terms.names_foreign(text.lower()):
            previous = None  # another bureau's subject said by itself: a question of its own
        u = understand(snap.kb, snap.rules, snap.talk, text, previous, today, snap.names)
        if u.frame.greeting:
            self._record(started, False, False)
            return Answer(question=raw, text=text, matched=False, as_of=as_of or today,
                          verdict="greeting", frame=u.frame)
        extraction = u.extraction
        when = as_of or (extraction.as_of if extraction and extraction.as_of else None) or today
        hits, matched = self._retrieve(snap, u, top_k, when)
        answer = self._answer(snap, raw, u, hits, matched, when)
        self._record(started, answer.matched, answer.estimate is not None)
        return answer

    def _retrieve(self, snap: Snapshot, u: Understood, top_k: int, when: date
                  ) -> tuple[list[Hit], bool]:
        """The hits and whether they answer (the gate, or independent evidence)."""
        text, extraction, intent = u.text, u.extraction, u.intent
        if not text:
            return [], False
        if u.named is not None:  # a named document: only its clauses are cited
            hits = [h for h in snap.retriever.search(text, top_k=MAX_TOP_K, on=when)
                    if normalize_doc_number(h.clause.doc_number) == u.named][:max(1, top_k)]
            return hits, bool(hits) or intent in DOCUMENT_INTENTS
        hits = snap.retriever.search(text, top_k=max(1, top_k), on=when)
        if snap.talk.found(u.frame.said or text, snap.talk.markers("tasks")):
            return hits, False  # 给我们孵化器写首藏头诗: a task of another kind, refused
        matched = bool(hits) and snap.retriever.is_match(hits)
        if not matched and hits and extraction is not None:
            # A short question ("买技术花了五百万能补多少", "买技术的奖励按几成算") may score
            # under the retrieval gate; the deterministic reader naming a rule (or a topic
            # of one) whose clause is also the best hit is independent evidence.
            matched = named_rule_cites(snap, extraction, hits[0],
                                       by_topic=intent not in ESTIMATE_INTENTS)
        terms = snap.domain_terms
        if matched and terms.names_foreign(text.lower()):
            return hits, False  # 孵化器员工的社保怎么交: what is asked is another bureau's
        if not matched and hits and extraction is not None and (
                (intent == OVERVIEW and extraction.facts) or u.frame.follow_up
                or snap.talk.external_for(text, intent)
                or ((snap.talk.kind(intent) is not None or u.frame.place)
                    and terms.names_subject(text.lower()))):
            # "我们是企业，有哪些政策可以申请？", a follow-up of an answered question, a
            # matter another rule governs, or a subject of the policies asked about in a
            # way they may not state (钱什么时候到账), asked of an S&T policy assistant:
            # about its policies unless it names another bureau's subject.
            matched = not terms.names_foreign(text.lower())
        return hits, matched

    def _answer(self, snap: Snapshot, raw: str, u: Understood, hits: list[Hit],
                matched: bool, when: date) -> Answer:
        extraction, intent = u.extraction, u.intent
        if not matched:
            return Answer(question=raw, text=u.text, matched=False, as_of=when,
                          extraction=extraction, intent=intent, frame=u.frame,
                          **scope_verdict(hits, u.text, snap.talk, snap.rules,
                                          snap.retriever.calibration,
                                          snap.domain_terms))
        estimate, rule_ids = self._estimate(snap, u, hits, when)
        if intent == AMOUNT:  # a clause of targets answers no amount
            hits = without_target_clauses(hits, snap.rules)
        shown = tuple(answer_hit(snap.kb, h, when) for h in hits)
        cited = estimate.items if estimate is not None else rules_citing(snap, shown, when)
        rule_ids = tuple(i.rule_id for i in cited)
        if extraction is not None and intent in ESTIMATE_INTENTS:
            # money a shown clause grants that no rule encodes: listed, never summed
            estimate = with_not_encoded(estimate, snap.kb, snap.rules,
                                        [h.clause for h in hits], when, snap.unencoded)
        document = None
        if u.named is not None:
            meta = snap.kb.document(u.named)
            document = meta.summary(when) if meta is not None else None
        offices: tuple[str, ...] = ()
        if shown:
            offices = tuple(responsible_offices(snap.kb, shown[0].doc_number,
                                                shown[0].clause_path))
        timing = clause_timing(shown[0].text) if shown and intent == DEADLINE else None
        overview = None
        if extraction is not None and extraction.facts and intent == OVERVIEW:
            overview = build_overview(snap.rules, extraction.facts, when, extraction.denied)
        answer = Answer(question=raw, text=u.text, matched=True, as_of=when, hits=shown,
                        extraction=extraction, rule_ids=rule_ids, estimate=estimate,
                        intent=intent, document=document,
                        offices=offices if intent in (OFFICE, MATERIALS, DEADLINE) else (),
                        timing=timing, overview=overview, frame=u.frame,
                        rule_citations={i.rule_id: (*i.citations, *i.repealed_citations)
                                        for i in cited})
        missing = unanswered_of(intent, u.text, [h.text for h in shown], snap.talk,
                                list(offices),
                                place_unread(u.frame.place, u.text, extraction, estimate),
                                document is not None,
                                bool(timing.stated) if timing is not None else None,
                                answer.materials_listed, u.frame.said,
                                tuple(w for w in snap.topic_words if w in u.text))
        texts = [h.text for h in shown]
        if missing is None and intent in FOCUSED and shown:
            missing = focus_answer(u, texts, snap, list(offices))
        asked_top = u.frame.said if not u.frame.follow_up else u.text  # 要是3000万呢 after 最多
        missing, top = (amount_answer(estimate, snap.rules, asked_top, texts, list(offices))
                        if missing is None and intent == AMOUNT else (missing, None))
        if missing is None and top is None and intent == AMOUNT and shown \
                and not case_computed(u, estimate, snap):
            missing = amount_focus_answer(u.frame.said, texts, snap, list(offices))
        if missing is not None and missing.asked == "other_city" and estimate is not None \
                and estimate.total_yuan \
                and asks_of_place(missing.place, u.text, snap.rules.vocabulary.home):
            return replace(answer, matched=False, verdict="refuse", unanswered=missing,
                           estimate=None, hits=())  # (烟台对…奖多少: not the city's)
        return replace(answer, unanswered=missing, ceiling=top)

    def _estimate(self, snap: Snapshot, u: Understood, hits: list[Hit], when: date
                  ) -> tuple[Estimate | None, tuple[str, ...]]:
        extraction = u.extraction
        if not hits or extraction is None or u.intent not in ESTIMATE_INTENTS:
            return None, ()
        candidates = candidate_rules_of(snap, extraction, hits, when)
        if not candidates:
            return None, ()
        estimate = estimated(snap.rules, u.text, u.today, when, u.frame, candidates, extraction)
        estimate = with_reading(only_this(what_the_change_adds(estimate, u.frame.superseded),
                                          u, snap), extraction.notes)
        return estimate, tuple(item.rule_id for item in estimate.items)

    def _record(self, started: float, matched: bool, estimated: bool) -> None:
        ms = (time.perf_counter() - started) * 1000
        with self._stats_lock:
            self._stats.questions += 1
            self._stats.matched += int(matched)
            self._stats.estimates += int(estimated)
            self._stats.timings_ms.append(ms)
            del self._stats.timings_ms[:-1000]

    # -- estimates and documents ---------------------------------------------------
    def estimate(self, facts: dict[str, Any], as_of: date | None = None,
                 rule_ids: list[str] | None = None) -> dict[str, Any]:
        snap, on = self.snapshot, as_of or date.today()
        # a profile's "years" (several years' flows): each year on its own law, summed
        est = estimate_profile(snap.rules, facts, on, date.today(), rule_ids) or evaluate(
            snap.rules, {k: v for k, v in facts.items() if k != "years"}, on, rule_ids=rule_ids)
        return est.to_json()

    def next_questions(self, facts: dict[str, Any], as_of: date | None = None,
                       rule_ids: list[str] | None = None) -> list[FactSpec]:
        return next_questions(self.snapshot.rules, flat_profile(facts), as_of or date.today(),
                              rule_ids=rule_ids)

    def states_facts(self, text: str) -> bool:
        """Whether ``text`` states a fact: typed while an interview question waits and no
        option, it changes the question rather than answers it (牵头的是山大威海)."""
        return self.snapshot.typed(text)[1]

    def facts_stated(self, text: str) -> dict[str, Any]:
        """The facts ``text`` states (我们是技术转移机构，合同额是256万), as estimates read them."""
        return self.snapshot.typed(text)[0]

    def is_greeting(self, text: str) -> bool:
        """Whether ``text`` is only greetings or thanks (the loaded vocabulary's)."""
        snap = self.snapshot
        return snap.talk.is_greeting(snap.normalized(text))

    def clause_text(self, doc_number: str, clause_path: str) -> str | None:
        return self.snapshot.kb.clause(doc_number, clause_path)

    def clause_offices(self, doc_number: str, clause_path: str) -> list[str]:
        """The 牵头/责任单位 of a clause: its own responsible note, else the nearest
        enclosing clause's (``二、（三）`` for ``二、（三）2.``), else the issuer."""
        return responsible_offices(self.snapshot.kb, doc_number, clause_path)

    def documents(self, as_of: date | None = None) -> list[dict[str, Any]]:
        on = as_of or date.today()
        return [meta.summary(on) for meta in self.snapshot.kb.documents]

    def stats(self) -> dict[str, Any]:
        snap = self._snapshot
        with self._stats_lock:
            timings = sorted(self._stats.timings_ms)
            p50 = timings[len(timings) // 2] if timings else 0.0
            p95 = timings[int(len(timings) * 0.95)] if timings else 0.0
            return {
                "version": snap.version if snap else 0,
                "documents": len(snap.kb.documents) if snap else 0,
                "clauses": len(snap.kb.clauses) if snap else 0,
                "rules": len(snap.rules.rules) if snap else 0,
                "questions": self._stats.questions,
                "matched": self._stats.matched,
                "estimates": self._stats.estimates,
                "reloads_ok": self._stats.reloads_ok,
                "reloads_failed": self._stats.reloads_failed,
                "last_reload_error": self._stats.last_reload_error,
                "latency_p50_ms": round(p50, 1),
                "latency_p95_ms": round(p95, 1),
            }
