"""Clause records (index.records): a lossless JSON round trip of every field."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from index.records import clause_from_record, clause_hashes, clause_to_record, record_hash
from knowledge.model import Clause, DocumentMeta, Responsible

META = DocumentMeta(
    doc_number="威政办字〔2018〕106号", title="标题", issuer="威海市人民政府办公室",
    issued=date(2018, 11, 30), file="policies/106.md",
)
CLAUSE = Clause(META, "二、（一）", ("重点任务", "平台"), "对认定的给予200万元奖励。",
                Responsible(("市科技局",), ("财政局", "发改委")), 42, 1)


@pytest.mark.parametrize(
    "clause",
    [
        CLAUSE,
        replace(CLAUSE, doc=replace(META, effective_from=date(2019, 1, 1),
                                    effective_until=date(2021, 12, 31),
                                    confirmed_in_force_on=date(2024, 6, 1),
                                    supersedes=("威政办字〔2015〕1号",),
                                    superseded_by="威政办字〔2022〕9号",
                                    superseded_from=date(2022, 3, 1))),
        replace(CLAUSE, responsible=Responsible(), headings=()),
    ],
    ids=["plain", "every-date-and-supersession", "empty-tuples"],
)
def test_round_trip_through_json(clause: Clause) -> None:
    record = clause_to_record(clause)
    again = clause_from_record(json.loads(json.dumps(record, ensure_ascii=False)))
    assert again == clause
    assert isinstance(again.headings, tuple) and isinstance(again.responsible.lead, tuple)
    assert record["doc"]["issued"] == "2018-11-30"


def test_a_field_missing_from_an_older_record_takes_its_default() -> None:
    record: dict[str, Any] = clause_to_record(CLAUSE)
    del record["part"]
    del record["doc"]["status"]
    clause = clause_from_record(record)
    assert clause.part == 0 and clause.doc.status == ""  # the default claims nothing


def test_record_hash_tracks_what_a_hit_shows() -> None:
    base = record_hash(clause_to_record(CLAUSE))
    assert record_hash(clause_to_record(CLAUSE)) == base
    assert record_hash(clause_to_record(replace(CLAUSE, line=43))) != base
    assert record_hash(clause_to_record(replace(CLAUSE, doc=replace(META, issuer="x")))) != base


def test_clause_hashes_equal_the_direct_computation_and_follow_edits() -> None:
    expected = (CLAUSE.content_hash, record_hash(clause_to_record(CLAUSE)))
    assert clause_hashes(CLAUSE) == expected == clause_hashes(CLAUSE)
    edited = replace(CLAUSE, text=CLAUSE.text + "新增。")
    assert clause_hashes(edited) == (edited.content_hash,
                                     record_hash(clause_to_record(edited)))
    assert clause_hashes(edited) != expected
