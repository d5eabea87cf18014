"""The column-mapping message: one select per missing field over the file's columns, one per
optional field (what was bought, how to reach the customer), and a *Segment* button that runs
the upload again with the columns picked.

At most 3 selects for missing fields and 10 optional ones, the question, two context lines and
the button: 17 blocks, well under Slack's 50 per message."""

from __future__ import annotations

from bot.render.blocks import actions, button, clip, context, echo, section
from segmentation.engine.contacts import CONTACT_FIELDS

MAP_COLUMN_ACTION = "map_column"  # + "_" + field: action ids must differ within a message
MAP_SEGMENT_ACTION = "map_segment"
MAX_OPTIONS = 100  # Slack's limit for a static_select
MAX_OPTION_TEXT = 75

FIELD_LABELS = {
    "customer": "Customer (who bought)",
    "date": "Date (when they bought)",
    "amount": "Amount (value of the line or order)",
    "quantity": "Quantity (units)",
    "price": "Unit price",
    "product": "Product code (what was bought)",
    "product_name": "Product name or description",
    "category": "Product category",
    "email": "E-mail",
    "phone": "Phone",
    "first_name": "First name",
    "last_name": "Last name",
    "full_name": "Full name (when there is no first and last name)",
    "postcode": "Postcode or zip",
    "country": "Country",
}
# Fields a file may have and a run uses when it does: products name what each segment buys
# more than the rest and what to offer each customer; contacts make the audiences.
OPTIONAL_FIELDS = ("product", "product_name", "category", *CONTACT_FIELDS, "country")
OPTIONAL_NOTE = (
    "Optional: what was bought, and how to reach each customer for audiences. Left empty, I "
    "use the column whose name says it, if there is one."
)


def option(headers: tuple[str, ...], index: int, request_id: int, field: str) -> dict:
    """One column as a select option; its value names the request, field and column index."""
    return {
        "text": {"type": "plain_text", "text": clip(headers[index], MAX_OPTION_TEXT) or " "},
        "value": f"{request_id}:{field}:{index}",
    }


def column_select(
    request_id: int, field: str, headers: tuple[str, ...], chosen: str | None
) -> dict:
    """A static_select of the file's columns (the first 100), ``chosen`` preselected."""
    options = [option(headers, i, request_id, field) for i in range(min(len(headers), MAX_OPTIONS))]
    select: dict = {
        "type": "static_select",
        "action_id": f"{MAP_COLUMN_ACTION}_{field}",
        "placeholder": {"type": "plain_text", "text": f"Column for {field}"},
        "options": options,
    }
    if chosen in headers and headers.index(chosen) < MAX_OPTIONS:
        select["initial_option"] = options[headers.index(chosen)]
    return select


def mapping_text(file_name: str, missing: tuple[str, ...]) -> str:
    fields = ", ".join(missing)
    return (
        f"I need to know which columns of `{echo(file_name)}` hold: {fields}. Pick them below and "
        "press *Segment*, or type `/segment map field=Column`."
    )


def mapping_blocks(
    request_id: int,
    file_name: str,
    headers: tuple[str, ...],
    missing: tuple[str, ...],
    chosen: dict[str, str],
) -> list[dict]:
    """The question, one labelled select per missing field, one per optional field the
    question does not ask for, and the *Segment* button."""
    blocks: list[dict] = [section(mapping_text(file_name, missing))]
    blocks += [_field_block(request_id, f, headers, chosen) for f in missing]
    optional = [f for f in OPTIONAL_FIELDS if f not in missing]
    blocks.append(context(OPTIONAL_NOTE))
    blocks += [_field_block(request_id, f, headers, chosen, optional=True) for f in optional]
    if len(headers) > MAX_OPTIONS:
        blocks.append(
            context(
                f"Only the first {MAX_OPTIONS} of {len(headers)} columns can be listed; "
                "for others use `/segment map field=Column`."
            )
        )
    go = button(MAP_SEGMENT_ACTION, "Segment", str(request_id))
    go["style"] = "primary"
    blocks.append(actions(f"map-go-{request_id}", [go]))
    return blocks


def _field_block(
    request_id: int,
    field: str,
    headers: tuple[str, ...],
    chosen: dict[str, str],
    *,
    optional: bool = False,
) -> dict:
    """A field's label and its select of the file's columns."""
    label = f"*{FIELD_LABELS.get(field, field)}*" + (" (optional)" if optional else "")
    return {
        "type": "section",
        "block_id": f"map-{request_id}-{field}",
        "text": {"type": "mrkdwn", "text": label},
        "accessory": column_select(request_id, field, headers, chosen.get(field)),
    }


def columns_unread_text(file_name: str) -> str:
    """A column question answered before the bot was stopped, with the file never read."""
    return (
        f"I was stopped (a restart or a crash) before I segmented `{echo(file_name)}` with the "
        "columns picked: nothing of it was stored. Pick them again."
    )


def mapped_text(file_name: str, mapping: dict[str, str]) -> str:
    """What replaces the question once the upload runs again."""
    used = ", ".join(f"{field} = `{echo(column)}`" for field, column in mapping.items())
    return f"Segmenting `{echo(file_name)}` again with {used}. I'll remember these columns here."
