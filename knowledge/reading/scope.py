"""Scope in a question: which clause a word is in, whether it is negated, who is who.

A negation word (没有, 未, 不是, 尚未, 还没…) governs the rest of its clause (split at
punctuation and 但/不过): 合同还没登记 and 我们不是市级试点 deny what they name.  The
applicant is the one asking (我们, 我司, 本单位…); another organisation in the sentence
(从大学买的专利, 和国外研究所合作) is a counterparty.  Used by :mod:`knowledge.reading.question`."""

from __future__ import annotations

import re

__all__ = ["BUT", "FAILED", "IF", "PAID_BEFORE", "RENEWAL_SAID", "SELF", "STATUS_WORDS",
           "awaiting_result", "clause_at", "clause_start", "failed_after", "failed_clause",
           "failed_in_region", "is_counterparty", "is_negated",
           "negated_clauses", "pending", "renewed", "supposed_after", "without_failures"]

_JOINED = re.compile(r"\s*(?:和|与|及|、|跟|以及|还有)\s*")
# Negation scope: a negation word governs the rest of its clause (a sentence split at
# punctuation and at 但/不过).  有没有 / 是不是 / 能不能 (A-not-A questions), 不到 / 不超过
# (approximate amounts), 未来 and 不知道 / 不清楚 are not negations of a fact.
_CLAUSE_BREAK = re.compile(r"[，。；！？,;!?\n]|但是|但|不过")
# the words that open a but-clause (可是其中2份…, 不过剩下那项…)
BUT = r"(?:可是|但是|但|不过|只是)"
_NEGATION = re.compile(r"尚未|还没有?|(?<!有)没有?|并非|(?<!是)不是|未(?!来)|(?<![有])无(?!论)|"
                       r"忘了|忘记|不(?!到|超过|足|止|仅|但|过|管|论|同|少|错|知|清楚|确定|了解|懂|然)")
# Roles: the applicant is the one asking; an organisation after 从/向/与/和/那家/帮 …, or
# whose results or patents are spoken of, is a counterparty (a university that sold a patent).
SELF = r"我们|我司|本单位|我公司|本公司|厂里|我单位|我院|我校|我"
_COUNTERPARTY_BEFORE = re.compile(r"(从|向|跟|与|和|同|找|委托|联合|由|对方|国外|海外|境外|外国"
                                  r"|那家|卖方|落在|落到|转给|卖给|帮|替)[^我]{0,8}$")
_COUNTERPARTY_AFTER = re.compile(r"^(和?院所|和?科研院所)?的?(科技)?(成果|专利|技术)"
                                 r"|^.{0,4}(转让|卖|授权|许可)给")
_ASKS_FOR = re.compile(r"[^，,。；;]{0,6}?(问|咨询|打听)")  # (帮…问一下: asked for, see below)
_SELF_BEFORE = re.compile(rf"({SELF})(就|也)?(是|这个|这家)?(那家|这家|那个)?$")


def clause_start(text: str, pos: int) -> int:
    """Where the clause holding ``pos`` starts."""
    start = 0
    for m in _CLAUSE_BREAK.finditer(text, 0, pos):
        start = m.end()
    return start


def clause_at(text: str, pos: int) -> str:
    """The clause holding ``pos`` (the owner's own words around a phrase)."""
    start = clause_start(text, pos)
    m = _CLAUSE_BREAK.search(text, pos)
    return text[start:m.start() if m else len(text)]


def negated_clauses(text: str) -> list[str]:
    """The clauses of ``text`` a negation word governs (合同还没登记, 不是市级的)."""
    out: list[str] = []
    start = 0
    for m in [*_CLAUSE_BREAK.finditer(text), None]:
        end = m.start() if m else len(text)
        if end > start and is_negated(text, start, end):
            out.append(text[start:end])
        start = m.end() if m else len(text)
    return out


def is_negated(text: str, start: int, end: int) -> bool:
    """Whether a negation word governs the span: before it (or inside it) in its clause."""
    cs = clause_start(text, start)
    stop = end
    if (m := _CLAUSE_BREAK.search(text, start, end)) is not None:
        stop = m.start()
    for neg in _NEGATION.finditer(text, cs, stop):
        i = neg.start()
        if neg.group() == "不" and 0 < i < len(text) - 1 and text[i - 1] == text[i + 1]:
            continue  # 能不能, 可不可以: a question, not a negation
        return True
    return False


