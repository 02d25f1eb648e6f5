"""What ``kb check`` found, shared by the check, the canned-question audit and the report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from bot.render import render_text
from knowledge.errors import (
    ExtractionError,
    KnowledgeError,
    MetadataError,
    ParseError,
    RuleError,
)
from knowledge.model import DocumentMeta
from knowledge.sources.base import KnowledgeBase


@dataclass
class CaseSummary:
    """Canned-question results for the check and the report."""

    total: int
    passed: int
    failed: int
    known: int
    regressions: int
    recall_at_1: float
    recall_at_k: float
    mrr: float
    oos_correct: int
    oos_total: int
    k: int
    failures: list[dict[str, Any]] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)



@dataclass(frozen=True)
class Problem:
    """One finding; ``message`` is the Chinese text shown to staff."""

    code: str
    file: str
    line: int | None
    message: str
    severity: str = "error"  # error | warning

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass
class Audit:
    """Everything ``kb check`` found and ``kb report`` shows."""

    knowledge_dir: Path
    as_of: date
    problems: list[Problem] = field(default_factory=list)
    documents: list[DocumentMeta] = field(default_factory=list)
    clause_counts: dict[str, int] = field(default_factory=dict)
    rule_counts: dict[str, int] = field(default_factory=dict)
    rule_total: int = 0
    coverage_by_doc: dict[str, tuple[int, int]] = field(default_factory=dict)  # total, covered
    uncovered: list[dict[str, Any]] = field(default_factory=list)
    cases: CaseSummary | None = None
    fingerprint: str = ""
    kb: KnowledgeBase | None = None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    @property
    def clause_total(self) -> int:
        return sum(self.clause_counts.values())

    def add(self, code: str, file: str | Path | None, line: int | None, severity: str = "error",
            **params: Any) -> None:
        message = render_text("kb_problem.txt.j2", code=code, **params)
        self.problems.append(Problem(code, self._rel(file), line, message, severity))

    def add_error(self, exc: KnowledgeError, code: str = "") -> None:
        code = code or _code_of(exc)
        self.add(code, exc.file or str(self.knowledge_dir), exc.line, detail=exc.message)

    def _rel(self, file: str | Path | None) -> str:
        """Paths relative to the knowledge folder's parent: ``knowledge/policies/x.md``."""
        if file is None:
            return str(self.knowledge_dir)
        path = Path(file)
        base = self.knowledge_dir.resolve().parent
        if not path.is_absolute():
            candidate = self.knowledge_dir / path
            path = candidate if candidate.exists() or not Path(file).exists() else path
        try:
            return path.resolve().relative_to(base).as_posix()
        except ValueError:
            return str(file)


def _code_of(exc: KnowledgeError) -> str:
    for cls, code in ((MetadataError, "metadata"), (ExtractionError, "extraction"),
                      (ParseError, "parse"), (RuleError, "rule")):
        if isinstance(exc, cls):
            return code
    return "knowledge"


