"""Clause parser on the seed documents and on small synthetic texts."""

from __future__ import annotations

from datetime import date

import pytest
from sample_texts import ARTICLES, FILES, seed_text

from knowledge.errors import ParseError
from knowledge.model import Clause, DocumentMeta, Responsible
from knowledge.sources.parsing import (
    CLOSING,
    MAX_CLAUSE_CHARS,
    PREAMBLE,
    normalize_path,
    parse_clauses,
    parse_responsible,
    split_chunks,
)

TITLES = {
    "107": "威海市人民政府办公室关于加快科技服务业发展的实施意见",
    "32": "威海市人民政府办公室关于加快县域创新驱动发展的实施意见",
    "106pdf": "威海市人民政府办公室关于加快科技创新平台建设的意见",
    "106web": "威海市人民政府办公室关于加快科技创新平台建设的意见",
    "58": "威海市科学技术局关于印发《促进科技成果转移转化服务体系建设三年行动计划》的通知",
}


def meta(key: str = "107") -> DocumentMeta:
    return DocumentMeta(f"doc-{key}", TITLES.get(key, "测试办法"), "威海市", date(2018, 11, 1))


DEV = ("市发展改革委", "经济和信息化委")  # the usual first two offices
_CACHE: dict[str, list[Clause]] = {}


def seed(key: str) -> list[Clause]:
    if key not in _CACHE:
        _CACHE[key] = parse_clauses(meta(key), seed_text(key))
    return _CACHE[key]


