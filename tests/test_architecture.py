"""The house rules, checked from the code with ``ast``.

Imports flow one way: bot (the Slack adapter) and cli → workflows (the Slack-free application
layer) → segmentation, storage and sources; storage → segmentation's types, sources →
segmentation; bot and cli may also read storage and segmentation directly. Never back, never
across, and no module cycle anywhere (imports made only for type checking included). ``localslack`` stands
apart: nothing of segbot in it, and only ``bot/__main__.py`` imports it. Modules stay under 300
lines and functions under 60.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "cli", "localslack", "segmentation", "sources", "storage", "workflows")
FORBIDDEN = {
    "segmentation": (
        "bot",
        "cli",
        "workflows",
        "storage",
        "sources",
        "slack_bolt",
        "slack_sdk",
        "sqlite_utils",
        "sqlite3",
    ),
    # Storage stores segmentation's typed results, and knows nothing else of it.
    "storage": (
        "bot",
        "cli",
        "workflows",
        "slack_bolt",
        "slack_sdk",
        "segmentation.pipeline",
        "segmentation.model",
    ),
    "cli": ("bot", "localslack", "slack_bolt", "slack_sdk"),
    # Sources read a team's data through segmentation's engine; Slack and storage are the bot's.
    "sources": ("bot", "cli", "storage", "workflows", "localslack", "slack_bolt", "slack_sdk"),
    # The workflows Slack, the command line and the scheduler share: nothing of Slack in them.
    "workflows": ("bot", "cli", "localslack", "slack_bolt", "slack_sdk"),
    # The local Slack plays Slack towards any app: it knows nothing of segbot.
    "localslack": ("bot", "segmentation", "sources", "storage", "workflows", "slack_bolt"),
}
# The one module of the bot that may start the local Slack (``python -m bot`` without settings).
LOCALSLACK_IMPORTERS_IN_BOT = {"bot/__main__.py"}


MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 60


def project_files() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, anywhere in the file (functions and TYPE_CHECKING too).

    ``from a import b`` counts as importing ``a.b`` when ``b`` is a module of the project.
    """
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(
                f"{node.module}.{alias.name}"
                for alias in node.names
                if _is_module(f"{node.module}.{alias.name}")
            )
    return names


def _is_module(name: str) -> bool:
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def import_graph() -> dict[str, set[str]]:
    """Project module → the project modules it imports."""
    modules = {module_name(p): p for p in project_files()}
    return {
        name: {m for m in imported_modules(path) if m in modules and m != name}
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_module_cycles():
    assert cycles(import_graph()) == []


def folder_graph() -> dict[str, set[str]]:
    """Imports seen at every level of the tree: ``a.b.c`` importing ``a.d.e`` is ``a.b`` → ``a.d``.

    Each import becomes an edge between the two siblings under the deepest package both sides
    share, so two folders that import each other through any of their modules form a cycle.
    """
    graph: dict[str, set[str]] = {}
    packages = {module_name(p) for p in project_files() if p.name == "__init__.py"}
    for module, imported in import_graph().items():
        for other in imported:
            a, b = _chain(module, packages), _chain(other, packages)
            level = next((n for n, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), None)
            if level is not None:
                graph.setdefault(a[level], set()).add(b[level])
    return graph


def _chain(module: str, packages: set[str]) -> list[str]:
    """``a.b.c`` → ``["a", "a.b", "a.b.c"]`` (a package's ``__init__`` is the package itself)."""
    parts = module.split(".")
    chain = [".".join(parts[: n + 1]) for n in range(len(parts))]
    return chain if module not in packages else [*chain, module + ".__init__"]


def test_no_folder_cycles():
    """Folders too, at every level: no package imports a package that imports it back."""
    assert cycles(folder_graph()) == []


def test_the_cycle_finder_finds_cycles():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_imports_flow_one_way():
    problems = []
    for package, forbidden in FORBIDDEN.items():
        assert (ROOT / package).is_dir(), f"{package} moved: update FORBIDDEN"
        for path in (ROOT / package).rglob("*.py"):
            for name in imported_modules(path):
                if any(name == f or name.startswith(f + ".") for f in forbidden):
                    problems.append(f"{path.relative_to(ROOT)} imports {name}")
    assert problems == []


def test_only_bot_main_imports_localslack():
    importers = [
        str(rel)
        for path in (ROOT / "bot").rglob("*.py")
        if (rel := path.relative_to(ROOT)).as_posix() not in LOCALSLACK_IMPORTERS_IN_BOT
        and any(n == "localslack" or n.startswith("localslack.") for n in imported_modules(path))
    ]
    assert importers == []


def test_library_code_never_reads_the_environment():
    for package in ("segmentation", "sources", "storage", "workflows", "localslack"):
        for path in (ROOT / package).rglob("*.py"):
            assert "os.environ" not in path.read_text(), path


def test_modules_stay_small():
    too_long = [
        f"{p.relative_to(ROOT)}: {n}"
        for p in project_files()
        if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    ]
    assert too_long == []


def test_functions_stay_short():
    too_long = []
    for path in project_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines = node.end_lineno - node.lineno + 1
                if lines > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} {lines}")
    assert too_long == []
