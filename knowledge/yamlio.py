"""YAML read into values that remember their line, for error messages staff can act on.

The one YAML reader of the knowledge folder: rules, golden estimates and canned
questions, document metadata (front matter or sidecar), the known failures.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge.errors import KnowledgeError, RuleError


@dataclass(frozen=True)
class Y:
    """A YAML value and the 1-based line it starts on.

    ``value`` is ``dict[str, Y]`` for a mapping, ``list[Y]`` for a sequence, else the
    plain scalar (str, int, float, bool, date, None).  For a mapping, ``keys`` holds the
    line of every key (a block value starts on the line after its key).
    """

    value: object
    line: int
    keys: Mapping[str, int] = field(default_factory=dict, compare=False, repr=False)

    @property
    def mapping(self) -> dict[str, Y] | None:
        return self.value if isinstance(self.value, dict) else None

    @property
    def sequence(self) -> list[Y] | None:
        return self.value if isinstance(self.value, list) else None

    def key_line(self, key: str) -> int:
        """The line of ``key`` in this mapping (the mapping's line when absent)."""
        return self.keys.get(key, self.line)

    def plain(self) -> Any:
        """The value without lines: dicts, lists and scalars, as ``yaml.safe_load`` gives."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


ANCHORS_REFUSED = ("不支持 YAML 锚点和别名（&名称、*名称、<<: *名称）：请直接写出每一处的内容"
                   "（别名可以把几行展开成上亿个值，让检查和重新加载卡死）")


class _AnchorFound(yaml.YAMLError):
    """An anchor or alias, met while composing: refused before anything is expanded."""

    def __init__(self, event: yaml.Event) -> None:
        super().__init__(ANCHORS_REFUSED)
        self.mark = event.start_mark


# PyYAML's parser is untyped (types-PyYAML leaves ``peek_event`` unannotated): one typed
# name for it keeps the strict check of the calls below.
_peek_event: Callable[[yaml.SafeLoader], yaml.Event] = yaml.SafeLoader.peek_event


class _NoAnchorsLoader(yaml.SafeLoader):
    """SafeLoader that refuses anchors and aliases (a billion-laughs file costs nothing)."""

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = _peek_event(self)
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise _AnchorFound(event)
        return super().compose_node(parent, index)


class _NoDatesLoader(_NoAnchorsLoader):
    """Loader that leaves dates as strings, so bad dates get a located message."""


_NoDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_yaml(
    path: Path | str,
    text: str | None = None,
    *,
    error: type[KnowledgeError] = RuleError,
    first_line: int = 1,
    dates: bool = True,
    text_keys: bool = False,
) -> Y:
    """Parse one file (or ``text`` read from it) into :class:`Y` values.

    ``error`` (file, line) on a syntax error, a non-text key or a duplicated key;
    ``first_line`` is the line of ``path`` where ``text`` starts (front matter);
    ``dates=False`` keeps ``2018-11-27`` as a string (the metadata checks it itself);
    ``text_keys=True`` reads a number or other plain key as text (``7:`` → ``"7"``).
    """
    path = Path(path)
    try:
        source = path.read_text(encoding="utf-8") if text is None else text
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"无法读取文件（{exc}）：请确认文件存在且以 UTF-8 保存", path) from exc
    loader_class = _NoAnchorsLoader if dates else _NoDatesLoader
    try:
        node = yaml.compose(source, Loader=loader_class)
    except _AnchorFound as exc:
        at = exc.mark.line + first_line if exc.mark is not None else first_line
        raise error(ANCHORS_REFUSED, path, at) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + first_line if mark is not None else None
        raise error(f"YAML 语法错误：{exc.problem or exc}"
                    "（请检查缩进、冒号后的空格和引号是否成对）", path, line) from None
    except yaml.YAMLError as exc:
        raise error(f"YAML 语法错误：{exc}", path, first_line) from None
    if node is None:
        return Y(None, first_line)
    return _Converter(path, loader_class(""), error, first_line - 1, text_keys).convert(node)


def key_lines(text: str, first_line: int = 1) -> dict[str, int]:
    """Line of every top-level key of a YAML mapping; ``{}`` when it is not one (no error)."""
    try:
        root = load_yaml("<yaml>", text, error=KnowledgeError, first_line=first_line,
                         dates=False, text_keys=True)
    except KnowledgeError:
        return {}
    return dict(root.keys)


@dataclass
class _Converter:
    path: Path
    loader: yaml.SafeLoader
    error: type[KnowledgeError]
    offset: int
    text_keys: bool = False

    def convert(self, node: yaml.Node) -> Y:
        line = node.start_mark.line + 1 + self.offset
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Y] = {}
            keys: dict[str, int] = {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1 + self.offset
                key = self._construct(key_node, key_line)
                if self.text_keys and isinstance(key_node, yaml.ScalarNode):
                    key = str(key)
                if not isinstance(key, str):
                    raise self.error(f"键 {key!r} 应为文本（数字或日期作键请加引号）", self.path,
                                     key_line)
                if key in out:
                    raise self.error(f"键“{key}”重复出现：请删除或合并其中一个", self.path,
                                     key_line)
                out[key] = self.convert(value_node)
                keys[key] = key_line
            return Y(out, line, keys)
        if isinstance(node, yaml.SequenceNode):
            return Y([self.convert(child) for child in node.value], line)
        return Y(self._construct(node, line), line)

    def _construct(self, node: yaml.Node, line: int) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as exc:
            raise self.error(f"值有误：{exc}", self.path, line) from None
