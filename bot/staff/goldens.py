"""``kb check``: the golden estimates of ``cases/estimates.yaml`` against the rules as they
are now, each failing case located at its line and named with the figure that changed.

They run offline (question reading and calculator, no index), so a knowledge edit that
changes a figure a golden asserts fails the check before it reaches the bot.
"""

from __future__ import annotations

from typing import Any

from bot.staff.audit import Audit
from knowledge.errors import KnowledgeError
from knowledge.goldens.estimates import check_case_zh, load_estimate_cases

ESTIMATES_FILE = "cases/estimates.yaml"


def check_goldens(audit: Audit, ruleset: Any) -> None:
    """One located error per golden case whose estimate differs from its expectation."""
    path = audit.knowledge_dir / ESTIMATES_FILE
    if not path.is_file():
        return
    try:
        cases = load_estimate_cases(path)
    except KnowledgeError as exc:
        audit.add_error(exc, "cases")
        return
    for case in cases:
        try:
            problems = check_case_zh(ruleset, case)
        except (KnowledgeError, KeyError) as exc:  # an unknown rule id or fact
            problems = [str(exc)]
        if problems:
            when = (f"按{case.as_of.isoformat()}" if case.as_of is not None
                    else f"提问日期{case.today.isoformat()}" if case.today is not None
                    else "按今天")
            audit.add("golden", path, case.line, case_name=case.name, when=when,
                      detail="；".join(problems))
