"""The vocabulary of a knowledge folder: facts, choices and topics, as staff data.

``knowledge/vocabulary/facts.yaml`` declares every fact a rule may use (name, kind,
label, question, unit, example, max, choices with their ``phrases``) in the order the
interview asks them, and the ``abbreviations`` owners type in answers (高企 →
高新技术企业); ``knowledge/vocabulary/topics.yaml`` maps each topic to the plain
words that name it in a question; ``knowledge/vocabulary/patterns.yaml`` (optional) holds
the regular expressions that recognise a choice in a question where a plain phrase cannot
(国家级?技术创新中心), per fact, in the order they are tried (:class:`Patterns`).
:func:`load_vocabulary` validates them and raises a
:class:`~knowledge.errors.VocabularyError` located at ``file:line``;
:func:`check_vocabulary` lists every problem (for ``kb check``).

A knowledge folder without a ``vocabulary/`` folder uses :func:`default_vocabulary`
(the package's own).  The rules of a folder are validated against that folder's
vocabulary and carry it (``RuleSet.vocabulary``), so a new fact or choice needs no Python.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from knowledge.awards.fact_spec import KINDS, FactSpec
from knowledge.awards.vocabulary_yaml import (
    File,
    Patterns,
    read_facts,
    read_patterns,
    read_topics,
)
from knowledge.errors import VocabularyError
from knowledge.yamlio import Y, load_yaml

__all__ = ["VOCABULARY_DIR", "Patterns", "Vocabulary", "check_vocabulary",
           "default_vocabulary", "knowledge_vocabulary", "load_vocabulary"]

VOCABULARY_DIR = "vocabulary"
FACTS_FILE = "facts.yaml"
TOPICS_FILE = "topics.yaml"
PATTERNS_FILE = "patterns.yaml"
CONVERSATION_FILE = "conversation.yaml"  # its places.elsewhere: places outside the city


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Facts (in file order, i.e. interview order) and topics of one knowledge folder."""

    facts: Mapping[str, FactSpec]
    topics: Mapping[str, tuple[str, ...]]
    folder: str = ""
    patterns: Patterns = field(default_factory=Patterns)
    # places that are not the deployment's (烟台, 外地): a part of a count there, or an
    # applicant there, is outside these policies (conversation.yaml's places.elsewhere)
    elsewhere: tuple[str, ...] = ()
    home: tuple[str, ...] = ()  # the city's own places (places.home)
    # the asker's circumstances (销售收入, 注册资本): an amount they name is no award's base
    # (conversation.yaml's context_figures)
    context_figures: tuple[str, ...] = ()
    # (short form, title) pairs, longest short form first (conversation.yaml's short_forms)
    short_forms: tuple[tuple[str, str], ...] = ()
    fact_order: Mapping[str, int] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "facts", MappingProxyType(dict(self.facts)))
        object.__setattr__(self, "topics", MappingProxyType(dict(self.topics)))
        object.__setattr__(self, "fact_order",
                           MappingProxyType({n: i for i, n in enumerate(self.facts)}))

    @property
    def kinds(self) -> tuple[str, ...]:
        """The fact kinds a vocabulary may use."""
        return KINDS

    def spec(self, name: str) -> FactSpec:
        """The fact ``name``; KeyError when the vocabulary does not declare it."""
        return self.facts[name]

    def choice_values(self, name: str) -> tuple[str, ...]:
        return tuple(v for v, _ in self.facts[name].choices)

    def choice_phrases(self) -> dict[str, dict[str, tuple[str, ...]]]:
        """fact → choice value → the phrases naming it (for reading questions)."""
        out: dict[str, dict[str, tuple[str, ...]]] = {}
        for name, spec in self.facts.items():
            for phrase, value in spec.aliases.items():
                out.setdefault(name, {}).setdefault(value, ())
                out[name][value] += (phrase,)
        return out

    def fact_phrases(self) -> dict[str, tuple[str, ...]]:
        """fact → the phrases naming it (money and count facts: where an amount belongs)."""
        return {name: spec.phrases for name, spec in self.facts.items() if spec.phrases}


