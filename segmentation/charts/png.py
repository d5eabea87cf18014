"""Figures to PNG bytes, without pyplot: what the bot uploads and the report folder holds."""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image


def render_png(fig: Figure) -> bytes:
    """PNG bytes of a figure drawn with Agg; identical figures give identical bytes. Closes it.

    The image is reduced to a 256-colour palette (charts use a handful of colours
    plus anti-aliasing): a third of the size of full colour, faster to encode, and
    no timestamp or software version is written.
    """
    return encoded(drawn(fig))


def drawn(fig: Figure) -> Image.Image:
    """The figure drawn with Agg, as an image of its own (the figure is closed)."""
    if fig.canvas.manager is not None:  # made by pyplot: release it from pyplot's registry
        import matplotlib.pyplot as plt

        plt.close(fig)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    size = canvas.get_width_height(physical=True)
    return Image.frombuffer("RGBA", size, canvas.buffer_rgba(), "raw", "RGBA", 0, 1).copy()


def encoded(image: Image.Image) -> bytes:
    """``render_png``'s palette PNG of a drawn image. Pillow lets go of the interpreter while
    it works, so a caller may encode one chart while the next is drawn."""
    buf = io.BytesIO()
    image.quantize(256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE).save(buf, "png")
    return buf.getvalue()
