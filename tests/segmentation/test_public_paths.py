"""The import paths other packages use keep working after segmentation was grouped into subpackages."""

from __future__ import annotations

import importlib

import pytest

PUBLIC = [
    ("segmentation.load", "load_export"),
    ("segmentation.load", "Export"),
    ("segmentation.errors", "ExportError"),
    ("segmentation.pipeline", "segment_export"),
    ("segmentation.pipeline", "segment_transactions"),
    ("segmentation.charts", "chart_pngs"),
    ("segmentation.charts", "render_png"),
    ("segmentation.charts.digest", "migration_chart"),
    ("segmentation.charts.digest", "sizes_over_time"),
    ("segmentation.report", "customers_csv"),
    ("segmentation.report", "write_report"),
    ("segmentation.matching", "align_to_previous"),
    ("segmentation.movement", "movement"),
    ("segmentation.movement", "movers"),
    ("segmentation.sample", "sample_export"),
    ("segmentation.sample", "write_sample"),
]


@pytest.mark.parametrize(("module", "name"), PUBLIC, ids=[f"{m}.{n}" for m, n in PUBLIC])
def test_public_import_path(module: str, name: str) -> None:
    assert callable(getattr(importlib.import_module(module), name))
