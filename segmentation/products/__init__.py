"""Products: what each segment buys more than the rest, and what each customer is offered next."""

from segmentation.affinity import PairLift, ProductLift, SegmentProducts
from segmentation.products.engine import (
    NO_PRODUCTS,
    PRODUCT_COLUMNS,
    Offers,
    Products,
    products_of_frame,
    products_of_table,
)

__all__ = [
    "NO_PRODUCTS",
    "PRODUCT_COLUMNS",
    "Offers",
    "PairLift",
    "ProductLift",
    "Products",
    "SegmentProducts",
    "products_of_frame",
    "products_of_table",
]
