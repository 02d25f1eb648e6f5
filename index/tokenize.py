"""Tokenisation for the lexical (BM25) side of retrieval.

Chinese is segmented with jieba, using a private :class:`jieba.Tokenizer` loaded once with
the policy vocabulary in ``policy_terms.dict`` (so 科技企业孵化器 stays one token).  Every
long token also yields the dictionary words inside it (孵化器 inside 科技企业孵化器), a
generalisation of jieba's search mode, so a short colloquial query term meets the long
official term.  Latin words are lowercased, text is NFKC-normalised (full-width ASCII to
half-width), and punctuation, single characters and stop words are dropped.

Queries can be expanded with :func:`query_expansions`: colloquial words (补贴, 高企, 孵化)
add the official words of the policies (补助, 奖励, 奖补; 高新技术企业; 科技企业孵化器).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
import threading
import unicodedata
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import jieba

__all__ = [
    "PATTERNS",
    "STOP_WORDS",
    "SYNONYMS",
    "TOKENIZER_VERSION",
    "normalize",
    "policy_words",
    "query_expansions",
    "set_cache_dir",
    "tokenize",
    "warm_up",
]

_DICT_NAME = "policy_terms.dict"

# Question words, pronouns and filler: frequent in questions, useless for matching.
_STOP_TEXT = """
    我们 我们的 你们 他们 我司 本公司 公司的 请问 你好 您好 谢谢 一下 什么 怎么 怎么样 怎样 如何
    哪些 哪个 哪里 哪儿 为什么 是否 是不是 能否 能不能 可不可以 可以 能够 有没有 有无 没有
    多少 多大 几个 需要 想要 想问 问问 了解 知道 打算 准备 这个 那个 这些 那些 这样 那样
    还有 以及 或者 并且 而且 但是 因为 所以 如果 的话 关于 对于 进行 相关 有关 其他 其它 各类
    各种 一批 一个 一些 目前 现在 今年 已经 应该 符合条件 条件 要求 规定 政策 有关规定 按照 根据
    给予
    a an the of and or to in for on at by as with from into about is are was be been being it its
    i me my we our us you your he she they them this that these those there here what which who
    when where why how much many any some do does did done can could will would should shall may
    might must get gets got have has had if then than so also not no yes please tell know want
    become becomes
