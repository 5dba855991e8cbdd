"""The apps form a line: a lower app never imports a higher one, and no modules import each other in a circle.

The order below is the architecture (docs/directory-structure.md). The graph comes from grimp (import-linter's
engine), which reads every import statement of the package, those inside functions and under TYPE_CHECKING too.
Surfaces sit side by side on one floor and never import each other.
"""

from __future__ import annotations

from collections.abc import Iterator

import grimp
import pytest

# Lowest first. A tuple is one floor of siblings that must not import each other.
LAYERS: list[tuple[str, ...]] = [
    ("lib",),
    ("ledger",),
    ("safety",),
    ("accounts",),
    ("vault",),
    ("tlog",),
    ("places",),
    ("hotline",),
    ("network",),
    ("evidence",),
    ("cases", "public"),
    ("intake", "console", "observer", "coordinate", "home", "volunteer", "legal", "site"),
    ("api",),
    ("ops",),
    ("urls", "wsgi", "settings"),
]
FLOOR = {name: i for i, floor in enumerate(LAYERS) for name in floor}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("vigil", include_external_packages=False, exclude_type_checking_imports=False)


def _app(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _edges(graph: grimp.ImportGraph) -> Iterator[tuple[str, str]]:
    for importer in sorted(graph.modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            yield importer, imported


def test_every_app_has_a_floor(graph: grimp.ImportGraph) -> None:
    apps = {_app(m) for m in graph.modules} - {"", "__init__"}
    assert apps <= set(FLOOR), f"apps missing from LAYERS: {sorted(apps - set(FLOOR))}"


def test_no_import_runs_up_or_sideways(graph: grimp.ImportGraph) -> None:
    wrong = []
    for importer, imported in _edges(graph):
        a, b = _app(importer), _app(imported)
        if a == b or not a or not b:
            continue
        if FLOOR[b] > FLOOR[a] or (FLOOR[b] == FLOOR[a] and len(LAYERS[FLOOR[a]]) > 1):
            wrong.append(f"{importer} -> {imported}")
    assert not wrong, "imports that run up the line (or between sibling surfaces):\n" + "\n".join(wrong)


def _cycles(nodes: list[str], edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_modules_import_each_other_in_a_circle(graph: grimp.ImportGraph) -> None:
    edges: dict[str, set[str]] = {}
    for importer, imported in _edges(graph):
        # A package's __init__ re-exporting its own modules is not a circle of behaviour.
        if imported.startswith(importer + "."):
            continue
        edges.setdefault(importer, set()).add(imported)
    cycles = _cycles(sorted(graph.modules), edges)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_the_checker_sees_an_arrow_that_runs_up() -> None:
    """The rule itself: hotline importing network would be refused (so the test above can fail)."""
    assert FLOOR["network"] > FLOOR["hotline"]
    assert _cycles(["a", "b", "c"], {"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c"]]
    assert _cycles(["a", "b"], {"a": {"b"}}) == []
