"""From transactions to named segments with strategies: the whole segmentation run."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
import pyarrow as pa

from segmentation.checks import check_as_of, check_distinct, check_enough
from segmentation.clv import ClvUnavailable
from segmentation.clv_check import checked_predictions
from segmentation.describe import describe_segments
from segmentation.engine import CleaningAudit, Holdout, Prepared, prepare_frame
from segmentation.errors import NotEnoughCustomersError
from segmentation.facts import PREDICTED
from segmentation.k_rule import explain_k
from segmentation.lifecycle import Lifecycle, lifecycle_from, lifecycle_states
from segmentation.load import Export, ExportRecord, load_export
from segmentation.model import SegmentModel
from segmentation.products import Products
from segmentation.products.alongside import Basket, products_alongside
from segmentation.result import CUSTOMER_COLUMNS, PRODUCT_COLUMNS, SegmentationResult
from segmentation.sample import sample_export
from segmentation.summary import FEATURES, RunSummary, finite_or_none

HORIZON_DAYS = 90  # the predictions' horizon: a quarter, what a marketer plans for
OnStep = Callable[[str], None]


def _no_step(_step: str) -> None: ...


@dataclass(frozen=True)
class Provenance:
    """How an export was read: the column ``mapping``, the ``date_order`` and reader ``notes``."""

    mapping: Mapping[str, str] = field(default_factory=dict)
    date_order: str = "ISO"
    notes: tuple[str, ...] = ()
    currency: str | None = None

    @classmethod
    def of(cls, record: ExportRecord, *, currency: str | None = None) -> Provenance:
        """How ``record``'s export was read; ``currency`` (the channel's setting) wins over
        the export's own."""
        return cls(
            mapping=dict(record.mapping),
            date_order=record.date_order,
            notes=tuple(record.notes),
            currency=currency or record.currency,
        )


def segment_export(
    export: Export,
    *,
    k: int | None = None,
    as_of: dt.date | None = None,
    random_state: int = 0,
    on_step: OnStep = _no_step,
    offers: bool = True,
    prepared: Prepared | None = None,
) -> SegmentationResult:
    """Segment a loaded export (see ``segment_transactions``)."""
    return segment_transactions(
        export.table,
        rows_read=export.rows_read,
        k=k,
        as_of=as_of,
        random_state=random_state,
        on_step=on_step,
        provenance=Provenance.of(export.record),
        offers=offers,
        prepared=prepared,
    )


def segment_transactions(
    transactions: pa.Table | pd.DataFrame,
    *,
    rows_read: int | None = None,
    k: int | None = None,
    as_of: dt.date | None = None,
    random_state: int = 0,
    on_step: OnStep = _no_step,
    provenance: Provenance = Provenance(),
    offers: bool = True,
    prepared: Prepared | None = None,
) -> SegmentationResult:
    """Clean, build features, cluster, name and recommend.

    Takes the normalised transaction table; ``as_of`` defaults to the day after
    the last purchase. ``on_step`` is called with "cleaning" and then "clustering"
    as the run reaches each (the bot turns them into progress updates). Without
    ``offers`` (a summary that is only read, not stored or written out) what each customer
    should be offered is not worked out, and their product columns are empty. ``prepared``
    is the engine's cleaning and features of ``transactions`` as of ``as_of`` when they were
    worked out already (``prepare_frame``; the command line does it beside its imports).
    Raises NotEnoughCustomersError when too few customers remain for the segments asked for.
    """
    on_step("cleaning")
    with products_alongside(transactions, as_of=as_of, offers=offers) as products:
        if prepared is None:
            prepared = prepare_frame(transactions, rows_read=rows_read, as_of=as_of)
        products.measures_to(prepared.as_of)
        return segment_prepared(
            prepared,
            k=k,
            random_state=random_state,
            on_step=on_step,
            provenance=provenance,
            basket=products.basket,
        )


def segment_prepared(
    prepared: Prepared,
    *,
    k: int | None = None,
    random_state: int = 0,
    on_step: OnStep = _no_step,
    provenance: Provenance = Provenance(),
    basket: Basket | None = None,
) -> SegmentationResult:
    """Cluster, name and recommend from the engine's audit and per-customer features
    (``segmentation.engine``), measured to ``prepared.as_of``; with ``basket``, also what
    each segment buys more than the rest and what to offer each customer."""
    audit, as_of = prepared.audit, prepared.as_of
    if audit.rows_kept == 0:
        reasons = ", ".join(f"{n:,} {r}" for r, n in audit.dropped.items())
        raise NotEnoughCustomersError(
            f"Nothing is left after cleaning: all {audit.rows_read:,} rows were dropped ({reasons}). "
            "Check that the file has customer ids, readable dates and positive quantities and prices."
        )
    check_as_of(as_of, audit.first_purchase, audit.last_purchase)
    features = prepared.customers
    check_enough(len(features), k, as_of, audit.customers)
    check_distinct(features, k)
    on_step("clustering")
    model = SegmentModel(
        k=k, order_by=FEATURES.index("total_spend"), random_state=random_state
    ).fit(features[list(FEATURES)].to_numpy())
    lifecycle = lifecycle_from(features)
    labelled = _customers(features, model.labels_, lifecycle)
    predicted, unavailable, check = _predictions(features, prepared.holdout)
    customers = labelled.join(predicted[list(PREDICTED)])
    bought = basket(labelled["segment"], as_of) if basket is not None else Products()
    customers = _with_products(customers, bought)
    summary = _summary(
        audit, customers, model, lifecycle, as_of, random_state, provenance, bought,
        k_forced=k is not None,
    )  # fmt: skip
    summary = replace(summary, **_prediction_fields(customers, unavailable), prediction_check=check)
    return SegmentationResult(summary=summary, customers=customers)


