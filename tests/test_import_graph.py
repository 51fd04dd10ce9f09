"""The arrows between modules go one way: no module of cpweek/ imports, directly or through
others, a module that imports it back; and between domains (auth, programme, reciprocity,
coproduction, evidence, ...) the same holds for everything but their views, which put pages
together from several domains. Imports inside functions count: hiding one there hides the
cycle, it does not remove it. A domain that needs an answer from one above it asks through a
signal (cpweek/signals.py)."""

from __future__ import annotations

import ast
import itertools
from pathlib import Path

import pytest

PACKAGE_ROOT = Path(__file__).resolve().parent.parent / "cpweek"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE_ROOT.rglob("*.py"))}


def _under_type_checking(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        if _under_type_checking(node, parents):
            continue
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name in modules)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            for alias in node.names:
                # `from package import module` runs that module; `from module import name`
                # runs the module the name is defined in.
                submodule = f"{source}.{alias.name}"
                if submodule in modules:
                    found.add(submodule)
                elif source in modules:
                    found.add(source)
    found.discard(name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a list of nodes (first node repeated at the end), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state:
                found = visit(target)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def _domain(module: str) -> str | None:
    """The domain a module belongs to: cpweek.<package>, for packages of cpweek/."""
    parts = module.split(".")
    if len(parts) >= 3 and (PACKAGE_ROOT / parts[1]).is_dir():
        return parts[1]
    return None


def _is_view(module: str) -> bool:
    return ".views" in f"{module}." and module.split(".")[2:3] == ["views"]


def test_no_module_imports_itself_in_a_circle():
    cycle = _cycle(_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle)


def test_domains_depend_one_way():
    domains: dict[str, set[str]] = {}
    reasons: dict[tuple[str, str], str] = {}
    for module, targets in _graph().items():
        source = _domain(module)
        if source is None or _is_view(module):
            continue
        for target in targets:
            other = _domain(target)
            if other and other != source:
                domains.setdefault(source, set()).add(other)
                reasons.setdefault((source, other), f"{module} imports {target}")
    cycle = _cycle(domains)
    assert cycle is None, "domains in a circle: " + "; ".join(
        reasons[(a, b)] for a, b in itertools.pairwise(cycle)
    )


@pytest.mark.parametrize(
    "graph, expected",
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"a2"}, "a2": set(), "b": {"b"}}, ["b", "b"]),
    ],
)
def test_the_cycle_finder_finds_cycles(graph, expected):
    assert _cycle(graph) == expected


def test_the_walker_sees_imports_inside_functions(tmp_path):
    path = tmp_path / "m.py"
    path.write_text("def f():\n    from cpweek.programme import services\n")
    modules = {"cpweek.programme": path, "cpweek.programme.services": path, "m": path}
    assert _imports("m", path, modules) == {"cpweek.programme.services"}
