"""What a phone screen shows of an answer: the bottom line first, excerpts, relevant hits.

Pure functions over the typed hits of an :class:`index.answering.answer.Answer` and over an
estimate's JSON (``Estimate.to_json()``, also what ``Engine.estimate`` returns); the
templates (``tg_summary.j2``) only lay them out.

* :func:`relevant_hits` keeps the hits worth reading: at most :data:`MAX_HITS`, none
  scoring below :data:`RELATIVE_CUTOFF` × the best score.  Retrieval scores are cosine
  similarities; on the real knowledge the one clause that answers a question typically
  scores 0.7–0.9 and the next unrelated ones 0.25–0.3, while two clauses that both answer
  it stay within a few hundredths of each other — 0.6 × best separates the two cases.
* :func:`excerpt` centres a quote on the sentence sharing most with the question and cuts
  only at sentence or clause ends (。；！？), so no number or amount is ever cut.
* :func:`summarize` sorts an estimate into what can be applied for (with the office and
  the computation), what expired or is not yet in force (never headlined as eligible),
  the questions that would settle the undecided items, and one folded line for the rest.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol, TypeVar

from index.answering.applying import clause_applying
from knowledge.sources.base import KnowledgeBase

MAX_HITS = 3
RELATIVE_CUTOFF = 0.6
EXCERPT_CHARS = 150
FOLD_REASONS = 3  # distinct reasons named in the folded line

_SENTENCE = re.compile(r"[^。；！？!?;]*[。；！？!?;]?")
_WORD = re.compile(r"[A-Za-z0-9.%]+")
_TIME_HINT = re.compile(
    r"(申报时间|截止|[0-9一二三四五六七八九十]+月(底|前|[0-9一二三四五六七八九十]+日)?)")


class Scored(Protocol):
    @property
    def score(self) -> float: ...


S = TypeVar("S", bound=Scored)
# ``office(doc_number, clause_path, declared office, declared window)``: see summarize()
Office = Callable[[str, str, str, str], dict[str, Any]]


def relevant_hits(hits: Sequence[S], cutoff: float = RELATIVE_CUTOFF,
                  limit: int = MAX_HITS) -> list[S]:
    """Hits (best first) scoring at least ``cutoff`` × the best one; at most ``limit``."""
    if not hits:
        return []
    best = max(float(h.score or 0.0) for h in hits)
    if best <= 0:
        return list(hits[:limit])
    return [h for h in hits if float(h.score or 0.0) >= cutoff * best][:limit]


def sentences(text: str) -> list[str]:
    """``text`` cut after each 。；！？ (the marks stay with their sentence)."""
    return [s for s in _SENTENCE.findall(text) if s.strip()]


def _grams(text: str) -> set[str]:
    """Characters, character pairs and Latin/number words: what two texts can share."""
    chars = [c for c in text if not c.isspace() and c not in "，。；！？、：“”（）《》,.;:!?()"]
    grams = set(chars) | {a + b for a, b in itertools.pairwise(chars)}
    return grams | set(_WORD.findall(text))


def best_sentence(parts: Sequence[str], question: str) -> int:
    """Index of the sentence sharing most with the question (pairs count double)."""
    wanted = _grams(question)

    def score(i: int) -> tuple[int, int]:
        shared = _grams(parts[i]) & wanted
        return sum(2 if len(g) > 1 else 1 for g in shared), -i

    return max(range(len(parts)), key=score) if parts else 0


def excerpt(text: str, question: str, limit: int = EXCERPT_CHARS) -> str:
    """The matched sentence with as many neighbours as fit in ``limit`` characters.

    Cut only between sentences; "…" marks a cut.  A matched sentence longer than
    ``limit`` is kept whole rather than cut inside.
    """
    text = text.strip()
    if len(text) <= limit:
        return text
    parts = sentences(text)
    centre = best_sentence(parts, question)
    lo = hi = centre
    size = len(parts[centre])
    while True:
        grown = False
        if hi + 1 < len(parts) and size + len(parts[hi + 1]) <= limit:
            hi += 1
            size += len(parts[hi])
            grown = True
        if lo > 0 and size + len(parts[lo - 1]) <= limit:
            lo -= 1
            size += len(parts[lo])
            grown = True
        if not grown:
            break
    body = "".join(parts[lo : hi + 1]).strip()
    return ("…" if lo > 0 else "") + body + ("…" if hi < len(parts) - 1 else "")


# -- estimates ---------------------------------------------------------------------------
def _state(item: dict[str, Any], as_of: str) -> str:
    """``in_force``, ``expired`` or ``not_yet`` for the item's source document."""
    validity = item.get("validity")
    if validity in ("expired", "repealed", "superseded", "replaced"):
        return "expired"
    if validity == "not_yet":
        return "not_yet"
    if item.get("in_force", True):
        return "in_force"
    until = item.get("effective_until")
    return "expired" if until and until < as_of else "not_yet"


