"""Cleaning and per-customer features, defined once and run by a query engine.

``prepare_frame`` runs them on DuckDB in-process (an upload); ``prepare_table`` on whatever
backend holds an ibis table (a team's database or warehouse). Either way only the audit and
one row per customer come back to Python.
"""

from segmentation.engine.columns import DROP_REASONS, NORMALISED
from segmentation.engine.contacts import CONTACT_COLUMNS, contacts_table
from segmentation.engine.local import contacts_frame, limit_memory, prepare_frame
from segmentation.engine.prepared import (
    CUSTOMER_FEATURES,
    CleaningAudit,
    Holdout,
    Prepared,
    default_as_of,
)
from segmentation.engine.run import prepare_table

__all__ = [
    "CONTACT_COLUMNS",
    "CUSTOMER_FEATURES",
    "DROP_REASONS",
    "NORMALISED",
    "CleaningAudit",
    "Holdout",
    "Prepared",
    "contacts_frame",
    "contacts_table",
    "default_as_of",
    "limit_memory",
    "prepare_frame",
    "prepare_table",
]
