"""A dictated message's clauses: where speech-to-text left the commas out.

Owners dictate on the phone ("我们孵化器是市级的嗯二零二零年有七家在孵企业升成高新技术企业了
不过里面有两家是进来孵化都快四年了才升上去的其他五家都在三年以内…").  The text arrives as one
long run with no punctuation, and every reader that takes a clause as the text between two
commas (a part of a count, a denial, a year's facts) would read the whole message as one
clause.  Inside such a run — and only there: a typed message keeps its own punctuation — a
comma is put where a spoken clause ends:

- at a filler (嗯, 呃) said between two clauses;
- before a year mention (2020年, 前年, 三年前) that starts a statement (not 在2020年, not
  前年就是2024年: one date said twice);
- before the connectives people start a clause with (然后, 不过, 但是, 另外, 同时, 后来,
  其中, 里面有, 其他, 剩下, 还有 …);
- before a count that starts a clause (…升高企有一家孵化都五年了有一家没评上).

The rest of the reading then sees the clauses a typed message would have.
"""

from __future__ import annotations

import re

__all__ = ["dictated"]

# a run this long with no mark between clauses is a dictated (or run-on) message
_RUN = re.compile(r"[^，,。；;！!？?：:、（）()\s]{24,}")
# a filler between clauses (not 额 of 金额/成交额, nor 啊 said as an ending)
_FILLER = re.compile(r"[嗯呃]+")
_N = r"[\d一二两三四五六七八九十俩仨]"
# what a year mention or a connective may follow and still be the same clause
# (在2020年, 于2020年, 就是2024年, 2019年和2020年, 截至2020年, 的那个)
_BOUND = (
    r"(?<![在于从到至是自和与及、止截对年第每近满超如里中内])"
    r"(?<!那个)(?<!那家)(?<!那项)(?<!那份)(?<!那笔)(?<!那所)"
)
_YEAR = r"(?:(?:19|20)\d\d\s*年|大?前年|去年|今年|明年|后年|" + _N + r"+年前)"
_CONNECTIVE = (
    r"然后|不过|但是|可是|另外|同时|后来|随后|此外|并且|再加上|而且|接着|结果"
    r"|其中|里面有|里头有|其他|其余|剩下|还有"
)
# 有一家没评上 / 有两家是…: a count starting a clause (not 我们有, 里面有, 还有, 又有, 共有)
_COUNT_START = r"(?<![我们咱司里中内面头还也都共只就没又再另])有" + _N + r"+\s*[家个项件份]"
_BREAK = re.compile(_BOUND + r"(?=(" + _YEAR + r")|(" + _COUNT_START + r")|" + _CONNECTIVE + r")")
# a clause that is only a word leading the next (不过，今年… / 假如，明年…): no break after it
_LEADING = re.compile(
    r"(?:" + _CONNECTIVE + r"|如果|假如|要是|万一|假设|倘若|若是|等到?|就是"
    r"|那个|那|它|他们?|这个|也|又|再|还)?"
)
# a supposition said before a year is of that year (假如我们乳山明年创建成…)
_SUPPOSED = re.compile(r"如果|假如|要是|万一|假设|倘若|若是")


def dictated(text: str) -> str:
    """``text`` with commas where a long unpunctuated run's spoken clauses end; text with
    its own punctuation unchanged."""
    return _RUN.sub(_commas, text)


def _commas(m: re.Match[str]) -> str:
    clauses = [c for c in _FILLER.split(m.group()) if c]
    # 那个 as a filler opening a clause (那个我们孵化器是…), not 那个孵化器
    clauses = [re.sub(r"^那个(?=我|咱|就)", "", c) for c in clauses]
    return "，".join(c for c in (_parted(c) for c in clauses) if c)


# the question at the end of the run (…今年又报了批了市里给多少 / …也都评上了奖励是多少):
# a clause of its own, so the statement before it reads as typed
_TAIL = re.compile(
    r"(?:那|这个|这些|这几样|这几个|这次|这回|这一下|一共|总共|合计|加起来|加一块"
    r"|市里|市级|奖励|补助|奖补|我们|咱们|企业|学校|医院|自己|大概|总|能|可以|可|该"
    r"|应该|的)*(?:拿|给|奖|补|有|是|得|兑现)多少钱?(?:万|块)?(?:呢|啊|呀|吧)?$"
)

# how a question at the end opens (not 的奖励…, 能拿… after a noun: one clause)
_OPENS = re.compile(
    r"那|这个|这些|这几|这次|这回|一共|总共|合计|加起来|加一块|市里|市级"
    r"|(?:(?:市里|市级)的?)?(?:奖励|补助|奖补)(?:是|有|能)"
)


def _parted(run: str) -> str:
    tail = _TAIL.search(run)
    for at in range(tail.start(), tail.end() - 2) if tail is not None else ():
        if (
            at >= 2
            and _TAIL.fullmatch(run, at)
            and not _LEADING.fullmatch(run[:at])
            and (_OPENS.match(run, at) or run[at - 1] in "了过呢")
        ):
            return _parted(run[:at]) + "，" + run[at:]
    out, last = [], 0
    for b in _BREAK.finditer(run):
        said = run[last : b.start()]
        if len(said) < 2 or _LEADING.fullmatch(said) or not _ends(said, b):
            continue
        out.append(said)
        last = b.start()
    return "，".join([*out, run[last:]])


def _ends(said: str, b: re.Match[str]) -> bool:
    """Whether the clause ``said`` ends before the break ``b``: before a year, a clause
    that has its own year or closes (市级的 / 升了); before a count, one that has its own
    count (报了六家…升高企 | 有一家…); before a connective, any."""
    if b.group(1):  # a year (not 12家科技服务企业今年…: the subject of the year's verb)
        return not _SUPPOSED.search(said) and bool(
            re.search(_YEAR, said) or said.endswith(("了", "的", "过")))
    counted = re.search(_N + r"+\s*[家个项件份]", said)
    if b.group(2):  # a count (not 首次认定高企的有5家, 一家有8家: the clause's own count)
        return counted is not None and not re.search(_N + r"+\s*[家个项件份]$", said)
    # a connective, after a clause that closes or counts (not 孵化器里另外两家: a part of it)
    return counted is not None or bool(re.search(r"[了的过呢]|" + _YEAR, said))
