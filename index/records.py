"""JSON records of clauses, so a loaded index carries full :class:`Clause` objects.

The conversion is driven by the dataclass type hints of ``knowledge.model`` (dates as ISO
strings, tuples as lists, nested dataclasses as objects), so a field added there later is
stored without changes here; a field missing from an older record takes its default.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import threading
import types
import typing
import weakref
from collections.abc import Callable
from datetime import date
from functools import cache
from typing import Any

from knowledge.model import Clause

__all__ = ["clause_from_record", "clause_hashes", "clause_to_record", "record_hash"]


_SCALARS = frozenset({str, int, float, bool, type(None)})


@cache
def _field_names(cls: Any) -> tuple[str, ...] | None:
    """Field names of a dataclass type (None for any other type), looked up once."""
    if dataclasses.is_dataclass(cls):
        return tuple(f.name for f in dataclasses.fields(cls))
    return None


def _to_json(value: Any) -> Any:
    cls: Any = type(value)
    if cls in _SCALARS:
        return value
    names = _field_names(cls)
    if names is not None:
        return {name: _to_json(getattr(value, name)) for name in names}
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


def _identity(value: Any) -> Any:
    return value


@cache
def _decoder(tp: Any) -> Callable[[Any], Any]:
    """A function turning the JSON of a value of type ``tp`` back into it (built once per
    type from the type hints; ``None`` stays ``None``)."""
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = next((a for a in typing.get_args(tp) if a is not type(None)), None)
        return _decoder(inner) if inner is not None else _identity
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        hints = _hints(tp)
        plan = [(f.name, _decoder(hints.get(f.name, Any)))
                for f in dataclasses.fields(tp) if f.init]
        cls = tp

        def record(value: Any) -> Any:
            if value is None:
                return None
            return cls(**{name: decode(value[name]) for name, decode in plan if name in value})

        return record
    if tp is date:
        return lambda value: None if value is None else date.fromisoformat(value)
    if origin is tuple:
        args = typing.get_args(tp)
        item = _decoder(args[0]) if args else _identity
        return lambda value: None if value is None else tuple(item(v) for v in value)
    return _identity


def _from_json(tp: Any, value: Any) -> Any:
    return _decoder(tp)(value)


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


_hashes: weakref.WeakKeyDictionary[Clause, tuple[str, str]] = weakref.WeakKeyDictionary()
_hashes_lock = threading.Lock()


def clause_hashes(clause: Clause) -> tuple[str, str]:
    """``(content_hash, record_hash)`` of a clause, computed once per clause object.

    A reload compares every chunk with the live manifest and then builds: both need these
    hashes, and computing the record of every chunk twice cost seconds at 400 documents.
    Equal clauses have equal hashes, so the memo (dropped with the clause) is always right.
    """
    with _hashes_lock:
        found = _hashes.get(clause)
    if found is None:
        found = (clause.content_hash, record_hash(clause_to_record(clause)))
        with _hashes_lock:
            _hashes[clause] = found
    return found
