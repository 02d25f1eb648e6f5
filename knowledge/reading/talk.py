"""How owners talk in a conversation, as staff data (``vocabulary/conversation.yaml``).

:class:`Talk` holds the greetings, the words that tie a message to the previous one
(openings, pronouns, corrections, combinations, endings), the levels and applicants a
follow-up may change, the deployment's own and other places, the kinds of question
beyond amounts (what each asks, and the words of a clause that state it) and the matters
the documents leave to national or provincial rules.  :func:`load_talk` validates the
file and raises a :class:`~knowledge.errors.VocabularyError` at ``file:line``.

Phrases are plain words; ``…`` stands for up to six characters within a clause, so no
staff phrase can make a regular expression backtrack: :func:`phrase_pattern` escapes
every part.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.errors import VocabularyError
from knowledge.yamlio import Y, load_yaml

__all__ = ["TALK_FILE", "AskedKind", "External", "Talk", "default_talk", "knowledge_talk",
           "load_talk", "payer_change", "payer_word", "pays", "phrase_pattern", "table_word",
           "word_at"]

TALK_FILE = "vocabulary/conversation.yaml"
_TOP = {"greetings", "thanks", "near", "follow_up", "ask_again", "levels", "level_words",
        "applicants", "places", "asked", "external", "spoken", "stages",
        "context_figures", "short_forms"}  # (these two: read by knowledge.awards.vocabulary)
_FOLLOW = ("starts", "pronouns", "corrections", "combinations", "endings", "additions",
           "joins", "that_year", "unrelated", "only_this", "about_previous", "tasks")
_ASKED_KEYS = {"label", "ask", "pairs", "stated", "requires"}
_EXTERNAL_KEYS = {"subject", "asked", "rule", "office"}


@functools.lru_cache(maxsize=4096)
def phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A phrase with ``…`` gaps (up to six characters, not across punctuation)."""
    parts = [re.escape(p) for p in phrase.split("…")]
    return re.compile(r"[^，。；！？,.;!?\s]{0,6}".join(parts), re.I)


