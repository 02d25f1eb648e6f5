"""The award sentences no rule encodes, read once per knowledge load.

Which money sentences of a clause no rule's quote (nor a ``not_awards`` entry) covers
(:func:`knowledge.awards.coverage.find_uncovered`) and what each grants (the granted part,
its figure, the clause heading as label) depend on the knowledge alone, never on a
question: :meth:`Unencoded.of` reads them for every clause when a snapshot is built
(:mod:`index.answering.snapshot`), and :mod:`index.answering.honesty` only looks them up
for the clauses an answer shows.

Which rules grant the same award as such a sentence (:func:`same_award`, for the newer
figure that demotes an older one) needs the titles the sentence names, read as a question
would be: about 2 ms a sentence, 3 s at 200 documents, which would double a reload at
1000.  :meth:`Unencoded.same_award` therefore reads a sentence's the first time an answer
shows it and keeps it for the rest of the load: still once per load, never per question.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from knowledge.awards.coverage import find_uncovered
from knowledge.awards.rules import Rule, RuleSet, match_text
from knowledge.awards.terms import award_terms
from knowledge.awards.vocabulary import Vocabulary
from knowledge.model import Clause
from knowledge.money import scan_money
from knowledge.reading.extraction import extract_facts
from knowledge.sources.base import KnowledgeBase
from knowledge.sources.documents import normalize_doc_number
from knowledge.sources.parsing import normalize_path

__all__ = ["AWARD_WORDS", "AwardSentence", "SameAward", "Unencoded", "granted_part",
           "heading_of", "named_titles", "same_award"]

AWARD_WORDS = re.compile(r"给予|奖励|补助|资助|补贴")
_NOTICE = re.compile(r"不再执行|停止执行|废止")
_YUAN = re.compile(r"元$")
# Two award names are the same subject when their character pairs overlap this much
# (Dice coefficient); used only for rules that name no title to compare.
SAME_NAME = 0.5
_TITLE_OPS = ("has", "has_any", "eq", "in")
_PUNCT = re.compile(r"[\s，。；：、“”（）()《》,.;:]")

ClauseKey = tuple[str, str]  # normalised (文号, clause path)


@dataclass(frozen=True)
class AwardSentence:
    """An award sentence of one clause that no rule encodes, as an answer lists it."""

    doc_number: str
    clause_path: str
    sentence: str  # the granted part, without a heading line run into it
    label: str  # the clause heading, else "文号 条款"
    figure: str  # the award's own terms (rate, base, cap …), else its money figures


@dataclass(frozen=True)
class SameAward:
    """The rules granting the award of an :class:`AwardSentence`, and its figures."""

    figures: frozenset[int]  # every money figure of the sentence (yuan)
    # the parts of the sentence naming a title and a figure: their figures, and the ids
    # of the rules granting the award that part names
    parts: tuple[tuple[frozenset[int], frozenset[str]], ...]
    rules: frozenset[str]  # ids of the rules granting the award the whole sentence names


@dataclass(frozen=True, eq=False)
class Unencoded:
    """The :class:`AwardSentence` of every clause, by normalised (文号, clause path)."""

    by_clause: Mapping[ClauseKey, tuple[AwardSentence, ...]]
    rules: RuleSet
    _same: dict[AwardSentence, SameAward] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def of(cls, kb: KnowledgeBase, rules: RuleSet,
           clauses: Sequence[Clause] | None = None) -> Unencoded:
        """The award sentences of ``clauses`` (every chunk of a clause; default: the whole
        knowledge base) that ``rules`` do not encode."""
        chunks = kb.clauses if clauses is None else clauses
        grouped: dict[ClauseKey, list[Clause]] = {}
        for clause in chunks:
            grouped.setdefault(clause_key(clause.doc_number, clause.path), []).append(clause)
        out: dict[ClauseKey, list[AwardSentence]] = {}
        for found in find_uncovered(chunks, rules):
            sentence, figures = granted_part(found.sentence, found.figures)
            if not sentence or not AWARD_WORDS.search(sentence):
                continue  # a replacement notice ("…的规定不再执行"), not a grant
            key = clause_key(found.doc_number, found.clause_path)
            heading = heading_of(grouped.get(key, []), found.doc_number, found.clause_path)
            money = [f for f in figures if _YUAN.search(f)] or list(figures)
            # the award's own terms (rate, base, cap, threshold or amount), not every figure
            figure = award_terms(sentence).text() or "、".join(dict.fromkeys(money))
            if heading and sentence.startswith(match_text(heading)) and sentence != heading:
                sentence = sentence[len(match_text(heading)):]  # the heading ran into it
            label = heading or f"{found.doc_number} {found.clause_path}"
            out.setdefault(key, []).append(AwardSentence(
                found.doc_number, found.clause_path, sentence, label, figure))
        return cls({key: tuple(found) for key, found in out.items()}, rules)

    def sentences(self, clauses: Iterable[Clause]) -> Iterator[AwardSentence]:
        """The award sentences of ``clauses``, clause by clause in their order."""
        seen: set[ClauseKey] = set()
        for clause in clauses:
            key = clause_key(clause.doc_number, clause.path)
            if key not in seen:
                seen.add(key)
                yield from self.by_clause.get(key, ())

    def same_award(self, found: AwardSentence) -> SameAward:
        """The rules granting the award ``found`` names (read once per load)."""
        with self._lock:
            known = self._same.get(found)
        if known is None:  # two threads may both read it: the same value, kept once
            known = _same_award(found, self.rules)
            with self._lock:
                known = self._same.setdefault(found, known)
        return known


def clause_key(doc_number: str, path: str) -> ClauseKey:
    """A clause as rule validation and coverage read it."""
    return normalize_doc_number(doc_number), normalize_path(path)


def _same_award(found: AwardSentence, rules: RuleSet) -> SameAward:
    # the titles a sentence names do not depend on the day it is read on
    on = date.today()
    named = named_titles(f"{found.label}。{found.sentence}", rules.vocabulary, on)
    parts = tuple(
        (frozenset(figs), _same_award_ids(found.label, part, titles, rules.rules))
        for part, titles, figs in _title_parts(found.sentence, rules.vocabulary, on))
    return SameAward(frozenset(m.yuan for m in scan_money(found.sentence) if not m.problem),
                     parts, _same_award_ids(found.label, found.sentence, named, rules.rules))


def _same_award_ids(heading: str, sentence: str, named: dict[str, set[str]],
                    rules: Iterable[Rule]) -> frozenset[str]:
    return frozenset(r.id for r in rules if same_award(heading, sentence, named, r))


def granted_part(sentence: str, figures: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The parts of ``sentence`` that grant, and their figures: a part saying an older
    provision 不再执行/停止执行/废止 is a replacement notice, never a grant ("" if all is)."""
    parts = re.split(r"(?<=[；;])", sentence)
    if not any(_NOTICE.search(p) for p in parts):
        return sentence, figures
    kept = [p for p in parts if not _NOTICE.search(p)]
    text = "".join(kept).rstrip("；;")
    return text, tuple(f for f in figures if f in text)


