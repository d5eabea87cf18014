"""A source's own columns, renamed and cast to the engine's ``NORMALISED`` columns.

The columns are matched to segbot's fields the way an upload's headers are
(``segmentation.load.columns.match_columns``: the source's explicit mapping first, then the
usual names), and written as the same values an upload's reader gives: ids as text
(17850.0 and "17850" are one customer), the date as a timestamp, numbers as float64, the
amount as the source states it (quantity × price only without an amount column, or when
the amount is an order's total), a status as what it means (``segmentation.load.status``)
and refunds as returns. All of it is an ibis expression, so the source's own engine does
the work.
"""

from __future__ import annotations

from collections.abc import Mapping

import ibis
import ibis.expr.datatypes as dt
import ibis.expr.types as ir

import segmentation.load.lines as line_rules
import segmentation.load.platforms as platforms
import segmentation.load.values as cells
from segmentation.engine import NORMALISED
from segmentation.errors import ExportError, MappingNeeded
from segmentation.load.columns import match_columns, normalise_header
from segmentation.load.contacts import CONTACT_FIELDS
from segmentation.load.fields import NUMBER_FIELDS, TEXT_FIELDS
from segmentation.load.orders import rules_for
from sources.errors import SourceError

# Kept when the source has them: the country takes part in telling exact repeats apart;
# a product's name and category name offers; contacts are for audiences, never in a line's
# identity.
OPTIONAL = ("country", "product_name", "category", *CONTACT_FIELDS)


def normalise_table(raw: ir.Table, columns: Mapping[str, str], *, what: str) -> ir.Table:
    """``raw`` as a table of ``NORMALISED`` columns (and ``country`` when there is one).

    ``columns`` maps segbot fields to ``raw``'s columns; ``what`` names the source in
    errors ("The query of source 'shop'"). Each cell is read by ``segmentation.load.values``
    and each line with its order by ``segmentation.load.lines``, as an upload's are: a
    platform's layout recognised by the columns' names, its order fields carried down, an
    order's refund counted once and never above what it sold. Raises SourceError naming
    the missing columns.
    """
    mapping = _mapping(raw, columns, what=what)
    readers = {
        **{f: cells.identifier for f in TEXT_FIELDS},
        **{f: cells.number for f in NUMBER_FIELDS},
        "date": cells.timestamp,
        "status": cells.status,
    }
    t = raw.select(**{f: readers[f](raw[c]) for f, c in mapping.items() if f in readers})
    layout = platforms.detect(normalise_header(c) for c in raw.columns)
    rules = rules_for(set(t.columns), mapping, layout)
    t = t.mutate(amount=line_rules.line_value(t, mapping))
    t = line_rules.order_rules(t, rules, line=None)
    values = {
        "customer_id": t.customer,
        "invoice": t.invoice if "invoice" in t.columns else ibis.null(dt.string),
        "timestamp": t.date,
        "product": t.product if "product" in t.columns else ibis.null(dt.string),
        "quantity": t.quantity if "quantity" in t.columns else ibis.null(dt.float64),
        "price": t.price if "price" in t.columns else ibis.null(dt.float64),
        "amount": t.amount,
    }
    values.update({f: t[f] for f in (*OPTIONAL, "status", "refunded") if f in t.columns})
    table = t.select(**{name: value.name(name) for name, value in values.items()})
    assert set(NORMALISED) <= set(table.columns)
    return table


def _mapping(raw: ir.Table, columns: Mapping[str, str], *, what: str) -> dict[str, str]:
    try:
        return match_columns(raw.columns, dict(columns))
    except MappingNeeded as e:
        needed = _needed(e.missing)
        raise SourceError(
            f"{what} has no {needed} column (its columns are {_listing(raw.columns)}): "
            "return them under those names, or map them in the source's [columns] section."
        ) from None
    except ExportError as e:
        raise SourceError(f"{what}: {e}".replace("the file", "the source")) from None


def _needed(missing: tuple[str, ...]) -> str:
    names = ["amount (or quantity and price)" if field == "amount" else field for field in missing]
    return " or ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " or " + names[-1]


def _listing(columns: tuple[str, ...] | list[str]) -> str:
    shown = ", ".join(columns[:15])
    return shown + (f" and {len(columns) - 15} more" if len(columns) > 15 else "") or "none"
