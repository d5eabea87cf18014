"""Reading an export into segbot's normalised transaction table.

``load_export`` is the entry point (``export``); under it, ``readers`` turns bytes
(CSV, xlsx, Parquet, also gzipped or zipped) into a raw table, ``columns`` guesses which
column holds what (``headers`` reads a header's words), ``dates`` works out the date order
and ``normalise`` builds the table. The currency is decided with ``segmentation.currency``.
"""

from segmentation.errors import ExportError
from segmentation.load.export import Export, load_export

__all__ = ["Export", "ExportError", "load_export"]