def heading_of(clauses: Iterable[Clause], doc_number: str, path: str) -> str:
    """The innermost heading of the clause ``doc_number`` ``path`` among ``clauses``."""
    for clause in clauses:
        if clause.doc_number == doc_number and clause.path == path:
            return next((h for h in reversed(clause.headings) if h), "")
    return ""


def _title_parts(sentence: str, vocabulary: Vocabulary, on: date
                 ) -> list[tuple[str, dict[str, set[str]], set[int]]]:
    """The parts of ``sentence`` (between commas and semicolons) that name a title and a
    figure: (part, titles named, figures)."""
    out: list[tuple[str, dict[str, set[str]], set[int]]] = []
    for part in re.split(r"[，,；;]", sentence):
        figures = {m.yuan for m in scan_money(part) if not m.problem}
        titles = named_titles(part, vocabulary, on) if figures else {}
        if titles:
            out.append((part, titles, figures))
    return out


def same_award(heading: str, sentence: str, named: dict[str, set[str]], rule: Rule) -> bool:
    """Whether a clause (its heading and award sentence) grants the award ``rule`` encodes.

    A rule that requires titles (choice conditions other than the applicant type) is the
    same award when the clause names, in the vocabulary's own words, a value of every one
    of them (``named``: fact → values read from the clause).  A rule requiring no title is
    the same award when its label and the clause heading share most character pairs.
    """
    titles = [(c.fact, _values(c.value)) for c in rule.conditions
              if c.op in _TITLE_OPS and c.fact != "applicant_types"
              and rule.vocabulary.facts.get(c.fact) is not None
              and rule.vocabulary.facts[c.fact].kind in ("choice", "multi")]
    if titles:
        return all(named.get(fact, set()) & values for fact, values in titles)
    return _dice(heading or sentence, rule.label) >= SAME_NAME


def _values(value: object) -> set[str]:
    if isinstance(value, list | tuple | set | frozenset):
        return {str(v) for v in value}
    return {str(value)}


def named_titles(text: str, vocabulary: Vocabulary, on: date) -> dict[str, set[str]]:
    """Choice values (other than the applicant type) ``text`` names, read like a question."""
    out: dict[str, set[str]] = {}
    for name, value in extract_facts(text, on, vocabulary=vocabulary).facts.items():
        spec = vocabulary.facts.get(name)
        if name != "applicant_types" and spec is not None and spec.kind in ("choice", "multi"):
            out[name] = _values(value)
    return out


def _dice(a: str, b: str) -> float:
    pairs_a, pairs_b = _pairs(a), _pairs(b)
    if not pairs_a or not pairs_b:
        return 0.0
    return 2 * len(pairs_a & pairs_b) / (len(pairs_a) + len(pairs_b))


def _pairs(text: str) -> set[str]:
    chars = _PUNCT.sub("", match_text(text))
    return {chars[i:i + 2] for i in range(len(chars) - 1)}
