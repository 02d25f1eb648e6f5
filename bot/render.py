"""Jinja2 rendering: every user-facing sentence lives in ``bot/templates``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from index.answering.answer import Answer
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


def answer_json(answer: Answer, subjects: list[str] | None = None,
                engine: Any = None) -> dict[str, Any]:
    """The CLI contract object: the answer's JSON plus its plain-text rendering.

    ``subjects`` (:func:`bot.subjects.covered_subjects` of the loaded titles) is what a
    refusal says the assistant covers.  With ``engine`` the text names each eligible
    item's office as the Telegram reply does (else the offices of the clauses shown)."""
    from bot.conversation.summary import excerpt, office_lookup, relevant_hits, summarize

    result = answer.to_json()
    estimate = result.get("estimate")
    summary = None
    if estimate:
        office = (office_lookup(engine) if engine is not None
                  else _shown_offices(result.get("hits") or []))
        summary = summarize(estimate, office)
        add_applying(estimate, office)
    # what the Telegram reply quotes: the relevant hits, centred on the matched sentence
    shown = [dict(h, excerpt=excerpt(h["text"], answer.text or answer.question))
             for h in relevant_hits(result.get("hits") or [])]
    result["answer_text"] = render_text("answer.txt.j2", **result, empty=answer.empty,
                                        result=result, subjects=subjects or [],
                                        summary=summary, shown_hits=shown)
    return result


def add_applying(estimate: dict[str, Any], office: Any) -> None:
    """Every item of ``estimate`` (JSON) gets ``apply``: where and when to apply, from its
    rule's ``office``/``window`` and its document (:mod:`index.answering.applying`)."""
    for item in estimate.get("items", []):
        cite = (item.get("citations") or [{}])[0]
        if not cite:
            continue
        info = office(cite["doc_number"], cite["clause_path"], str(item.get("office", "")),
                      str(item.get("window", "")))
        if info.get("apply"):
            item["apply"] = info["apply"]


def _shown_offices(hits: list[dict[str, Any]]) -> Any:
    """``office(doc, path)`` from the hits' own texts and responsible notes (no engine)."""
    from knowledge.reading.applying import apply_office, read_applying

    shown = {(h["doc_number"], h["clause_path"]): h for h in hits}

    def office(doc_number: str, clause_path: str, declared: str = "",
               window: str = "") -> dict[str, Any]:
        hit = shown.get((doc_number, clause_path)) or {}
        lead = list((hit.get("responsible") or {}).get("lead", []))
        units = list((hit.get("responsible") or {}).get("units", []))
        stated = read_applying(hit.get("text"))
        name, source = apply_office(declared, stated.office, lead, units, "")
        return {"offices": list(dict.fromkeys([*lead, *units])), "time": False,
                "apply": {"office": name, "office_source": source,
                          "window": window or stated.window,
                          "window_source": "rule" if window else "text" if stated.window
                          else "", "units": list(dict.fromkeys(
                              lead if source == "leads" else [*lead, *units]))}}

    return office
