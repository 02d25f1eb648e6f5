"""The thread of a conversation: the questions kept for "两项加起来", with the boundaries
("") where a question of its own began, and what a combination adds up."""

from __future__ import annotations

import re
from collections.abc import Callable

from knowledge.reading.scope import FAILED, IF, negated_clauses

__all__ = ["SUPPOSED", "THREAD", "added_up", "addition", "combined", "denial_supposed",
           "denial_told", "followed", "kept", "uncounted", "with_denial"]

THREAD = 3  # understood questions kept for "两项加起来" (the current one included)
SUPPOSED = "如果"  # how a supposition (过两年复审要是又通过了) is kept in the thread


def kept(thread: tuple[str, ...]) -> tuple[str, ...]:
    """The last ``THREAD`` questions of a thread with the boundaries ("") between them."""
    out: list[str] = []
    for entry in reversed(thread):
        if entry:
            if sum(1 for k in out if k) == THREAD:
                break
        elif not out or not out[-1]:
            continue  # no boundary first or twice
        out.append(entry)
    while out and not out[-1]:
        out.pop()  # no boundary first
    return tuple(reversed(out))


_HOW_MANY = re.compile(r"([两二三四2-4])(项|个|笔|样|份|件|次|回)|(俩|仨)")


# 那现在加起来能拿多少 / 实际到手一共多少: what is held, no supposition
_REAL_ONLY = re.compile(r"现在|目前|眼下|实际|真正|已经|到手|确定")
_YEAR_OR_FIGURE = re.compile(r"(?:19|20)\d\d\s*年|[今去前明后]年|[\d.]+\s*万?"
                             r"|[一二两三四五六七八九十百千]+万")


def _summed(entry: str, said: str, thread: tuple[str, ...]) -> bool:
    """Whether a sum (``said``) adds a thread question: a supposition is added when the
    sum supposes too, or when it is one more event (那要是明年再升省级呢，两个加起来) — not
    when the sum asks what is held (那现在加起来), nor when it only puts another year or
    figure in the place of a question told (要是2022年升的呢: another case of the same)."""
    if not entry.startswith(SUPPOSED) or IF.search(said):
        return True
    if _REAL_ONLY.search(said):
        return False
    case = _YEAR_OR_FIGURE.sub("", entry.removeprefix(SUPPOSED))
    # (…有90件，最多能奖多少，如果只有: the told one with what the supposition said after it)
    return not any(case.startswith(_YEAR_OR_FIGURE.sub("", t)) for t in thread
                   if t and t != entry)


def uncounted(said: str, combinations: tuple[str, ...] | list[str]) -> str:
    """``said`` without the count of the items a combination adds up (两项加起来, 这俩都
    算上): that count is no figure of the question (说错了，是3项 is one)."""
    words = "|".join(re.escape(w) for w in sorted(combinations, key=len, reverse=True))
    if not words:
        return said
    said = re.sub(f"(?:{_HOW_MANY.pattern})(?:都|一共|总共)?(?=(?:{words}))", "", said)
    return re.sub(f"({words})(?:是|有)?(?:{_HOW_MANY.pattern})", r"\1", said)


def combined(said: str, thread: tuple[str, ...], previous: str) -> list[str]:
    """The questions "加起来" adds up: as many as it says (两项), else those of the
    thread since it started."""
    asked = [t for t in thread if t and _summed(t, said, thread)]
    many = _HOW_MANY.search(said)
    if many is not None:
        word = many.group(1) or many.group(3)
        n = {"两": 2, "二": 2, "三": 3, "四": 4, "俩": 2, "仨": 3}.get(word) or int(word)
        return asked[-n:] if len(asked) >= n else asked or [previous]
    since = thread[len(thread) - thread[::-1].index(""):] if "" in thread else thread
    return [t for t in since if t in asked] or [previous]


