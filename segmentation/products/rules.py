"""The products' rules as numbers and patterns: named without building a query."""

# A segment over-indexes on a product when at least MIN_SHARE of its customers, and at least
# MIN_BUYERS of them, bought it, and that share is above the share among all customers. The
# share keeps a segment's line about what many of its customers do; the count keeps a lift
# from resting on a handful of people (3 buyers of 40 is 7.5 %, and one more or less moves
# it by a third).
MIN_SHARE = 0.05
MIN_BUYERS = 10
TOP = 5  # products and categories per segment
PAIR_CANDIDATES = 60  # a segment's most-bought over-indexed products, paired among themselves
TOP_PAIRS = 3
PRODUCT_TEXT = ("product_name", "category")  # read when present
# Lines that are a service or a correction, not something to offer: postage, carriage,
# fees, bank charges, discounts, manual adjustments, samples (the real data's POST, DOT, C2,
# BANK CHARGES, AMAZONFEE, D, M, S lines). Read from the name, or the id when there is none.
NOT_A_PRODUCT = (
    r"(?i)^\s*(dotcom )?(postage|carriage|shipping|delivery|manual|discount|amazon fee|fees?|"
    r"bank charges|charges|adjustment|adjust bad debt|samples?)\s*$"
)
