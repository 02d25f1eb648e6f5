"""jieba tokenisation with the policy vocabulary."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from index.tokenize import (
    STOP_WORDS,
    TOKENIZER_VERSION,
    normalize,
    query_expansions,
    tokenize,
)

REPO = Path(__file__).resolve().parents[2]


def test_policy_terms_stay_whole() -> None:
    terms = [
        "技术创新中心",
        "新型研发机构",
        "众创空间",
        "科技企业孵化器",
        "星创天地",
        "技术转移示范机构",
        "技术先进型服务企业",
        "高新技术企业",
        "大学科技园",
        "临床医学研究中心",
        "科技特派员",
        "技术经纪",
        "专利运营试点",
        "创新型县",
        "创新型乡镇",
        "国际合作基地",
        "技术合同",
        "科技创新券",
    ]
    for term in terms:
        assert term in tokenize(f"关于{term}的规定"), term


def test_long_terms_also_yield_inner_words() -> None:
    tokens = tokenize("认定为国家级科技企业孵化器")
    assert "科技企业孵化器" in tokens
    assert "孵化器" in tokens  # a short query word meets the long official term
    assert "科技创新券" in tokenize("完善科技创新券政策")
    assert "创新券" in tokenize("完善科技创新券政策")


def test_stop_words_punctuation_and_single_characters_dropped() -> None:
    tokens = tokenize("请问，我们公司怎么申请？有没有什么补贴！！")
    assert "申请" in tokens and "补贴" in tokens
    assert not {"请问", "我们", "怎么", "有没有", "什么"} & set(tokens)
    assert all(len(t) > 1 for t in tokens)
    assert not any(ch in "，？！" for t in tokens for ch in t)


def test_latin_lowercased_and_fullwidth_normalised() -> None:
    assert tokenize("Hello ＷＯＲＬＤ R&D") == ["hello", "world"]
    assert normalize("ＡＢＣ（１）") == "abc(1)"
    assert "2022" in tokenize("到２０２２年")


def test_empty_and_garbage() -> None:
    assert tokenize("") == []
    assert tokenize("   \n\t ") == []
    assert tokenize("\x00\x07😀🎉<b>") == []
    assert isinstance(tokenize("威海" * 5000), list)


def test_query_expansions_map_colloquial_to_official_words() -> None:
    extra = query_expansions("孵化器补贴多少钱")
    assert {"补助", "奖励", "奖补"} <= set(extra)
    assert "众创空间" in extra
    assert "高新技术企业" in query_expansions("出了几家高企")
    assert "研究开发" in query_expansions("想搞研发")
    assert query_expansions("海关清关") == []


def test_query_expansion_patterns_see_verb_and_object_apart() -> None:
    assert "技术交易" in query_expansions("买了300万的技术能补多少")
    assert "技术交易" in query_expansions("今年买了80万的专利")
    assert "财政" in query_expansions("想搞研发缺钱有没有补贴")
    assert "财政" not in query_expansions("想搞研发")
    assert "技术交易" not in query_expansions("买了一辆车，技术不错")  # comma ends the span
    assert "技术交易" not in query_expansions("买房补贴")


def test_english_triggers_match_word_starts_only() -> None:
    assert "孵化器" in query_expansions("What support is there for incubators?")
    assert "补助" in query_expansions("Is there a subsidy?")
    assert query_expansions("a syntax error") == []  # "tax" inside a word is no trigger
    assert "奖励" not in query_expansions("prewarded")


def test_version_and_stop_words_are_stable_values() -> None:
    assert len(TOKENIZER_VERSION) == 16
    assert "我们" in STOP_WORDS and "补贴" not in STOP_WORDS


def test_thread_safe_concurrent_use() -> None:
    results: list[list[str]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            results.append(tokenize("对认定为国家级科技企业孵化器的给予奖励"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert all(r == results[0] for r in results)


def test_initialisation_is_quiet() -> None:
    code = "from index.tokenize import tokenize; print(tokenize('科技企业孵化器补贴'))"
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "孵化器" in proc.stdout


def test_word_pairs_skip_inner_words() -> None:
    from index.lexical import word_pairs

    pairs = word_pairs(tokenize("新型研发机构培育计划"))
    assert any(p.startswith("新型研发机构\x1f") for p in pairs)
    assert not any(p.startswith("新型\x1f") for p in pairs)
