"""YAML read into values that remember their line, for error messages staff can act on."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from knowledge.errors import RuleError


@dataclass(frozen=True)
class Y:
    """A YAML value and the 1-based line it starts on.

    ``value`` is ``dict[str, Y]`` for a mapping, ``list[Y]`` for a sequence, else the
    plain scalar (str, int, float, bool, date, None).
    """

    value: object
    line: int

    @property
    def mapping(self) -> dict[str, Y] | None:
        return self.value if isinstance(self.value, dict) else None

    @property
    def sequence(self) -> list[Y] | None:
        return self.value if isinstance(self.value, list) else None


def load_yaml(path: Path, text: str | None = None) -> Y:
    """Parse one file; RuleError (file, line) on a syntax error or a duplicated key."""
    source = path.read_text(encoding="utf-8") if text is None else text
    try:
        node = yaml.compose(source, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise RuleError(f"YAML syntax error: {exc.problem or exc}", path, line) from None
    if node is None:
        return Y(None, 1)
    return _convert(node, path, yaml.SafeLoader(""))


def _convert(node: yaml.Node, path: Path, loader: yaml.SafeLoader) -> Y:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Y] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str):
                raise RuleError(f"key {key!r} must be text", path, key_node.start_mark.line + 1)
            if key in out:
                raise RuleError(f"duplicated key '{key}'", path, key_node.start_mark.line + 1)
            out[key] = _convert(value_node, path, loader)
        return Y(out, line)
    if isinstance(node, yaml.SequenceNode):
        return Y([_convert(child, path, loader) for child in node.value], line)
    try:
        return Y(loader.construct_object(node, deep=True), line)
    except yaml.YAMLError as exc:
        raise RuleError(f"bad value: {exc}", path, line) from None
