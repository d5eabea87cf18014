"""Imports flow one way: bot → segmentation, bot → storage; never back, never across.

``localslack`` stands apart: nothing of segbot in it, and only ``bot/__main__.py`` imports it.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "segmentation": ("bot", "storage", "slack_bolt", "slack_sdk", "sqlite_utils", "sqlite3"),
    "storage": ("bot", "segmentation", "slack_bolt", "slack_sdk"),
    # The local Slack plays Slack towards any app: it knows nothing of segbot.
    "localslack": ("bot", "segmentation", "storage", "slack_bolt"),
}
# The one module of the bot that may start the local Slack (``python -m bot`` without settings).
LOCALSLACK_IMPORTERS_IN_BOT = {"bot/__main__.py"}


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
    for package in ("segmentation", "storage"):
        for path in (ROOT / package).rglob("*.py"):
            assert "os.environ" not in path.read_text(), path


def test_modules_stay_small():
    too_long = [
        f"{p.relative_to(ROOT)}: {n}"
        for package in ("bot", "localslack", "segmentation", "storage")
        for p in (ROOT / package).rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 350
    ]
    assert too_long == []
