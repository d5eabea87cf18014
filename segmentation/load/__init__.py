"""Reading an export into segbot's normalised transaction table.

``load_export`` is the entry point (``export``); under it, ``readers`` turns bytes
(CSV, xlsx, Parquet, also gzipped or zipped) into a raw Arrow table, ``columns`` guesses
which column holds what (``fields`` lists the spellings, ``headers`` reads a header's words,
``contacts`` finds the buyer's details, ``platforms`` recognises Shopify, WooCommerce, Stripe
and Square exports), ``dates`` works out the date order and ``normalise`` builds the table on
DuckDB: ``values`` reads each distinct cell, ``lines`` each line with its order (an order's
fields carried to its lines, its refund counted once), ``cells`` runs both over the file's
dictionaries and ``notes`` says what was read how; ``status`` says which status values are
sales. The same ``values`` and ``lines`` read a connected source. ``record`` is what is kept
of the export's facts. ``limits`` bounds what a compressed file may expand to
(``ReadLimits``, derived from the upload limit) before anything large is allocated. The
currency is decided with ``segmentation.currency``.
"""

from segmentation.errors import ExportError
from segmentation.load.export import Export, load_export
from segmentation.load.limits import ReadLimits
from segmentation.load.record import ExportRecord

__all__ = ["Export", "ExportError", "ExportRecord", "ReadLimits", "load_export"]
