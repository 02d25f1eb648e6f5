"""A title obtained in an earlier year still held in a later one.

"2019年我们众创空间被认定为国家专业化众创空间，2020年又有4家在孵企业升了高企，2021年3月又
升了2家" states the title in 2019 and only counts after: the 2020 and 2021 counts are
those of a national maker space, so the award that requires a recognised incubator (and
reads the year's count) is granted in each of those years.  Only the title values a
flow-reading award's conditions name are carried; the one-time award of the title itself
stays granted once (:func:`knowledge.reading.years._title_awards_once`).
"""

from __future__ import annotations

from knowledge.awards.rules import RuleSet

__all__ = ["FLOW_KINDS", "carry_titles"]

FLOW_KINDS = ("money", "count")  # facts that are a year's flow, not a standing title
_SET_OPS = ("has", "has_any", "in")


def _carried_values(rules: RuleSet) -> dict[str, frozenset[object]]:
    """fact → the title values a rule reading a year's flow requires."""
    specs = rules.vocabulary.facts
    out: dict[str, set[object]] = {}
    for rule in rules.rules:
        if not any(n in specs and specs[n].kind in FLOW_KINDS for n in rule.required_facts()):
            continue
        for c in rule.conditions:
            if c.op in _SET_OPS and c.fact in specs and specs[c.fact].kind == "multi":
                values = c.value if isinstance(c.value, list | tuple | frozenset | set) \
                    else [c.value]
                out.setdefault(c.fact, set()).update(values)
    return {k: frozenset(v) for k, v in out.items()}


def carry_titles(rules: RuleSet, per_year: list[tuple[int, dict[str, object]]]
                 ) -> list[tuple[int, dict[str, object]]]:
    """``per_year`` with the titles of earlier years that a flow-reading award requires
    added to each later year stating a flow of its own (a count or an amount) and no title
    of that kind of its own."""
    specs = rules.vocabulary.facts
    carried = _carried_values(rules)
    held: dict[str, frozenset[object]] = {}
    out: list[tuple[int, dict[str, object]]] = []
    for year, facts in sorted(per_year, key=lambda p: p[0]):
        flows = any(n in specs and specs[n].kind in FLOW_KINDS for n in facts)
        added = dict(facts)
        # (a year naming a title of its own, 前年我们另一个众创空间又被评为…: its own holder)
        if flows and not any(facts.get(name) for name in held):
            added.update(held)
        out.append((year, added))
        for name, wanted in carried.items():
            if isinstance(value := facts.get(name), frozenset) and value & wanted:
                held[name] = held.get(name, frozenset()) | (value & wanted)
    order = {year: i for i, (year, _) in enumerate(per_year)}
    return sorted(out, key=lambda p: order[p[0]])
