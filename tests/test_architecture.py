"""The shape the contributor guide promises: data flows one way, and a source is complete.

Imports are read from the code (module level and inside functions alike; ``if
TYPE_CHECKING:`` blocks are for the type checker and never run), so a loop hidden in a
function-level import fails here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from avlogparse.sources import SOURCES, LogSource, sniff_kind

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "avlogparse"
DOCS = ROOT / "docs"


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The package modules ``path`` imports when it runs (explicit imports only)."""
    found: set[str] = set()
    here = _module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child):
                for other in child.orelse:
                    visit(other)
                continue
            if isinstance(child, ast.Import):
                found.update(alias.name for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    base = ".".join(
                        [*package.split(".")[: len(package.split(".")) - child.level + 1], base]
                    ).strip(".")
                for alias in child.names:
                    candidate = f"{base}.{alias.name}"
                    found.add(candidate if candidate in modules else base)
            visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8")))
    return {name for name in found if name in modules and name != here}


def _graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(f) for f in files}
    return {_module_name(f): _imports(f, modules) for f in files}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return found


def test_no_import_loop_even_through_function_level_imports() -> None:
    assert _cycles(_graph()) == []


LAYERS = {
    # what each layer may import at run time (besides itself)
    "avlogparse.models": {"avlogparse.normalize"},
    "avlogparse.i18n": {"avlogparse.catalog", "avlogparse.errors", "avlogparse.models"},
    "avlogparse.correlation": {
        "avlogparse.catalog", "avlogparse.errors", "avlogparse.models", "avlogparse.templates",
        "avlogparse.limits",
    },
    "avlogparse.sources": {
        "avlogparse.catalog", "avlogparse.correlation", "avlogparse.limits",
        "avlogparse.models", "avlogparse.normalize", "avlogparse.textio",
    },
    "avlogparse.rules": {
        "avlogparse.catalog", "avlogparse.correlation", "avlogparse.models", "avlogparse.normalize",
    },
}  # fmt: skip


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_data_flows_one_way(layer: str) -> None:
    """Models know nothing of parsing or rendering; the i18n lookup and correlation know no
    renderer; rules know no source (no file or format)."""
    allowed = (layer, *LAYERS[layer])
    wrong = {
        (module, target)
        for module, targets in _graph().items()
        if module == layer or module.startswith(layer + ".")
        for target in targets
        if not any(target == ok or target.startswith(ok + ".") for ok in allowed)
    }
    if layer == "avlogparse.i18n":  # the lookup itself is a leaf; localize renders reports
        wrong = {(m, t) for m, t in wrong if m != "avlogparse.i18n.localize"}
        assert not {t for m, t in _graph().items() if m == "avlogparse.i18n" for t in t} - {
            "avlogparse.catalog", "avlogparse.errors", "avlogparse.i18n.en", "avlogparse.i18n.ja",
        }  # fmt: skip
    assert wrong == set()


def test_correlation_imports_no_i18n() -> None:
    graph = _graph()
    assert not {
        (m, t)
        for m, targets in graph.items()
        if m.startswith("avlogparse.correlation")
        for t in targets
        if t.startswith("avlogparse.i18n")
    }


# --- every registered source is complete ---------------------------------------------------

SAMPLES: dict[str, Path] = {
    "avhypervvss": ROOT / "samples" / "kb-orphaned-checkpoint" / "avhypervvss.log",
    "winclustersvc": ROOT / "samples" / "kb-orphaned-checkpoint" / "winclustersvc.log",
    "event-xml": ROOT / "samples" / "kb-orphaned-checkpoint" / "Microsoft-Windows-Hyper-V-VMMS-Admin.xml",
    "evtx": ROOT / "tests" / "data" / "evtx" / "system.evtx",
}  # fmt: skip
"""A real file of each kind: a new source adds its own (the test below asks for one)."""


@pytest.mark.parametrize("source", SOURCES, ids=[s.kind for s in SOURCES])
def test_every_source_has_every_piece(source: LogSource) -> None:
    assert sum(s.kind == source.kind for s in SOURCES) == 1, "kinds are unique"
    for method in ("sniff", "parse", "collect"):
        assert getattr(type(source), method) is not getattr(LogSource, method), method
    assert (DOCS / source.docs_page).is_file(), "a docs page describes the format"
    assert source.docs_page in (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert source.kind in SAMPLES, "a sample file of this kind (and nothing-lost data)"
    sample = SAMPLES[source.kind]
    assert sniff_kind(sample.read_bytes()[:16_384], sample.name) == source.kind
    assert source.named_like(sample.name.lower())
