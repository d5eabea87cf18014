"""Deterministic synthetic exports, for demos and tests.

``sample_export`` gives the demo store in the Online Retail schema: customers come from a
few archetypes with distinct buying behaviour, and the export carries the noise real
exports have (missing customer ids, cancellations, zero prices, duplicate lines).

``store_export`` gives very different stores (``STORES``), to test that segment names and
strategies stay true wherever they are used:

- "one-time-heavy": 85 % of customers buy once, any time in the year; the rest repeat;
- "lapsed-heavy": 70 % last ordered 6–12 months before the end; the rest buy all year;
- "returns-heavy": 40 % of customers return 30–80 % of their lines (UCI-style "C" +
  digits invoices, negative quantity) and 20 return everything;
- "new-only": a launch: every customer ordered exactly once, in the last 3 weeks;
- "superstore": four years in a public-superstore-like layout (``SUPERSTORE_COLUMNS``):
  order ids "CA-2019-536001" ("CA-" is a Canadian order, not a cancellation) or "US-…",
  ``Order Date`` as d-mmm-yy text (even seeds) or m/d/yyyy (odd), ``Customer Name``,
  ``Sales`` (the line amount); no line is a cancellation.
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


@dataclass(frozen=True)
class Store:
    """A store profile: its customers' archetypes and how much comes back."""

    archetypes: tuple[Archetype, ...]
    returners: float = 0.0  # share of customers returning 30–80 % of their lines
    full_returners: int = 0  # customers returning everything they bought
    end: dt.date = dt.date(2011, 12, 9)


STORES: dict[str, Store] = {
    "one-time-heavy": Store((
        Archetype("One-time buyers", 0.85, (0, 1), 5, 3.0, 4, (0, 365)),
        Archetype("Repeat buyers", 0.15, (4, 1), 8, 3.0, 6, (0, 365)),
    ), returners=0.02),
    "lapsed-heavy": Store((
        Archetype("Lapsed buyers", 0.7, (1, 1), 6, 3.0, 5, (183, 365)),
        Archetype("Active regulars", 0.3, (6, 1), 10, 3.0, 8, (0, 365)),
    ), returners=0.02),
    "returns-heavy": Store((
        Archetype("Regular buyers", 0.5, (4, 1), 10, 3.0, 8, (0, 365)),
        Archetype("Occasional buyers", 0.5, (1, 1), 8, 4.0, 6, (0, 365)),
    ), returners=0.4, full_returners=20),
    "new-only": Store((
        Archetype("Small first orders", 0.7, (0, 1), 5, 2.5, 4, (0, 21)),
        Archetype("Big first orders", 0.3, (0, 1), 25, 5.0, 12, (0, 21)),
    )),
    "superstore": Store((
        Archetype("Regular buyers", 0.5, (7, 1), 2, 40.0, 3, (0, 1460)),
        Archetype("Occasional buyers", 0.5, (2, 1), 2, 60.0, 3, (0, 1460)),
    ), end=dt.date(2020, 12, 30)),
}  # fmt: skip
SUPERSTORE_COLUMNS = ("Order ID", "Order Date", "Customer Name", "Product ID", "Sales", "Country/Region")  # fmt: skip
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
FIRST_NAMES = (
    "Claire", "Darrin", "Sean", "Brosina", "Andrew", "Irene", "Harold", "Pete", "Alejandro", "Ken",
    "Sandra", "Emily", "Eric", "Tracy", "Matt", "Gene", "Steve", "Linda", "Ruben", "Erin", "Nora",
)  # fmt: skip
LAST_NAMES = (
    "Gute", "Van Huff", "O'Donnell", "Hoffman", "Allen", "Maxwell", "Pawlan", "Kriz", "Grove",
    "Donatelli", "Black", "Flanagan", "Grady", "Brumley", "Abelman", "Hale", "Ausman", "Ritter",
)  # fmt: skip


def store_export(kind: str, *, rows: int = 20_000, seed: int = 0) -> pd.DataFrame:
    """About ``rows`` lines of the store profile ``kind`` (a key of ``STORES``).

    Every kind but "superstore" has ``sample_export``'s columns (InvoiceNo, StockCode,
    Description, Quantity, InvoiceDate, UnitPrice, CustomerID, Country), with guest lines,
    zero prices and duplicate lines as noise, and returns as the store's profile says;
    "superstore" has ``SUPERSTORE_COLUMNS``. The same kind and seed give the same frame.
    """
    if kind not in STORES:
        raise ValueError(f"Unknown store kind {kind!r}; kinds are: {', '.join(STORES)}.")
    store = STORES[kind]
    rng = np.random.default_rng(seed)
    end_ts = pd.Timestamp(store.end) + pd.Timedelta(hours=18)
    frame = _purchases(store.archetypes, rows, rng, end_ts)
    if kind == "superstore":
        return _superstore(frame, rng, month_first=seed % 2 == 1)
    frame = _store_noise(frame, rng)
    frame = _with_returns(frame, rng, store, end_ts)
    frame.insert(2, "Description", "PRODUCT " + frame["StockCode"])
    return frame.sort_values("InvoiceDate", kind="stable").reset_index(drop=True)


