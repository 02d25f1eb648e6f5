"""The shape of the code: one-way layers, no import cycles, small modules.

Every ``import`` is read from the source (function-level ones included), so a cycle
hidden inside a function body fails here too.
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("knowledge", "index", "bot")
LAYER = {"knowledge": 0, "index": 1, "bot": 2}
EDGE_ONLY = ("jinja2", "telegram", "aiohttp", "redis", "watchfiles")
MAX_LINES = 450


def module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


@lru_cache(maxsize=1)
def modules() -> dict[str, Path]:
    return {module_name(p): p for pkg in PACKAGES for p in (REPO / pkg).rglob("*.py")}


def imports_of(path: Path, name: str, known: set[str]) -> set[str]:
    """Project modules (and top-level third-party names) that ``path`` imports."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names
                         if f"{base}.{alias.name}" in known)
    return found


@lru_cache(maxsize=1)
def graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    out: dict[str, set[str]] = {}
    for name, path in mods.items():
        edges = set()
        for target in imports_of(path, name, known):
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name and not name.startswith(target + "."):
                edges.add(target)
        out[name] = edges
    return out


def third_party(name: str) -> set[str]:
    path = modules()[name]
    return {t.split(".")[0] for t in imports_of(path, name, set())}


def find_cycle(g: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(g.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(g):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_import_cycles() -> None:
    assert find_cycle(graph()) is None


def test_a_cycle_is_found() -> None:
    """The checker itself: a planted cycle is reported."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


@pytest.mark.parametrize("name", sorted(modules()), ids=str)
def test_layers_point_one_way(name: str) -> None:
    """knowledge ← index ← bot: nothing imports a layer above its own."""
    layer = LAYER[name.split(".")[0]]
    upward = sorted(t for t in graph()[name] if LAYER[t.split(".")[0]] > layer)
    assert upward == []


@pytest.mark.parametrize("name", sorted(m for m in modules() if not m.startswith("bot")),
                         ids=str)
def test_core_imports_no_edge_libraries(name: str) -> None:
    assert sorted(third_party(name) & set(EDGE_ONLY)) == []


@pytest.mark.parametrize("name", sorted(modules()), ids=str)
def test_modules_stay_small(name: str) -> None:
    lines = modules()[name].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{name}: {lines} lines; split it by responsibility"
