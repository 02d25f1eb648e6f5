"""Jinja2 rendering: every user-facing sentence lives in ``bot/templates``."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

TEMPLATES = Path(__file__).resolve().parent / "templates"

VALIDITY_ZH = {
    "in_force": "现行有效",
    "expired": "已失效",
    "not_yet": "尚未施行",
    "repealed": "已废止",
}

OUTCOME_ZH = {
    "eligible": "符合条件",
    "ineligible": "不符合条件",
    "need_info": "需补充信息",
    "case_by_case": "一事一议/择优",
}


def format_yuan(value: Any) -> str:
    """Integer yuan as people read it: 2000000 → 200万元, 15000 → 1.5万元, 800 → 800元."""
    if value is None:
        return "—"
    amount = Decimal(str(value))
    if amount >= 100_000_000 and amount % 10_000_000 == 0:
        return f"{_trim(amount / 100_000_000)}亿元"
    if amount >= 10_000:
        return f"{_trim(amount / 10_000)}万元"
    return f"{_trim(amount)}元"


def _trim(d: Decimal) -> str:
    text = format(d.normalize(), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


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
