"""Query expansion from the vocabulary: a colloquial phrase adds the policy wording it names.

An owner says 政府能返点钱吗, 厂里的研发中心, 搞科研的平台; the policies say 补助 / 奖励,
企业技术中心, 创新平台.  ``<knowledge>/vocabulary/aliases.yaml`` (staff data) maps the
first to the second::

    aliases:
      - terms: [补助, 奖励]            # the policy wording
        phrases: [返点钱, 返…钱]       # what owners say; … is a gap of up to 6 characters
      - topic: platform                # or: every phrase of that topic (topics.yaml)
        phrases: [科研平台, 搞科研的平台]

A phrase is looked for in the normalised question (NFKC, lowercase); ``…`` stands for up
to ``GAP`` characters within one clause of the sentence (no punctuation), so 返点钱 and
返一点钱 are one entry.  Every matched entry adds its terms; the retriever appends their
tokens to the lexical query with ``index.lexical.EXPANSION_WEIGHT`` and lets the tokens of
the matched phrase count as known words of the corpus (a colloquial word the alias
translates is evidence, not noise, for the coverage scales and the domain gate).

The expander never removes or re-weights the question's own words, and an alias phrase
that the question does not contain has no effect: questions in policy wording rank as
before.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from index.tokenize import normalize, tokenize
from knowledge.errors import VocabularyError
from knowledge.yamlio import Y, load_yaml

__all__ = ["ALIASES_FILE", "GAP", "Alias", "QueryExpander", "knowledge_expander",
           "parse_aliases"]

ALIASES_FILE = "vocabulary/aliases.yaml"  # relative to the knowledge folder
GAP = 6  # characters a … in a phrase may stand for
_GAP_RE = r"[^，。？！；,.?!;\s]{0," + str(GAP) + "}?"
_KEYS = {"terms", "topic", "phrases"}


@dataclass(frozen=True)
class Alias:
    """Colloquial phrases and the policy wording they name."""

    phrases: tuple[str, ...]
    terms: tuple[str, ...]
    line: int = 0

    @property
    def pattern(self) -> re.Pattern[str]:
        return _compile(self.phrases)


@lru_cache(maxsize=1024)
def _compile(phrases: tuple[str, ...]) -> re.Pattern[str]:
    parts = []
    for phrase in sorted(phrases, key=len, reverse=True):
        pieces = [re.escape(normalize(p)) for p in phrase.split("…") if p]
        parts.append(_GAP_RE.join(pieces))
    return re.compile("|".join(parts))


@dataclass(frozen=True)
class Expansion:
    """What the aliases add to one question."""

    terms: tuple[str, ...] = ()  # policy wording, in alias order, no repeats
    tokens: tuple[str, ...] = ()  # the BM25 tokens of ``terms``
    # a token of a matched colloquial phrase -> the tokens of the terms it translates
    vouched: Mapping[str, tuple[str, ...]] | None = None

    def __bool__(self) -> bool:
        return bool(self.terms)


class QueryExpander:
    """Apply the aliases of one knowledge folder to questions (thread-safe, immutable)."""

    def __init__(self, aliases: tuple[Alias, ...] = ()) -> None:
        self.aliases = aliases

    def __len__(self) -> int:
        return len(self.aliases)

    def expand(self, text: str) -> Expansion:
        """The policy wording the colloquial phrases of ``text`` name (empty if none)."""
        if not self.aliases:
            return Expansion()
        norm = normalize(text)
        terms: list[str] = []
        vouched: dict[str, tuple[str, ...]] = {}
        for alias in self.aliases:
            found = alias.pattern.findall(norm)
            if not found:
                continue
            terms.extend(alias.terms)
            alias_tokens = _tokens(alias.terms)
            for match in found:
                for token in tokenize(match):
                    vouched[token] = tuple(dict.fromkeys((*vouched.get(token, ()),
                                                          *alias_tokens)))
        if not terms:
            return Expansion()
        unique = tuple(dict.fromkeys(terms))
        return Expansion(unique, _tokens(unique), vouched)


@lru_cache(maxsize=512)
def _tokens(terms: tuple[str, ...]) -> tuple[str, ...]:
    out: list[str] = []
    for term in terms:
        out.extend(tokenize(term))
    return tuple(dict.fromkeys(out))


def _words(y: Y | None, what: str, file: str) -> tuple[str, ...]:
    items = y.sequence if y is not None else None
    if y is None or items is None or not items or any(
        not isinstance(i.value, str) or not i.value.strip() for i in items
    ):
        line = y.line if y is not None else None
        raise VocabularyError(f"“{what}”应是由非空文字组成的列表，例如 [补助, 奖励]", file, line)
    return tuple(str(i.value).strip() for i in items)


def parse_aliases(
    path: Path | str, topics: Mapping[str, tuple[str, ...]] | None = None,
    text: str | None = None,
) -> tuple[Alias, ...]:
    """The entries of one aliases file; ``topics`` resolves ``topic:`` entries.

    Raises :class:`~knowledge.errors.VocabularyError` at ``file:line`` for a malformed
    entry or an unknown topic.
    """
    file = str(path)
    root = load_yaml(path, text, error=VocabularyError)
    mapping = root.mapping
    if root.value is None:
        return ()
    if mapping is None or set(mapping) - {"aliases"}:
        raise VocabularyError("文件应只含一个“aliases”列表", file, root.line)
    entries = mapping.get("aliases")
    if entries is None or entries.value is None:
        return ()
    if entries.sequence is None:
        raise VocabularyError("“aliases”应是列表", file, entries.line)
    out: list[Alias] = []
    for entry in entries.sequence:
        m = entry.mapping
        if m is None:
            raise VocabularyError("每一项应含 phrases 和 terms（或 topic）", file, entry.line)
        unknown = set(m) - _KEYS
        if unknown:
            raise VocabularyError(f"未知的键“{'、'.join(sorted(unknown))}”", file, entry.line)
        phrases = _words(m.get("phrases"), "phrases", file)
        if ("terms" in m) == ("topic" in m):
            raise VocabularyError("每一项应恰好给出 terms 或 topic 之一", file, entry.line)
        if "terms" in m:
            terms = _words(m["terms"], "terms", file)
        else:
            name = m["topic"].value
            known = topics or {}
            if not isinstance(name, str) or name not in known:
                raise VocabularyError(
                    f"未知的主题“{name}”（topics.yaml 中有：{'、'.join(sorted(known))}）",
                    file, m["topic"].line,
                )
            terms = tuple(known[name])
        out.append(Alias(phrases, terms, entry.line))
    return tuple(out)


def knowledge_expander(knowledge_dir: str | Path,
                       topics: Mapping[str, tuple[str, ...]] | None = None) -> QueryExpander:
    """The expander of a knowledge folder (no aliases file: one that adds nothing).

    ``topics`` defaults to the folder's vocabulary topics.
    """
    path = Path(knowledge_dir) / ALIASES_FILE
    if not path.is_file():
        return QueryExpander()
    if topics is None:
        from knowledge.awards.vocabulary import knowledge_vocabulary

        topics = knowledge_vocabulary(knowledge_dir).topics
    return QueryExpander(parse_aliases(path, topics))
