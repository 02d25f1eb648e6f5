"""Jinja2 rendering: every user-facing sentence lives in ``bot/templates``."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from knowledge import money

TEMPLATES = Path(__file__).resolve().parent / "templates"

VALIDITY_ZH = {  # short labels; answers use validity.j2, which adds dates and advice
    "in_force": "未载明有效期",  # legacy: no validity computed, claim nothing
    "in_force_until": "在有效期内",
    "confirmed": "经核实有效",
    "unstated": "未载明有效期",
    "expired": "已失效",
    "not_yet": "尚未施行",
    "repealed": "已废止",
    "superseded": "已被替代",
}

OUTCOME_ZH = {
    "eligible": "符合条件",
    "ineligible": "不符合条件",
    "need_info": "需补充信息",
    "case_by_case": "金额待定",  # 一事一议, 择优, or no figure: the explanation says which
    "not_encoded": "尚未编入估算规则",
}


def format_yuan(value: Any) -> str:
    """Integer yuan as people read it (``2000000`` → ``200万元``); ``—`` for None."""
    return "—" if value is None else money.format_yuan(int(value))


def field_of(obj: Any, name: str) -> Any:
    """``obj``'s ``name``, None when it has none: a template reads a typed hit and a
    document's JSON summary alike (``of(d, "validity")``)."""
    if isinstance(obj, Mapping):
        return obj.get(name)
    return getattr(obj, name, None)


def _env(autoescape: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=autoescape,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        keep_trailing_newline=False,
    )
    env.filters["yuan"] = format_yuan
    env.globals["VALIDITY_ZH"] = VALIDITY_ZH
    env.globals["OUTCOME_ZH"] = OUTCOME_ZH
    env.globals["of"] = field_of
    return env


@lru_cache(maxsize=1)
def text_env() -> Environment:
    """Plain text (CLI, terminal chat): no escaping."""
    return _env(autoescape=False)


@lru_cache(maxsize=1)
def html_env() -> Environment:
    """Telegram HTML and the staff report: everything escaped unless marked safe."""
    return _env(autoescape=True)


def render_text(name: str, **context: Any) -> str:
    return text_env().get_template(name).render(**context).strip()


def render_html(name: str, **context: Any) -> str:
    return html_env().get_template(name).render(**context).strip()
