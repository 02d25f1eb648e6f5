"""The shape of the code: one-way layers, no import cycles, small modules, a full map.

Every ``import`` is read from the source (function-level ones included), so a cycle
hidden inside a function body fails here too.  Inside a top package, its sub-packages
(and top-level modules) never import each other both ways; the core packages read no
other package's files (``importlib``, ``importlib.resources``, a path climbing out of
their own folder from ``__file__``); every module is on the map in
``docs/ARCHITECTURE.md``.
"""

from __future__ import annotations

import ast
import fnmatch
import re
from functools import lru_cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("knowledge", "index", "bot")
CORE = ("knowledge", "index")
LAYER = {"knowledge": 0, "index": 1, "bot": 2}
EDGE_ONLY = ("jinja2", "telegram", "aiohttp", "redis", "watchfiles")
MAX_LINES = 400
MAP = REPO / "docs" / "ARCHITECTURE.md"

# Sub-packages that still import each other both ways (none left).
_PENDING_TWO_WAY: frozenset[frozenset[str]] = frozenset()

# Modules over MAX_LINES waiting for a split (none: issue 23 split them all).
_PENDING_OVER_400: tuple[str, ...] = ()


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
    if any(fnmatch.fnmatchcase(name, pattern) for pattern in _PENDING_OVER_400):
        return
    assert lines <= MAX_LINES, f"{name}: {lines} lines; split it by responsibility"


def test_the_pending_lists_name_real_modules() -> None:
    units = {unit(name) for name in modules()} - {None}
    assert all(pair <= units for pair in _PENDING_TWO_WAY)
    assert all(any(fnmatch.fnmatchcase(name, pattern) for name in modules())
               for pattern in _PENDING_OVER_400)


# -- sub-packages point one way ----------------------------------------------------------


def unit(name: str) -> str | None:
    """The sub-package (or top-level module) ``name`` belongs to: ``bot.render``,
    ``bot.conversation``, ``index.answering``; None for a top package itself."""
    parts = name.split(".")
    return ".".join(parts[:2]) if len(parts) > 1 else None


def two_way(g: dict[str, set[str]]) -> set[frozenset[str]]:
    """Pairs of units of one top package that import each other (through any modules)."""
    edges: set[tuple[str, str]] = set()
    for name, targets in g.items():
        for target in targets:
            a, b = unit(name), unit(target)
            if a and b and a != b and a.split(".")[0] == b.split(".")[0]:
                edges.add((a, b))
    return {frozenset(edge) for edge in edges if edge[::-1] in edges}


def test_a_two_way_tie_is_found() -> None:
    """The checker itself: units tied both ways through different modules are reported."""
    g = {"bot.a.x": {"bot.b.y"}, "bot.b.z": {"bot.a"}, "bot.c": {"bot.a.x"}}
    assert two_way(g) == {frozenset({"bot.a", "bot.b"})}


def test_sub_packages_point_one_way() -> None:
    """render ↔ conversation, alerts ↔ telegram: a two-way tie makes two units one."""
    assert sorted(map(sorted, two_way(graph()) - _PENDING_TWO_WAY)) == []


# -- the core reads no other package's files ---------------------------------------------

_RESOURCE_CALLS = {"files", "read_text", "read_binary", "open_text", "open_binary", "path",
                   "contents", "is_resource", "as_file"}


def foreign_reads(source: str, file: Path) -> list[str]:
    """``importlib`` loads and resource reads of another package, and ``__file__`` paths
    climbing out of the top package, in ``source`` of ``file`` (relative to the
    repository), each as "line: what", by line."""
    tree = ast.parse(source)
    own = file.parts[0]
    depth = len(file.parts) - 1  # climbs from the file's folder up to its top package
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            target = _called(node.func)
            if target in ("import_module", "__import__") or (
                    target in _RESOURCE_CALLS and _is_resources(node.func)):
                arg = node.args[0] if node.args else None
                package = arg.value if isinstance(arg, ast.Constant) else None
                if not (isinstance(package, str) and package.split(".")[0] == own):
                    shown = ast.unparse(arg) if arg else ""
                    found.append((node.lineno, f"{target}({shown})"))
        climbs = _climbs_from_file(node) if isinstance(node, ast.expr) else None
        if isinstance(node, ast.expr) and climbs is not None and climbs > depth:
            found.append((node.lineno, f"{climbs} folders up from __file__"))
    return [f"{line}: {what}" for line, what in sorted(set(found))]


