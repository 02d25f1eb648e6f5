"""Award rules: the schema of ``knowledge/rules/*.yaml``, loading and validation.

One YAML file per policy document (see ``knowledge/rules/README.md`` for staff)::

    document:                          # the document the rules come from, with its validity
      doc_number: 威政办字〔2018〕107号
      authority: 市政府                # 省政府 | 省直部门 | 市政府 | 市直部门 (precedence)
      issued: 2018-11-27
      effective_from: 2018-11-27
      effective_until: null            # null: no end date
    rules:
      - id: d107_tech_centre_city_enterprise
        label: 市级试点技术创新中心（企业牵头）
        kind: fixed                    # fixed | up_to | at_least | percentage | per_unit |
                                       # matching | cost_sharing | case_by_case
        amount_yuan: 2000000           # integer yuan, never 200万 or 2e6
        applicant_types: [enterprise]  # or: any
        conditions:
          - {fact: platform_titles, has: tech_centre_city_pilot}
        same_award: tech_centre_city_enterprise   # the same award in another document
        topics: [tech_centre]
        citations:
          - clause_path: 二、（四）1.
            quote: 企业牵头组建的给予200万元资金补助
    not_awards:                        # money sentences that are not awards (targets …)
      - {clause_path: 一、（三）, quote: 年均增长10%以上, reason: 发展目标}

Validation (a :class:`RuleError` names file and line): unknown keys, missing or mistyped
fields, an unknown fact or choice value, a duplicated id, a quote not found in its
clause's cleaned text, a figure of the rule (amount, cap, rate, share, money threshold)
that none of its quotes states, and ``same_award`` members that disagree on who may apply
or on the conditions.  A file is applied whole or not at all; :func:`load_rules` raises
on the first problem (and says how many more there are), :func:`check_rules` lists all.

Overlap and conflict policy (``same_award``): rules of different documents that grant the
same award share a ``same_award`` key.  When their figures agree it is an *overlap*: one
item, counted once, citing every document.  When the figures differ it is a *conflict*:
never summed; the estimate uses the figure of the rule that prevails and cites the others
with the reason.  Precedence, in order: (1) a document in force on the as-of date over one
that is not; (2) the higher issuing authority (省政府 > 省直部门 > 市政府 > 市直部门; a
government office's document counts as the government's); (3) the later effective date
(newer over older); (4) the lower figure (conservative); (5) rule id.  A member of kind
``case_by_case`` only adds its citation to the figured members.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from knowledge.awards.fact_spec import FactSpec
from knowledge.awards.vocabulary import Vocabulary, default_vocabulary
from knowledge.model import DocumentMeta

ClauseText = Callable[[str, str], "str | None"]

KINDS = ("fixed", "up_to", "at_least", "percentage", "per_unit", "matching", "cost_sharing",
         "case_by_case")
AUTHORITY_RANK = {"省政府": 4, "省直部门": 3, "市政府": 2, "市直部门": 1}
_SPACES = re.compile(r"\s+")
CONDITION_OPS = ("has", "has_any", "eq", "in", "is", "gte", "gt", "lte", "lt")


@dataclass(frozen=True)
class Citation:
    doc_number: str
    clause_path: str
    quote: str
    file: str = ""
    line: int = 0

    def to_json(self) -> dict[str, str]:
        return {"doc_number": self.doc_number, "clause_path": self.clause_path,
                "quote": self.quote}


@dataclass(frozen=True)
class Condition:
    """``fact`` compared with ``value`` by ``op``; ``text`` overrides the Chinese wording."""

    fact: str
    op: str
    value: Any
    text: str = ""
    line: int = 0

    def key(self) -> tuple[str, str, str]:
        value = sorted(self.value) if isinstance(self.value, list | tuple) else self.value
        return (self.fact, self.op, repr(value))


@dataclass(frozen=True)
class Share:
    level: str  # 省级 / 市级 / 县级 …
    percent: Decimal


@dataclass(frozen=True)
class ShareException:
    condition: Condition
    shares: tuple[Share, ...]
    note: str = ""


@dataclass(frozen=True)
class RuleDocument:
    """The document a rule file is about: its validity and precedence."""

    meta: DocumentMeta
    authority: str
    file: str = ""
    line: int = 0
    # awards of older documents this document stops from its start, without a rule of its
    # own replacing them (knowledge.awards.replacement): rule ids or "文号#条款"
    replaces: tuple[str, ...] = ()

    @property
    def doc_number(self) -> str:
        return self.meta.doc_number

    @property
    def rank(self) -> int:
        return AUTHORITY_RANK[self.authority]

    def in_force(self, on: date) -> bool:
        return self.meta.in_force(on)

    @property
    def start(self) -> date:
        return self.meta.effective_from or self.meta.issued


@dataclass(frozen=True)
class Rule:
    """One quantifiable (or case-by-case) award of one document."""

    id: str
    label: str
    kind: str
    document: RuleDocument
    citations: tuple[Citation, ...]
    applicant_types: tuple[str, ...] = ()  # empty: any applicant
    conditions: tuple[Condition, ...] = ()
    amount_yuan: int | None = None
    max_yuan: int | None = None
    min_yuan: int | None = None
    max_fact: str | None = None
    rate_percent: Decimal | None = None
    base_fact: str | None = None
    cap_yuan: int | None = None
    cap_text: str = ""  # 每年 / 每家每年 / 单个企业 … used in explanations
    unit_yuan: int | None = None
    count_fact: str | None = None
    ratio: str | None = None  # "1:1"
    shares: tuple[Share, ...] = ()
    share_exceptions: tuple[ShareException, ...] = ()
    share_fact: str | None = None
    # cost_sharing: the subsidy the enterprise was granted, and which level's share is
    # asked (both read from the question only, never asked in an interview)
    granted_fact: str | None = None
    asked_level_fact: str | None = None
    result_is_max: bool = False  # a percentage that is a ceiling (不超过…的20%)
    selective: bool = False  # 择优: awarded on merit, never certain
    each_time: bool = False  # paid each time it is obtained (a prize won again), not once
    basis: str = ""  # 一事一议 / 择优 … for case_by_case and notes
    notes: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    same_award: str | None = None
    # where and when to apply, as the document states them (kb add proposes both)
    office: str = ""
    window: str = ""
    # award-level replacement (knowledge.awards.replacement): what this rule replaces
    # (rule ids or "文号#条款"), and, on a replaced rule, by which rule and from when
    replaces: tuple[str, ...] = ()
    replaced_by: str = ""
    replaced_by_doc: str = ""
    replaced_from: date | None = None
    file: str = ""
    line: int = 0
    # the vocabulary the rule was validated against (its knowledge folder's)
    vocabulary: Vocabulary = field(default_factory=default_vocabulary, compare=False,
                                   repr=False)

    @property
    def doc_number(self) -> str:
        return self.document.doc_number

    def spec(self, name: str) -> FactSpec:
        """A fact of the rule's vocabulary."""
        return self.vocabulary.facts[name]

    def in_force(self, on: date) -> bool:
        return self.document.in_force(on) and not self.is_replaced(on)

    def is_replaced(self, on: date) -> bool:
        """Whether a newer rule has replaced this award on ``on`` (the rest of its
        document stands)."""
        return self.replaced_from is not None and on >= self.replaced_from

    @property
    def has_figure(self) -> bool:
        return self.kind != "case_by_case"

    def required_facts(self) -> list[str]:
        """Facts the rule reads, in registry order (applicant type first)."""
        names: set[str] = {c.fact for c in self.conditions}
        if self.applicant_types:
            names.add("applicant_types")
        for name in (self.base_fact, self.count_fact, self.max_fact):
            if name:
                names.add(name)
        order = self.vocabulary.fact_order
        return sorted(names, key=lambda n: order.get(n, len(order)))

    def optional_facts(self) -> list[str]:
        return [self.share_fact] if self.share_fact else []

    def figure_key(self) -> tuple[object, ...]:
        """What must agree for two rules to be the same award with the same figure."""
        return (self.kind, self.amount_yuan, self.max_yuan, self.min_yuan, self.max_fact,
                self.rate_percent, self.base_fact, self.cap_yuan, self.unit_yuan,
                self.count_fact, self.ratio, self.shares, self.result_is_max, self.selective)

    def to_json(self) -> dict[str, Any]:
        figures: dict[str, object] = {k: v for k, v in (
            ("amount_yuan", self.amount_yuan), ("max_yuan", self.max_yuan),
            ("min_yuan", self.min_yuan), ("cap_yuan", self.cap_yuan),
            ("unit_yuan", self.unit_yuan),
            ("rate_percent", str(self.rate_percent) if self.rate_percent is not None else None),
            ("ratio", self.ratio), ("max_fact", self.max_fact),
        ) if v is not None}
        if self.shares:
            figures["shares"] = {s.level: str(s.percent) for s in self.shares}
        facts = self.required_facts()
        return {
            "id": self.id,
            "label": self.label,
            "kind": self.kind,
            **figures,
            "selective": self.selective,
            "basis": self.basis,
            "applicant_types": list(self.applicant_types) or ["any"],
            "conditions": [{"fact": c.fact, "op": c.op, "value": _jsonable(c.value)}
                           for c in self.conditions],
            "facts": facts,
            "optional_facts": self.optional_facts(),
            "fact_questions": {n: self.spec(n).question for n in facts + self.optional_facts()},
            "doc_number": self.doc_number,
            "effective_from": self.document.start.isoformat(),
            "effective_until": (self.document.meta.effective_until.isoformat()
                                if self.document.meta.effective_until else None),
            "same_award": self.same_award,
            "topics": list(self.topics),
            "notes": list(self.notes),
            "office": self.office,
            "window": self.window,
            "replaces": list(self.replaces),
            "replaced_by": self.replaced_by or None,
            "replaced_from": self.replaced_from.isoformat() if self.replaced_from else None,
            "citations": [c.to_json() for c in self.citations],
            "file": self.file,
            "line": self.line,
        }


