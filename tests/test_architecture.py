"""Imports flow one way: bot → segmentation, bot → storage; never back, never across."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "segmentation": ("bot", "storage", "slack_bolt", "slack_sdk", "sqlite_utils", "sqlite3"),
    "storage": ("bot", "segmentation", "slack_bolt", "slack_sdk"),
    "bot/localslack": (
        "segmentation",
        "storage",
        "bot.app",
        "bot.settings",
        "bot.listeners",
        "slack_bolt",
    ),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_imports_flow_one_way():
    problems = []
    for package, forbidden in FORBIDDEN.items():
        for path in (ROOT / package).rglob("*.py"):
            for name in imported_modules(path):
                if any(name == f or name.startswith(f + ".") for f in forbidden):
                    problems.append(f"{path.relative_to(ROOT)} imports {name}")
    assert problems == []


def test_library_code_never_reads_the_environment():
    for package in ("segmentation", "storage"):
        for path in (ROOT / package).rglob("*.py"):
            assert "os.environ" not in path.read_text(), path


def test_modules_stay_small():
    too_long = [
        f"{p.relative_to(ROOT)}: {n}"
        for package in ("bot", "segmentation", "storage")
        for p in (ROOT / package).rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 350
    ]
    assert too_long == []
