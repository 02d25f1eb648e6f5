"""JSON records of clauses, so a loaded index carries full :class:`Clause` objects.

The conversion is driven by the dataclass type hints of ``knowledge.model`` (dates as ISO
strings, tuples as lists, nested dataclasses as objects), so a field added there later is
stored without changes here; a field missing from an older record takes its default.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import types
import typing
from datetime import date
from functools import cache
from typing import Any

from knowledge.model import Clause

__all__ = ["clause_from_record", "clause_to_record", "record_hash"]


def _to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_json(v) for k, v in value.items()}
    return value


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _from_json(tp: Any, value: Any) -> Any:
    if value is None:
        return None
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(tp):
            if arg is not type(None):
                return _from_json(arg, value)
        return value
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        kwargs = {
            f.name: _from_json(hints.get(f.name, Any), value[f.name])
            for f in dataclasses.fields(tp)
            if f.init and f.name in value
        }
        return tp(**kwargs)
    if tp is date:
        return date.fromisoformat(value)
    if origin is tuple:
        args = typing.get_args(tp)
        inner = args[0] if args else Any
        return tuple(_from_json(inner, v) for v in value)
    return value


def clause_to_record(clause: Clause) -> dict[str, Any]:
    """A JSON-ready dict with every field of the clause and its document."""
    record: dict[str, Any] = _to_json(clause)
    return record


def clause_from_record(record: dict[str, Any]) -> Clause:
    """The inverse of :func:`clause_to_record`."""
    clause: Clause = _from_json(Clause, record)
    return clause


def record_hash(record: dict[str, Any]) -> str:
    """Hash of everything a hit shows (text, metadata, offices, line numbers)."""
    blob = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()