# An outcome said after what was sought (参评国家创新型乡镇，没评上 / 申报国家级孵化器没批下来 /
# 绩效评价没通过): the title was not obtained.
_FAILED = re.compile(r"(尚未|还没有?|没有?|未)(能|有|被|给)?(正式)?"
                     r"(通过|评上|批下来|获批|批准|认定上|"
                     r"认定下来|认定|成功|选上|入选|拿到|申请下来|评下来|立项|登上|获奖|命名|发文|发证|授牌|"
                     r"创建成功|创建成|创成|批|开始|过|成(?![果本])|影|下文|下来)"
                     r"|落选|失败|驳回|被退回|被[^，。；,;]{1,6}退回|否决|退回来|打回|被否|不合格|没戏|撤回|撤销了|放弃了"
                     r"|黄了|泡汤|被刷|刷下来|被拒|卡住了|卡在|差一点|差点|落榜|不予|被取消|取消了"
                     r"|摘牌|被撤|暂缓|搁置|没续|未续|没批复|没能|解除了|终止了|作废了|解约了"
                     r"|(还)?(没有?|未)(去|来得及)?(交|提交|报|申报|申请|评审|开评|公布)"
                     r"|只是报了个?名|报了个名|刚报名|刚报上去|没有?消息|没下文|没动静"
                     r"|还在公[示式]|公[示式]期|只是入围|仅入围|(只是|仅|刚)被?提名"
                     r"|还在走|在走[^，,。；;]{0,4}流程|流程(还)?没走完|还在办理?|正在办理?|办理中"
                     r"|还没办(完|下来|好)")
FAILED = _FAILED  # (the parts of a count that fell through: 其中1项黄了)
_SHORT_CLAUSE = 10
_GOES_ON = re.compile(r"^(我们|我司|咱们|后来|结果|最后|最终|然后|之后|可是|又|却)")


def failed_after(text: str, start: int, end: int, until: int | None = None) -> bool:
    """Whether the title at the span is said not to have been obtained: a failure word
    after it in its clause (before ``until``, where another title is named), or alone in
    the next (short) clause."""
    m = _CLAUSE_BREAK.search(text, end)
    stop = m.start() if m else len(text)
    if _FAILED.search(text, end, stop if until is None or until <= end else min(stop, until)):
        return True
    if until is not None and end < until < stop:
        return False  # (the clause goes on about the next title)
    if m is None or m.group() in ("但是", "但", "不过"):
        return False
    ends = nxt.start() if (nxt := _CLAUSE_BREAK.search(text, m.end())) else len(text)
    following = text[m.end():ends]
    if len(following) <= _SHORT_CLAUSE and bool(_FAILED.match(following.lstrip("都也还却但"))):
        return True
    # (…国家技术市场奖励，我们报上去以后又主动撤回了: the asker's next step with it)
    return (until is None or until >= ends) and len(following) <= 2 * _SHORT_CLAUSE \
        and bool(_GOES_ON.match(following)) and bool(_FAILED.search(following)) \
        and not _ABOUT_MONEY.search(following) and not _ANOTHER.search(following, 2)


# An outcome that says it was obtained after all (今年终于过了 / 后来批下来了)
_OBTAINED = re.compile(r"通过|过了|批下来|获批|批了|认定(了|上|下来)|评上|成功|入选|命名|创成|立项")
_NOT_BEFORE = re.compile(r"[没未不]|尚|还没")
# a clause about money or asking (没拿到钱, 能拿多少) says nothing of the title's status
_ABOUT_MONEY = re.compile(r"钱|奖励|补助|资金|奖金|\d\s*万|多少|吗|[?？]")
_STATUS_CLAUSES = 3
# a clause about another part, year or level (1个没成, 另一个…, 2025年…): not the title's
_ANOTHER = re.compile(r"[0-9一二两三四五六七八九十几]\s*[个家项所]|另|隔壁|其他|其余|别的|有的|剩下"
                      r"|\d{4}\s*年|[今去明前]年|国家|省级|省里|市级|我们|我司|咱")


def _status(clause: str) -> bool | None:
    """The last outcome a clause states: failed (True), obtained (False), or none."""
    last: tuple[int, bool] | None = None
    failures = [(m.start(), m.end()) for m in _FAILED.finditer(clause)]
    if failures:
        last = (failures[-1][0], True)
    for m in _OBTAINED.finditer(clause):
        if any(a <= m.start() < b for a, b in failures) \
                or _NOT_BEFORE.search(clause, max(0, m.start() - 4), m.start()):
            continue  # 没创建成功, 还没正式命名: part of a failure
        if last is None or m.start() > last[0]:
            last = (m.start(), False)
    return None if last is None else last[1]


