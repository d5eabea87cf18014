"""Read column headers as words and score how well each names a segbot field.

Exports spell the same column many ways ("CUSTOMERNAME", "Customer Name", "cust_name",
"trans_date"); matching words rather than whole spellings catches those that no alias
list foresees. ``columns`` tries its exact aliases first and asks here only for the
fields still missing.
"""

from __future__ import annotations

import re
from functools import cache

# Short forms and the word they stand for.
ABBREVIATIONS = {
    "trans": "transaction",
    "tran": "transaction",
    "txn": "transaction",
    "amt": "amount",
    "qty": "quantity",
    "qnty": "quantity",
    "cust": "customer",
    "inv": "invoice",
    "prod": "product",
    "ord": "order",
    "dt": "date",
    "no": "number",
    "num": "number",
    "nbr": "number",
    "nr": "number",
    "val": "value",
    "ccy": "currency",
    "curr": "currency",
}

# Words that name a field, with how strongly. "order" and "transaction" alone are weak for
# the invoice ("Order Total" is an amount) and need an identifier word beside them.
HEADS: dict[str, dict[str, float]] = {
    "customer": {"customer": 3, "client": 3, "buyer": 3, "shopper": 3, "consumer": 3, "email": 2},
    "invoice": {"invoice": 3, "receipt": 3, "order": 1.5, "transaction": 1.5, "bill": 1.5},
    "date": {"date": 3, "timestamp": 3, "datetime": 3, "time": 2, "day": 2},
    "quantity": {"quantity": 3, "units": 2, "pieces": 2},
    "price": {"price": 3},
    "amount": {"amount": 3, "sales": 3, "revenue": 3, "total": 2, "value": 2, "spend": 2},
    "country": {"country": 3, "nation": 2},
    "product": {"product": 3, "sku": 3, "item": 2, "stock": 2, "article": 2},
    "currency": {"currency": 3},
    "product_name": {"description": 3, "title": 1.5, "name": 1},
    "category": {"category": 3, "subcategory": 3, "department": 2, "line": 1},
}
# Words that, beside a head word, make the match surer ("Customer ID", "Unit Price").
MODIFIERS: dict[str, dict[str, float]] = {
    "customer": {"id": 1, "number": 1, "ref": 1, "reference": 1, "code": 1, "name": 0.5},
    "invoice": {"id": 1.5, "number": 1.5, "ref": 1.5, "reference": 1.5, "code": 1.5},
    "product": {"id": 1, "number": 1, "code": 1},
    # "Product Name" and "Item Title" name the product's name, not its id.
    "product_name": {"product": 2, "item": 2},
    "category": {"product": 1, "item": 1, "sub": 0.5},
    "price": {"unit": 1, "each": 1},
    "currency": {"code": 1, "iso": 1},
}
# Words that say the column is something else that happens to share a head word
# ("Order Status", "Tax Amount", "Ship Date", "Customer Segment").
DISQUALIFIERS = frozenset(
    [
        "type",
        "status",
        "segment",
        "class",
        "group",
        "mode",
        "method",
        "channel",
        "zone",
        "city",
        "state",
        "postal",
        "zip",
        "address",
        "phone",
        "gender",
        "age",
        "birth",
        "discount",
        "profit",
        "tax",
        "ship",
        "shipping",
        "delivery",
        "cost",
        "margin",
        "rank",
        "flag",
        "person",
        "rep",
        "agent",
        "manager",
        "count",
    ]
)
MIN_SCORE = 2.0
UNUSED_WORD_COST = 0.1  # "Date" beats "Last Login Date" when both could be the date

_VOCABULARY = frozenset(
    {*ABBREVIATIONS, *DISQUALIFIERS, "line", "unit", "paid", "purchase", "created", "region"}
    | {word for words in HEADS.values() for word in words}
    | {word for words in MODIFIERS.values() for word in words}
)
_PARTS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")


def header_words(header: str) -> tuple[str, ...]:
    """A header as lower-case words, abbreviations spelled out.

    Splits on anything not a letter or digit, on camelCase ("InvoiceNo") and, inside a
    run of letters ("CUSTOMERNAME"), at known words; letters no word explains stay whole.
    """
    words: list[str] = []
    for part in _PARTS.findall(str(header)):
        words.extend(_split_glued(part.lower()))
    return tuple(ABBREVIATIONS.get(word, word) for word in words)


def field_scores(header: str) -> dict[str, float]:
    """``{field: score}`` for the fields this header may name.

    A field needs its head and modifier words to reach ``MIN_SCORE``; each word that
    says nothing about the field then takes ``UNUSED_WORD_COST`` off, to rank closer names first.
    """
    words = header_words(header)
    if not words or any(word in DISQUALIFIERS for word in words):
        return {}
    scores = {}
    for field, heads in HEADS.items():
        modifiers = MODIFIERS.get(field, {})
        head = max((heads.get(word, 0.0) for word in words), default=0.0)
        if not head:
            continue
        extra = max((modifiers.get(word, 0.0) for word in words), default=0.0)
        if head + extra < MIN_SCORE:
            continue
        unused = sum(word not in heads and word not in modifiers for word in words)
        scores[field] = head + extra - UNUSED_WORD_COST * unused
    return scores


@cache
def _split_glued(text: str) -> tuple[str, ...]:
    """Cut a run of letters into known words, keeping the fewest letters unexplained.

    Only words of four letters or more are looked for inside a run, so that short forms
    such as "dt" or "no" are not found inside unrelated words ("width", "phone").
    """
    if text in _VOCABULARY or not text.isalpha():
        return (text,)
    # best[i]: (unexplained letters, pieces, words) for the first i letters.
    best: list[tuple[int, int, tuple[str, ...]]] = [(0, 0, ())]
    for end in range(1, len(text) + 1):
        options = []
        for start in range(end):
            piece = text[start:end]
            lost, pieces, words = best[start]
            if len(piece) >= 4 and piece in _VOCABULARY:
                options.append((lost, pieces + 1, (*words, piece)))
            elif words and words[-1] not in _VOCABULARY and start == end - 1:
                options.append((lost + 1, pieces, (*words[:-1], words[-1] + piece)))
            elif start == end - 1:
                options.append((lost + 1, pieces + 1, (*words, piece)))
        best.append(min(options))
    return best[-1][2]