"""
STOP_WORDS: frozenset[str] = frozenset(_STOP_TEXT.split())

# Colloquial trigger (matched as a substring of the normalised query) -> official words.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "补贴": ("补助", "奖励", "资金支持", "奖补", "扶持"),
    "补助": ("补贴", "奖励", "资金支持", "奖补"),
    "奖励": ("补助", "奖补"),
    "奖金": ("奖励", "补助"),
    "资助": ("补助", "资金支持"),
    "扶持": ("支持", "补助", "奖补"),
    "给钱": ("资金", "奖励", "补助"),
    "多少钱": ("资金", "奖励", "补助", "万元"),
    "孵化": ("孵化器", "众创空间", "孵化载体"),
    "研发": ("研究开发",),
    "高企": ("高新技术企业",),
    "高新企业": ("高新技术企业",),
    "高新技术": ("高新技术企业",),
    "创新券": ("科技创新券", "普惠券"),
    "专利": ("知识产权",),
    "贷款": ("融资", "科技支行", "信贷"),
    "融资": ("科技金融", "贷款", "科技支行"),
    "技术转让": ("技术转移", "技术交易", "技术合同", "成果转化"),
    "卖技术": ("技术转移", "技术交易", "技术合同"),
    "买技术": ("技术交易", "技术合同", "购买技术"),
    "成果转化": ("科技成果转移转化", "技术转移"),
    "实验室": ("重点实验室",),
    "院士": ("院士工作站",),
    "减税": ("所得税优惠", "税前扣除", "减免"),
    "免税": ("所得税优惠", "减免"),
    "税收优惠": ("所得税优惠", "税前扣除", "加计扣除"),
    "加计扣除": ("研发费加计扣除",),
    "研究院": ("新型研发机构", "工业技术研究院"),
    "比赛": ("创新创业大赛",),
    "大赛": ("创新创业大赛",),
    "特派员": ("科技特派员",),
    "医院": ("临床医学研究中心", "医疗机构"),
    "海外": ("走出去", "国际合作"),
    "出海": ("走出去", "海外"),
    "国外": ("海外", "国际合作"),
    "中介": ("技术转移服务机构", "技术经纪"),
    "经纪人": ("技术经纪",),
    "检测": ("检验检测",),
    "乡镇": ("创新型乡镇",),
    "农业": ("农业科技园区", "星创天地"),
    # English question words -> the Chinese vocabulary of the policies (prefix match)
    "subsid": ("补助", "补贴", "奖补"),
    "grant": ("补助", "资金支持"),
    "reward": ("奖励",),
    "bonus": ("奖励",),
    "fund": ("资金", "资金支持"),
    "support": ("支持", "资金支持"),
    "incubat": ("孵化器", "科技企业孵化器", "孵化"),
    "maker space": ("众创空间",),
    "makerspace": ("众创空间",),
    "innovation cent": ("技术创新中心",),
    "technology innovation": ("技术创新中心",),
    "innovation": ("创新",),
    "technolog": ("技术", "科技"),
    "high-tech": ("高新技术企业",),
    "high tech": ("高新技术企业",),
    "hi-tech": ("高新技术企业",),
    "patent": ("专利", "知识产权"),
    "intellectual property": ("知识产权",),
    "r&d": ("研发", "研究开发"),
    "research": ("研究", "研发"),
    "laborator": ("实验室", "重点实验室"),
    "clinical": ("临床医学研究中心",),
    "medical research": ("临床医学研究中心",),
    "institut": ("机构", "研发机构"),
    "new-type": ("新型研发机构",),
    "transfer": ("技术转移", "转移转化"),
    "commerciali": ("成果转化",),
    "broker": ("技术经纪", "促成", "技术转移服务机构"),
    "agenc": ("服务机构",),
    "intermediar": ("中介", "服务机构"),
    "universit": ("高校", "高校院所"),
    "college": ("高校",),
    "county": ("县域", "创新型县"),
    "township": ("创新型乡镇",),
    "national": ("国家级", "国家"),
    "provincial": ("省级",),
    "enterprise": ("企业",),
    "startup": ("创业", "孵化"),
    "entrepreneur": ("创业", "创新创业"),
    "talent": ("人才",),
    "academician": ("院士工作站",),
    "platform": ("平台", "创新平台"),
    "science park": ("大学科技园",),
    "buying": ("购买", "技术交易"),
    "purchas": ("购买", "技术交易"),
    "loan": ("贷款", "科技支行"),
    "financ": ("融资", "科技金融"),
    "voucher": ("科技创新券",),
    "competition": ("创新创业大赛",),
    "contest": ("创新创业大赛",),
    # everyday words for money, buying and the countryside
    "缺钱": ("资金", "补助", "资金支持"),
    "经费": ("资金", "补助"),
    "村里": ("农村", "乡村", "基层"),
    "农村": ("乡村", "基层"),
    "下乡": ("基层", "农村"),
    "买卖": ("交易", "供需"),
    "坏账": ("风险补偿",),
    "补多少": ("补助", "奖励"),
    "奖多少": ("奖励",),
}

# Colloquial *patterns*: a verb and its object a few characters apart ("买了300万的技术",
# "研发缺钱").  A substring trigger cannot see these; each pattern adds official words.
PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(r"(?:买|购)[^，。？！,.?!]{0,8}?(?:技术|专利|成果)"),
     ("购买技术", "技术交易", "技术交易额", "技术合同")),
    (re.compile(r"卖[^，。？！,.?!]{0,8}?(?:技术|专利|成果)"),
     ("技术转移", "技术交易", "成果转化")),
    (re.compile(r"研发[^，。？！,.?!]{0,6}?(?:钱|补|资助|经费|资金|投入)"),
     ("研发补助", "研究开发", "财政补助", "研发投入")),
    (re.compile(r"(?:评上|评为|认定为?|拿到|获批|通过)[^，。？！,.?!]{0,6}?(?:高企|高新技术企业)"),
     ("高新技术企业", "认定")),
)

_VERSION_SALT = "tokenize/2"  # bump when the algorithm below changes
_LATIN_OR_DIGIT = re.compile(r"[0-9a-z]+(?:[._-][0-9a-z]+)*")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_dict_words: frozenset[str] = frozenset()
_cache_dir: Path | None = None  # where jieba keeps jieba.cache; None: the system temp dir


def set_cache_dir(path: str | Path | None) -> None:
    """Keep jieba's dictionary cache in ``path`` (e.g. the data dir) instead of ``/tmp``.

    Takes effect when jieba is first loaded; the folder is created then if need be.
    """
    global _cache_dir
    _cache_dir = Path(path) if path is not None else None


def _dict_text() -> str:
    return resources.files("index").joinpath(_DICT_NAME).read_text(encoding="utf-8")


def policy_words() -> tuple[str, ...]:
    """The words of the policy dictionary (``policy_terms.dict``), in file order."""
    return tuple(word for word, _, _ in _parse_dict(_dict_text()))


def _parse_dict(text: str) -> list[tuple[str, int | None, str | None]]:
    entries: list[tuple[str, int | None, str | None]] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[-1] if len(parts) > 1 and not parts[-1].isdigit() else None
        entries.append((parts[0], freq, tag))
    return entries


def _compute_version() -> str:
    h = hashlib.sha256(_VERSION_SALT.encode())
    h.update(_dict_text().encode("utf-8"))
    h.update(" ".join(sorted(STOP_WORDS)).encode("utf-8"))
    return h.hexdigest()[:16]


TOKENIZER_VERSION: str = _compute_version()


def _get() -> jieba.Tokenizer:
    """The shared jieba tokenizer, initialised once (thread-safe, no log output)."""
    global _tokenizer, _dict_words
    tok = _tokenizer
    if tok is not None:
        return tok
    with _lock:
        if _tokenizer is None:
            import jieba

            # jieba logs "Building prefix dict ..." at DEBUG on its own stderr handler.
            jieba.setLogLevel(logging.WARNING)
            tok = jieba.Tokenizer()
            if _cache_dir is not None:
                with contextlib.suppress(OSError):  # unwritable: jieba just skips its cache
                    _cache_dir.mkdir(parents=True, exist_ok=True)
                    tok.tmp_dir = str(_cache_dir)
            tok.initialize()
            words = []
            for word, freq, tag in _parse_dict(_dict_text()):
                tok.add_word(word, freq, tag)
                words.append(normalize(word))
            _dict_words = frozenset(words)
            _tokenizer = tok
        return _tokenizer


def warm_up() -> None:
    """Load jieba and the policy dictionary now instead of on the first query."""
    _get()


def normalize(text: str) -> str:
    """NFKC (full-width ASCII to half-width) and lowercase."""
    return unicodedata.normalize("NFKC", text).lower()


def _keep(token: str) -> bool:
    if len(token) < 2 or token in STOP_WORDS:
        return False
    return bool(_CJK.search(token) or _LATIN_OR_DIGIT.fullmatch(token))


def _sub_words(token: str, freq: dict[str, int]) -> list[str]:
    """Dictionary words strictly inside a long CJK token (search-mode segmentation)."""
    out: list[str] = []
    n = len(token)
    for size in range(2, n):
        for start in range(n - size + 1):
            piece = token[start : start + size]
            if freq.get(piece) or piece in _dict_words:
                out.append(piece)
    return out


def tokenize(text: str) -> list[str]:
    """Tokens of ``text`` for BM25 (documents and queries alike)."""
    if not text or not text.strip():
        return []
    tok = _get()
    freq: dict[str, int] = tok.FREQ
    tokens: list[str] = []
    for raw in tok.cut(normalize(text), HMM=True):
        token = raw.strip()
        if not _keep(token):
            continue
        tokens.append(token)
        if len(token) > 2 and _CJK.search(token):
            tokens.extend(t for t in _sub_words(token, freq) if _keep(t))
    return tokens


def query_expansions(text: str) -> list[str]:
    """Extra tokens for a query: official words for the colloquial words it contains."""
    norm = normalize(text)
    extra: list[str] = []
    for trigger, words in SYNONYMS.items():
        if trigger in norm and (not trigger.isascii() or _latin_prefix(trigger).search(norm)):
            extra.extend(_expansion_tokens(words))
    for pattern, words in PATTERNS:
        if pattern.search(norm):
            extra.extend(_expansion_tokens(words))
    return extra


@lru_cache(maxsize=512)
def _latin_prefix(trigger: str) -> re.Pattern[str]:
    """A latin trigger must start a word ("tax" does not fire inside "syntax")."""
    return re.compile(r"(?<![a-z])" + re.escape(trigger))


@lru_cache(maxsize=256)
def _expansion_tokens(words: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for word in words:
        out.extend(tokenize(word))
    return tuple(out)
