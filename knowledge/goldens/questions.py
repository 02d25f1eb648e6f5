"""Canned questions (``knowledge/cases/questions.yaml``) and retrieval metrics over them.

The file is a YAML list; each entry names a question and the clauses that would be an
acceptable answer::

    - id: q001
      question: "对列入市级试点技术创新中心的企业有什么资金补助？"
      expect:
        - {doc_number: 威政办字〔2018〕107号, clause_contains: 市级试点技术创新中心}
      tags: [direct, 科技服务业]

    - id: q147
      question: "货物出口报关需要准备哪些材料？"
      expect: {matched: false}        # out of scope: the assistant must not answer
      tags: [out_of_scope]

:func:`load_questions` validates the file and raises :class:`KnowledgeError` with the
file and line of the offending entry.  :func:`score` is pure: it takes an ``answer_fn``
(question text → ``(matched, [(doc_number, clause_text), …])``) and computes recall@1,
recall@k, MRR and out-of-scope accuracy.

Scoring rules:

* An in-scope question's *rank* is the 1-based position of the first hit whose
  ``doc_number`` equals one of the expectations' and whose clause text contains that
  expectation's fragment; only the first ``k`` hits count.
* An in-scope question answered with ``matched == False`` is a miss (no rank), even if an
  acceptable clause is among the hits: the user was told nothing applies.
* An out-of-scope question is correct iff ``matched`` is False.
* Recall@1, recall@k and MRR are over in-scope questions only; a miss adds 0 to MRR.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from knowledge.errors import KnowledgeError
from knowledge.sources.documents import normalize_doc_number
from knowledge.yamlio import Y, load_yaml

MIN_FRAGMENT_CHARS = 2
MAX_FRAGMENT_CHARS = 30
ENTRY_KEYS = frozenset({"id", "question", "expect", "tags"})
EXPECT_KEYS = frozenset({"doc_number", "clause_contains"})
_ID_RE = re.compile(r"^[A-Za-z0-9_.-]+$")
NO_QUESTIONS = "文件中没有问题：请至少写一个（- id: …、question: …、expect: …）"

# Half-width punctuation the cleaner turns full-width; applied to both sides of a
# containment test so that a fragment and a clause rendered differently still compare.
_FULL_WIDTH = str.maketrans({
    ",": "，", ":": "：", ";": "；", "(": "（", ")": "）", "!": "！", "?": "？",
})
_SPACE_RE = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Whitespace removed, half-width punctuation made full-width (for containment)."""
    return _SPACE_RE.sub("", text).translate(_FULL_WIDTH)


@dataclass(frozen=True)
class Expectation:
    """One acceptable answer: a clause of ``doc_number`` whose text contains a fragment."""

    doc_number: str
    clause_contains: str

    def accepts(self, doc_number: str, clause_text: str) -> bool:
        return normalize_doc_number(doc_number) == normalize_doc_number(
            self.doc_number
        ) and normalize_text(self.clause_contains) in normalize_text(clause_text)


@dataclass(frozen=True)
class CannedQuestion:
    """One entry of ``questions.yaml``; ``expect`` is empty for out-of-scope questions."""

    id: str
    question: str
    expect: tuple[Expectation, ...]
    tags: tuple[str, ...] = ()
    file: str = ""
    line: int = 0

    @property
    def in_scope(self) -> bool:
        return bool(self.expect)

    def accepts(self, doc_number: str, clause_text: str) -> bool:
        """Whether a hit is one of the acceptable answers."""
        return any(e.accepts(doc_number, clause_text) for e in self.expect)


Hit = tuple[str, str]  # (doc_number, clause_text)
AnswerFn = Callable[[str], tuple[bool, Sequence[Hit]]]


@dataclass(frozen=True)
class Failure:
    """A question scored wrong, with what came back (for the report)."""

    question: CannedQuestion
    reason: str
    matched: bool
    hits: tuple[Hit, ...]
    rank: int | None = None  # rank of an acceptable hit when it was ignored (unmatched)


@dataclass(frozen=True)
class Metrics:
    """Retrieval quality over a canned set; ``recall_at_5`` is recall at ``k``."""

    recall_at_1: float
    recall_at_5: float
    mrr: float
    oos_correct: int
    oos_total: int
    failures: list[Failure] = field(default_factory=list)
    in_scope_total: int = 0
    in_scope_unmatched: int = 0  # in-scope questions answered matched=False
    k: int = 5
    ranks: dict[str, int | None] = field(default_factory=dict)  # in-scope id → rank

    @property
    def oos_accuracy(self) -> float:
        return self.oos_correct / self.oos_total if self.oos_total else 0.0


# -- loading ----------------------------------------------------------------------------