def _reason(item: dict[str, Any]) -> str:
    if item.get("outcome") == "not_encoded":
        return "金额须人工核定"
    failed = item.get("failed") or []
    if not failed:
        return "条件不符"
    first = str(failed[0])
    head = first.split("须")[0].split("：")[0].strip()
    if not head and first.startswith("须“"):
        return "所需认定不符"
    if not head or len(head) > 8:
        return "条件不符"
    return "主体类型不符" if head == "申报主体" else f"{head}不符"


@dataclass(frozen=True)
class Summary:
    """An estimate sorted for a phone; its entries are the estimate's items (JSON), each
    with what the reply adds (``state``, ``offices``, ``apply``…)."""

    as_of: str
    total_yuan: int = 0
    eligible: list[dict[str, Any]] = field(default_factory=list)  # in force, can apply
    undetermined: int = 0  # eligible items without a certain amount
    lapsed: list[dict[str, Any]] = field(default_factory=list)  # eligible, not in force
    open: list[dict[str, Any]] = field(default_factory=list)  # need information
    questions: list[dict[str, Any]] = field(default_factory=list)  # question, items
    rest: list[dict[str, Any]] = field(default_factory=list)  # label, reason, detail
    not_encoded: list[dict[str, Any]] = field(default_factory=list)
    demoted: list[dict[str, Any]] = field(default_factory=list)
    rest_reasons: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def summarize(estimate: dict[str, Any], office: Office | None = None) -> Summary:
    """The estimate sorted for a phone: bottom line, eligible, expired, questions, rest.

    ``office(doc_number, clause_path)`` gives ``{"offices": [...], "time": bool, "issuer":
    bool}`` for a cited clause: the 牵头/责任单位 (or, when no clause names one, the
    issuer: ``issuer`` is then true) and whether the text names an application time.
    """
    as_of = str(estimate.get("as_of", ""))
    eligible: list[dict[str, Any]] = []
    lapsed: list[dict[str, Any]] = []
    open_items: list[dict[str, Any]] = []
    rest: list[dict[str, Any]] = []
    not_encoded: list[dict[str, Any]] = []  # a clause's award no rule encodes yet
    demoted: list[dict[str, Any]] = []  # older figures a newer clause contradicts
    for item in estimate.get("items", []):
        outcome = item.get("outcome")
        state = _state(item, as_of)
        if outcome == "not_encoded":
            not_encoded.append(item)
        elif item.get("demoted_by"):  # a newer clause states another figure: not summed
            demoted.append(item)
        elif outcome in ("eligible", "case_by_case"):
            entry = dict(item, state=state)
            cite = (item.get("citations") or [{}])[0]
            info = office(cite["doc_number"], cite["clause_path"], str(item.get("office", "")),
                          str(item.get("window", ""))) if office and cite else {}
            entry["offices"] = list(info.get("offices") or [])
            entry["time_stated"] = bool(info.get("time"))
            entry["issuer_office"] = bool(info.get("issuer"))
            entry["apply"] = dict(info.get("apply") or {})
            (eligible if state == "in_force" else lapsed).append(entry)
        elif outcome == "need_info" and state == "in_force":
            cite = (item.get("citations") or [{}])[0]
            info = office(cite["doc_number"], cite["clause_path"], str(item.get("office", "")),
                          str(item.get("window", ""))) if office and cite else {}
            open_items.append(dict(item, offices=list(info.get("offices") or []),
                                   time_stated=bool(info.get("time")),
                                   issuer_office=bool(info.get("issuer")),
                                   apply=dict(info.get("apply") or {})))
        else:
            reason = _reason(item) if state == "in_force" else (
                "文件已失效" if state == "expired" else "文件尚未施行")
            detail = str((item.get("failed") or [reason])[0])
            rest.append({"label": item.get("label", ""), "reason": reason, "detail": detail})
    questions_of = {m["fact"]: m["question"] for m in estimate.get("missing", [])}
    asked: Counter[str] = Counter()
    for item in open_items:
        asked.update(f for f in item.get("missing", []) if f in questions_of)
    questions = [{"question": questions_of[f], "items": n} for f, n in asked.most_common()]
    if not questions and open_items:  # the estimate's own order when items name no fact
        questions = [{"question": m["question"], "items": 0} for m in estimate.get("missing", [])]
    reasons = Counter(r["reason"] for r in rest)
    undetermined = [e for e in eligible if e.get("amount_yuan") is None]
    return Summary(
        as_of=as_of,
        total_yuan=int(estimate.get("total_yuan") or 0),
        eligible=eligible,
        undetermined=len(undetermined),
        lapsed=lapsed,
        open=open_items,
        questions=questions,
        rest=rest,
        not_encoded=not_encoded,
        demoted=demoted,
        rest_reasons=[r for r, _ in reasons.most_common(FOLD_REASONS)],
        warnings=[w for w in estimate.get("warnings", [])
                  if "主管部门审核" not in w  # the footer says so
                  and not any(w in d.get("warnings", []) for d in demoted)
                  and not any(w.startswith(f"{c['doc_number']}已于")
                              for e in lapsed for c in e.get("citations", []))],
    )