def failed_clause(clause: str) -> bool:
    """Whether the last outcome a clause states is a failure (国家级那个被刷下来了)."""
    return _status(clause) is True


def failed_in_region(text: str, start: int, end: int, until: int) -> bool:
    """Whether the title at the span ends up not obtained, reading its status region: the
    rest of its clause and the next clauses before ``until`` (where another title is
    named), stopping at 但/不过 or after a few clauses; the last outcome stated wins
    (申报国家级孵化器，材料报上去了还没批下来 fails; 第一次没过…今年终于过了 does not)."""
    m = _CLAUSE_BREAK.search(text, end)
    # (我们市级孵化器申报国家级孵化器失败了: the failure is the next title's, in the clause;
    # 国家技术市场奖和省技术市场奖都报了，都没评上: both titles', joined)
    if _JOINED.fullmatch(text, end, until):
        until = len(text)
    own = text[end:min(m.start() if m else len(text), max(until, end))]
    state = _status(own)
    for _ in range(_STATUS_CLAUSES):
        if m is not None and m.group() in ("但是", "但", "不过") and m.end() < until:
            # 省级的也报了但是没评上: a contrast about the same title, not another (…没通过，
            # 但认定了技术先进型服务企业: the next title's outcome, not its own)
            stop = nxt.start() if (nxt := _CLAUSE_BREAK.search(text, m.end())) else len(text)
            after = text[m.end():min(stop, until)]
            if stop <= until and not _ANOTHER.search(after) and (s := _status(after)) is not None:
                state = s
            break
        if m is None or m.end() >= until:
            break
        nxt = _CLAUSE_BREAK.search(text, m.end())
        if (nxt.start() if nxt else len(text)) > until:
            break  # (只给认定了省级…: a clause naming the next title is its status)
        clause = text[m.end():nxt.start() if nxt else len(text)]
        m = nxt
        if _ANOTHER.search(clause):
            break
        if _ABOUT_MONEY.search(clause):
            continue
        state = s if (s := _status(clause)) is not None else state
    return state if state is not None else failed_after(text, start, end, until)


# 如果认定成功 / 要是升了国家级: a hypothetical (not 主要是本地的, 只要是…, 需要是…)
IF = re.compile(r"如果|假如|假设|(?<![主只需重必])要是|若是|万一|倘若")
# 明年打算申报… / 省级的还在等结果 / 正在申报: a title sought, not (yet) obtained
_PLANNED_BEFORE = re.compile(r"(打算|准备|计划|想要?|争取|拟|要|正在|还在|在)"
                             r"(明年|今年|年底|下半年|后年|近期|马上|尽快)?(去)?"
                             r"(申报|申请|报|冲|争创|创建|评)(?:(?!成|过|批|上|到)[^，,。；;！!？?\s]){0,4}$"
                             r"|(想着|打算|准备|计划|本想|本来想|盼着)(到期|期满)?(后|以后)?再?$")
# words saying where a step stands (还在公示没批下来, 现在能先拿吗): read as the step's
# status, never a subject of their own (index.answering.focus leaves them out)
STATUS_WORDS = ("公示期", "公示", "没批下来", "批下来", "还没批", "没批", "批复", "先拿", "先领",
                "先给", "预拨", "还在", "正在", "等结果")
_PENDING_AFTER = re.compile(r"还在等|在等|等结果|等通知|等批|还在申报|正在申报"
                            r"|(还在|正在)(?:[省市部国里局厅委]{1,3})?(评审|审核|审批|评|审)|在审"
                            r"|(申报|申请|审核|评审|审批)中|待批|待审|还没出结果|没出结果"
                            r"|结果还没出|还没定|没定下来|结果没出来|还没出来|没有?消息|没下文|没动静"
                            r"|还没有?结果|没有?结果")


_LEADING_WORDS = re.compile(r"^(到现在|到目前|目前|现在|如今|一直|都|也|却|但)+")
_HANDED_IN = re.compile(r"(材料|资料|申报书|申请书)?(已经|都)?(交|报|递|提交)(上去|上|过去)?了")