def _string(y: Y, file: str, what: str) -> str:
    if not isinstance(y.value, str) or not y.value.strip():
        raise KnowledgeError(f"{what}应为非空文字：请补上内容", file, y.line)
    return y.value.strip()


def _expectations(y: Y, file: str, qid: str) -> tuple[Expectation, ...]:
    if y.mapping is not None:
        if set(y.mapping) != {"matched"}:
            raise KnowledgeError(
                f"{qid}：expect 应是 {{doc_number, clause_contains}} 的列表，"
                "或写 {matched: false}（范围外问题）",
                file,
                y.line,
            )
        matched = y.mapping["matched"]
        if matched.value is not False:
            raise KnowledgeError(
                f"{qid}：expect 中的 matched 只能是 false；范围内的问题请列出期望的条款"
                "（doc_number 和 clause_contains）",
                file,
                matched.line,
            )
        return ()
    if not y.sequence:
        raise KnowledgeError(
            f"{qid}：expect 应是非空列表，或写 {{matched: false}}（范围外问题）", file, y.line
        )
    out: list[Expectation] = []
    for item in y.sequence:
        items = item.mapping
        if items is None:
            raise KnowledgeError(
                f"{qid}：expect 的每一项应写成 {{doc_number: …, clause_contains: …}}",
                file,
                item.line,
            )
        unknown = set(items) - EXPECT_KEYS
        if unknown:
            key = sorted(unknown)[0]
            raise KnowledgeError(
                f"{qid}：expect 中有未知的键“{key}”（可用：doc_number、clause_contains）",
                file, item.key_line(key)
            )
        missing = EXPECT_KEYS - set(items)
        if missing:
            raise KnowledgeError(
                f"{qid}：expect 的这一项缺少 {'、'.join(sorted(missing))}：请补上", file,
                item.line
            )
        doc_number = normalize_doc_number(
            _string(items["doc_number"], file, f"{qid}：doc_number")
        )
        fragment_y = items["clause_contains"]
        fragment = _string(fragment_y, file, f"{qid}：clause_contains")
        if not MIN_FRAGMENT_CHARS <= len(fragment) <= MAX_FRAGMENT_CHARS:
            raise KnowledgeError(
                f"{qid}：clause_contains 应是条款中的一小段原文（{MIN_FRAGMENT_CHARS}–"
                f"{MAX_FRAGMENT_CHARS} 个字），现为 {len(fragment)} 个字：请缩短或加长",
                file,
                fragment_y.line,
            )
        out.append(Expectation(doc_number, fragment))
    return tuple(out)


def _tags(y: Y, file: str, qid: str) -> tuple[str, ...]:
    value = y.plain()
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(t, str) and t for t in value):
        raise KnowledgeError(f"{qid}：tags 应是词语列表，例如 [direct, 孵化]", file, y.line)
    return tuple(value)


def _entry(y: Y, file: str, index: int) -> CannedQuestion:
    items = y.mapping
    if items is None:
        raise KnowledgeError(
            f"第 {index} 个问题应是含 id、question、expect 的映射（以“- id:”开头）", file,
            y.line
        )
    if "id" not in items:
        raise KnowledgeError(f"第 {index} 个问题缺少“id”：请补上（如 q316）", file, y.line)
    qid = _string(items["id"], file, f"第 {index} 个问题的 id")
    if not _ID_RE.match(qid):
        raise KnowledgeError(
            f"第 {index} 个问题的 id“{qid}”只能由字母、数字和 _ - . 组成",
            file,
            items["id"].line,
        )
    unknown = set(items) - ENTRY_KEYS
    if unknown:
        key = sorted(unknown)[0]
        raise KnowledgeError(f"{qid}：未知的键“{key}”（可用：{'、'.join(sorted(ENTRY_KEYS))}）",
                             file, y.key_line(key))
    for required in ("question", "expect"):
        if required not in items:
            raise KnowledgeError(f"{qid}：缺少“{required}”：请补上", file, y.line)
    question = _string(items["question"], file, f"{qid}：question")
    expect = _expectations(items["expect"], file, qid)
    tags = _tags(items["tags"], file, qid) if "tags" in items else ()
    return CannedQuestion(qid, question, expect, tags, file, y.line)


def load_questions(path: Path | str) -> list[CannedQuestion]:
    """Read and validate a canned-question file; KnowledgeError (file:line) if malformed."""
    path = Path(path)
    file = str(path)
    root = load_yaml(path, error=KnowledgeError)
    if root.value is None:
        raise KnowledgeError(NO_QUESTIONS, file, 1)
    if root.sequence is None:
        raise KnowledgeError(
            "文件应是问题列表（每个问题以“- id:”开头）",
            file,
            root.line,
        )
    questions: list[CannedQuestion] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(root.sequence, start=1):
        q = _entry(entry, file, index)
        if q.id in seen:
            raise KnowledgeError(f"id“{q.id}”已在第{seen[q.id]}行用过：请改用新的 id", file,
                                 q.line)
        seen[q.id] = q.line
        questions.append(q)
    if not questions:
        raise KnowledgeError(NO_QUESTIONS, file, 1)
    return questions


