"""A question read into facts, date, topics and candidate rules (deterministic).

:mod:`knowledge.reading.question` finds the raw mentions; this module validates them
against the fact registry and names the rules the question is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from knowledge.awards.calculator import Denied, candidate_rules
from knowledge.awards.conditions import is_window, show_value
from knowledge.awards.facts import normalize_fact
from knowledge.awards.rules import RuleSet
from knowledge.awards.vocabulary import Vocabulary, default_vocabulary
from knowledge.errors import FactError
from knowledge.money import CEILING, scan_money
from knowledge.numerals import parse_int
from knowledge.reading import question as extract
from knowledge.reading.amounts import HELPED, NEGATED_CONDITIONS
from knowledge.reading.denied import below_said, denied_titles
from knowledge.reading.holders import GOVERNMENTS, another_holder, own_kind_said, own_share_asked
from knowledge.reading.leader import (
    SELLER,
    Leader,
    not_the_applicant,
    partners_named,
    read_leader,
)
from knowledge.reading.matches import title_phrases
from knowledge.reading.mixed import affirmed_apart
from knowledge.reading.normalize import written_out
from knowledge.reading.party import AskedParty, asked_party, from_party
from knowledge.reading.scope import (
    BUT,
    clause_at,
    failed_after,
    is_negated,
    negated_clauses,
    supposed_otherwise,
)
from knowledge.reading.segments import fill_elided_subjects
from knowledge.reading.supposition import without_alternatives
from knowledge.reading.windows import read_windows


@dataclass(frozen=True)
class Extraction:
    """What a question says, read deterministically (see :mod:`knowledge.reading.question`).

    ``facts`` are normalised values; ``topics`` are keys of the vocabulary's topics;
    ``candidate_rules`` are the ids of the rules the question is about (only when a rule
    set was given to :func:`extract_facts`); ``notes`` say what was read and how;
    ``excluded`` are the choices the question says are not held (fact → values: 还没认定
    高新技术企业, 不是市级的); ``denied`` is what the calculator reads of them (fact →
    :class:`~knowledge.awards.calculator.Denied`, in the owner's words), also for a
    condition said unmet as a whole (合同还没登记), so that an ineligible item says why.
    """

    facts: dict[str, object]
    as_of: date | None
    is_amount_question: bool
    topics: frozenset[str] = frozenset()
    candidate_rules: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    excluded: dict[str, frozenset[str]] = field(default_factory=dict)
    denied: dict[str, Denied] = field(default_factory=dict)
    # titles said as what the asker is, beside other awards (我们是国家级孵化器，今年有3家
    #在孵企业升了高企): held as conditions, their own one-time awards not asked about
    standing: dict[tuple[str, str], str] = field(default_factory=dict)
    approximate: dict[str, tuple[int, int, str]] = field(default_factory=dict)  # (三百多万)


_SPACED_CLAUSE = re.compile(r"(?<=[\u4e00-\u9fff\d]) +(?=[\u4e00-\u9fff\d])")


def spaced_as_commas(text: str) -> str:
    """``text`` with a space between words as the comma it stands for."""
    return _SPACED_CLAUSE.sub("，", text)


_EVENT = re.compile(r"首次|第一次|通过|获批|绩效评价|升级")


def subject_nouns(question: str, vocab: Vocabulary) -> list[str]:
    """The nouns a segment may leave out: the topics' words and the titles the question
    names, their level taken out (国家级技术转移示范机构 → 技术转移示范机构)."""
    # (a staff pattern matched across a colon, 研究中心：一个今年…, names its noun only; one
    # naming an event, 临床医学研究中心首次通过绩效评价, names its noun before the event)
    cut = [_EVENT.split(re.split(r"[：:，,。；;！!？?]", p)[0])[0]
           for p in title_phrases(question, vocab.patterns)]
    cut = [c for c in cut if not re.search(r"[\d的有]", c)]  # (高企的有5家: no noun)
    titled = [re.sub(r"国家级?|省级?|市级?", "", p) for p in cut]
    return [*(w for words in vocab.topics.values() for w in words if len(w) >= 2),
            *(t for t in titled if len(t) >= 3)]


def extract_facts(question: str, today: date, ruleset: RuleSet | None = None,
                  vocabulary: Vocabulary | None = None) -> Extraction:
    """Facts, date, topics and (given a rule set) candidate rules of a question.

    The facts and topics are those of ``vocabulary``, else of the rule set's, else the
    package's default vocabulary.
    """
    vocab = vocabulary or (ruleset.vocabulary if ruleset is not None else default_vocabulary())
    specs = vocab.facts
    # 我们区有三个孵化器被认定为国家级 另外还有一个报了没通过 / …申请了没批 能拿多少: a space
    # between words parts clauses as a comma would (a denial after it is the later clause's)
    question = spaced_as_commas(written_out(question or "", vocab.short_forms))  # (国孵)
    # "…列入市级试点，2021年又认定为省级": the subject a segment leaves out, written back
    # (a title named earlier, its level taken out: 国家级技术转移示范机构没评上，省级的评上了)
    question = fill_elided_subjects(question or "", subject_nouns(question or "", vocab))
    # 合同没去登记，假如当时登记了: the step supposed done
    question = supposed_otherwise(question)
    question = without_alternatives(question)  # (按高校的300万还是企业的200万算: no facts)
    # 卖给了本市一家企业…对方企业能拿多少: the sale is the party's purchase
    party = _party(re.sub(r"\s+", "", question), vocab)  # (read once: the rewrite keeps it)
    question = from_party(question, party)
    raw = extract.read_question(
        question, today, vocab.topics, vocab.choice_phrases(),
        single_choice={n for n, s in specs.items() if s.kind == "choice"},
        money_phrases={n: p for n, p in vocab.fact_phrases().items()
                       if specs[n].kind == "money"},
        implied={n: s.implied_by for n, s in specs.items() if s.implied_by},
        labels={n: dict(s.choices) for n, s in specs.items() if s.choices},
        patterns=vocab.patterns,
        not_counted={n: s.not_counted for n, s in specs.items() if s.kind == "count"},
        elsewhere=vocab.elsewhere, context_figures=vocab.context_figures)
    flat = re.sub(r"\s+", "", question or "")  # the question as the readers below take it
    facts: dict[str, object] = {}
    notes = list(raw.notes)
    for name, value in raw.facts.items():
        if name not in specs:  # a fact this knowledge folder's vocabulary does not declare
            continue
        try:
            facts[name] = normalize_fact(name, value, specs)
        except FactError as exc:  # an absurd number in the question: say so, do not use it
            notes.append(f"{specs[name].label}：{exc.message}")
    _read_windows(flat, facts, notes, vocab)
    _read_yes_no(flat, facts, vocab)
    _drop_ceilings(flat, facts, notes, vocab)
    excluded = {name: frozenset(values) for name, values in raw.excluded.items()
                if name in specs}
    # (a title only implied, 我们的众创空间 → a recognised one, is no title held against
    # 还没拿到任何级别的认定)
    for name, values in denied_titles(flat, {k: v for k, v in facts.items()
                                             if k not in raw.implied}, vocab).items():
        excluded[name] = excluded.get(name, frozenset()) | values
        if isinstance(held := facts.get(name), frozenset) and held & values:
            facts[name] = held - values  # (国家级那个被刷下来了: said, then said to fail)
    leader = _leader_applies(flat, facts, notes, vocab, party, ruleset)
    _own_kind_applies(flat, facts, notes)
    candidates: tuple[str, ...] = ()
    if ruleset is not None:
        # a title only implied (我们孵化器 → a recognised one) refines the rules the
        # question is about; it does not add rules of its own (an applicant does)
        stated = {k: v for k, v in facts.items()
                  if k not in raw.implied or k == "applicant_types"}
        candidates = tuple(candidate_rules(ruleset, stated, raw.topics, excluded))
    for name in raw.implied & set(excluded):  # 我们众创空间…不是市级的: not implied after all
        held = facts.get(name)
        if isinstance(held, frozenset) and held <= excluded[name]:
            del facts[name]
            notes = [n for n in notes if "推定为" not in n]
    denied = _denials(flat, excluded, facts, vocab, raw.notes)
    if ruleset is not None and not candidates and denied:
        # 买了技术，合同150万，没去登记: the award whose fact the owner denies is asked
        candidates = tuple(r.id for r in ruleset.rules
                           if set(denied) - {"applicant_types"} & set(r.required_facts()))
    if (who := not_the_applicant(flat, facts, vocab, party, leader)) is not None:
        denied["applicant_types"] = who
        if ruleset is not None and not candidates and who.requirement == SELLER:
            # (the sale's award is the buyer's: the purchase is what the answer says)
            candidates = tuple(r.id for r in ruleset.rules
                               if _PURCHASE in r.required_facts())
    # a standing title is no award asked about when something else happened
    others = any(n in specs and specs[n].kind in ("count", "money") for n in facts)
    standing = {**(raw.standing if others else {}), **raw.upgraded_from}
    return Extraction(facts, raw.as_of, raw.is_amount_question, frozenset(raw.topics),
                      candidates, tuple(notes), excluded, denied, dict(standing),
                      {f: r for f, r in raw.approximate.items() if f in facts})


_PURCHASE = "registered_tech_purchase_yuan"  # the buyer's award a seller asks about
def _leader_applies(text: str, facts: dict[str, object], notes: list[str],
                    vocab: Vocabulary, party: AskedParty | None = None,
                    ruleset: RuleSet | None = None) -> Leader | None:
    """The leader the question names (…山大威海牵头组建的中心，这个中心能拿多少) applies;
    where the asker leads, its partners do not (我们公司牵头、联合山大威海组建的); returned
    for a participant's denial."""
    leader = read_leader(text, vocab.patterns.applicants, party.kind if party else None)
    if leader is None:  # no leader: the party asked about, when not the asker
        _party_applies(facts, notes, vocab, party)
        _the_buyer_asked(text, facts, party)
        if party is None and ruleset is not None:
            _lead_unsaid(text, facts, notes, vocab, ruleset)
    if leader is None or leader.participant:
        return leader
    held = facts.get("applicant_types")
    kinds = frozenset({leader.kind})
    # (…市里给区政府多少: the party asked is the asker's own kind, its own share)
    ours = party is not None and isinstance(held, frozenset) and party.kind in held
    if (party is None or ours) and not leader.asker and isinstance(held, frozenset) \
            and held & GOVERNMENTS and leader.kind not in GOVERNMENTS \
            and another_holder(leader.said) and (ours or own_share_asked(text)):
        # 咱们环翠区…辖区一家企业牵头的中心: the district asks, another firm leads
        facts["applicant_types"] = held & GOVERNMENTS
        return leader
    if leader.asker:  # 我们公司牵头、联合山大威海组建的: the asker, not its partner
        if not isinstance(held, frozenset):
            return leader
        kinds = held - partners_named(text, vocab.patterns.applicants) | {leader.kind}
    if held != kinds:
        facts["applicant_types"] = kinds
        notes.append(f"按“{leader.said}”，申报主体按牵头单位"
                     f"（{vocab.facts['applicant_types'].choice_label(leader.kind)}）计")
    return leader


def _lead_unsaid(text: str, facts: dict[str, object], notes: list[str],
                 vocab: Vocabulary, ruleset: RuleSet) -> None:
    """Built with a partner of another kind and no leader said (我们所和一家企业联合组建了
    市级技术创新中心): when the award the title names goes by the leader's kind, who
    applies is asked, not guessed."""
    held = facts.get("applicant_types")
    partners = partners_named(text, vocab.patterns.applicants)
    if "牵头" in text:  # (本单位…，牵头联合几家企业组建的: the lead said, if not read)
        return
    if not isinstance(held, frozenset) or not partners or not held - partners \
            or not partners - (held - partners):
        return
    ours, theirs = held - partners, partners - (held - partners)
    titled = {n: v for n, v in facts.items() if n != "applicant_types"}
    about = set(candidate_rules(ruleset, titled))
    kinds = [set(r.applicant_types) for r in ruleset.rules if r.applicant_types
             and r.id in about]
    if not (any(k & ours and not k & theirs for k in kinds)
            and any(k & theirs and not k & ours for k in kinds)):
        return  # (和国外研究所合作建研发中心: an award of the asker's kind alone)
    del facts["applicant_types"]
    notes.append("您说与合作单位共同组建，但没说哪一方牵头：奖补按牵头单位的类型给予，"
                 "请告诉我牵头单位是哪一方（如“我们牵头”）。")


def _own_kind_applies(flat: str, facts: dict[str, object], notes: list[str]) -> None:
    """The asker as itself when it names its kind beside a region's title (荣成市创建为国家
    创新型县…我们企业能分到多少): the government read from the title is no applicant."""
    held = facts.get("applicant_types")
    if isinstance(held, frozenset) and (own := own_kind_said(flat, facts)):
        facts["applicant_types"] = held - GOVERNMENTS
        notes.append(f"您说“{own}”：按贵单位本身为申报主体计算，区市、镇政府的奖补不计入")


def _party(text: str, vocab: Vocabulary) -> AskedParty | None:
    """The party the question asks about, when not the asker (对方企业能拿多少)."""
    spec = vocab.facts.get("applicant_types")
    if spec is None:
        return None
    phrases = vocab.choice_phrases().get("applicant_types", {})
    # (implied_by "…镇": any name ending on 镇)
    words = [(v, w.lstrip("…")) for v, label in spec.choices
             for w in (label, *phrases.get(v, ()), *spec.implied_by.get(v, ()))]
    return asked_party(text, words, vocab.patterns.applicants)


def _party_applies(facts: dict[str, object], notes: list[str], vocab: Vocabulary,
                   party: AskedParty | None) -> None:
    """The party the question asks about (对方企业能拿多少) applies, when not the asker."""
    held = facts.get("applicant_types")
    spec = vocab.facts.get("applicant_types")
    if party is None or spec is None or held == frozenset({party.kind, *party.also}):
        return
    facts["applicant_types"] = frozenset({party.kind, *party.also})
    notes.append(f"您问的是“{party.said}”能拿多少，申报主体按{spec.choice_label(party.kind)}计")


# 那买专利的那家企业 / 买方: the party asked about is the buyer of the deal brokered
_BUYER = re.compile(r"(买|购)[^，,。；;！!？?]{0,8}$|^(买方|购买方|买家)")


def _the_buyer_asked(text: str, facts: dict[str, object], party: AskedParty | None) -> None:
    """The deal the asker brokered (帮本地一家企业…买了3项专利，成交额400万) is the buyer's
    purchase when the question asks for the buyer (那买专利的那家企业能拿多少)."""
    if party is None or "tt_contract_turnover_yuan" not in facts \
            or "registered_tech_purchase_yuan" in facts or not HELPED.search(text):
        return
    at = text.rfind(party.said)
    helped = HELPED.search(text)
    # 帮3家威海企业买了…，这三家企业加起来能拿多少: the ones helped to buy, by their noun
    named = helped is not None and party.said[-2:] in helped.group()
    if at >= 0 and (_BUYER.search(text[:at]) or _BUYER.match(party.said) or named):
        facts["registered_tech_purchase_yuan"] = facts.pop("tt_contract_turnover_yuan")
        facts.pop("results_transferred", None)


def _read_yes_no(text: str, facts: dict[str, object], vocab: Vocabulary) -> None:
    """A yes/no fact staff gave ``phrases``: yes where the question says one of them, no
    where every mention is negated (我们没有…)."""
    for name, spec in vocab.facts.items():
        if spec.kind != "bool" or not spec.phrases or name in facts:
            continue
        spans = [(m.start(), m.end()) for p in spec.phrases
                 for m in re.finditer(re.escape(p), text)]
        if spans:
            facts[name] = not all(is_negated(text, a, b) for a, b in spans)


def _drop_ceilings(text: str, facts: dict[str, object], notes: list[str],
                   vocab: Vocabulary) -> None:
    """An amount the owner gives only as a ceiling (不到300万, 300万以下) is not theirs:
    an estimate at the ceiling would be too high, so it is asked back."""
    for mention in scan_money(text):
        if mention.bound != "ceiling" or mention.problem:
            continue
        for name in [n for n, v in facts.items()
                     if vocab.facts[n].kind == "money" and v == mention.yuan]:
            del facts[name]
            notes[:] = [n for n in notes if f"“{mention.text}”" not in n
                        and not (n.startswith("按技术合同已经") and name.startswith("registered"))]
            notes.append(f"金额“{mention.text}”{CEILING}，未使用；稍后会请您确认具体金额")


def _read_windows(text: str, facts: dict[str, object], notes: list[str],
                  vocab: Vocabulary) -> None:
    """Time-window facts (kind number, unit 年): the years stated in a clause that names
    one of the fact's phrases (孵化第四年才升级 → 3年多)."""
    windows = read_windows(text)
    for name, spec in vocab.facts.items():
        if name in facts or not is_window(spec) or not spec.phrases:
            continue
        for window in windows:
            if _A_PART.search(window.clause) or _part_of_earlier(text, window.clause):
                continue  # 其中2家超过孵化期 / 但是它入孵4年了: a part left out of a
                # count, not the count's own window
            if any(p in window.clause for p in spec.phrases):
                facts[name] = window.years
                notes.append(f"按“{window.words}”计{spec.label}为{show_value(spec, window.years)}")
                break


_OPENS_WITH_COUNT = re.compile(r"^(?:" + BUT + r")?(?:有|还有)?\s*([\d一二两三四五六七八九十]+)"
                               r"\s*([家个项])")


def _part_of_earlier(text: str, clause: str) -> bool:
    """Whether ``clause`` opens with a count smaller than one said before it of the same
    unit (一共7家…，不过有2家入孵已经超过3年了: a part of the seven)."""
    m = _OPENS_WITH_COUNT.match(clause)
    at = text.find(clause)
    if m is None or at < 0 or (k := parse_int(m.group(1))) is None:
        return False
    return any((n := parse_int(c.group(1))) is not None and n > k
               for c in re.finditer(r"([\d一二两三四五六七八九十]+)\s*" + m.group(2), text[:at]))


# a clause about a part of a count (其中2家, 另外一家, 它 — not 它们, all of them)
# (这9家里有2家入孵超过3年了: a part of the count before)
_A_PART = re.compile(r"其中|它(?!们)|另外|另一|这一家|那一家|有一家|除了"
                     r"|(里面?|里头|中|当中)有?\s*[\d一二两三四五六七八九十]+\s*[家个项]"
                     # 有2家是孵化第4年了: a clause said of a part of the count
                     r"|^(有|还有|不过有|但有)\s*[\d一二两三四五六七八九十]+\s*[家个项](都|也)?是")


_NOTED = re.compile(r"未计入：“(.+?)”")


def _denials(text: str, excluded: dict[str, frozenset[str]], facts: dict[str, object],
             vocab: Vocabulary, notes: list[str]) -> dict[str, Denied]:
    """What the question says is not so, each with the clause that says it."""
    clauses = negated_clauses(text)
    if not clauses and not excluded and not any(n.startswith("未计入") for n in notes):
        # (excluded without a negation: 第二次, not 首次; an amount left out: its failure)
        return {}
    noted = [m.group(1) for n in notes if (m := _NOTED.match(n))]
    phrases = vocab.choice_phrases()
    out: dict[str, Denied] = {}
    for name, values in excluded.items():
        spec = vocab.facts[name]
        words = [w for v in values
                 for w in (*phrases.get(name, {}).get(v, ()), spec.choice_label(v)) if w]
        said = (next((c for c in clauses if any(w in c for w in words)), "")
                or next((c for c in clauses if any(w in c for w in noted)), "")
                or (clauses[0] if len(clauses) == 1 else "")
                or next((n for n in noted if "，" in n), "")  # (…，结果还没出来: awaited)
                or below_said(text)  # (我们孵化器是区级的)
                or "不具备" + "、".join(f"“{spec.choice_label(v)}”" for v in sorted(values)))
        out[name] = Denied(said, frozenset(values))
    for name, pattern, _ in NEGATED_CONDITIONS:  # a condition said unmet as a whole
        if name in vocab.facts and name not in facts:
            # (登记也撤销了 / 登记的时候被驳回了: said to have failed, not negated)
            said = next((c for c in clauses if re.search(pattern, c)), "") or next(
                (clause_at(text, m.start()) for m in re.finditer(pattern, text)
                 if failed_after(text, m.start(), m.end())), "")
            if said and not affirmed_apart(text, pattern):  # (3项登记了，2项没登记: a part)
                out[name] = Denied(said)
    return out