def _customers(features: pd.DataFrame, labels: np.ndarray, lifecycle: Lifecycle) -> pd.DataFrame:
    """Features (with ``returns_value``) plus ``segment`` and ``lifecycle``."""
    customers = features.assign(segment=labels)
    customers = customers.assign(lifecycle=lifecycle_states(customers, lifecycle))
    return customers[[c for c in CUSTOMER_COLUMNS if c not in (*PREDICTED, *PRODUCT_COLUMNS)]]


def _with_products(customers: pd.DataFrame, bought: Products) -> pd.DataFrame:
    """The table with the ``PRODUCT_COLUMNS`` ("" for a customer without any)."""
    if bought.customers is None:
        offers = pd.DataFrame("", index=customers.index, columns=list(PRODUCT_COLUMNS))
    else:
        offers = bought.customers.reindex(customers.index).fillna("")
    offers = offers[list(PRODUCT_COLUMNS)].astype("str")
    return customers.join(offers)[list(CUSTOMER_COLUMNS)]


def _predictions(
    features: pd.DataFrame, holdout: Holdout | None
) -> tuple[pd.DataFrame, str | None, str | None]:
    """The ``PREDICTED`` columns per customer of ``features``, None and the sentence saying
    how they were checked on ``holdout``; or, when the export cannot support them or they
    fail the check, the columns as NaN, the plain reason and None (segmentation goes on
    without)."""
    check = None
    try:
        prediction, backtest = checked_predictions(features, holdout, horizon_days=HORIZON_DAYS)
        predicted, check = prediction.customers, backtest.sentence()
        reason = _missing_numbers(predicted)
    except ClvUnavailable as unavailable:
        predicted, reason = None, str(unavailable)
    if reason is not None:
        predicted = pd.DataFrame(np.nan, index=features.index, columns=list(PREDICTED))
        check = None
    return predicted, reason, check


def _missing_numbers(predicted: pd.DataFrame) -> str | None:
    """A plain reason when the fitted models gave a non-finite number for anyone: half a
    prediction would make segment totals silently wrong, so none is shown instead."""
    bad = int((~np.isfinite(predicted[list(PREDICTED)].to_numpy(dtype=float))).any(axis=1).sum())
    if not bad:
        return None
    return (
        f"Lifetime value could not be estimated: the model gave no usable number for {bad:,} "
        "customers, so its totals would not be trustworthy."
    )


def _prediction_fields(customers: pd.DataFrame, unavailable: str | None) -> dict:
    if unavailable is not None:
        return {"predictions": unavailable, "expected_revenue_90d": None}
    total = round(float(customers["expected_value_90d"].sum()), 2)
    return {"predictions": None, "expected_revenue_90d": total}


def _summary(
    audit: CleaningAudit,
    customers: pd.DataFrame,
    model: SegmentModel,
    lifecycle: Lifecycle,
    as_of: dt.date,
    random_state: int,
    provenance: Provenance,
    bought: Products,
    *,
    k_forced: bool,
) -> RunSummary:
    """The typed summary of a fitted run. Only customers who bought by ``as_of`` are
    segmented, so only they are counted (the others are said in a note)."""
    left_out = audit.customers - len(customers)
    return RunSummary(
        **_audit_fields(audit),
        customers=len(customers),
        total_spend=round(float(customers["total_spend"].sum()), 2),
        as_of=as_of,
        date_order=provenance.date_order,
        mapping=dict(provenance.mapping),
        k=model.k_,
        k_forced=k_forced,
        k_reason=explain_k(model.k_choice_),
        k_scores=tuple(model.k_scores_),
        stability=finite_or_none(round(model.stability_, 3)),
        random_state=random_state,
        notes=tuple(provenance.notes) + bought.notes + _left_out_note(left_out, as_of),
        segments=tuple(
            describe_segments(
                customers,
                lifecycle,
                currency=provenance.currency,
                products=bought.segments,
                listed=bought.listed,
            )
        ),
        lifecycle=lifecycle,
        currency=provenance.currency,
        returned_value=round(float(customers["returns_value"].sum()), 2),
        left_out_customers=left_out,
    )


def _audit_fields(audit: CleaningAudit) -> dict:
    return {
        "rows_read": audit.rows_read,
        "rows_kept": audit.rows_kept,
        "dropped": dict(audit.dropped),
        "cancellations": audit.cancellations,
        "cancelled_lines": audit.cancelled_lines,
        "duplicate_lines": audit.duplicate_lines,
        "first_purchase": _iso(audit.first_purchase),
        "last_purchase": _iso(audit.last_purchase),
    }


def _iso(value: pd.Timestamp | None) -> str | None:
    return None if value is None or pd.isna(value) else value.isoformat()


def warm_up() -> SegmentationResult:
    """Segment a small generated CSV export once and return the result.

    The first call into each pandas, pyarrow and scikit-learn code path costs ~0.3 s;
    a long-running worker pays it here, at start-up, instead of on a user's upload.
    """
    frame, _ = sample_export(rows=3_000, seed=0)
    export = load_export(frame.to_csv(index=False).encode(), name="warm-up.csv")
    return segment_export(export)


def _left_out_note(left_out: int, as_of: dt.date) -> tuple[str, ...]:
    if not left_out:
        return ()
    who = "1 customer" if left_out == 1 else f"{left_out:,} customers"
    return (f"{who} who first bought on or after {as_of.isoformat()} are left out.",)
