"""The digest's charts, at the import path the digest uses; they live in ``segmentation.charts.digest``."""

from segmentation.charts.digest import migration_chart, sizes_over_time

__all__ = ["migration_chart", "sizes_over_time"]