def pending(text: str, start: int, end: int) -> bool:
    """Whether the title at the span is only planned or awaited ("明年打算申报国家级…",
    "省级技术创新中心还在等"): its clause before it plans it, or it or the next short
    clause waits for it."""
    if _PLANNED_BEFORE.search(text[clause_start(text, start):start]):
        return True
    m = _CLAUSE_BREAK.search(text, end)
    if _PENDING_AFTER.search(text, end, m.start() if m else len(text)):
        return True
    # the next short clauses (材料已经报上去了，结果还没出来), while they say nothing else
    for _ in range(_STATUS_CLAUSES):
        if m is None or m.group() in ("但是", "但", "不过"):
            return False
        nxt = _CLAUSE_BREAK.search(text, m.end())
        following = text[m.end():nxt.start() if nxt else len(text)]
        if len(following) > _SHORT_CLAUSE or _ANOTHER.search(following) \
                or _OBTAINED.search(following) or _ABOUT_MONEY.search(following):
            return False
        # (材料交上去了还在审: the step taken, its result awaited)
        if _PENDING_AFTER.match(_LEADING_WORDS.sub("", following)) or (
                _HANDED_IN.match(following) and _PENDING_AFTER.search(following)):
            return True
        m = nxt
    return False


def awaiting_result(text: str, start: int, end: int) -> str:
    """The words saying the title at the span was applied for and its result is awaited
    (材料已经报上去了，结果还没出来 → 结果还没出来), not only planned (明年打算申报): not
    obtained, even asked about alone; '' otherwise."""
    if not pending(text, start, end) \
            or _PLANNED_BEFORE.search(text[clause_start(text, start):start]) \
            or _SUPPOSITION.search(text, end):  # (还在公示，要是批了: supposed, as if)
        return ""
    m = _PENDING_AFTER.search(text, end)
    return clause_at(text, m.start()).strip() if m else ""


def supposed_after(text: str, at: int) -> bool:
    """Whether a supposition (如果/要是…) is said after ``at``: what is awaited before it
    is asked about as if obtained (还在公示，要是批了能拿多少)."""
    return bool(_SUPPOSITION.search(text, at))


def without_failures(text: str) -> str:
    """``text`` less its failure words (报省级基地没通过 → 报省级基地)."""
    return _FAILED.sub("", text)


def is_counterparty(text: str, start: int, end: int, others: bool = True) -> bool:
    """Whether the organisation at the span is another party than the one asking.

    Its results or patents (高校成果) make it a counterparty only when the question
    names another party too (``others``: the asker, or another kind of applicant).
    """
    before = text[clause_start(text, start):start]
    if _SELF_BEFORE.search(before) or re.search(SELF, text[start:end]):
        return False
    if _COUNTERPARTY_BEFORE.search(before):  # (帮合作高校问一下: the one asked for applies)
        return not (re.search(r"(帮|替)[^我]{0,8}$", before) and _ASKS_FOR.match(text, end))
    return (others and not re.search(r"买|购|牵头|自建|是", text[start:end])
            and bool(_COUNTERPARTY_AFTER.search(text[end:])))


# 第二次评价也过了 / 再次通过: a repeat of what a first-time award is for
_REPEAT = re.compile(r"第[二三四五2-5][次轮]|第[二三]回|再次|又一次|二次|重新")


# …通过了绩效评价，另外1个去年就通过过、今年是第二次: a repeat said after the title
_REPEAT_APART = re.compile(r"(是|算)第[二三四五2-5]次"
                           r"|(之前|以前|去年|前年|早就|已经)[^，,。；;]{0,3}(通过|评上|认定)过")


def repeated(text: str, start: int, end: int, until: int | None = None) -> bool:
    """Whether the clause holding the span says it happened again (not the first time), or
    a clause after it before ``until`` (the next title) does; a second try after a failure
    (第一次没过，第二次评价通过了) is the first pass."""
    a = clause_start(text, start)
    m = _CLAUSE_BREAK.search(text, end)
    own = m.start() if m else len(text)
    return (bool(_REPEAT.search(text, a, own))
            or (until is not None and bool(_REPEAT_APART.search(text, own, until)))) \
        and _status(text[:a]) is not True


# 复审 / 重新认定 / 到期后又认定: a title renewed, not won the first time
RENEWAL_SAID = re.compile(r"重新(评定|认定|评审|核定)|复核|复审|复评|再次(认定|评定)"
                          r"|到期(后)?(又|再)?(认定|评上|通过)")
