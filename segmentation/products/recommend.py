"""What each customer should be offered next, and what they buy again and again.

Input: one row per customer and product they bought (``segmentation.products.query``'s
``customer_products``: ``customer_id``, ``product``, ``lines``, ``last_bought``). Output:
per customer, up to ``TOP`` products they have not bought, ranked by item-to-item
similarity over customers, and their own ``TOP`` most-bought products.

Similarity is cosine over customers: two products are alike when the same customers buy
both, divided by the square root of each product's buyers, so that a best-seller bought by
everyone does not crowd every list; a customer's purchase of the first product counts more
the more recent it is (``LEARN_DAYS``), so that what goes together now (this season's range)
outweighs what went together a year ago. A customer's own products count more the more
recently and the more often they bought them (``RECENCY_DAYS``). Their usual products are
those they bought on most lines, ties going to the product most customers buy (a staple is
bought again sooner than a one-off). ``benchmarks/bench_products.py`` measures
it against the popularity baseline, plain co-occurrence and implicit's ALS.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sp

TOP = 5
# A purchase's weight halves every this many days before the as-of: what a customer bought
# last quarter says more about their next order than what they bought two years ago.
RECENCY_DAYS = 90.0
# In learning what goes with what, a purchase's weight halves every this many days: a month,
# one season's range. On the real data's two time splits (benchmarks/bench_products.py) it
# lifts hit@5 from 0.334 to 0.357 and from 0.427 to 0.443 over unweighted co-occurrence.
LEARN_DAYS = 30.0
# Products that can be recommended: the most-bought this many. Past a few thousand a product
# has too few buyers for its similarities to mean anything, and the similarity matrix and
# the scores stay within memory for 50,000 distinct products.
CANDIDATES = 3_000
# Similarities are learned from at most this many customers (evenly spread over them):
# enough for co-occurrence counts to settle, and a 10× export then costs what a large one does.
LEARN_FROM = 25_000
CHUNK = 4_096  # customers scored at once (a chunk's scores are CHUNK × CANDIDATES floats)


@dataclass(frozen=True)
class Baskets:
    """Customers × products as sparse matrices: ``bought`` (1 where bought), ``weight``
    (log lines bought, halved every ``RECENCY_DAYS`` since the last), ``recent`` (1 halved
    every ``LEARN_DAYS``) and ``lines``, with the ids of rows and columns."""

    customers: pd.Index
    products: pd.Index
    bought: sp.csr_matrix
    weight: sp.csr_matrix
    recent: sp.csr_matrix
    lines: sp.csr_matrix


def baskets(pairs: pd.DataFrame, as_of: pd.Timestamp) -> Baskets:
    """The matrices of ``pairs`` (``customer_id``, ``product``, ``lines``, ``last_bought``)."""
    rows, customers = pd.factorize(pairs["customer_id"], sort=True)
    cols, products = pd.factorize(pairs["product"], sort=True)
    shape = (len(customers), len(products))
    days = (as_of - pd.to_datetime(pairs["last_bought"])).dt.days.to_numpy(dtype=np.float64)
    lines = pairs["lines"].to_numpy(dtype=np.float32)
    days = np.clip(days, 0, None)
    weight = np.log1p(lines) * np.exp2(-days / RECENCY_DAYS)

    def matrix(values: np.ndarray) -> sp.csr_matrix:
        return sp.csr_matrix((values.astype(np.float32), (rows, cols)), shape=shape)

    return Baskets(
        customers=pd.Index(customers, name="customer_id"),
        products=pd.Index(products, name="product"),
        bought=matrix(np.ones(len(pairs))),
        weight=matrix(weight),
        recent=matrix(np.exp2(-days / LEARN_DAYS)),
        lines=matrix(lines),
    )


def similarity(
    b: Baskets, candidates: np.ndarray, *, cosine: bool = True, recent: bool = True
) -> sp.csr_matrix:
    """Products × ``candidates``: customers who bought both (each purchase of the first
    weighted by ``b.recent`` when ``recent``), over the square root of each one's buyers when
    ``cosine`` (else the plain count). A product's similarity to itself is left out."""
    rows = slice(None)
    if b.bought.shape[0] > LEARN_FROM:
        rows = np.linspace(0, b.bought.shape[0] - 1, LEARN_FROM).astype(np.int64)
    learn = b.bought[rows]
    first = b.recent[rows] if recent else learn
    both = (first.T.tocsr() @ learn[:, candidates]).tocsr()
    both = _without_self(both, candidates)
    if cosine:
        buyers = np.asarray(learn.sum(axis=0)).ravel()
        norm = np.sqrt(np.maximum(buyers, 1.0)).astype(np.float32)
        both = sp.diags(1 / norm) @ both @ sp.diags(1 / norm[candidates])
    return both.tocsr()


