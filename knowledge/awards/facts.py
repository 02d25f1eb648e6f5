"""Facts about an applicant: the registry the rules, the calculator and the interview share.

Every fact a rule may use is declared in the knowledge folder's vocabulary
(``knowledge/vocabulary/facts.yaml``, read by :mod:`knowledge.awards.vocabulary`) with its
kind, a plain Chinese question and, for choices, the allowed values with Chinese labels;
:class:`FactSpec` (in :mod:`knowledge.awards.fact_spec`) parses a typed answer.
``FACTS``, ``FACT_ORDER`` and ``TOPICS`` here are the package's default vocabulary, for
call sites without a rule set (a rule set carries its folder's ``ruleset.vocabulary``);
:func:`normalize_facts` validates a whole mapping before the calculator uses it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from knowledge.awards.fact_spec import KINDS, MAX_COUNT, MAX_MONEY_YUAN, FactSpec
from knowledge.awards.vocabulary import default_vocabulary
from knowledge.errors import FactError
from knowledge.money import parse_count, parse_money

__all__ = [
    "FACTS", "FACT_ORDER", "KINDS", "MAX_COUNT", "MAX_MONEY_YUAN", "TOPICS", "FactSpec",
    "normalize_fact", "normalize_facts", "parse_count", "parse_money",
]

if TYPE_CHECKING:  # the default vocabulary, loaded on first use (see __getattr__)
    FACTS: Mapping[str, FactSpec]
    FACT_ORDER: Mapping[str, int]
    TOPICS: Mapping[str, tuple[str, ...]]
    APPLICANT_TYPES: tuple[tuple[str, str], ...]


def __getattr__(name: str) -> object:
    """``FACTS``, ``FACT_ORDER``, ``TOPICS``, ``APPLICANT_TYPES`` of the default vocabulary."""
    if name in ("FACTS", "FACT_ORDER", "TOPICS", "APPLICANT_TYPES"):
        vocabulary = default_vocabulary()
        return {"FACTS": vocabulary.facts, "FACT_ORDER": vocabulary.fact_order,
                "TOPICS": vocabulary.topics,
                "APPLICANT_TYPES": vocabulary.facts["applicant_types"].choices}[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _default_facts() -> Mapping[str, FactSpec]:
    return default_vocabulary().facts


def normalize_fact(name: str, value: object,
                   specs: Mapping[str, FactSpec] | None = None) -> object:
    """One fact checked and normalised; FactError for an unknown name or a bad value.

    ``specs`` are the facts of a vocabulary (``ruleset.vocabulary.facts``); default: the
    package's own.
    """
    spec = (_default_facts() if specs is None else specs).get(name)
    if spec is None:
        raise FactError(name, "未知的事实项。")
    return spec.validate(value)


def normalize_facts(facts: Mapping[str, object],
                    specs: Mapping[str, FactSpec] | None = None) -> dict[str, object]:
    """All facts checked; ``None`` values are dropped (unknown, never zero)."""
    return {name: normalize_fact(name, value, specs) for name, value in sorted(facts.items())
            if value is not None}