# the words saying a part of a count was paid before or is renewed (其中1家是复核, 不过有一家
# 前年就已经通过过一回了): its one-time awards are not paid again
PAID_BEFORE = ("已经拿过", "拿过", "已经领过", "领过", "已领", "已经获得过", "重新认定", "复审",
               "复核", "复评", "通过过", "认定过", "评上过", "就认定过", "第二次")
# 2020年就认定过 / 去年第一次通过时已经拿过钱: the award was received before
_HAD_IT = re.compile(r"(已经|早就|之前|以前|当时|那时)[^，,。；;]{0,8}(拿|领|得)过"
                     r"|(?<![没未])(就|早)(认定|通过|评上)过")


def renewed(text: str) -> bool:
    """Whether ``text`` (one part's own words) says its title was renewed or received
    before: 1个是第二次通过 / 今年是复核 / 2020年就认定过 (its one-time awards are not paid
    again)."""
    return bool(RENEWAL_SAID.search(text) or _HAD_IT.search(text)
                or _REPEAT_APART.search(text)) or repeated(text, 0, 0, len(text))


_ASKS_REPEAT = re.compile(r"(第[二三四五2-5][次轮]|这次|这回|本次)[^，。？?]{0,4}(能|可以|可|还)?"
                          r"(拿|给|奖|补|得|有钱|有奖|有补)|还再(给|拿|奖|补)")


def asks_repeat(text: str) -> bool:
    """Whether the question asks about a repeat it states (2021年首次通过已经拿过钱了，
    2023年第二次通过，这次能拿多少)."""
    return bool(_ASKS_REPEAT.search(text)) and bool(_REPEAT.search(text))


_SUPPOSITION = re.compile(r"(?:" + IF.pattern + r")([^，,。；;！!？?]*)")
_OBTAIN = {"拿到", "获得", "评上", "认定", "通过", "获批", "批下来", "认定上", "批了"}
_STEP = re.compile(r"登记|认定|通过|评上|获批|批下来|批|升级|入选|创成|备案|立项|签约|验收")
_NOT_DONE = re.compile(r"(?:还|尚)?(?:没有?|未)(?:去|能|有|被|及时|正式)?(?=[\u4e00-\u9fff])")


def supposed_otherwise(text: str) -> str:
    """``text`` with a step said not done lifted where a later supposition says it done
    ("那份合同没去登记，假如当时登记了，能拿多少" → the contract registered, supposed):
    the "如果…" is then computed as supposed, and labelled so."""
    sups = [(m.start(), m.group(1)) for m in _SUPPOSITION.finditer(text)]
    if not sups:
        return text
    out = text
    for neg in reversed(list(_NOT_DONE.finditer(text))):
        # the step not done: the verb after the negation, or one its clause ends on
        # (还没通过国家级认定，如果认定了)
        rest = re.match(r"[^，,。；;！!？?]*", text[neg.end():])
        steps = {text[neg.end():neg.end() + 2],
                 *_STEP.findall(rest.group() if rest else "")}
        if steps & _OBTAIN:  # 还没拿到省品牌，假如今年认定上了: obtaining, said either way
            steps |= _OBTAIN
        if any(at > neg.end() and any(v in said for v in steps) and not _NEGATION.search(said)
               for at, said in sups):
            out = out[:neg.start()] + out[neg.end():]
    for _, said in sups:
        # 其中80万那项后来撤回了…如果80万那项没撤回呢: the fall-through supposed away
        for m in _NOT_FALLEN.finditer(said):
            out = out.replace(m.group(), "").replace(m.group(2) + "了", "").replace(
                m.group(2), "")
    for wait in reversed(list(_STILL_WAITING.finditer(out))):
        # 还在公示，要是批了能拿多少: the result awaited, supposed come (of no other level)
        if any(at > wait.end() and _STEP.search(said) and not _NEGATION.search(said)
               and not re.search(r"国家|省|市级", said) for at, said in sups):
            out = out[:wait.start()] + "已" + out[wait.end():]
    return out


# a fall-through said not to have happened (没撤回, 没黄, 没被取消)
_NOT_FALLEN = re.compile(r"(没有?|未|不)(撤回|撤销|黄|取消|被取消|退回|被退回|驳回|被驳回|落选|被刷"
                         r"|解约|终止)")
# a result awaited, that a supposition after it may say came (还在公示 / 还在等结果)
_STILL_WAITING = re.compile(r"还在公[示式]|公[示式]期|还在等结果?|在等结果|还在评审|还没出结果"
                            r"|结果还没出来?")
