"""What a segment buys more than the rest, as frozen values: products, categories, pairs.

``share`` is the share of the segment's customers who bought it; ``lift`` that share over the
share among all segmented customers (2.0: twice as common in this segment). A pair's
``support`` is the share of the segment's customers who bought both, its ``confidence`` the
share of the buyers of ``a`` who also bought ``b``, and its ``lift`` how many times more
often than chance (within the segment) the two go together.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ProductLift:
    id: str
    name: str
    customers: int
    share: float
    lift: float

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "customers": self.customers,
                "share": self.share, "lift": self.lift}  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ProductLift:
        return cls(id=str(data["id"]), name=str(data["name"]), customers=int(data["customers"]),
                   share=float(data["share"]), lift=float(data["lift"]))  # fmt: skip


@dataclass(frozen=True)
class PairLift:
    """Two products bought by the same customers of a segment: ``a`` the one with fewer
    buyers (its ``customers`` and ``share`` are the segment's buyers of it; its lift is 0,
    not measured against everyone)."""

    a: ProductLift
    b: ProductLift
    customers: int
    support: float
    confidence: float
    lift: float

    def to_json(self) -> dict[str, Any]:
        return {"a": self.a.to_json(), "b": self.b.to_json(), "customers": self.customers,
                "support": self.support, "confidence": self.confidence, "lift": self.lift}  # fmt: skip

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PairLift:
        return cls(a=ProductLift.from_json(data["a"]), b=ProductLift.from_json(data["b"]),
                   customers=int(data["customers"]), support=float(data["support"]),
                   confidence=float(data["confidence"]), lift=float(data["lift"]))  # fmt: skip


@dataclass(frozen=True)
class SegmentProducts:
    """A segment's over-indexed ``products`` and ``categories`` (best lift first, at most
    ``query.TOP`` each) and the ``pairs`` of them bought together most (at most ``TOP_PAIRS``)."""

    products: tuple[ProductLift, ...] = ()
    categories: tuple[ProductLift, ...] = ()
    pairs: tuple[PairLift, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.products or self.categories)

    def to_json(self) -> dict[str, Any]:
        return {
            "products": [p.to_json() for p in self.products],
            "categories": [c.to_json() for c in self.categories],
            "pairs": [p.to_json() for p in self.pairs],
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> SegmentProducts | None:
        """``to_json``'s keys read back (from a segment's JSON); None when it has none."""
        if not data or not (data.get("products") or data.get("categories")):
            return None
        return cls(
            products=tuple(ProductLift.from_json(p) for p in data.get("products", [])),
            categories=tuple(ProductLift.from_json(c) for c in data.get("categories", [])),
            pairs=tuple(PairLift.from_json(p) for p in data.get("pairs", [])),
        )
