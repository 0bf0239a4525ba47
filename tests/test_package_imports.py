"""The package's layers, checked on its source: who may import whom (#14).

Every import counts, module-level or inside a function (a lazy import is still a dependency).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "budgetscope"

KNOWN_CYCLES: list[set[str]] = []
"""Import cycles tolerated for now, each with its reason (none left)."""


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


MODULES = _modules()


def _owner(name: str) -> str | None:
    """The package module an imported name lives in (``a.b.c`` → ``a.b`` when ``c`` is not a module)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports(path: Path) -> set[str]:
    """Every module (of the package, or outside it by its top name) that ``path`` imports."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{a.name}" for a in node.names] + [node.module]
        else:
            continue
        for name in names:
            if name.startswith("budgetscope"):
                owner = _owner(name)
                if owner:
                    found.add(owner)
            else:
                found.add(name.split(".")[0])
    return found


GRAPH = {name: _imports(path) - {name} for name, path in MODULES.items()}


def _cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v] & graph.keys():
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def _layer(name: str) -> str:
    return name.split(".")[1] if name.count(".") >= 1 else ""


def test_package_imports_walk_every_module() -> None:
    assert {"budgetscope.models", "budgetscope.api", "budgetscope.search_cli.app"} <= MODULES.keys()
    assert "budgetscope.models.records" in GRAPH["budgetscope.models"]
    assert {"budgetscope.vector.sync", "budgetscope.api.errors"} <= GRAPH["budgetscope.api.indexing"]
    assert {"budgetscope.vector.base", "qdrant_edge"} <= GRAPH["budgetscope.vector.edge"]


def test_package_imports_no_cycle() -> None:
    cycles = [sorted(c) for c in _cycles(GRAPH) if c not in KNOWN_CYCLES]
    assert cycles == []


def test_package_imports_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [{"a", "b", "c"}]


def test_package_imports_models_import_nothing_else_of_the_package() -> None:
    """Models import other models only, and the root of the package's errors (which imports nothing)."""
    bad = {
        name: sorted(
            d
            for d in deps
            if d.startswith("budgetscope") and _layer(d) != "models" and d != "budgetscope.errors"
        )
        for name, deps in GRAPH.items()
        if _layer(name) == "models"
    }
    assert {k: v for k, v in bad.items() if v} == {}


def test_package_imports_pipeline_imports_no_store_index_api_or_cli() -> None:
    bad = {
        name: sorted(d for d in deps if _layer(d) in ("store", "index", "vector", "api", "search_cli", "web"))
        for name, deps in GRAPH.items()
        if _layer(name) == "pipeline"
    }
    assert {k: v for k, v in bad.items() if v} == {}


def test_package_imports_store_imports_no_linking_index_or_api() -> None:
    """The store keeps what it is given: it links nothing (pipeline.linking) and searches nothing."""
    bad = {
        name: sorted(
            d
            for d in deps
            if _layer(d) in ("index", "vector", "api", "search_cli", "web")
            or d.startswith("budgetscope.pipeline.linking")
        )
        for name, deps in GRAPH.items()
        if _layer(name) == "store"
    }
    assert {k: v for k, v in bad.items() if v} == {}


def test_package_imports_store_protocol_speaks_only_in_models() -> None:
    deps = {d for d in GRAPH["budgetscope.store.protocol"] if d.startswith("budgetscope")}
    assert deps <= {"budgetscope.models", "budgetscope.errors"}  # errors: the root every layer's errors share


def test_package_imports_the_root_error_imports_nothing_of_the_package() -> None:
    assert not {d for d in GRAPH["budgetscope.errors"] if d.startswith("budgetscope")}


SHARED_CLI = {"budgetscope.search_cli", "budgetscope.search_cli.common", "budgetscope.search_cli.errors"}


@pytest.mark.parametrize(
    "name", sorted(n for n in MODULES if _layer(n) == "search_cli" and n != "budgetscope.search_cli.app")
)
def test_package_imports_cli_commands_use_the_api_not_the_stores(name: str) -> None:
    """A command module parses, calls the API and renders: no sqlite3, no qdrant_client, and no
    other command module (shared options and output live in ``common`` and ``errors``)."""
    deps = GRAPH[name]
    assert not deps & {"sqlite3", "qdrant_client"}
    others = {d for d in deps if _layer(d) == "search_cli"} - SHARED_CLI
    assert others == set()


STORE_AND_ENGINES = (
    "budgetscope.store.sqlite",
    "budgetscope.index.search",
    "budgetscope.index.cites",
    "budgetscope.vector",
    "budgetscope.pipeline",
)
"""What a command reaches only through the API: opening the store, the search engine, the pipeline
(the shared ``common`` module reads files for ``segment``/``extract``)."""


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n in MODULES
        if _layer(n) == "search_cli" and n not in SHARED_CLI | {"budgetscope.search_cli.app"}
    ),
)
def test_package_imports_cli_commands_open_no_store_engine_or_pipeline(name: str) -> None:
    bad = sorted(d for d in GRAPH[name] if d.startswith(STORE_AND_ENGINES))
    assert bad == []
