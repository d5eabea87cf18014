"""Named sources of transactions an operator defines in a TOML file (``SEGBOT_SOURCES``).

A source is a database or warehouse (any ibis backend URL, the password taken from an
environment variable, with a table or a query) or files DuckDB can read (a Parquet/CSV
file, folder or glob; an https URL on allowed hosts). ``load_catalog`` reads the file once at
start; ``prepare_source`` runs the engine's cleaning and per-customer features on the
source's own backend, bounded in time, and raises ``SourceError`` with one sentence naming
what to fix. Imports: sources → segmentation; never bot, cli, storage or Slack.
"""

from sources.catalog import Catalog, Secret, Source
from sources.config import load_catalog
from sources.errors import SourceConfigError, SourceError
from sources.run import (
    open_table,
    prepare_source,
    source_contacts,
    source_outcomes,
    source_products,
)

__all__ = [
    "Catalog",
    "Secret",
    "Source",
    "SourceConfigError",
    "SourceError",
    "load_catalog",
    "open_table",
    "source_contacts",
    "source_outcomes",
    "source_products",
    "prepare_source",
]