def time_stated(text: str | None) -> bool:
    """Whether a clause names when to apply (a month, a deadline)."""
    return bool(text and _TIME_HINT.search(text))


class Loaded(Protocol):
    @property
    def kb(self) -> KnowledgeBase: ...


class OfficeSource(Protocol):
    """What :func:`office_lookup` reads of the engine (:class:`index.answering.engine.Engine`)."""

    @property
    def snapshot(self) -> Loaded: ...
    def clause_offices(self, doc_number: str, clause_path: str) -> list[str]: ...
    def clause_text(self, doc_number: str, clause_path: str) -> str | None: ...
    def documents(self, as_of: date | None = None) -> list[dict[str, Any]]: ...


def office_lookup(engine: OfficeSource) -> Office:
    """``office(doc_number, clause_path, declared, window)`` for :func:`summarize` from an
    engine: the 牵头/责任单位 of the cited clause (else the issuer) and how to apply."""
    issuers: dict[str, str] = {}
    kb = engine.snapshot.kb

    def office(doc_number: str, clause_path: str, declared: str = "",
               window: str = "") -> dict[str, Any]:
        offices = list(engine.clause_offices(doc_number, clause_path))
        text = engine.clause_text(doc_number, clause_path)
        if not issuers:
            issuers.update({str(d.get("doc_number")): str(d.get("issuer") or "")
                            for d in engine.documents()})
        # the engine falls back to the issuer when no clause names 牵头/责任单位
        issuer = bool(offices) and offices == [issuers.get(doc_number)]
        apply = clause_applying(kb, doc_number, clause_path, declared, window)
        return {"offices": offices, "time": time_stated(text), "issuer": issuer,
                "apply": apply}

    return office


def estimate_view(engine: OfficeSource, estimate: dict[str, Any]) -> Summary:
    """:func:`summarize` with the engine's offices."""
    return summarize(estimate, office_lookup(engine))