def check_vocabulary(folder: Path | str) -> tuple[Vocabulary | None, list[VocabularyError]]:
    """Every problem of ``folder``'s facts.yaml, topics.yaml and patterns.yaml (optional);
    the vocabulary when there is none."""
    folder = Path(folder)
    problems: list[VocabularyError] = []
    parts: dict[str, object] = {}
    for file_name, reader in ((FACTS_FILE, read_facts), (TOPICS_FILE, read_topics)):
        path = folder / file_name
        f = File(path, f"{folder.name}/{file_name}")
        if not path.is_file():
            problems.append(VocabularyError(f"缺少词表文件 {file_name}", f.name))
            continue
        try:
            root = load_yaml(path, error=VocabularyError)
        except VocabularyError as exc:
            problems.append(VocabularyError(exc.message, f.name, exc.line))
            continue
        parts[file_name] = reader(f, root)
        problems.extend(f.problems)
    patterns = Patterns()
    path = folder / PATTERNS_FILE
    if path.is_file() and not problems:  # patterns name choices of facts.yaml
        f = File(path, f"{folder.name}/{PATTERNS_FILE}")
        try:
            root = load_yaml(path, error=VocabularyError)
        except VocabularyError as exc:
            problems.append(VocabularyError(exc.message, f.name, exc.line))
        else:
            facts_read = parts[FACTS_FILE]
            assert isinstance(facts_read, dict)
            patterns = read_patterns(f, root, facts_read)
            problems.extend(f.problems)
    if problems:
        problems.sort(key=lambda e: (e.file or "", e.line or 0))
        return None, problems
    facts = parts[FACTS_FILE]
    topics = parts[TOPICS_FILE]
    assert isinstance(facts, dict) and isinstance(topics, dict)
    talk = _conversation(folder)  # (read once for the four lists it gives)
    return Vocabulary(facts, topics, str(folder), patterns, _places(talk, "elsewhere"),
                      _places(talk, "home"), _places(talk, ""), _short_forms(talk)), []


def _conversation(folder: Path) -> dict[str, Y]:
    """conversation.yaml's top level, or {} when it is missing or unreadable (its problems
    are reported by its own reader, knowledge.reading.talk: none names a word here)."""
    path = folder / CONVERSATION_FILE
    if not path.is_file():
        return {}
    try:
        return load_yaml(path, error=VocabularyError).mapping or {}
    except VocabularyError:
        return {}


def _places(top: dict[str, Y], which: str) -> tuple[str, ...]:
    """conversation.yaml's places.<which>, or its context_figures when ``which`` is empty."""
    places = top["places"].mapping if "places" in top else None
    words = (places or {}).get(which) if which else top.get("context_figures")
    items = words.sequence if words is not None else None
    return tuple(str(i.value).strip() for i in items or [] if isinstance(i.value, str))


def _short_forms(top: dict[str, Y]) -> tuple[tuple[str, str], ...]:
    """conversation.yaml's short_forms as (short form, title) pairs, longest first."""
    table = top.get("short_forms")
    pairs = [(str(short.value).strip(), str(title))
             for title, shorts in ((table.mapping or {}) if table is not None else {}).items()
             for short in shorts.sequence or [] if isinstance(short.value, str)]
    return tuple(sorted((p for p in pairs if p[0]), key=lambda p: -len(p[0])))


def load_vocabulary(folder: Path | str) -> Vocabulary:
    """The vocabulary of ``folder``; VocabularyError (file:line) on the first problem."""
    vocabulary, problems = check_vocabulary(folder)
    if problems:
        first = problems[0]
        more = f"（另有 {len(problems) - 1} 处问题）" if len(problems) > 1 else ""
        raise VocabularyError(first.message + more, first.file, first.line)
    assert vocabulary is not None
    return vocabulary


def knowledge_vocabulary(knowledge_dir: Path | str) -> Vocabulary:
    """The vocabulary of a knowledge folder: its ``vocabulary/``, else the default."""
    folder = Path(knowledge_dir) / VOCABULARY_DIR
    if not folder.is_dir():
        return default_vocabulary()
    return load_vocabulary(folder)


@functools.cache
def default_vocabulary() -> Vocabulary:
    """The package's own vocabulary (``knowledge/vocabulary``), loaded once."""
    return load_vocabulary(Path(__file__).resolve().parent.parent / VOCABULARY_DIR)
