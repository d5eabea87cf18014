"""A deterministic synthetic export in the Online Retail schema, for demos and tests.

Customers come from a few archetypes with distinct buying behaviour; the export
carries the noise real exports have (missing customer ids, cancellations,
zero prices, duplicate lines).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

COUNTRIES = ("United Kingdom", "Germany", "France", "EIRE", "Spain", "Netherlands")


@dataclass(frozen=True)
class Archetype:
    name: str
    weight: float
    orders: tuple[float, float]  # Poisson mean of extra orders, max spread
    basket_lines: float  # mean lines per order
    unit_price: float  # lognormal median
    quantity: float  # mean units per line
    active_days: tuple[int, int]  # window of the year (days before the end) they buy in


ARCHETYPES = (
    Archetype("Loyal frequent buyers", 0.2, (14, 1), 12, 3.0, 10, (0, 365)),
    Archetype("Big-basket occasional buyers", 0.2, (1.5, 1), 40, 6.0, 30, (0, 300)),
    Archetype("New customers", 0.25, (0.3, 1), 8, 2.5, 4, (0, 30)),
    Archetype("Lapsed one-timers", 0.35, (0.2, 1), 6, 2.0, 3, (200, 365)),
)


def sample_export(
    *, rows: int = 60_000, seed: int = 0, end: dt.date = dt.date(2011, 12, 9)
) -> tuple[pd.DataFrame, pd.Series]:
    """Generate about ``rows`` lines.

    Returns the export (columns InvoiceNo, StockCode, Description, Quantity,
    InvoiceDate, UnitPrice, CustomerID, Country) and the true archetype per
    customer id (a Series indexed by the id as text).
    """
    rng = np.random.default_rng(seed)
    mean_lines = sum(a.weight * a.basket_lines * (1 + a.orders[0]) for a in ARCHETYPES)
    n_customers = max(20, int(rows / mean_lines))
    kinds = rng.choice(len(ARCHETYPES), size=n_customers, p=[a.weight for a in ARCHETYPES])
    customer_ids = 12000 + rng.permutation(n_customers * 2)[:n_customers]
    end_ts = pd.Timestamp(end) + pd.Timedelta(hours=18)
    lines, invoice = [], 536000
    for customer, kind in zip(customer_ids, kinds, strict=True):
        a = ARCHETYPES[kind]
        n_orders = 1 + rng.poisson(a.orders[0])
        country = COUNTRIES[0] if rng.random() < 0.8 else COUNTRIES[rng.integers(1, len(COUNTRIES))]
        days_ago = np.sort(rng.uniform(a.active_days[0], a.active_days[1], n_orders))
        for ago in days_ago:
            invoice += 1
            when = (end_ts - pd.Timedelta(days=float(ago))).floor("min")
            n_lines = max(1, rng.poisson(a.basket_lines))
            products = rng.integers(20000, 23000, n_lines)
            prices = np.round(rng.lognormal(np.log(a.unit_price), 0.5, n_lines), 2)
            quantities = np.maximum(1, rng.poisson(a.quantity, n_lines))
            for product, price, quantity in zip(products, prices, quantities, strict=True):
                lines.append(
                    (str(invoice), str(product), quantity, when, price, float(customer), country)
                )
    frame = pd.DataFrame(
        lines,
        columns=[
            "InvoiceNo",
            "StockCode",
            "Quantity",
            "InvoiceDate",
            "UnitPrice",
            "CustomerID",
            "Country",
        ],
    )
    frame = _add_noise(frame, rng)
    frame.insert(2, "Description", "PRODUCT " + frame["StockCode"])
    truth = pd.Series(
        [ARCHETYPES[k].name for k in kinds],
        index=pd.Index([str(c) for c in customer_ids]),
        name="archetype",
    )
    return frame.sort_values("InvoiceDate", kind="stable").reset_index(drop=True), truth


def _add_noise(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    n = len(frame)
    guest = frame.sample(frac=0.15, random_state=int(rng.integers(1 << 31)))  # guest checkouts
    guest = guest.assign(CustomerID=np.nan, InvoiceNo=lambda d: "G" + d["InvoiceNo"])
    cancelled = frame.sample(frac=0.02, random_state=int(rng.integers(1 << 31)))
    cancelled = cancelled.assign(
        InvoiceNo="C" + cancelled["InvoiceNo"],
        Quantity=-cancelled["Quantity"],
        InvoiceDate=cancelled["InvoiceDate"] + pd.Timedelta(days=2),
    )
    free = frame.sample(n=max(1, n // 500), random_state=int(rng.integers(1 << 31))).assign(
        UnitPrice=0.0
    )
    duplicates = frame.sample(n=max(1, n // 100), random_state=int(rng.integers(1 << 31)))
    return pd.concat([frame, guest, cancelled, free, duplicates], ignore_index=True)


def write_sample(path: str, *, rows: int = 60_000, seed: int = 0) -> pd.DataFrame:
    """Write a sample export to ``path`` (.csv, .xlsx or .parquet by extension); returns it."""
    frame, _ = sample_export(rows=rows, seed=seed)
    if path.endswith(".parquet"):
        frame.to_parquet(path, index=False)
    elif path.endswith(".xlsx"):
        frame.to_excel(path, index=False)
    else:
        out = frame.assign(InvoiceDate=frame["InvoiceDate"].dt.strftime("%m/%d/%Y %H:%M"))
        out.to_csv(path, index=False)
    return frame
