"""Match an export's column headers to the fields segbot needs.

Exact aliases come first, in priority order; fields still missing then go to the header
whose words name them best (``headers``), unless two headers tie for it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import segmentation.load.contacts as contacts
import segmentation.load.platforms as platforms
from segmentation.errors import ExportError, MappingNeeded, quoted
from segmentation.load.fields import ALIASES, FIELD_HELP, FIELDS, SHOPIFY_MARKER
from segmentation.load.headers import field_scores

__all__ = ["ALIASES", "FIELDS", "FIELD_HELP", "match_columns", "normalise_header"]


def normalise_header(name: str) -> str:
    """Lower-case a header and drop spaces, underscores, dashes, dots and a BOM."""
    return re.sub(r"[\s_\-.\ufeff#]+", "", str(name)).lower()


def match_columns(
    headers: Iterable[str], overrides: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Map segbot fields to column names of the export.

    Takes the export's headers and optional explicit ``field -> column`` overrides;
    returns ``{field: column}`` for every field found: overrides, then exact aliases,
    then the best match on header words. Raises ExportError when the export lacks a
    customer, a date, or both an amount and quantity × price.
    """
    headers = [str(h) for h in headers]
    by_norm: dict[str, str] = {}
    for header in headers:
        by_norm.setdefault(normalise_header(header), header)
    mapping: dict[str, str] = {}
    for field, column in (overrides or {}).items():
        if field not in FIELDS:
            raise ExportError(
                f"Unknown field '{field}' in the column mapping. Fields are: {', '.join(FIELDS)}."
            )
        found = column if column in headers else by_norm.get(normalise_header(column))
        if found is None:
            raise ExportError(
                f"The mapping says {field}='{quoted(column)}', but the file has no such column. "
                f"Columns found: {_listing(headers)}."
            )
        mapping[field] = found
    taken = set(mapping.values())
    layout = platforms.detect(by_norm)
    aliases = _aliases(layout, by_norm)
    for field in FIELDS:
        if field in mapping or field not in aliases:
            continue
        for alias in aliases[field]:
            column = by_norm.get(alias)
            if column is not None and column not in taken:
                mapping[field] = column
                taken.add(column)
                break
    by_words, ambiguous = _match_words(headers, mapping)
    skipped = layout.no_guess if layout else frozenset()
    mapping.update({f: c for f, c in by_words.items() if f not in skipped})
    contacts.complete(mapping, by_norm)
    if "product_name" in mapping and "product" not in mapping:
        mapping["product"] = mapping["product_name"]  # the name is the product's id too
    _require_fields(mapping, headers, ambiguous)
    return mapping


def _aliases(
    layout: platforms.Layout | None, by_norm: Mapping[str, str]
) -> dict[str, tuple[str, ...]]:
    """Aliases per field: a platform layout's own first; none for the fields it has no
    column for (Shopify's ``Total`` is the order's, not a line's value)."""
    aliases = dict(ALIASES)
    if layout is None:
        if SHOPIFY_MARKER in by_norm:
            aliases["invoice"] = ("name", *ALIASES["invoice"])
        return aliases
    for field, own in layout.aliases.items():
        aliases[field] = (*own, *ALIASES[field])
    for field in layout.no_guess:
        del aliases[field]
    return aliases


def _match_words(
    headers: list[str], mapping: dict[str, str]
) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Fill missing fields from header words; also returns fields two or more headers tie for.

    A header is a candidate only for the field it names best, and only if that field is
    still missing: "Transaction Date" never becomes the invoice because the date is taken.
    """
    taken = set(mapping.values())
    candidates: dict[str, list[tuple[float, str]]] = {}
    for header in dict.fromkeys(headers):
        scores = field_scores(header) if header not in taken else {}
        if not scores:
            continue
        top = max(scores.values())
        best = [f for f, score in scores.items() if score == top]
        if len(best) == 1 and best[0] not in mapping:
            candidates.setdefault(best[0], []).append((top, header))
    found: dict[str, str] = {}
    ambiguous: dict[str, list[str]] = {}
    for field, options in candidates.items():
        top = max(score for score, _ in options)
        leaders = [header for score, header in options if score == top]
        if len(leaders) == 1:
            found[field] = leaders[0]
        else:
            ambiguous[field] = leaders  # guessing could silently use the wrong column
    return found, ambiguous


def _require_fields(
    mapping: dict[str, str], headers: list[str], ambiguous: dict[str, list[str]]
) -> None:
    missing = [f for f in ("customer", "date") if f not in mapping]
    has_value = "amount" in mapping or ("quantity" in mapping and "price" in mapping)
    if not has_value:
        missing.append("amount (or quantity and unit price)")
    if not missing:
        return
    needed = "; ".join(
        f"{m} — {FIELD_HELP.get(m.split()[0], 'the value of each purchase')}" for m in missing
    )
    field = missing[0].split()[0]
    example = next((h for h in headers if h not in mapping.values()), "Your Column")
    # Fields left out because two headers named them equally well: say which, so the
    # reader knows what to map.
    value_fields = () if has_value else ("amount", "quantity", "price")
    tied = [f for f in (*missing, *value_fields) if f in ambiguous]
    if tied:
        field, example = tied[0], ambiguous[tied[0]][0]
    clash = "".join(
        f" {_listing(ambiguous[f]).replace(', ', ' or ')} could each be the {f}." for f in tied
    )
    raise MappingNeeded(
        f"I couldn't find these columns: {needed}. Columns found: {_listing(headers)}.{clash} "
        f"Rename a column in the file, or tell me which one to use, "
        f'e.g. `{field}="{quoted(example)}"`.',
        missing=_missing_fields(mapping, has_value),
        headers=tuple(dict.fromkeys(headers)),
        guesses=_guesses(mapping, headers, ambiguous),
    )


def _missing_fields(mapping: dict[str, str], has_value: bool) -> tuple[str, ...]:
    """The fields to ask for: customer and date when absent; for the value, the amount, or
    the one of quantity and price still missing when the other was found."""
    missing = [f for f in ("customer", "date") if f not in mapping]
    if not has_value:
        pair = [f for f in ("quantity", "price") if f not in mapping]
        missing += pair if len(pair) == 1 else ["amount"]
    return tuple(missing)


def _guesses(
    mapping: dict[str, str], headers: list[str], ambiguous: dict[str, list[str]]
) -> dict[str, str]:
    """A header to suggest for each missing field: the first of a tie, else the free header
    whose words name the field best (even if they name another field better)."""
    taken = set(mapping.values())
    guesses: dict[str, str] = {}
    for field in FIELDS:
        if field in mapping:
            continue
        if field in ambiguous:
            guesses[field] = ambiguous[field][0]
            continue
        scored = [(field_scores(h).get(field, 0), h) for h in headers if h not in taken]
        best = max(scored, default=(0, ""), key=lambda pair: pair[0])
        if best[0] > 0:
            guesses[field] = best[1]
    return guesses


def _listing(headers: list[str]) -> str:
    shown = [f"'{quoted(h)}'" for h in headers[:20]]
    more = f" and {len(headers) - 20} more" if len(headers) > 20 else ""
    return (", ".join(shown) or "none") + more
