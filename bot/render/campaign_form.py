"""The results' **Start a campaign** select (one option per segment) and the modal it opens:
a name, the holdout, the window and (optionally) one lifecycle state. Pure Block Kit."""

from __future__ import annotations

from collections.abc import Sequence

from bot.render.blocks import echo, input_block, option, static_select, view_values
from segmentation.lifecycle import STATE_WORDS, STATES
from segmentation.summary import Segment

CAMPAIGN_ACTION = "start_campaign"  # the results' select; option values "run:segment"
CAMPAIGN_MODAL = "start_campaign_modal"  # the modal's callback_id
NAME, HOLDOUT, DAYS, STATE = "name", "holdout", "days", "state"  # block_id = action_id
HOLDOUTS = ("0.1", "0.2", "0.3", "0.5")
WINDOWS = ("14", "30", "60", "90")
EVERY_STATE = "all"


def campaign_select(run_id: int, segments: Sequence[Segment]) -> dict:
    """A select of the run's segments: choosing one opens the campaign modal for it."""
    return {
        "type": "static_select",
        "action_id": CAMPAIGN_ACTION,
        "placeholder": {"type": "plain_text", "text": "Start a campaign"},
        "options": [option(s.name, f"{run_id}:{s.id}") for s in segments],
    }


def campaign_modal(*, metadata: str, segment: Segment, customers: int) -> dict:
    """The modal for a campaign of ``segment``; ``metadata`` (channel, run and segment)
    travels as ``private_metadata``."""
    holdouts = [option(f"{float(h) * 100:.0f} % held out", h) for h in HOLDOUTS]
    windows = [option(f"{d} days", d) for d in WINDOWS]
    states = [option("Every customer of the segment", EVERY_STATE)]
    states += [option(f"Only {STATE_WORDS[s]} customers", s) for s in STATES]
    name = {"type": "plain_text_input", "action_id": NAME, "max_length": 60}
    return {
        "type": "modal",
        "callback_id": CAMPAIGN_MODAL,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": "Start a campaign"},
        "submit": {"type": "plain_text", "text": "Start"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "section",
                "text": {
                    "type": "mrkdwn",
                    "text": f"A campaign for *{echo(segment.name)}* ({customers:,} customers): a "
                    "share of them is held out at random, so its lift can be measured.",
                },
            },
            input_block(NAME, "Name", name),
            input_block(HOLDOUT, "Holdout", static_select(HOLDOUT, holdouts, "0.1")),
            input_block(DAYS, "Window", static_select(DAYS, windows, "30")),
            input_block(STATE, "Customers", static_select(STATE, states, EVERY_STATE)),
        ],
    }


def campaign_modal_values(view: dict) -> dict[str, str | None]:
    """What was submitted: ``{name, holdout, days, state}`` as strings (None if empty)."""
    return view_values(view, (NAME, HOLDOUT, DAYS, STATE))