def _without_self(both: sp.csr_matrix, candidates: np.ndarray) -> sp.csr_matrix:
    """``both`` without each candidate's similarity to itself (its own product's row)."""
    own = sp.csr_matrix(
        (np.ones(len(candidates), dtype=np.float32), (candidates, np.arange(len(candidates)))),
        shape=both.shape,
    )
    cleared = both - both.multiply(own)
    cleared.eliminate_zeros()
    return cleared.tocsr()


def popular(b: Baskets, n: int) -> np.ndarray:
    """The ``n`` products most customers bought, most first (ties: by id)."""
    buyers = np.asarray(b.bought.sum(axis=0)).ravel()
    order = np.lexsort((np.arange(len(buyers)), -buyers))
    return order[:n]


def next_products(
    b: Baskets, *, top: int = TOP, cosine: bool = True, recent: bool = True, history=None
) -> np.ndarray:
    """Per customer (rows of ``b``), the column indices of up to ``top`` products not bought
    yet, best first; -1 where fewer are left. ``history`` (default: ``b.weight``) is what
    each customer's own products count for; ``cosine`` and ``recent`` as ``similarity``'s."""
    candidates = np.sort(popular(b, CANDIDATES))
    sim = similarity(b, candidates, cosine=cosine, recent=recent)
    history = b.weight if history is None else history
    # A small tie-break by popularity: customers with nothing similar still get best-sellers.
    buyers = np.asarray(b.bought[:, candidates].sum(axis=0)).ravel()
    prior = (1e-6 * buyers / max(buyers.max(), 1)).astype(np.float32)
    chosen = np.full((b.bought.shape[0], top), -1, dtype=np.int64)
    for start in range(0, b.bought.shape[0], CHUNK):
        rows = slice(start, start + CHUNK)
        scores = np.asarray((history[rows] @ sim).todense(), dtype=np.float32) + prior
        owned = b.bought[rows][:, candidates]
        scores[owned.nonzero()] = -np.inf
        chosen[rows] = _best(scores, candidates, top)
    return chosen


def usual_products(b: Baskets, *, top: int = TOP) -> np.ndarray:
    """Per customer, the column indices of their ``top`` most-bought products (by lines,
    ties to the product most customers buy), -1 where they bought fewer."""
    buyers = np.asarray(b.bought.sum(axis=0)).ravel()
    ranked = b.lines.tocsr().copy()
    # Lines are whole numbers: a share of buyers below one only orders the ties.
    ranked.data = ranked.data + (0.5 * buyers[ranked.indices] / buyers.max()).astype(np.float32)
    chosen = np.full((ranked.shape[0], top), -1, dtype=np.int64)
    for row in range(ranked.shape[0]):
        start, end = ranked.indptr[row], ranked.indptr[row + 1]
        values, cols = ranked.data[start:end], ranked.indices[start:end]
        order = np.lexsort((cols, -values))[:top]
        chosen[row, : len(order)] = cols[order]
    return chosen


def _best(scores: np.ndarray, candidates: np.ndarray, top: int) -> np.ndarray:
    """Each row's ``top`` highest-scoring candidates (as product columns), best first."""
    k = min(top, scores.shape[1])
    part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
    picked = np.take_along_axis(scores, part, axis=1)
    order = np.argsort(-picked, axis=1, kind="stable")
    part = np.take_along_axis(part, order, axis=1)
    picked = np.take_along_axis(picked, order, axis=1)
    columns = np.where(np.isfinite(picked), candidates[part], -1)
    if k < top:
        columns = np.pad(columns, ((0, 0), (0, top - k)), constant_values=-1)
    return columns
