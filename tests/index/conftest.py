"""Fixtures for the index tests: hand-made clauses and a fast fake embedder."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pytest

from knowledge.model import Clause, DocumentMeta, Responsible

DOC_107 = DocumentMeta(
    doc_number="威政办字〔2018〕107号",
    title="威海市人民政府办公室关于加快科技服务业发展的实施意见",
    issuer="威海市人民政府办公室",
    issued=date(2018, 11, 27),
    file="policies/107.md",
)
DOC_58 = DocumentMeta(
    doc_number="威科字〔2018〕58号",
    title="促进科技成果转移转化服务体系建设三年行动计划",
    issuer="威海市科学技术局",
    issued=date(2018, 10, 10),
    effective_from=date(2018, 11, 11),
    effective_until=date(2021, 11, 10),
    file="policies/58.md",
)
DOC_32 = DocumentMeta(
    doc_number="威政办发〔2018〕32号",
    title="威海市人民政府办公室关于加快县域创新驱动发展的实施意见",
    issuer="威海市人民政府办公室",
    issued=date(2018, 11, 8),
    file="policies/32.md",
)
OFFICES = Responsible(lead=("市科技局",), units=("财政局",))

CENTRE = (
    "对列入市级试点技术创新中心的，企业牵头组建的给予200万元资金补助，高校院所等公益性单位"
    "牵头组建的给予300万元资金补助；对认定为国家级、省级技术创新中心的，市级分别给予1000万元、"
    "500万元支持。对认定为国家级和省级国际合作基地的分别给予100万元和50万元奖励。"
)
INCUBATOR_A = (
    "对认定为国家级科技企业孵化器、国家专业化众创空间的，一次性分别给予200万元奖励，"
    "认定为山东省品牌科技企业孵化器和众创空间的，按照省拨资金1：1配套。"
)
INCUBATOR_B = (
    "对市级以上科技企业孵化器和众创空间，在孵企业在3年孵化期内每成功升级1家高新技术企业，"
    "给予所在孵化器和众创空间奖励10万元，每家每年最高奖励100万元。"
)
VOUCHER = (
    "将普惠券的补助业务扩展到研发服务、仪器共享、高企培育、研发补助、技术转移、科技咨询、"
    "孵化环境等方面，研究设立重点券，纳入到创新券补助范围。"
)
HIGH_TECH = (
    "鼓励科技服务机构按规定申报高新技术企业，对首次通过认定的给予20万元奖励，重新认定的给予"
    "10万元奖励。支持符合条件的科技服务类机构申请技术先进型服务企业认定，经认定的给予20万元"
    "一次性奖励。"
)
PURCHASE = (
    "我市企业购买技术、专利等科技服务等发生的费用，合同经技术合同管理机构认定登记，按年实际"
    "技术交易额的20%给予奖励，每家企业每年奖励金额最高为50万元。"
)
TOWNSHIP = (
    "以建设创新型县（市）和创新型乡镇为抓手，深入推动大众创业、万众创新。对创建为国家创新型县"
    "（市）的区市，市级给予500万元奖励；对创建为国家创新型乡镇的镇，市级给予100万元奖励。"
)
STATS = (
    "按照国家科技服务业统计分类标准，开展监测方法研究，建立科技服务业统计调查制度，定期发布"
    "相关情况，分析存在问题，引导科技服务业持续健康发展。"
)


def make_clause(
    doc: DocumentMeta,
    path: str,
    text: str,
    headings: tuple[str, ...] = (),
    part: int = 0,
    responsible: Responsible = OFFICES,
    line: int = 10,
) -> Clause:
    return Clause(
        doc=doc,
        path=path,
        headings=headings,
        text=text,
        responsible=responsible,
        line=line,
        part=part,
    )


def sample_clauses() -> list[Clause]:
    """Eight chunks of seven clauses; 二、（四）2. is capped into two chunks."""
    trail = ("重点任务", "全面落实创新优惠政策")
    return [
        make_clause(
            DOC_107, "二、（四）1.", CENTRE, (*trail, "推进技术研发和转移机构建设"), line=40
        ),
        make_clause(
            DOC_107, "二、（四）2.", INCUBATOR_A, (*trail, "推进创业孵化机构发展"), line=44
        ),
        make_clause(
            DOC_107, "二、（四）2.", INCUBATOR_B, (*trail, "推进创业孵化机构发展"), part=1, line=44
        ),
        make_clause(DOC_107, "二、（四）3.", VOUCHER, (*trail, "完善科技创新券政策"), line=48),
        make_clause(DOC_107, "二、（四）4.", HIGH_TECH, (*trail, "打好科技服务“组合拳”"), line=50),
        make_clause(
            DOC_107, "三、（三）", STATS, ("保障措施", "强化统计监测"), responsible=Responsible()
        ),
        make_clause(
            DOC_58,
            "二、（三）2.",
            PURCHASE,
            ("工作重点", "支持企业开展技术交易", "鼓励企业开展技术交易"),
        ),
        make_clause(
            DOC_32, "二、（三）", TOWNSHIP, ("重点任务", "加快建设创新型县（市）、乡镇"), line=30
        ),
    ]


@dataclass
class FakeKB:
    """Stands in for knowledge.sources.base.KnowledgeBase: only ``clauses`` is used."""

    clauses: list[Clause] = field(default_factory=sample_clauses)
    fingerprint: str = "fake"


class FakeEmbedder:
    """Deterministic 4-d embedder; counts calls and texts (Protocol-compliant)."""

    dim = 4

    def __init__(self, name: str = "fake-4d/v1", fail_after: int | None = None) -> None:
        self.name = name
        self.calls = 0
        self.texts: list[str] = []
        self.fail_after = fail_after  # raise on the call after this many texts

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if self.fail_after is not None and len(self.texts) + len(texts) > self.fail_after:
            raise RuntimeError("embedder died mid-build")
        self.calls += 1
        self.texts.extend(texts)
        rows = []
        for text in texts:
            digest = hashlib.sha256(text.encode("utf-8")).digest()
            vec = np.frombuffer(digest[:16], dtype=np.uint32).astype(np.float64) - 2**31
            rows.append(vec / np.linalg.norm(vec))
        return np.asarray(rows, dtype=np.float32).reshape(len(texts), self.dim)


@pytest.fixture
def kb() -> FakeKB:
    return FakeKB()


@pytest.fixture
def fake() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture(scope="session")
def fake_cls() -> type[FakeEmbedder]:
    """The FakeEmbedder class (tests build several with other names or failures)."""
    return FakeEmbedder


@pytest.fixture(scope="session")
def kb_cls() -> type[FakeKB]:
    return FakeKB
