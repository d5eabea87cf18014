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

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import scipy.sparse as sp

from segmentation.threads import on_two_threads

TOP = 5
# A purchase's weight halves every this many days before the as-of: what a customer bought
# last quarter says more about their next order than what they bought two years ago.
RECENCY_DAYS = 90.0
# In learning what goes with what, a purchase's weight halves every this many days: a month,
# one season's range. On the real data's two time splits (benchmarks/bench_products.py) it
# lifts hit@5 from 0.334 to 0.357 and from 0.427 to 0.443 over unweighted co-occurrence.
LEARN_DAYS = 30.0
# Products that can be recommended: the most-bought this many. Past the first thousand of
# the real data's 3,665 a product has a few dozen buyers, too few for its similarities to
# mean much; on the time splits 1,000 did better than 2,000 or 3,000, and the scores stay
# small for 50,000 distinct products.
CANDIDATES = 1_000
# Each product passes its weight to its this many most similar candidates only (item-based
# k-nearest neighbours): the long tail of weak similarities is noise. 20 did better than
# 50, 100 or all on both time splits, and makes scoring a sparse product.
NEIGHBOURS = 20
# Similarities are learned from at most this many customers (evenly spread over them):
# enough for co-occurrence counts to settle, and a 10× export then costs what a large one does.
LEARN_FROM = 25_000
CHUNK = 4_096  # customers scored at once (a chunk's scores are CHUNK × CANDIDATES floats)
KEY_BITS = 21  # each of a customer's row, lines and buyers in one 63-bit sort key
ROWS_AT_ONCE = 512  # products pruned to their neighbours at once: the work stays in cache


@dataclass(frozen=True)
class Baskets:
    """Customers × products as sparse matrices: ``bought`` (1 where bought), ``weight``
    (log lines bought, halved every ``RECENCY_DAYS`` since the last), ``recent`` (1 halved
    every ``LEARN_DAYS``) and ``lines``, with the ids of rows and columns. The four share
    one structure (row pointers and column indices): only their values differ."""

    customers: pd.Index
    products: pd.Index
    bought: sp.csr_matrix
    weight: sp.csr_matrix
    recent: sp.csr_matrix
    lines: sp.csr_matrix

    @functools.cached_property
    def buyers(self) -> np.ndarray:
        """Per product, how many customers bought it."""
        return np.asarray(self.bought.sum(axis=0)).ravel()


def baskets(pairs: pa.Table, as_of: dt.date) -> Baskets:
    """The matrices of ``pairs`` (``customer_id``, ``product``, ``lines``, ``last_bought``;
    one row per customer and product), rows and columns in the ids' text order."""
    rows, customers = _sorted_codes(pairs["customer_id"])
    cols, products = _sorted_codes(pairs["product"])
    shape = (len(customers), len(products))
    # Rows of the matrices in (customer, product) order: the CSR structure is then read off.
    order = np.argsort(rows.astype(np.int64) * shape[1] + cols)
    indices = cols[order]
    indptr = np.zeros(shape[0] + 1, dtype=np.int32)
    np.cumsum(np.bincount(rows, minlength=shape[0]), out=indptr[1:])
    del rows, cols
    last = pairs["last_bought"].to_numpy(zero_copy_only=False)[order]
    days = (np.datetime64(as_of, "D") - last.astype("datetime64[D]")).astype(np.float64)
    days = np.clip(days, 0, None)
    # Cast by Arrow: an engine sums counts as a wide decimal, which numpy would read as objects.
    lines = pairs["lines"].cast(pa.float64()).to_numpy()[order].astype(np.float32)

    def matrix(values: np.ndarray) -> sp.csr_matrix:
        m = sp.csr_matrix((values.astype(np.float32, copy=False), indices, indptr), shape=shape)
        m.has_sorted_indices = True
        return m

    return Baskets(
        customers=pd.Index(customers, name="customer_id"),
        products=pd.Index(products, name="product"),
        bought=matrix(np.ones(len(order), dtype=np.float32)),
        weight=matrix(np.log1p(lines) * np.exp2(-days / RECENCY_DAYS)),
        recent=matrix(np.exp2(-days / LEARN_DAYS)),
        lines=matrix(lines),
    )


def _sorted_codes(column: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    """Each value's position among the column's distinct values in text order, and those
    values (as Python text)."""
    encoded = pc.dictionary_encode(column.combine_chunks())
    order = pc.sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(order), dtype=np.int32)
    rank[order] = np.arange(len(order), dtype=np.int32)
    codes = rank[encoded.indices.to_numpy(zero_copy_only=False)]
    return codes, np.asarray(encoded.dictionary.take(order).to_pylist(), dtype=object)


def similarity(
    b: Baskets,
    candidates: np.ndarray,
    *,
    cosine: bool = True,
    recent: bool = True,
    neighbours: int | None = NEIGHBOURS,
) -> sp.csr_matrix:
    """Products × ``candidates``: customers who bought both (each purchase of the first
    weighted by ``b.recent`` when ``recent``), over the square root of each one's buyers when
    ``cosine`` (else the plain count), each product's ``neighbours`` largest only (None: all).
    A product's similarity to itself is left out."""
    rows = slice(None)
    if b.bought.shape[0] > LEARN_FROM:
        rows = np.linspace(0, b.bought.shape[0] - 1, LEARN_FROM).astype(np.int64)
    learn = b.bought[rows]
    first = b.recent[rows] if recent else learn
    both = _co_bought(first, learn[:, candidates].tocsr())
    scale = np.ones(both.shape[0], dtype=np.float32)
    if cosine:
        buyers = np.asarray(learn.sum(axis=0)).ravel()
        scale = (1 / np.sqrt(np.maximum(buyers, 1.0))).astype(np.float32)
    return _nearest(both, candidates, scale, neighbours)