def _purchases(
    archetypes: tuple[Archetype, ...], rows: int, rng: np.random.Generator, end: pd.Timestamp
) -> pd.DataFrame:
    """Purchase lines of customers drawn from ``archetypes``; invoices numbered in date order."""
    mean_lines = sum(a.weight * a.basket_lines * (1 + a.orders[0]) for a in archetypes)
    n_customers = max(50, int(rows / mean_lines))
    kinds = rng.choice(len(archetypes), size=n_customers, p=[a.weight for a in archetypes])
    customer_ids = 12000 + rng.permutation(n_customers * 2)[:n_customers]
    columns: dict[str, list] = {c: [] for c in ("product", "qty", "ago", "price", "who", "where")}
    for customer, kind in zip(customer_ids, kinds, strict=True):
        a = archetypes[kind]
        country = COUNTRIES[0] if rng.random() < 0.8 else COUNTRIES[rng.integers(1, len(COUNTRIES))]
        for ago in rng.uniform(a.active_days[0], a.active_days[1], 1 + rng.poisson(a.orders[0])):
            n = max(1, rng.poisson(a.basket_lines))
            columns["product"].append(rng.integers(20000, 23000, n))
            columns["qty"].append(np.maximum(1, rng.poisson(a.quantity, n)))
            columns["price"].append(np.round(rng.lognormal(np.log(a.unit_price), 0.5, n), 2))
            columns["ago"].append(np.full(n, ago))
            columns["who"].append(np.full(n, float(customer)))
            columns["where"].append(np.full(n, country, dtype=object))
    c = {name: np.concatenate(parts) for name, parts in columns.items()}
    frame = pd.DataFrame(
        {
            "StockCode": c["product"].astype(str),
            "Quantity": c["qty"],
            "InvoiceDate": (end - pd.to_timedelta(c["ago"], unit="D")).floor("min"),
            "UnitPrice": c["price"],
            "CustomerID": c["who"],
            "Country": c["where"],
        }
    ).sort_values("InvoiceDate", kind="stable", ignore_index=True)
    order = frame.groupby(["CustomerID", "InvoiceDate"], sort=False).ngroup()  # first seen first
    return frame.assign(InvoiceNo=(536001 + order).astype(str))


def _store_noise(frame: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Guest checkouts (no customer id), zero prices and duplicate lines; no cancellations."""
    n = len(frame)
    guest = frame.sample(frac=0.1, random_state=int(rng.integers(1 << 31)))
    guest = guest.assign(CustomerID=np.nan, InvoiceNo=lambda d: "G" + d["InvoiceNo"])
    free = frame.sample(n=max(1, n // 500), random_state=int(rng.integers(1 << 31)))
    duplicates = frame.sample(n=max(1, n // 100), random_state=int(rng.integers(1 << 31)))
    return pd.concat([frame, guest, free.assign(UnitPrice=0.0), duplicates], ignore_index=True)


def _with_returns(
    frame: pd.DataFrame, rng: np.random.Generator, store: Store, end: pd.Timestamp
) -> pd.DataFrame:
    """Add return lines ("C" + the invoice, negative quantity, 1–14 days later) for the
    store's returners: a share of their lines each, or all of them for the full returners."""
    bought = frame[frame["CustomerID"].notna() & (frame["UnitPrice"] > 0)]
    customers = rng.permutation(bought["CustomerID"].unique())
    partial = customers[store.full_returners :][: round(store.returners * len(customers))]
    rate = dict.fromkeys(customers[: store.full_returners], 1.0)
    rate |= dict(zip(partial, rng.uniform(0.3, 0.8, len(partial)), strict=True))
    chance = bought["CustomerID"].map(rate).fillna(0.0).to_numpy()
    lines = bought[rng.random(len(bought)) < chance]
    later = lines["InvoiceDate"] + pd.to_timedelta(rng.integers(1, 15, len(lines)), unit="D")
    returned = lines.assign(
        InvoiceNo="C" + lines["InvoiceNo"],
        Quantity=-lines["Quantity"],
        InvoiceDate=later.clip(upper=end).dt.floor("min"),
    )
    return pd.concat([frame, returned], ignore_index=True)


def _superstore(
    frame: pd.DataFrame, rng: np.random.Generator, *, month_first: bool
) -> pd.DataFrame:
    """The purchases in a public-superstore-like layout (``SUPERSTORE_COLUMNS``)."""
    customers = frame["CustomerID"].unique()
    names = pd.Series(_names(len(customers), rng), index=customers)
    canadian = pd.Series(rng.random(len(customers)) < 0.2, index=customers)
    is_ca = frame["CustomerID"].map(canadian).to_numpy(dtype=bool)
    when = frame["InvoiceDate"]
    day, month, year = when.dt.day.astype(str), when.dt.month, when.dt.year.astype(str)
    if month_first:
        dates = month.astype(str) + "/" + day + "/" + year
    else:
        dates = day + "-" + month.map(lambda m: MONTHS[m - 1]) + "-" + year.str[-2:]
    code = frame["StockCode"].astype(int)
    category = code.mod(3).map({0: "FUR-BO-", 1: "OFF-PA-", 2: "TEC-PH-"})
    return pd.DataFrame(
        {
            "Order ID": np.where(is_ca, "CA-", "US-") + year + "-" + frame["InvoiceNo"],
            "Order Date": dates,
            "Customer Name": frame["CustomerID"].map(names),
            "Product ID": category + (10_000_000 + code).astype(str),
            "Sales": (frame["Quantity"] * frame["UnitPrice"]).round(2),
            "Country/Region": np.where(is_ca, "Canada", "United States"),
        }
    )


def _names(n: int, rng: np.random.Generator) -> list[str]:
    """``n`` distinct customer names, in a shuffled order (middle initials when needed)."""
    initials = ["", *(f" {letter}." for letter in "ABCDEFGHJKLMNPRSTW")]
    names = [f"{f}{m} {last}" for m in initials for last in LAST_NAMES for f in FIRST_NAMES]
    return [names[i] for i in rng.permutation(n)]