def _called(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""


def _is_resources(func: ast.expr) -> bool:
    """``resources.files``, ``importlib.resources.files``."""
    if not isinstance(func, ast.Attribute):
        return False
    owner = func.value
    return (isinstance(owner, ast.Name) and owner.id == "resources") or (
        isinstance(owner, ast.Attribute) and owner.attr == "resources")


def _climbs_from_file(node: ast.AST) -> int | None:
    """How many folders ``node`` climbs from ``Path(__file__)`` (``.parent``,
    ``.parents[n]``), when it is the outermost climb of such a chain."""
    climbs = 0
    current = node
    if isinstance(current, ast.Subscript) and isinstance(current.value, ast.Attribute) \
            and current.value.attr == "parents" and isinstance(current.slice, ast.Constant) \
            and isinstance(current.slice.value, int):
        climbs += current.slice.value + 1
        current = current.value.value
    elif isinstance(current, ast.Attribute) and current.attr == "parent":
        pass
    else:
        return None
    while True:
        if isinstance(current, ast.Attribute) and current.attr == "parent":
            climbs += 1
            current = current.value
        elif isinstance(current, ast.Call) and isinstance(current.func, ast.Attribute) \
                and current.func.attr == "resolve":
            current = current.func.value
        else:
            break
    is_file = (isinstance(current, ast.Call) and _called(current.func) == "Path"
               and len(current.args) == 1 and isinstance(current.args[0], ast.Name)
               and current.args[0].id == "__file__")
    return climbs if is_file else None


def test_a_foreign_read_is_found() -> None:
    """The checker itself, on a planted module two folders deep in a core package."""
    source = ("from importlib import resources\nimport importlib\nfrom pathlib import Path\n"
              "resources.files('index').joinpath('x.dict').read_text()\n"
              "resources.files('knowledge')\n"
              "importlib.import_module('index.tokenize')\n"
              "Path(__file__).resolve().parent.parent / 'vocabulary'\n"
              "Path(__file__).resolve().parents[2] / 'index'\n"
              "Path(__file__).parent.parent.parent / 'bot'\n")
    found = foreign_reads(source, Path("knowledge/awards/planted.py"))
    assert [f.split(":")[0] for f in found] == ["4", "6", "8", "9"]


@pytest.mark.parametrize("name", sorted(m for m in modules() if m.split(".")[0] in CORE),
                         ids=str)
def test_core_reads_no_other_package(name: str) -> None:
    path = modules()[name]
    assert foreign_reads(path.read_text(encoding="utf-8"), path.relative_to(REPO)) == []


# -- the map: every module on docs/ARCHITECTURE.md ---------------------------------------


def mapped_files(text: str) -> set[str]:
    """Repository paths of the ``.py`` files the map's code blocks name.

    A line whose first word ends in ``/`` opens a folder (nested by indentation); a bare
    ``name.py`` belongs to the innermost open folder, a ``path/name.py`` stands for itself
    and its bare neighbours on the line are its siblings.
    """
    found: set[str] = set()
    for block in re.findall(r"```\n(.*?)```", text, flags=re.S):
        folders: list[tuple[int, str]] = []  # (indent, path)
        for line in block.splitlines():
            words = line.split()
            if not words:
                continue
            indent = len(line) - len(line.lstrip())
            while folders and folders[-1][0] >= indent:
                folders.pop()
            here = folders[-1][1] if folders else ""
            first = words[0]
            if first.endswith("/") and indent < 24:
                folders.append((indent, here + first if "/" not in first[:-1] else first))
                continue
            for word in words:
                if not word.endswith(".py"):
                    continue
                if "/" in word:
                    found.add(word)
                    here = word.rpartition("/")[0] + "/"
                else:
                    found.add(here + word)
    return found


def test_the_map_reader() -> None:
    text = ("```\nbot/          what\n  render.py     Jinja2\n  staff/        tools\n"
            "    kb.py infer.py   kb add\nindex/x.py y.py   words\n```\n")
    assert mapped_files(text) == {"bot/render.py", "bot/staff/kb.py", "bot/staff/infer.py",
                                  "index/x.py", "index/y.py"}


def test_every_module_is_on_the_map() -> None:
    on_map = mapped_files(MAP.read_text(encoding="utf-8"))
    missing = sorted(str(path.relative_to(REPO)) for path in modules().values()
                     if path.name != "__init__.py"
                     and str(path.relative_to(REPO)) not in on_map)
    assert missing == [], "add them to the map in docs/ARCHITECTURE.md"
    gone = sorted(f for f in on_map if not (REPO / f).is_file())
    assert gone == [], "the map names files that no longer exist"