def _co_bought(first: sp.csr_matrix, chosen: sp.csr_matrix) -> np.ndarray:
    """``first``ᵀ × ``chosen`` (customers in rows of both), dense: most products share a
    customer with most candidates, so a sparse result would be larger and slower to build.
    Customers are taken ``CHUNK`` at a time, so only a chunk of ``chosen`` is ever dense."""
    both = np.zeros((first.shape[1], chosen.shape[1]), dtype=np.float32)
    for start in range(0, first.shape[0], CHUNK):
        part = slice(start, start + CHUNK)
        both += first[part].T @ chosen[part].toarray()
    return both


def _nearest(
    both: np.ndarray, candidates: np.ndarray, scale: np.ndarray, neighbours: int | None
) -> sp.csr_matrix:
    """``both`` (changed in place) without each candidate's similarity to itself, scaled by
    ``scale`` of its row and its column's product, each row's ``neighbours`` largest
    entries kept (all when None)."""
    both[candidates, np.arange(len(candidates))] = 0.0
    both *= scale[:, None]
    both *= scale[candidates][None, :]
    if neighbours is None or neighbours >= both.shape[1]:
        pruned = sp.csr_matrix(both)
        pruned.eliminate_zeros()
        return pruned
    kept = []
    for start in range(0, both.shape[0], ROWS_AT_ONCE):
        dense = both[start : start + ROWS_AT_ONCE]
        top = np.argpartition(-dense, neighbours - 1, axis=1)[:, :neighbours]
        values = np.take_along_axis(dense, top, axis=1)
        rows = np.repeat(np.arange(dense.shape[0]), neighbours)
        kept.append(sp.csr_matrix((values.ravel(), (rows, top.ravel())), shape=dense.shape))
    pruned = sp.vstack(kept).tocsr()
    pruned.eliminate_zeros()
    return pruned


def popular(b: Baskets, n: int) -> np.ndarray:
    """The ``n`` products most customers bought, most first (ties: by id)."""
    order = np.lexsort((np.arange(len(b.buyers)), -b.buyers))
    return order[:n]


def next_products(
    b: Baskets,
    *,
    top: int = TOP,
    cosine: bool = True,
    recent: bool = True,
    neighbours: int | None = NEIGHBOURS,
    candidates: int = CANDIDATES,
    history: sp.csr_matrix | None = None,
) -> np.ndarray:
    """Per customer (rows of ``b``), the column indices of up to ``top`` products not bought
    yet, best first, among the ``candidates`` most bought; -1 where fewer are left.
    ``history`` (default: ``b.weight``) is what each customer's own products count for;
    ``cosine``, ``recent`` and ``neighbours`` as ``similarity``'s."""
    candidates = np.sort(popular(b, candidates))
    sim = similarity(b, candidates, cosine=cosine, recent=recent, neighbours=neighbours)
    history = b.weight if history is None else history
    # A small tie-break by popularity: customers with nothing similar still get best-sellers.
    owned = b.bought[:, candidates].tocsr()
    buyers = b.buyers[candidates]
    prior = (1e-6 * buyers / max(buyers.max(), 1)).astype(np.float32)
    chosen = np.full((b.bought.shape[0], top), -1, dtype=np.int64)

    def score(start: int) -> None:
        rows = slice(start, start + CHUNK)
        scores = (history[rows] @ sim).toarray()
        scores += prior
        scores[owned[rows].nonzero()] = -np.inf
        chosen[rows] = _best(scores, candidates, top)

    # Sparse products and partitions run outside the interpreter: chunks go two at a time.
    on_two_threads(score, range(0, b.bought.shape[0], CHUNK))
    return chosen


def usual_products(b: Baskets, *, top: int = TOP) -> np.ndarray:
    """Per customer, the column indices of their ``top`` most-bought products (by lines,
    ties to the product most customers buy), -1 where they bought fewer."""
    lines = b.lines.tocsr()
    if not lines.has_sorted_indices:  # a copy: the four matrices share one structure
        lines = lines.sorted_indices()
    counts = np.diff(lines.indptr)
    order = _most_first(lines, counts, b.buyers)
    rows = np.repeat(np.arange(lines.shape[0], dtype=np.int32), counts)[order]
    rank = np.arange(len(order)) - lines.indptr[rows]
    kept = rank < top
    chosen = np.full((lines.shape[0], top), -1, dtype=np.int64)
    chosen[rows[kept], rank[kept]] = lines.indices[order[kept]]
    return chosen


def _most_first(lines: sp.csr_matrix, counts: np.ndarray, buyers: np.ndarray) -> np.ndarray:
    """The order of ``lines``' entries by row, then most lines, then most ``buyers`` of the
    column; a stable sort keeps each row's columns in their (ascending) order, so the last
    ties go to the lower. The three whole numbers are packed into one key when they fit
    (one sort of integers takes a fifth of the time of sorting on three keys), the key built
    in place: on the 1 GB export each array of it is 90 MB."""
    rows = len(counts)
    if max(rows, lines.data.max(initial=0), buyers.max(initial=0)) >= 1 << KEY_BITS:
        row_of = np.repeat(np.arange(rows), counts)
        return np.lexsort((-buyers[lines.indices], -lines.data, row_of))
    most = (1 << KEY_BITS) - 1
    key = np.repeat(np.arange(rows, dtype=np.int64) << (2 * KEY_BITS), counts)
    part = lines.data.astype(np.int64)
    np.subtract(most, part, out=part)
    part <<= KEY_BITS
    key |= part
    np.take(buyers.astype(np.int64), lines.indices, out=part)
    np.subtract(most, part, out=part)
    key |= part
    del part
    return np.argsort(key, kind="stable")


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
