"""Loading the award rules of a knowledge folder: every file validated, problems located."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from knowledge.awards.rule_schema import read_rule_files
from knowledge.awards.rules import ClauseText, RuleSet
from knowledge.awards.vocabulary import Vocabulary
from knowledge.errors import RuleError
from knowledge.model import DocumentMeta


def check_rules(rules_dir: Path, clause_text: ClauseText,
                documents: Callable[[str], DocumentMeta | None] | None = None,
                vocabulary: Vocabulary | None = None
                ) -> tuple[RuleSet | None, list[RuleError]]:
    """Every problem of every rule file (for ``kb check``); the rule set when there is none.

    Facts, choices and topics are checked against ``vocabulary`` (the knowledge folder's,
    see :func:`knowledge.awards.vocabulary.knowledge_vocabulary`; default: the package's).
    """
    return read_rule_files(Path(rules_dir), clause_text, documents, vocabulary)


def load_rules(rules_dir: Path, clause_text: ClauseText,
               documents: Callable[[str], DocumentMeta | None] | None = None,
               vocabulary: Vocabulary | None = None) -> RuleSet:
    """Load and validate every ``*.yaml`` of ``rules_dir``; RuleError on the first problem.

    ``clause_text(doc_number, clause_path)`` gives a clause's full cleaned text or None.
    ``documents(doc_number)`` (optional, e.g. ``kb.document``) lets the validity declared
    in a rule file be checked against the knowledge base's metadata.
    """
    ruleset, problems = check_rules(rules_dir, clause_text, documents, vocabulary)
    if problems:
        first = problems[0]
        more = f"（另有 {len(problems) - 1} 处问题）" if len(problems) > 1 else ""
        raise RuleError(first.message + more, first.file, first.line)
    assert ruleset is not None
    return ruleset