def added_up(said: str, thread: tuple[str, ...], previous: str, question: str,
             refs: list[str]) -> str:
    """The questions a combination adds up, joined: those ``combined`` gives with the
    message's own question last.  A message whose slots (``refs``) also change the
    question (要是明年再拿国家级的，两个加起来多少) asks one more: it is one of the "两个",
    beside the earlier (the count of the combination itself, 俩加一块儿, changes nothing)."""
    earlier = combined(said, thread, previous)
    supposed = f"{SUPPOSED}{previous}"
    if supposed in thread and not _summed(supposed, said, thread) and earlier != [previous]:
        # (那现在加起来能拿多少 after a supposition: the questions told, not it)
        return "；".join(dict.fromkeys(_THIS_TIME.sub("", p) for p in earlier))
    changed = any(r in refs for r in ("year", "amount", "level", "applicant", "stage")) or (
        "count" in refs and not _HOW_MANY.search(said))
    if not changed or "correction" in refs:
        # (如果高企那次其实是2022年…，两项加起来: the corrected one stands in its place)
        parts = earlier[:-1]
    else:
        parts = earlier[1:] if _HOW_MANY.search(said) and len(earlier) > 1 else earlier
    # 又认定成国家级了，加起来: the question that holds an earlier one whole adds it once
    parts = [p for p in parts if not (changed and _only_adds(p, question))]
    # (这次配套多少 said of one of them: the combination asks of them all)
    return "；".join(dict.fromkeys(_THIS_TIME.sub("", p) for p in [*parts, question]))


_THIS_TIME = re.compile(r"这次|这回|本次|这一次")



def _only_adds(before: str, after: str) -> bool:
    """Whether ``after`` is ``before`` with words added only (省里的，去年拿的 completes
    "我们公司拿了技术市场奖励，市里配套多少"): ``before`` a subsequence of ``after``."""
    chars = iter(after)
    return all(c in chars for c in before)


def followed(thread: tuple[str, ...], previous: str, question: str, refs: list[str]
             ) -> tuple[str, ...]:
    """The thread after a follow-up restated as ``question``: it takes the place of the
    question it corrects (不对，是国家级的), completes (省里的，去年拿的) or takes over for
    the owner (帮高校问的 → 换成我们企业自己牵头呢), so that a later
    "一共多少" does not count that one twice; one that changes a slot (那省级呢) or
    supposes (``refs`` "supposed": 过两年复审要是又通过了) is one more question of the
    thread."""
    taken = "correction" in refs or "asker" in refs
    last = thread[-1].removeprefix(SUPPOSED) if thread else ""
    # (这钱批了以后多久能到账 after a supposition: still said of the supposition)
    supposing = "supposed" in refs or (f"{SUPPOSED}{previous}" in thread[-1:]
                                       and "combination" not in refs
                                       and question.startswith(previous))
    if supposing and not IF.match(question):
        question = f"{SUPPOSED}{question}"  # (kept as a supposition: no later sum adds it)
    if thread and last == previous and (taken or (
            "combination" not in refs and "supposed" not in refs
            and _only_adds(previous, question.removeprefix(SUPPOSED)))):
        return kept((*thread[:-1], question))
    return kept((*thread, question))


def addition(said: str, combinations: tuple[str, ...] | list[str]) -> str:
    """What a message adds, without the clauses that add up (后来又认定成国家级孵化器了，
    加起来一共多少 → 后来又认定成国家级孵化器了)."""
    kept_parts = [p for p in re.split(r"[，,。；;！!？?]", said)
                  if p and not any(w in p for w in combinations)]
    return "，".join(kept_parts) or said


_ASKING = re.compile(r"多少|几万|吗|么|[？?]|能拿|能给|能补|能奖")
_LEVEL = re.compile(r"国家|省|市级")


def with_denial(said: str, questions: list[str], failed: re.Pattern[str],
                dropped: list[str], names: Callable[[str], list[str]]) -> list[str] | None:
    """The thread's questions with a correction's denial (不对，省级那个其实还没批下来，只是
    报上去了) told in the one it names — by its level or its title, else the last — before
    that one's asking clause, so that its reading puts the title out; None when the message
    denies nothing.  ``dropped``: the correction and combination words; ``names``: the
    titles a text names."""
    clauses = [c for c in re.split(r"[，,。；;！!？?]", said) if c]
    words = "|".join(map(re.escape, sorted(dropped, key=len, reverse=True))) or "$^"
    told = [re.sub(words, "", c) for c in clauses if not _ASKING.search(c)]
    statement = "，".join(c for c in told if c)
    if not questions or not failed.search(statement):
        return None
    levels = set(_LEVEL.findall(statement))
    titles = set(names(statement))
    hits = [k for k, q in enumerate(questions)
            if (levels and levels <= set(_LEVEL.findall(q))) or titles & set(names(q))]
    at = hits[-1] if hits else len(questions) - 1
    parts = [c for c in re.split(r"(?<=[，,。；;！!？?])", questions[at]) if c]
    ask = max((k for k, c in enumerate(parts) if _ASKING.search(c)), default=len(parts))
    parts.insert(ask, statement + "，")
    return [*questions[:at], "".join(parts), *questions[at + 1:]]