@functools.lru_cache(maxsize=1024)
def _longest_first(phrases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(sorted(phrases, key=lambda p: (-len(p), p)))


_ENDS_IN_WAI = re.compile(r"(?<=[另此以之格额意例])外")  # 另外, 此外, 以外…: no 外省 after them


def _found(text: str, phrases: Iterable[str]) -> str:
    """The first phrase found in ``text`` (longest first), else ''."""
    for phrase in _longest_first(tuple(phrases)):
        if "…" in phrase:
            if phrase_pattern(phrase).search(text):
                return phrase
        elif phrase.lower() in text.lower():
            return phrase
    return ""


# 当时二百万已经到账了: a step said done, no question of it (its words do not ask)
_DONE = re.compile(r"(已经|早就|早已|已)(?:(?!多少|几)[^，。；！？,;!?\s]){0,6}?了(?![吗么没])")


@dataclass(frozen=True)
class AskedKind:
    """One kind of question the documents may or may not answer."""

    name: str
    label: str
    ask: tuple[str, ...]
    stated: tuple[str, ...]
    requires: tuple[str, ...] = ()
    # (first words, second words): asked when one of each is in the question
    # (多久 … 到账, 占比 … 多少), in either order
    pairs: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = ()

    def asked_by(self, text: str) -> bool:
        if not (_found(_DONE.sub("", text), self.ask) or any(_found(text, a) and _found(text, b)
                                                             for a, b in self.pairs)):
            return False
        return not self.requires or bool(_found(text, self.requires))

    def stated_in(self, text: str) -> bool:
        return bool(_found(text, self.stated))


@dataclass(frozen=True)
class External:
    """A matter another rule governs: its subject words, the kinds of question it
    answers, the rule and the office to ask."""

    subject: tuple[str, ...]
    asked: tuple[str, ...]
    rule: str
    office: str

    def named_by(self, text: str) -> str:
        return _found(text, self.subject)


@dataclass(frozen=True)
class Talk:
    greetings: tuple[str, ...] = ()
    thanks: tuple[str, ...] = ()
    follow_up: dict[str, tuple[str, ...]] = field(default_factory=dict)
    levels: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # words that go with one level only (市级: 试点), dropped when a follow-up changes it
    level_words: dict[str, tuple[str, ...]] = field(default_factory=dict)
    applicants: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # first recognition or renewal, which a follow-up changes (2022年重新认定通过了呢)
    stages: dict[str, tuple[str, ...]] = field(default_factory=dict)
    home: tuple[str, ...] = ()
    elsewhere: tuple[str, ...] = ()
    asked: tuple[AskedKind, ...] = ()
    external: tuple[External, ...] = ()
    near: tuple[str, ...] = ()  # words that put a question near the policies
    # what was asked, in words, for "X呢" about another subject (amount → 能拿多少)
    ask_again: dict[str, str] = field(default_factory=dict)
    # spoken forms of question words and their written form (啥 → 什么, 咋 → 怎么): the
    # kinds of question are matched on the written form
    spoken: dict[str, str] = field(default_factory=dict)

    def written(self, text: str) -> str:
        """``text`` with its spoken question words in their written form."""
        for word in sorted(self.spoken, key=len, reverse=True):
            text = text.replace(word, self.spoken[word])
        return text

    def is_near(self, text: str) -> bool:
        return bool(_found(text, self.near))

    def markers(self, kind: str) -> tuple[str, ...]:
        return self.follow_up.get(kind, ())

    def found(self, text: str, phrases: Iterable[str]) -> str:
        return _found(text, phrases)

    def asked_kind(self, text: str) -> AskedKind | None:
        """The first kind of question (file order) ``text`` asks, else None."""
        text = self.written(text)
        return next((k for k in self.asked if k.asked_by(text)), None)

    def asked_kinds(self, text: str) -> list[AskedKind]:
        """Every kind of question ``text`` asks (所得税优惠怎么办理: tax and procedure)."""
        text = self.written(text)
        return [k for k in self.asked if k.asked_by(text)]

    def kind(self, name: str) -> AskedKind | None:
        return next((k for k in self.asked if k.name == name), None)

    def external_for(self, text: str, asked: str) -> External | None:
        """The other rule governing what ``text`` asks (kind ``asked``), else None."""
        text = self.written(text)
        return next((e for e in self.external if asked in e.asked and e.named_by(text)), None)

    def elsewhere_named(self, text: str) -> str:
        """A place other than the deployment's that ``text`` names, else '' (另外省级…
        names none: its 外 ends 另外)."""
        return _found(_ENDS_IN_WAI.sub("", text), self.elsewhere)

    def is_greeting(self, text: str) -> bool:
        """Whether ``text`` is only greetings, thanks and punctuation."""
        rest = re.sub(r"[\s，。！？!?,.~～、…·:：;；\-—]+", "", text.lower())
        if not rest:
            return False
        # 你/您 after the longer words: 您好 is a greeting, 谢谢你 is thanks
        words = sorted((w.lower() for w in (*self.greetings, *self.thanks, "你", "您")),
                       key=len, reverse=True)
        changed = True
        while rest and changed:
            changed = False
            for w in words:
                if rest.startswith(w):
                    rest, changed = rest[len(w):], True
                    break
            rest = rest.lstrip("啊呀呢哈嘛吧哦噢的了啦们")
        return not rest


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors: list[VocabularyError] = []

    def err(self, message: str, line: int | None) -> None:
        self.errors.append(VocabularyError(message, self.path, line))

    def words(self, y: Y | None, what: str) -> tuple[str, ...]:
        if y is None:
            return ()
        seq = y.sequence
        if seq is None:
            self.err(f"{what} 应为词语列表，例如 [你好, 您好]", y.line)
            return ()
        out: list[str] = []
        for item in seq:
            if isinstance(item.value, str | int | float) and str(item.value).strip():
                out.append(str(item.value).strip())
            else:
                self.err(f"{what} 中有空的或不是文字的词语", item.line)
        return tuple(out)

    def table(self, y: Y | None, what: str) -> dict[str, tuple[str, ...]]:
        if y is None:
            return {}
        m = y.mapping
        if m is None:
            self.err(f"{what} 应为“名称: [说法, …]”的映射", y.line)
            return {}
        return {key: self.words(value, f"{what}.{key}") for key, value in m.items()}

    def mapping(self, y: Y, allowed: set[str], what: str) -> dict[str, Y]:
        m = y.mapping
        if m is None:
            self.err(f"{what} 应为映射", y.line)
            return {}
        for key in m:
            if key not in allowed:
                self.err(f"{what} 中有未知的键“{key}”（可用：{'、'.join(sorted(allowed))}）",
                         y.key_line(key))
        return m

    def text(self, m: dict[str, Y], key: str, what: str, line: int) -> str:
        y = m.get(key)
        if y is None or not isinstance(y.value, str) or not y.value.strip():
            self.err(f"{what} 缺少“{key}”（应为一段文字）", y.line if y else line)
            return ""
        return y.value.strip()


def _pairs(r: _Reader, y: Y | None, what: str
           ) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    out: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    for item in (y.sequence or []) if y is not None else []:
        both = item.sequence
        if both is None or len(both) != 2:
            r.err(f"{what} 的每一项应为两组词语：[[什么时候, 多久], [到账, 拨付]]", item.line)
            continue
        out.append((r.words(both[0], what), r.words(both[1], what)))
    return tuple(out)


def _read(r: _Reader, root: Y) -> Talk:
    top = r.mapping(root, _TOP, "conversation.yaml")
    follow = r.table(top.get("follow_up"), "follow_up")
    for key in follow:
        if key not in _FOLLOW:
            r.err(f"follow_up 中有未知的键“{key}”（可用：{'、'.join(_FOLLOW)}）",
                  top["follow_up"].key_line(key))
    places = r.table(top.get("places"), "places")
    r.words(top.get("context_figures"), "context_figures")  # (checked here, used there)
    r.table(top.get("short_forms"), "short_forms")
    asked: list[AskedKind] = []
    if (y := top.get("asked")) is not None:
        for name, entry in r.mapping(y, set((y.mapping or {}).keys()), "asked").items():
            m = r.mapping(entry, _ASKED_KEYS, f"asked.{name}")
            asked.append(AskedKind(name, r.text(m, "label", f"asked.{name}", entry.line),
                                   r.words(m.get("ask"), f"asked.{name}.ask"),
                                   r.words(m.get("stated"), f"asked.{name}.stated"),
                                   r.words(m.get("requires"), f"asked.{name}.requires"),
                                   _pairs(r, m.get("pairs"), f"asked.{name}.pairs")))
    external: list[External] = []
    if (y := top.get("external")) is not None:
        for entry in y.sequence or []:
            m = r.mapping(entry, _EXTERNAL_KEYS, "external")
            external.append(External(r.words(m.get("subject"), "external.subject"),
                                     r.words(m.get("asked"), "external.asked"),
                                     r.text(m, "rule", "external", entry.line),
                                     r.text(m, "office", "external", entry.line)))
            known = {k.name for k in asked} | {"amount", "materials", "deadline", "office"}
            for kind in external[-1].asked:
                if kind not in known:
                    r.err(f"external.asked 中的“{kind}”不是已知的问题类型"
                          f"（可用：{'、'.join(sorted(known))}）", entry.line)
    return Talk(greetings=r.words(top.get("greetings"), "greetings"),
                thanks=r.words(top.get("thanks"), "thanks"), follow_up=follow,
                levels=r.table(top.get("levels"), "levels"),
                level_words=r.table(top.get("level_words"), "level_words"),
                applicants=r.table(top.get("applicants"), "applicants"),
                stages=r.table(top.get("stages"), "stages"),
                home=places.get("home", ()), elsewhere=places.get("elsewhere", ()),
                asked=tuple(asked), external=tuple(external),
                near=r.words(top.get("near"), "near"),
                ask_again={k: "".join(v) for k, v in
                           r.table(top.get("ask_again"), "ask_again").items()},
                spoken={k: "".join(v) for k, v in r.table(top.get("spoken"), "spoken").items()})


def check_talk(knowledge_dir: Path | str) -> list[VocabularyError]:
    """Every problem of a knowledge folder's ``conversation.yaml`` (none when absent)."""
    path = Path(knowledge_dir) / TALK_FILE
    if not path.is_file():
        return []
    try:
        root = load_yaml(path, error=VocabularyError)
    except VocabularyError as exc:
        return [exc]
    r = _Reader(path)
    _read(r, root)
    return r.errors


def load_talk(path: Path | str) -> Talk:
    """``conversation.yaml`` read and validated (the first problem raised, located)."""
    path = Path(path)
    root = load_yaml(path, error=VocabularyError)
    r = _Reader(path)
    talk = _read(r, root)
    if r.errors:
        raise r.errors[0]
    return talk


def knowledge_talk(knowledge_dir: Path | str) -> Talk:
    """The conversation vocabulary of a knowledge folder, else the package's."""
    path = Path(knowledge_dir) / TALK_FILE
    return load_talk(path) if path.is_file() else default_talk()


@functools.cache
def default_talk() -> Talk:
    return load_talk(Path(__file__).resolve().parent.parent / TALK_FILE)


def word_at(text: str, word: str) -> int:
    """Where a table word is in ``text`` (-1: not there).  A one-character word (省) only
    before what it qualifies (省技术市场奖), not as 省里 / 省的 / 省级, nor in 山东省."""
    if len(word) > 1:
        return text.find(word)
    return next((m.start() for m in re.finditer(re.escape(word) + r"(?=[\u4e00-\u9fff])"
                                                r"(?![里的级钱])", text)
                 if text[m.start() - 1:m.start()] != "东"), -1)



# after 省里/市里: the level's government paying, not the level of a title
_FUNDING = re.compile(r"(拨|给|出|财政|资金|配|补|奖|担|掏|一共|总共|要|能|会|得|那块|那部分"
                      r"|那份|的部分|分担|承担|自己|另外|还)")
_PAYING = re.compile(r"(出|担|分担|承担|掏|拨|那块|那部分|那份|的部分)")


def table_word(text: str, table: Mapping[str, tuple[str, ...]], titled: bool = False
                ) -> tuple[str, str]:
    """(the table entry ``text`` names, the words naming it), longest words first.
    ``titled``: a level of a title only, not of the government paying (市里配套多少)."""
    pairs = sorted(((w, name) for name, words in table.items() for w in words),
                   key=lambda p: -len(p[0]))
    for word, name in pairs:
        at = word_at(text, word)
        if at >= 0 and not (titled and pays(text, word)):
            return name, word
    return "", ""


def payer_word(question: str, table: Mapping[str, tuple[str, ...]]) -> str:
    """The level word of ``question`` naming the government paying (市里出多少), or ''."""
    for word in sorted((w for words in table.values() for w in words), key=len, reverse=True):
        if word in question and pays(question, word):
            return word
    return ""


def pays(text: str, word: str) -> bool:
    """Whether the level ``word`` in ``text`` names the government paying (市里出多少,
    省里拨了80万, 区里自己还会再配套吗), not the level of a title (国家级能拿多少)."""
    at = text.find(word)
    paying = _PAYING if word.endswith("级") else _FUNDING  # 市级担多少 pays; 国家级能… not
    return at >= 0 and bool(paying.match(text, at + len(word)))


def payer_change(rest: str, question: str, word: str, table: Mapping[str, tuple[str, ...]],
                 bare: bool) -> tuple[str, str, bool] | None:
    """A follow-up's level ``word`` against the government the question asks to pay:
    (question, rest, swapped) — kept when the follow-up names the payer asked again
    beside the province's money (省里拨了80万，市里配多少), swapped in its place (市里出
    多少 → 县里出多少 / ``bare``: 省里呢); None when it is no payer's."""
    payer = payer_word(question, table)
    if payer and payer != word and pays(rest, word) and word in question:
        return question, rest.replace(word, ""), False
    # (省级的 after …市里奖多少: a title's level — 省里呢 is the payer's)
    if payer and payer not in rest and (pays(rest, word) or (bare and not word.endswith("级"))):
        return question.replace(payer, word, 1), rest.replace(word, ""), True
    return None
