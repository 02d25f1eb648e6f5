"""A question read into facts, date, topics and candidate rules (deterministic).

:mod:`knowledge.reading.question` finds the raw mentions; this module validates them
against the fact registry and names the rules the question is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from knowledge.awards.calculator import candidate_rules
from knowledge.awards.facts import normalize_fact
from knowledge.awards.rules import RuleSet
from knowledge.awards.vocabulary import Vocabulary, default_vocabulary
from knowledge.errors import FactError
from knowledge.reading import question as extract


@dataclass(frozen=True)
class Extraction:
    """What a question says, read deterministically (see :mod:`knowledge.reading.question`).

    ``facts`` are normalised values; ``topics`` are keys of the vocabulary's topics;
    ``candidate_rules`` are the ids of the rules the question is about (only when a rule
    set was given to :func:`extract_facts`); ``notes`` say what was read and how;
    ``excluded`` are the choices the question says are not held (fact → values: 还没认定
    高新技术企业, 不是市级的), so that an ineligible item can say why.
    """

    facts: dict[str, object]
    as_of: date | None
    is_amount_question: bool
    topics: frozenset[str] = frozenset()
    candidate_rules: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    excluded: dict[str, frozenset[str]] = field(default_factory=dict)


def extract_facts(question: str, today: date, ruleset: RuleSet | None = None,
                  vocabulary: Vocabulary | None = None) -> Extraction:
    """Facts, date, topics and (given a rule set) candidate rules of a question.

    The facts and topics are those of ``vocabulary``, else of the rule set's, else the
    package's default vocabulary.
    """
    vocab = vocabulary or (ruleset.vocabulary if ruleset is not None else default_vocabulary())
    specs = vocab.facts
    raw = extract.read_question(
        question, today, vocab.topics, vocab.choice_phrases(),
        single_choice={n for n, s in specs.items() if s.kind == "choice"},
        money_phrases={n: p for n, p in vocab.fact_phrases().items()
                       if specs[n].kind == "money"},
        implied={n: s.implied_by for n, s in specs.items() if s.implied_by},
        labels={n: dict(s.choices) for n, s in specs.items() if s.choices})
    facts: dict[str, object] = {}
    notes = list(raw.notes)
    for name, value in raw.facts.items():
        if name not in specs:  # a fact this knowledge folder's vocabulary does not declare
            continue
        try:
            facts[name] = normalize_fact(name, value, specs)
        except FactError as exc:  # an absurd number in the question: say so, do not use it
            notes.append(f"{specs[name].label}：{exc.message}")
    candidates: tuple[str, ...] = ()
    if ruleset is not None:
        candidates = tuple(candidate_rules(ruleset, facts, raw.topics))
    excluded = {name: frozenset(values) for name, values in raw.excluded.items()
                if name in specs}
    return Extraction(facts, raw.as_of, raw.is_amount_question, frozenset(raw.topics),
                      candidates, tuple(notes), excluded)
