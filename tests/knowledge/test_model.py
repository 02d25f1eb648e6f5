"""Documents and clauses: validity on a date, stable ids, embedding text."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from knowledge.model import Clause, DocumentMeta, Responsible

PLAN = DocumentMeta(doc_number="威科字〔2018〕58号", title="三年行动计划",
                    issuer="威海市科学技术局", issued=date(2018, 10, 10),
                    effective_from=date(2018, 11, 11),
                    effective_until=date(2021, 11, 10), status="已失效")


@pytest.mark.parametrize(
    ("on", "in_force", "validity"),
    [(date(2018, 10, 20), False, "not_yet"), (date(2018, 11, 11), True, "in_force_until"),
     (date(2021, 11, 10), True, "in_force_until"), (date(2021, 11, 11), False, "expired")],
    ids=["before-start", "first-day", "last-day", "day-after"],
)
def test_validity_window(on: date, in_force: bool, validity: str) -> None:
    assert PLAN.in_force(on) is in_force
    assert PLAN.validity(on) == validity


def test_repealed_is_never_in_force() -> None:
    repealed = DocumentMeta(doc_number="X", title="t", issuer="i", issued=date(2018, 1, 1),
                            status="已废止")
    assert not repealed.in_force(date(2019, 1, 1))
    assert repealed.validity(date(2019, 1, 1)) == "repealed"


REPEALED_107 = DocumentMeta(doc_number="威政办字〔2018〕107号", title="t", issuer="i",
                            issued=date(2018, 11, 27), status="已废止",
                            repealed_on=date(2023, 4, 7), repeal_source="政府文件库")


@pytest.mark.parametrize(("on", "in_force", "validity"), [
    (date(2020, 6, 1), True, "unstated"),
    (date(2023, 4, 6), True, "unstated"),
    (date(2023, 4, 7), False, "repealed"),
    (date(2025, 6, 1), False, "repealed"),
], ids=["before", "eve", "repeal-day", "after"])
def test_a_dated_repeal_ends_the_document_from_its_date(on: date, in_force: bool,
                                                         validity: str) -> None:
    assert REPEALED_107.in_force(on) is in_force
    assert REPEALED_107.validity(on) == validity
    summary = REPEALED_107.summary(on)
    assert summary["repealed_on"] == "2023-04-07" and summary["repeal_source"] == "政府文件库"


def test_status_claims_nothing_by_default() -> None:
    meta = DocumentMeta(doc_number="X", title="t", issuer="i", issued=date(2018, 11, 27))
    assert meta.status == "" and meta.validity(date(2024, 1, 1)) == "unstated"


def test_no_end_date_means_open_ended() -> None:
    meta = DocumentMeta(doc_number="X", title="t", issuer="i", issued=date(2018, 11, 27))
    assert meta.in_force(date(2040, 1, 1))
    assert meta.summary(date(2040, 1, 1))["effective_until"] is None


def test_clause_ids_and_embedding_text() -> None:
    clause = Clause(doc=PLAN, path="二、（三）2.", headings=("工作重点", "鼓励企业开展技术交易"),
                    text="按年实际技术交易额的20%给予奖励。",
                    responsible=Responsible(units=("市科技局",)), part=1)
    assert clause.clause_id == "威科字〔2018〕58号#二、（三）2."
    assert clause.chunk_id.endswith("@1")
    assert "鼓励企业开展技术交易" in clause.embedding_text()
    assert "按年实际技术交易额" in clause.embedding_text()
    assert bool(clause.responsible) and not bool(Responsible())
    assert len(clause.content_hash) == 64


OPEN = DocumentMeta(doc_number="威政办字〔2018〕107号", title="实施意见",
                    issuer="威海市人民政府办公室", issued=date(2018, 11, 27))


@pytest.mark.parametrize(
    ("meta", "on", "in_force", "validity"),
    [
        (OPEN, date(2026, 1, 1), True, "unstated"),
        (OPEN, date(2018, 11, 1), False, "not_yet"),
        (dataclasses.replace(OPEN, confirmed_in_force_on=date(2026, 3, 1)), date(2026, 6, 1),
         True, "confirmed"),
        (dataclasses.replace(PLAN, confirmed_in_force_on=date(2020, 3, 1)), date(2020, 6, 1),
         True, "in_force_until"),
        (dataclasses.replace(OPEN, superseded_by="威政发〔2024〕1号",
                             superseded_from=date(2024, 3, 1)), date(2024, 2, 29),
         True, "unstated"),
        (dataclasses.replace(OPEN, superseded_by="威政发〔2024〕1号",
                             superseded_from=date(2024, 3, 1)), date(2024, 3, 1),
         False, "superseded"),
        (dataclasses.replace(OPEN, status="已废止", superseded_by="威政发〔2024〕1号"),
         date(2025, 1, 1), False, "repealed"),
    ],
    ids=["no-end-date-unstated", "no-end-date-not-yet", "confirmed", "end-date-beats-confirmed",
         "before-replacement", "replaced", "repeal-beats-replacement"],
)
def test_validity_claims_only_what_is_known(meta: DocumentMeta, on: date, in_force: bool,
                                            validity: str) -> None:
    assert meta.in_force(on) is in_force
    assert meta.validity(on) == validity
    assert meta.summary(on)["validity"] == validity
