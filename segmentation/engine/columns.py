"""The columns the engine reads and the reasons it drops a line: named without building a query."""

# The columns the expressions read. ``invoice`` and ``product`` may be all null; ``country``
# is optional (when present it takes part in telling exact repeats apart).
NORMALISED = ("customer_id", "invoice", "timestamp", "product", "quantity", "price", "amount")
# Read when present: ``status`` holds what a line's status means (segmentation.load.status:
# "sale", "not a sale", "unknown" or null) and ``refunded`` money refunded, once per order.
STATUS_COLUMNS = ("status", "refunded")
# Read when present by ``segmentation.products``: a product's name and category.
PRODUCT_COLUMNS = ("product_name", "category")
NOT_A_SALE, UNKNOWN_STATUS = "not a sale", "unknown"
# Drop reasons in the order they are checked; each dropped line is counted once, under the first.
DROP_REASONS = (
    "not a sale (status)",
    "unknown status",
    "missing customer",
    "unreadable date",
    "date out of range",
    "not a number",
    "number too large",
    "quantity not positive",
    "price not positive",
    "amount not positive",
)
