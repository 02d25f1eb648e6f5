"""Titles a question denies: by level alone (我们的技术创新中心不是市级的), by a term
(还没认定高新技术企业) or all of its subject's (我们的孵化空间没有任何级别的认定)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from difflib import SequenceMatcher

from knowledge.awards.calculator import Denied
from knowledge.awards.vocabulary import Vocabulary
from knowledge.reading.scope import failed_clause, negated_clauses

__all__ = ["below_said", "denied_titles", "not_yet_held", "without_denied"]

_LEVEL = re.compile(r"国家级|省级|市级|区市级|县级")
_CLAUSE = re.compile(r"[，,。；;！!？?]")


def denied_titles(text: str, facts: dict[str, object], vocab: Vocabulary
                   ) -> dict[str, frozenset[str]]:
    """Titles denied by level alone: 我们的技术创新中心不是市级的.

    A negated clause naming one level (市级) denies the choices whose label names that
    level and no other, and shares a term of three characters or more with the sentence
    (技术创新中心) — unless the title is also stated.  A negated clause naming no level
    but a term of the vocabulary (高新技术企业) denies every title whose label names the
    term (首次…, 重新通过高新技术企业认定) — unless one of them is stated.  A clause
    saying its subject is of a level below every title (我们孵化器是区级的) denies them all.
    """
    out: dict[str, set[str]] = {}
    terms = _terms(vocab)
    for clause in negated_clauses(text):
        for name, value in _denied_in(clause, text, facts, vocab, terms):
            out.setdefault(name, set()).add(value)
    for clause in _CLAUSE.split(text):
        if _below_whole(clause):  # (是区级的: no title of a level the awards name)
            for name, value in _titles_named(vocab, facts, text, clause):
                out.setdefault(name, set()).add(value)
        elif _LEVEL_POINTED.match(clause) and failed_clause(clause):
            # 国家级那个被刷下来了，省级的评上了: that level's title, stated or not
            for name, value in _denied_in(clause, text, {}, vocab, terms):
                out.setdefault(name, set()).add(value)
    return {name: frozenset(values) for name, values in out.items()}


def below_said(text: str) -> str:
    """The clause saying its subject is of a level below every title, else ''."""
    return next((c for c in _CLAUSE.split(text) if _below_whole(c)), "")


def _below_whole(clause: str) -> bool:
    """Whether the clause says its subject is of a level below every title — the whole
    subject, not a part counted apart (两家市级、一家是区级的: one of them)."""
    m = _BELOW.search(clause)
    return m is not None and not _COUNTED_PART.search(clause, 0, m.start())


_COUNTED_PART = re.compile(r"(?:^|、)(?:其中|另外|还有|剩下的?)?[0-9一二两三四五六七八九十]+"
                           r"\s*[家个所]$")


# 国家级那个被刷下来了 / 省级的没批: a level pointed at, its outcome said after it
_LEVEL_POINTED = re.compile(r"^(?:但是?|不过|可|而)?(?:国家级|省级|市级)(?:那个|那家|那项|的)")
# 我们孵化器是区级的 / 只是县里挂的牌: a level below any the titles are of
_BELOW = re.compile(r"(?:只是|仅是|就是|是|属于|算|只有)(?:个|一个|一家)?"
                    r"(?:区级|县级|区县级|镇级|街道级|园区级|校级)"
                    r"|(?:区里|县里|镇上|园区)(?:挂|授|给)了?个?牌")


def _denied_in(clause: str, text: str, facts: dict[str, object], vocab: Vocabulary,
               terms: list[str]) -> list[tuple[str, str]]:
    """(fact, value) of the titles one negated clause denies (see :func:`_denied_levels`)."""
    if _NO_TITLE.search(clause):  # 没有任何级别的认定: no title of what it names
        return _titles_named(vocab, facts, text, clause)
    levels = set(_LEVEL.findall(clause))
    if not levels:  # 还没认定高新技术企业: every title whose label names the term
        return [pair for term in terms if term in clause
                for pair in _labelled(vocab, facts, term)]
    if len(levels) != 1:
        return []
    level = levels.pop()
    out: list[tuple[str, str]] = []
    for name, spec in vocab.facts.items():
        if spec.kind != "multi" or name == "applicant_types":
            continue
        held = facts.get(name, frozenset())
        for value, label in spec.choices:
            if (level not in label or set(_LEVEL.findall(label)) != {level}
                    or value in held):  # type: ignore[operator]
                continue
            bare = label.replace(level, "")
            if SequenceMatcher(None, bare, text).find_longest_match().size >= 3:
                out.append((name, value))
    return out


# 没有任何级别的认定 / 什么级别都没有 / 没评上任何称号: no title at all
_NO_TITLE = re.compile(r"任何(级别|认定|称号|资质)|(级别|称号|认定)都没|什么(级别|称号|认定)")
# the words every title label says (认定为国家级…) and function characters: no subject
_GENERIC_PAIR = re.compile(r"认定|级别|国家|家级|省级|市级|为国|为省|为市|定为"
                           r"|.?[的们我没有任何是了在也都这个什么那].?")


def _titles_named(vocab: Vocabulary, facts: dict[str, object], text: str, clause: str
                  ) -> list[tuple[str, str]]:
    """(fact, value) of every title not held of a fact one of whose labels shares a
    subject word (two characters, not a level or 认定) with ``clause`` and the clause
    before it in ``text``: 孵化空间 → every incubation title."""
    at = text.find(clause)
    before = re.split(r"[，,。；;]", text[:at].rstrip("，,。；; "))[-1] if at > 0 else ""
    said = before + clause
    pairs = {said[i:i + 2] for i in range(len(said) - 1)}
    pairs = {p for p in pairs if not _GENERIC_PAIR.fullmatch(p)}
    out: list[tuple[str, str]] = []
    for name, spec in vocab.facts.items():
        if spec.kind != "multi" or name == "applicant_types":
            continue
        held = facts.get(name, frozenset())
        # (众创空间 named: no title of the fact at all, 国家级孵化器 neither)
        if any(any(p in label for p in pairs) for _, label in spec.choices):
            out += [(name, value) for value, _ in spec.choices
                    if value not in held]  # type: ignore[operator]
    return out


def _terms(vocab: Vocabulary) -> list[str]:
    """The vocabulary's words of four characters or more (phrases, implied_by), longest
    first."""
    words = {w for spec in vocab.facts.items() for w in spec[1].aliases}
    words |= {w for spec in vocab.facts.values() for ws in spec.implied_by.values() for w in ws}
    return sorted((w for w in words if len(w) >= 4 and not w.startswith("…")),
                  key=lambda w: (-len(w), w))


def _labelled(vocab: Vocabulary, facts: dict[str, object], term: str
              ) -> list[tuple[str, str]]:
    """(fact, value) of the multi titles whose label names ``term``, none of them held."""
    out: list[tuple[str, str]] = []
    for name, spec in vocab.facts.items():
        if spec.kind != "multi" or name == "applicant_types":
            continue
        named = [value for value, label in spec.choices if term in label]
        held = facts.get(name, frozenset())
        if named and not set(named) & set(held):  # type: ignore[call-overload]
            out += [(name, value) for value in named]
    return out


def not_yet_held(year_denied: dict[str, Denied], own: Mapping[str, Denied], year: int,
                 per_year: list[tuple[int, dict[str, object]]]) -> dict[str, Denied]:
    """A year's denials with the titles its own part denies (``own``) that no year up to
    it holds (2019年…，但那时孵化器还没被认定为市级；2020年才认定为市级: not held in 2019,
    whatever 2020 obtained)."""
    out = dict(year_denied)
    held: dict[str, set[object]] = {}
    for y, facts in per_year:
        for name, value in facts.items():
            if y <= year and isinstance(value, frozenset):
                held.setdefault(name, set()).update(value)
    for name, d in own.items():
        left = d.values - held.get(name, set()) if d.values else frozenset()
        if left:
            prior = out.get(name)
            values = (prior.values | left) if prior is not None and prior.values else left
            out[name] = Denied(d.said, frozenset(values))
    return out


def without_denied(facts: dict[str, object], year_denied: Mapping[str, Denied],
                   overall: Mapping[str, Denied]) -> dict[str, object]:
    """A year's facts without the titles its own part denies (held only later)."""
    out = dict(facts)
    for name, d in year_denied.items():
        held = out.get(name)
        if d.values and name not in overall and isinstance(held, frozenset):
            out[name] = held - d.values
    return out
