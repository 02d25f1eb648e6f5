"""``policybot kb report``: one static, script-free HTML page about the knowledge folder.

The page is rendered from ``bot/templates/report.html.j2``; this module only computes
the figures and the geometry of the validity timeline (an inline SVG, because the page
must open offline and without JavaScript).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from bot.render import render_html

if TYPE_CHECKING:
    from bot.staff.audit import Audit
    from knowledge.model import DocumentMeta

# Timeline geometry (SVG user units).
LABEL_WIDTH = 230
PLOT_WIDTH = 720
ROW_HEIGHT = 30
TOP = 34
BOTTOM = 24


@dataclass(frozen=True)
class TimelineRow:
    """One document's bar: issued marker, validity span, colour class."""

    doc_number: str
    title: str
    validity: str  # band: in_force | unstated | expired | not_yet | repealed
    y: float
    issued_x: float
    start_x: float
    end_x: float
    open_ended: bool
    issued: str
    start: str
    until: str | None
    repealed_on: str | None = None  # the bar ends at a recorded repeal


@dataclass(frozen=True)
class Tick:
    x: float
    label: str


@dataclass(frozen=True)
class Timeline:
    width: int
    height: int
    label_width: int
    rows: tuple[TimelineRow, ...]
    ticks: tuple[Tick, ...]
    today_x: float
    today: str


def timeline(documents: list[DocumentMeta], on: date) -> Timeline:
    """Lay out the validity bars of ``documents`` on a common year axis."""
    if documents:
        first = min(d.issued for d in documents)
        ends = [e for d in documents for e in (d.effective_until, d.repealed_on) if e]
        starts = [d.effective_from or d.issued for d in documents]
        last = max([on, *ends, *starts])
    else:
        first = last = on
    axis_start = date(first.year, 1, 1)
    axis_end = date(last.year + 1, 12, 31)
    span = (axis_end - axis_start).days or 1

    def x(day: date) -> float:
        clamped = min(max(day, axis_start), axis_end)
        return round(LABEL_WIDTH + PLOT_WIDTH * (clamped - axis_start).days / span, 1)

    ordered = sorted(documents, key=lambda d: (d.issued, d.doc_number))
    rows = []
    for i, meta in enumerate(ordered):
        start = meta.effective_from or meta.issued
        until = meta.effective_until
        end = min(d for d in (until, meta.repealed_on) if d) if (until or meta.repealed_on) \
            else None
        rows.append(
            TimelineRow(
                doc_number=meta.doc_number,
                title=meta.title,
                validity=_BAND.get(meta.validity(on), meta.validity(on)),
                y=TOP + i * ROW_HEIGHT,
                issued_x=x(meta.issued),
                start_x=x(start),
                end_x=x(end) if end else x(axis_end),
                open_ended=end is None,
                issued=meta.issued.isoformat(),
                start=start.isoformat(),
                until=until.isoformat() if until else None,
                repealed_on=meta.repealed_on.isoformat() if meta.repealed_on else None,
            )
        )
    ticks = tuple(
        Tick(x(date(year, 1, 1)), str(year)) for year in range(axis_start.year, axis_end.year + 1)
    )
    height = TOP + max(len(rows), 1) * ROW_HEIGHT + BOTTOM
    return Timeline(
        width=LABEL_WIDTH + PLOT_WIDTH + 20,
        height=height,
        label_width=LABEL_WIDTH,
        rows=tuple(rows),
        ticks=ticks,
        today_x=x(on),
        today=on.isoformat(),
    )


# timeline colours: a stated or confirmed validity is one band; a document whose end date
# is not stated has its own (never drawn as in force); a replaced one is drawn repealed
_BAND = {"in_force_until": "in_force", "confirmed": "in_force", "superseded": "repealed"}


def report_context(audit: Audit, generated: datetime | None = None) -> dict[str, Any]:
    """Everything the template needs, as plain values."""
    on = audit.as_of
    docs: list[dict[str, Any]] = []
    for meta in sorted(audit.documents, key=lambda d: (d.issued, d.doc_number)):
        cov = audit.coverage_by_doc.get(meta.doc_number)
        docs.append(
            {
                **meta.summary(on),
                "file": meta.file,
                "clauses": audit.clause_counts.get(meta.doc_number, 0),
                "rules": audit.rule_counts.get(meta.doc_number, 0),
                "money_total": cov[0] if cov else 0,
                "money_covered": cov[1] if cov else 0,
            }
        )
    money_total = sum(int(d["money_total"]) for d in docs)
    money_covered = sum(int(d["money_covered"]) for d in docs)
    cases = audit.cases
    return {
        "generated": (generated or datetime.now()).strftime("%Y-%m-%d %H:%M"),
        "as_of": on.isoformat(),
        "knowledge_dir": str(audit.knowledge_dir),
        "fingerprint": audit.fingerprint,
        "documents": docs,
        "timeline": timeline(list(audit.documents), on),
        "clause_total": sum(audit.clause_counts.values()),
        "rule_total": audit.rule_total,
        "money_total": money_total,
        "money_covered": money_covered,
        "coverage_pct": round(100 * money_covered / money_total) if money_total else None,
        "uncovered": audit.uncovered,
        "cases": cases,
        "problems": [p for p in audit.problems if p.severity == "error"],
        "warnings": [p for p in audit.problems if p.severity == "warning"],
    }


def render_report(audit: Audit, generated: datetime | None = None) -> str:
    """The HTML page (UTF-8 text)."""
    return render_html("report.html.j2", **report_context(audit, generated)) + "\n"

