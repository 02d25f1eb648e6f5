"""Errors meant for people.

Every error the core raises derives from :class:`PolicyBotError`; the edges (CLI, bot)
turn them into a message and never show a traceback to a user::

    PolicyBotError
    ├── KnowledgeError          a knowledge file is wrong; carries file and line
    │   ├── MetadataError       missing or malformed document metadata
    │   ├── ParseError          text the clause parser cannot place
    │   ├── ExtractionError     a PDF/DOCX/HTML file whose text cannot be read
    │   ├── RuleError           an award rule that fails its schema or its quote
    │   └── VocabularyError     knowledge/vocabulary/*.yaml (facts, choices, topics) is wrong
    ├── FactError               a fact given to the calculator is invalid (negative, absurd)
    └── IndexError_             the search index cannot be built or loaded
"""

from __future__ import annotations

from pathlib import Path


class PolicyBotError(Exception):
    """Base of every error this project raises on purpose."""


class KnowledgeError(PolicyBotError):
    """A problem in a knowledge file; ``str()`` gives ``file:line: problem``."""

    def __init__(self, message: str, file: str | Path | None = None, line: int | None = None):
        self.message = message
        self.file = str(file) if file is not None else None
        self.line = line
        super().__init__(self.location_message())

    def location_message(self) -> str:
        if self.file is None:
            return self.message
        if self.line is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}: {self.message}"


class MetadataError(KnowledgeError):
    """Document metadata is missing or malformed."""


class ParseError(KnowledgeError):
    """The clause parser could not place some text."""


class ExtractionError(KnowledgeError):
    """Text could not be extracted from a source file."""


class RuleError(KnowledgeError):
    """An award rule fails validation."""


class VocabularyError(KnowledgeError):
    """The vocabulary (facts, choices, topics) of a knowledge folder fails validation."""


class FactError(PolicyBotError):
    """A fact about an applicant is invalid; ``ambiguous``: the answer fits several choices
    (高企: first or renewed recognition), so it answers the question asked."""

    def __init__(self, fact: str, message: str, ambiguous: bool = False):
        self.fact = fact
        self.message = message
        self.ambiguous = ambiguous
        super().__init__(f"{fact}: {message}")


class IndexError_(PolicyBotError):  # trailing underscore: the builtin IndexError is taken
    """The search index cannot be built or loaded."""