def denial_told(said: str, thread: tuple[str, ...], previous: str,
                corrections: tuple[str, ...], combinations: tuple[str, ...],
                titles: Callable[[str], list[str]]) -> tuple[str, tuple[str, ...]] | None:
    """(the question, its refs) of a correction denying one of the thread's questions
    (不对，省级那个其实还没批下来…，那现在一共能拿多少): the thread summed with the denial
    told in the one it names when the message adds up, else that one; None when the
    message denies nothing."""
    asked = [q for t in combined(said, thread, previous) for q in t.split("；")]
    summed = any(w in said for w in combinations)
    questions = list(dict.fromkeys(asked)) if summed else [previous]
    denied = with_denial(said, questions, FAILED, [*corrections, *combinations], titles)
    if denied is None:
        return None
    return ("；".join(denied) if summed else denied[-1],
            ("correction", "combination") if summed else ("correction",))


_YEAR = re.compile(r"(?:19|20)\d\d\s*年|[今去前明后]年")
_COUNTED = re.compile(r"[\d一二两三四五六七八九十几]+\s*(?:家|项|个|件|次|名|所|位|万|亿)")


def denial_supposed(said: str, question: str, names: Callable[[str], list[str]]
                    ) -> str | None:
    """``question`` with a supposed denial (如果2022年没重新认定呢) in the place of the
    clause it denies — the one naming its year, else its title, else its level — so that
    the clause's award is out and the rest stays; None when the message supposes no denial
    of one whole step (如果其中一家没升呢 changes a count: not this)."""
    clauses = [c for c in re.split(r"[，,。；;！!？?]", said) if c]
    told = [c for c in clauses if not _ASKING.search(c.rstrip("呢"))]
    if len(clauses) > 1 and not told:
        return None
    statement = "，".join(told or [clauses[0].rstrip("呢吗")]) if clauses else ""
    statement = re.sub(r"^(?:那么?|好的?|嗯)", "", statement).rstrip("呢吗")
    if not IF.match(statement) or _COUNTED.search(statement) or not (
            FAILED.search(statement) or negated_clauses(statement)):
        return None
    parts = [c for c in re.split(r"(?<=[，,。；;！!？?])", question) if c]
    keys: list[Callable[[str], set[str]]] = [
        lambda t: set(_YEAR.findall(t)), lambda t: set(names(t)),
        lambda t: set(_LEVEL.findall(t))]
    for key in keys:
        wanted = key(statement)
        hits = [k for k, c in enumerate(parts)
                if wanted and wanted & key(c) and not _ASKING.search(c)]
        if hits:
            at = hits[-1]
            end = parts[at][-1] if parts[at][-1] in "，,。；;" else ""
            parts[at] = _denied_step(statement, parts[at].rstrip("，,。；;")) + end
            return "".join(parts)
    return None


_NEGATION = re.compile(r"尚未|还没有?|没有?|未|不")


def _denied_step(statement: str, clause: str) -> str:
    """The supposed denial said of the step in its own words (要是2019年那次没认定上 of
    2019年首次认定高新技术企业 → 要是2019年首次认定高新技术企业没通过): the supposition's
    word, the step, then the failure — 没通过 when the failure only repeats the step's
    verb (如果2022年没重新认定 → 如果2022年重新认定没通过)."""
    m = FAILED.search(statement) or _NEGATION.search(statement)
    word = IF.match(statement)
    if m is None or word is None:
        return statement
    tail = statement[m.start():]
    neg = _NEGATION.match(tail)
    verb = tail[neg.end():].rstrip("上下来了过") if neg else ""
    if neg and verb and verb in clause:
        tail = f"{neg.group()}通过"
    return f"{word.group()}{clause}{tail}"
