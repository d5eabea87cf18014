"""segbot's charts, drawn with matplotlib's object API (no pyplot state) and saved as PNG.

- ``style``: the shared look (palette, colours per segment id, sizes, axes, titles, log axes).
- ``run``: the four charts of a run (``chart_pngs``), with ``pair_plot`` in its own module.
- ``digest``: the weekly digest's migration heatmap and sizes over time.
- ``png``: ``render_png``, figure to deterministic PNG bytes.
"""

from segmentation.charts.png import render_png
from segmentation.charts.run import chart_pngs

__all__ = ["chart_pngs", "render_png"]