def by_path(key: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for clause in seed(key):
        out[clause.path] = out.get(clause.path, "") + clause.text
    return out


def clause(key: str, path: str) -> Clause:
    return next(c for c in seed(key) if c.path == path)


@pytest.mark.parametrize(
    ("key", "path", "headings"),
    [
        ("107", "序言", ()),
        ("107", "一、（一）", ("总体要求", "指导思想")),
        ("107", "二、（一）1.", ("重点任务", "推动科技服务业重点领域发展", "研究开发及其服务")),
        ("107", "二、（四）1.",
         ("重点任务", "全面落实创新优惠政策", "推进技术研发和转移机构建设")),
        ("107", "二、（四）4.", ("重点任务", "全面落实创新优惠政策", "打好科技服务“组合拳”")),
        ("107", "三、（四）", ("保障措施", "强化宣传引导")),
        ("32", "一、（三）", ("总体要求", "主要目标")),
        ("32", "二、（十四）", ("重点任务", "深化科技创新体制机制改革")),
        ("32", "三、（四）", ("保障措施", "加强宣传总结")),
        ("106pdf", "一、", ("指导思想",)),
        ("106pdf", "三、", ("基本架构",)),
        ("106pdf", "三、（一）", ("基本架构", "国家（威海）区域创新中心（威海市产业技术研究院）")),
        ("106pdf", "四、（六）", ("重点任务", "积极打造双创服务平台升级版")),
        ("106pdf", "五、（五）", ("组织保障", "加强绩效评价")),
        ("58", "序言", ()),
        ("58", "二、（一）3.", ("工作重点", "规范技术市场服务管理", "推动科技成果精准对接")),
        ("58", "二、（三）2.", ("工作重点", "支持企业开展技术交易", "鼓励企业开展技术交易")),
        ("58", "三、（三）", ("行动保障", "示范引导")),
        ("58", "附则", ("附则",)),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_paths_and_headings(key: str, path: str, headings: tuple[str, ...]) -> None:
    assert clause(key, path).headings == headings


@pytest.mark.parametrize(
    ("key", "count", "first", "last"),
    [
        ("107", 28, "序言", "三、（四）"),
        ("32", 22, "序言", "三、（四）"),
        ("106pdf", 26, "序言", "五、（五）"),
        ("106web", 26, "序言", "五、（五）"),
        ("58", 14, "序言", "附则"),
    ],
    ids=["107", "32", "106pdf", "106web", "58"],
)
def test_clause_inventory(key: str, count: int, first: str, last: str) -> None:
    paths = [c.path for c in seed(key)]
    assert len(paths) == count == len(set(paths))
    assert (paths[0], paths[-1]) == (first, last)


@pytest.mark.parametrize(
    ("key", "path"),
    [("107", "二、"), ("107", "二、（一）"), ("107", "二、（四）"), ("58", "二、（一）"),
     ("32", "二、"), ("106pdf", "四、")],
    ids=str,
)
def test_heading_only_lines_do_not_become_clauses(key: str, path: str) -> None:
    assert path not in by_path(key)


def test_heading_sentence_stays_in_body() -> None:
    text = clause("107", "二、（四）1.").text
    assert text.startswith("推进技术研发和转移机构建设。对列入市级试点技术创新中心的")
    assert "企业牵头组建的给予200万元资金补助" in text
    assert text.endswith("分别给予20万元、10万元奖励。")


@pytest.mark.parametrize(
    ("key", "path", "fragment"),
    [
        ("107", "一、（三）", "到2022年，基本形成"),
        ("107", "二、（四）2.", "在孵企业在3年孵化期内每成功升级1家高新技术企业"),
        ("107", "二、（四）2.", "按照省拨资金1:1配套。"),
        ("107", "二、（三）2.", "运用“1+3+N”模式持续引进"),
        ("32", "一、（三）", "明显增强，1—2个区市跻身国家创新型县（市）"),
        ("32", "二、（七）", "到2020年农业高新技术企业达到50家。"),
        ("107", "二、（一）1.", "各类新型研发机构、创新领军企业"),
        ("106pdf", "四、（六）", "按照省拨资金1:1配套。"),
        ("58", "二、（二）2.", "按照合同成交额的3%给予补助，最多不超过50万元。同一项目多次转让"),
        ("58", "三、（二）", "等相关政策措施。建立科研机构"),
    ],
    ids=["2022", "3年1家", "1:1", "1+3+N", "1—2", "农业高新", "word-wrap", "1:1-pdf",
         "3%", "page-number"],
)
def test_numbers_inside_sentences_and_wrapped_lines(key: str, path: str, fragment: str) -> None:
    assert fragment in by_path(key)[path]


@pytest.mark.parametrize("key", list(FILES), ids=str)
def test_artefacts_removed(key: str) -> None:
    everything = "\n".join(c.text for c in seed(key))
    for junk in ("- 5 -", "抄送", "此件公开发布", "威海市人民政府办公室文件",
                 "WHCR", "各区市人民政府，", "〔2018〕106号", "2018年11月30日", "日印发", "  "):
        assert junk not in everything


def test_preamble_excludes_header() -> None:
    assert clause("107", PREAMBLE).text.startswith("为深入实施创新驱动发展战略")
    assert clause("106web", PREAMBLE).text.startswith("为进一步加快科技创新平台建设，促进")


def test_58_notice_plan_and_closing_clause() -> None:
    preamble = clause("58", PREAMBLE).text
    assert preamble.startswith("现将《促进科技成果转移转化服务体系建设三年行动计划》，印发给你们")
    assert "\n促进科技成果转移转化服务体系建设三年行动计划\n为加强科技与经济紧密结合" in preamble
    assert "威海市科学技术局" not in preamble
    closing = clause("58", CLOSING)
    assert closing.text == "本行动计划自2018年11月11日起施行，有效期至2021年11月10日。"
    assert closing.line == 186
    assert "本行动计划" not in by_path("58")["三、（三）"]


@pytest.mark.parametrize(
    ("key", "path", "lead", "units"),
    [
        ("107", "二、（一）1.", ("市科技局",), (*DEV, "教育局", "商务局")),
        ("107", "二、（一）2.", (), ("市科技局",)),
        ("107", "二、（一）6.", ("市科技局",), ("市质监局", "中小企业局")),  # half-width (
        ("107", "二、（一）9.", ("市科技局",), (*DEV, "商务局", "外侨办")),
        ("32", "二、（一）", ("各区政府〔管委〕",), ("市发展改革委", "经济和信息化委", "科技局")),
        ("32", "二、（八）", ("市科技局", "教育局", "教育工委"), ()),
        ("32", "二、（九）", ("市科技局",), ("市商务局", "外侨办", "各区市政府〔管委〕")),
        ("106pdf", "四、（三）", ("市科技局",), ("各区市政府〔管委〕",)),  # ， separator
        ("106web", "四、（九）", ("市科技局", "知识产权局"), ("各区市政府〔管委〕",)),  # unclosed
        ("58", "二、（三）2.", (), ()),
    ],
    ids=["lead+units", "units-only", "half-width", "own-line", "guanwei", "lead-only",
         "mixed-separators", "comma", "unclosed", "none"],
)
def test_responsible_notes(
    key: str, path: str, lead: tuple[str, ...], units: tuple[str, ...]
) -> None:
    found = clause(key, path)
    assert found.responsible == Responsible(lead, units)
    assert "单位：" not in found.text


def test_pdf_extract_and_web_page_give_identical_clauses() -> None:
    pdf = [(c.path, c.headings, c.text, c.responsible) for c in seed("106pdf")]
    web = [(c.path, c.headings, c.text, c.responsible) for c in seed("106web")]
    assert pdf == web


@pytest.mark.parametrize(
    ("first_line", "expected"), [(1, 85), (11, 95)], ids=["body-only", "after-front-matter"]
)
def test_line_numbers(first_line: int, expected: int) -> None:
    clauses = parse_clauses(meta("107"), seed_text("107"), first_line=first_line)
    assert next(c for c in clauses if c.path == "二、（四）1.").line == expected


def test_clause_keeps_document_metadata() -> None:
    assert all(c.doc == meta("32") for c in seed("32"))


def test_long_clause_is_capped_at_sentence_boundaries() -> None:
    sentence = "对认定为国家级科技企业孵化器的给予200万元奖励，对省级的给予100万元奖励。"
    note = "（责任单位：市科技局）"
    text = "一、总体要求\n（一）重点支持。" + sentence * 40 + note + "\n（二）其他。内容。"
    clauses = parse_clauses(meta("x"), text)
    chunks = [c for c in clauses if c.path == "一、（一）"]
    assert len(chunks) > 1
    assert [c.part for c in chunks] == list(range(len(chunks)))
    assert all(len(c.text) <= MAX_CLAUSE_CHARS and c.text.endswith("。") for c in chunks)
    assert "".join(c.text for c in chunks) == "重点支持。" + sentence * 40
    assert {c.clause_id for c in chunks} == {"doc-x#一、（一）"}
    assert all(c.responsible == Responsible((), ("市科技局",)) for c in chunks)
    assert all(c.headings == ("总体要求", "重点支持") for c in chunks)


def test_split_chunks_hard_splits_a_giant_sentence() -> None:
    pieces = split_chunks("字" * 1500, cap=600)
    assert [len(p) for _, p in pieces] == [600, 600, 300]
    assert [o for o, _ in pieces] == [0, 600, 1200]




def test_article_numbered_document() -> None:
    clauses = parse_clauses(meta("x"), ARTICLES)
    assert [c.path for c in clauses] == [
        "第一条", "第二条", "第二条（一）", "第二条（二）", "第三条", "第四条"
    ]
    found = {c.path: c for c in clauses}
    assert found["第一条"].text == "为规范科技计划管理，根据有关规定，制定本办法。"
    assert found["第三条"].text == "对认定的平台给予50万元奖励。依照本办法第五条规定执行。"
    assert found["第三条"].headings[0] == "支持方式"
    assert found["第四条"].line == 13


def test_numbering_gap_is_kept_and_stray_marker_is_body_text() -> None:
    text = "\n".join(
        ["一、总体要求", "（一）甲。内容一。", "（三）乙。内容三。", "3. 丙。内容。", "二、其他",
         "（二）丁。内容。"]
    )
    paths = [c.path for c in parse_clauses(meta("x"), text)]
    assert paths == ["一、（一）", "一、（三）", "二、"]  # a gap is kept, a stray 3. is body text


def test_document_without_clauses_raises() -> None:
    with pytest.raises(ParseError):
        parse_clauses(meta("x"), "\n\n威海市人民政府办公室\n2018年11月27日\n")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("二、(四)1．", "二、（四）1."), ("二、（四） 1、", "二、（四）1."), ("序言", "序言")],
    ids=["half-width", "spaces", "preamble"],
)
def test_normalize_path(raw: str, expected: str) -> None:
    assert normalize_path(raw) == expected


def test_parse_responsible_without_note() -> None:
    assert parse_responsible("没有注释。") == ("没有注释。", Responsible())