def unknown_fragments(
    questions: Iterable[CannedQuestion], clauses: Iterable[Hit]
) -> list[tuple[CannedQuestion, Expectation]]:
    """Expectations that no clause of the knowledge base satisfies (wrong doc or fragment).

    ``clauses`` is every (doc_number, full clause text) of the knowledge base.  Such an
    expectation can never be hit, so it is a fault of the file, not of retrieval.
    """
    by_doc: dict[str, list[str]] = {}
    for doc_number, text in clauses:
        by_doc.setdefault(normalize_doc_number(doc_number), []).append(normalize_text(text))
    bad: list[tuple[CannedQuestion, Expectation]] = []
    for q in questions:
        for e in q.expect:
            fragment = normalize_text(e.clause_contains)
            texts = by_doc.get(normalize_doc_number(e.doc_number), [])
            if not any(fragment in t for t in texts):
                bad.append((q, e))
    return bad


# -- scoring ----------------------------------------------------------------------------


def first_acceptable_rank(question: CannedQuestion, hits: Sequence[Hit], k: int) -> int | None:
    """1-based rank of the first acceptable hit among the first ``k``, else None."""
    for rank, (doc_number, text) in enumerate(hits[:k], start=1):
        if question.accepts(doc_number, text):
            return rank
    return None


def score(questions: Sequence[CannedQuestion], answer_fn: AnswerFn, k: int = 5) -> Metrics:
    """Ask every question through ``answer_fn`` and compute the metrics (see module doc)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    top1 = topk = 0
    reciprocal = 0.0
    in_total = unmatched_in = oos_correct = oos_total = 0
    failures: list[Failure] = []
    ranks: dict[str, int | None] = {}
    for q in questions:
        matched, raw_hits = answer_fn(q.question)
        hits = tuple((str(d), str(t)) for d, t in raw_hits)
        if not q.in_scope:
            oos_total += 1
            if not matched:
                oos_correct += 1
            else:
                failures.append(Failure(q, "answered an out-of-scope question", True, hits))
            continue
        in_total += 1
        rank = first_acceptable_rank(q, hits, k)
        if not matched:
            unmatched_in += 1
            ranks[q.id] = None
            reason = "unmatched" + (
                f" (an acceptable hit was at rank {rank})" if rank else " (no acceptable hit)"
            )
            failures.append(Failure(q, reason, False, hits, rank))
            continue
        ranks[q.id] = rank
        if rank is None:
            failures.append(Failure(q, f"no acceptable hit in top {k}", True, hits))
            continue
        reciprocal += 1.0 / rank
        topk += 1
        if rank == 1:
            top1 += 1

    def ratio(n: float) -> float:
        return n / in_total if in_total else 0.0

    return Metrics(
        recall_at_1=ratio(top1),
        recall_at_5=ratio(topk),
        mrr=ratio(reciprocal),
        oos_correct=oos_correct,
        oos_total=oos_total,
        failures=failures,
        in_scope_total=in_total,
        in_scope_unmatched=unmatched_in,
        k=k,
        ranks=ranks,
    )


def format_failures(metrics: Metrics, width: int = 60) -> str:
    """Human-readable list of failures with their top hits (for test output and reports)."""
    lines: list[str] = []
    for f in metrics.failures:
        q = f.question
        lines.append(f"{q.id} [{q.file}:{q.line}] {q.question}")
        lines.append(f"    {f.reason}")
        for e in q.expect:
            lines.append(f"    want {e.doc_number} ⊃ {e.clause_contains}")
        for i, (doc_number, text) in enumerate(f.hits, start=1):
            snippet = _SPACE_RE.sub(" ", text)[:width]
            lines.append(f"    {i}. {doc_number} {snippet}")
    return "\n".join(lines)


def metrics_dict(metrics: Metrics) -> dict[str, Any]:
    """Plain figures of a Metrics (JSON-ready)."""
    return {
        "recall_at_1": metrics.recall_at_1,
        f"recall_at_{metrics.k}": metrics.recall_at_5,
        "mrr": metrics.mrr,
        "oos_correct": metrics.oos_correct,
        "oos_total": metrics.oos_total,
        "oos_accuracy": metrics.oos_accuracy,
        "in_scope_total": metrics.in_scope_total,
        "in_scope_unmatched": metrics.in_scope_unmatched,
        "failures": [f.question.id for f in metrics.failures],
    }