def match_text(text: str) -> str:
    """Text as compared for quotes: NFKC (full/half-width alike), no whitespace."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def quote_in(quote: str, clause_text: str) -> bool:
    return match_text(quote) in match_text(clause_text)


def _jsonable(value: object) -> object:
    return list(value) if isinstance(value, tuple | list | frozenset | set) else value


@dataclass(frozen=True)
class NotAward:
    """A money sentence that is not an award (a target, a budget share …)."""

    doc_number: str
    clause_path: str
    quote: str
    reason: str
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class RuleSet:
    """All rules of a knowledge folder, immutable."""

    rules: tuple[Rule, ...]
    documents: Mapping[str, RuleDocument] = field(default_factory=dict)
    not_awards: tuple[NotAward, ...] = ()
    # the facts and topics of the knowledge folder the rules were validated against
    vocabulary: Vocabulary = field(default_factory=default_vocabulary, compare=False)

    def __post_init__(self) -> None:
        # question-independent look-ups, built once per load (a rule set is never changed)
        by_clause: dict[tuple[str, str], set[str]] = {}
        groups: dict[str, list[Rule]] = {}
        for rule in self.rules:
            for cite in rule.citations:
                by_clause.setdefault((cite.doc_number, cite.clause_path), set()).add(rule.id)
            if rule.same_award is not None:
                groups.setdefault(rule.same_award, []).append(rule)
        object.__setattr__(self, "_by_id", {r.id: r for r in self.rules})
        object.__setattr__(self, "_by_clause",
                           {key: frozenset(ids) for key, ids in by_clause.items()})
        object.__setattr__(self, "_groups", {key: tuple(g) for key, g in groups.items()})

    def get(self, rule_id: str) -> Rule | None:
        by_id: dict[str, Rule] = self.__dict__["_by_id"]
        return by_id.get(rule_id)

    def citing(self, clauses: set[tuple[str, str]]) -> list[str]:
        """Ids of the rules citing any of ``clauses`` (doc_number, clause_path), by id."""
        by_clause: dict[tuple[str, str], frozenset[str]] = self.__dict__["_by_clause"]
        found: set[str] = set()
        for key in clauses:
            found.update(by_clause.get(key, ()))
        return sorted(found)

    def required_facts(self, rule_id: str) -> list[str]:
        rule = self.get(rule_id)
        if rule is None:
            raise KeyError(rule_id)
        return rule.required_facts()

    def group(self, rule: Rule) -> tuple[Rule, ...]:
        """The rules granting the same award as ``rule`` (itself included), by id."""
        if rule.same_award is None:
            return (rule,)
        groups: dict[str, tuple[Rule, ...]] = self.__dict__["_groups"]
        return groups.get(rule.same_award, ())

    def to_json(self) -> dict[str, Any]:
        return {
            "rules": [r.to_json() for r in self.rules],
            "documents": [
                {"doc_number": d.doc_number, "authority": d.authority,
                 "issued": d.meta.issued.isoformat(), "effective_from": d.start.isoformat(),
                 "effective_until": (d.meta.effective_until.isoformat()
                                     if d.meta.effective_until else None)}
                for d in self.documents.values()
            ],
            "facts": {
                name: {"kind": spec.kind, "label": spec.label, "question": spec.question,
                       "choices": [list(c) for c in spec.choices], "example": spec.example}
                for name, spec in self.vocabulary.facts.items()
            },
        }
