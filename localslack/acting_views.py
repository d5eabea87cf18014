"""What users do with views: open the App Home, click in it or in a modal, submit a modal.

``ActingOnViews`` is a base of ``ActingAsSlack`` (acting.py), which supplies ``_user``,
``send_event`` and ``send_interaction``. Each gesture sends the app what Slack sends:
``app_home_opened`` (with the published home, once there is one), ``block_actions`` with a
``view`` container, ``view_submission`` with the inputs' ``state.values``. The app's answer to a
submission is then acted on as Slack does: an empty 200 closes the modal, ``errors`` keeps it
open with the messages recorded (``view_errors``), ``update``/``push``/``clear`` change the stack.
"""

from __future__ import annotations

import json
import re
import time

from . import payloads
from .client import AppResponse
from .state import Workspace

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class ActingOnViews:
    """Gestures on views; needs ``workspace`` and the acting methods of ``ActingAsSlack``."""

    workspace: Workspace

    # reading what the app showed ------------------------------------------------------------

    def home_view(self, user_id: str) -> dict | None:
        """The App Home the app last published for ``user_id``."""
        return self.workspace.views.home(user_id)

    def open_modal(self, user_id: str) -> dict | None:
        """The modal ``user_id`` has open (the top of the stack), if any."""
        return self.workspace.views.top(user_id)

    def views(self, how: str | None = None, user_id: str | None = None) -> list[dict]:
        """Views as the app opened, pushed, updated or published them (``how``), oldest first."""
        return self.workspace.views.recorded(how, user_id)

    def view_errors(self, view_id: str) -> dict:
        """The inline errors the app answered the last submission of ``view_id`` with."""
        return dict(self.workspace.views.errors.get(view_id, {}))

    # gestures -----------------------------------------------------------------------------------

    def open_app_home(self, user_id: str, *, tab: str = "home") -> AppResponse:
        """The user opens the app's Home (or Messages) tab: send ``app_home_opened``."""
        ws = self.workspace
        self._user(user_id)  # type: ignore[attr-defined]
        dm = ws.open_dm(user_id)
        event = payloads.app_home_opened(
            user_id=user_id,
            dm_channel=dm.id,
            tab=tab,
            view=ws.views.home(user_id),
            ts=ws.next_ts(),
        )
        return self.send_event(event)  # type: ignore[attr-defined]

    def click_in_view(
        self, *, user_id: str, action_id: str, surface: str = "home", value: str | None = None
    ) -> AppResponse:
        """Click the button ``action_id`` (the first one found) in the user's home or modal."""
        ws = self.workspace
        user = self._user(user_id)  # type: ignore[attr-defined]
        view = ws.views.home(user_id) if surface == "home" else ws.views.top(user_id)
        if view is None:
            raise AssertionError(f"{user_id} has no {surface} view open")
        found = payloads.find_element(view.get("blocks", []), action_id)
        if found is None:
            raise AssertionError(f"view {view['id']} has no element with action_id {action_id!r}")
        block_id, element = found
        action = {
            "action_id": action_id,
            "block_id": block_id,
            "type": element.get("type"),
            "text": element.get("text"),
            "value": value if value is not None else element.get("value"),
            "action_ts": f"{time.time():.6f}",
        }
        payload = payloads.block_actions(
            team_id=ws.team_id,
            user=user,
            channel=None,
            container={"type": "view", "view_id": view["id"]},
            message=None,
            action=action,
            state=view["state"],
            response_url=None,
            trigger=ws.views.issue_trigger(payloads.trigger_id(), user_id),
            view=view,
        )
        return self.send_interaction(payload)  # type: ignore[attr-defined]

    def submit_view(
        self, user_id: str, values: dict[str, str] | None = None, *, strict: bool = True
    ) -> AppResponse:
        """Submit the user's open modal with ``values`` (action_id → option value, time, text).

        Inputs not named keep their initial values. ``strict`` refuses values Slack's own
        controls cannot produce (an option not offered, a time that is not HH:MM); pass
        ``strict=False`` to send them anyway, as a forged or buggy client could.
        """
        ws = self.workspace
        user = self._user(user_id)  # type: ignore[attr-defined]
        view = ws.views.top(user_id)
        if view is None:
            raise AssertionError(f"{user_id} has no modal open")
        view["state"] = {"values": _state(view, values or {}, strict=strict)}
        trigger = ws.views.issue_trigger(payloads.trigger_id(), user_id)
        payload = payloads.view_submission(
            team_id=ws.team_id, user=user, view=view, trigger=trigger
        )
        resp = self.send_interaction(payload)  # type: ignore[attr-defined]
        if resp.status == 200:
            self._after_submission(user_id, view["id"], resp.body)
        return resp

    def close_view(self, user_id: str, *, all_views: bool = False) -> AppResponse | None:
        """The user closes their modal: **Close** goes back one view, the ✕ (``all_views``)
        closes the whole stack. ``view_closed`` goes to the app only for a view opened with
        ``notify_on_close``, as in Slack; its answer is returned (None when nothing is sent)."""
        ws = self.workspace
        user = self._user(user_id)  # type: ignore[attr-defined]
        view = ws.views.top(user_id)
        if view is None:
            raise AssertionError(f"{user_id} has no modal open")
        cleared = all_views and len(ws.views.stacks.get(user_id, [])) > 1
        ws.views.close(user_id, all_views=all_views)
        if not view["notify_on_close"]:
            return None
        payload = payloads.view_closed(team_id=ws.team_id, user=user, view=view, is_cleared=cleared)
        return self.send_interaction(payload)  # type: ignore[attr-defined]

    def _after_submission(self, user_id: str, view_id: str, body: str) -> None:
        views = self.workspace.views
        try:
            answer = json.loads(body) if body.strip() else {}
        except ValueError:
            answer = {}
        action = answer.get("response_action") if isinstance(answer, dict) else None
        if action == "errors":
            views.set_errors(view_id, answer.get("errors") or {})
        elif action == "update":
            views.update(view_id, None, answer["view"], None)
        elif action == "push":
            views.open(user_id, answer["view"], push=True)
        else:
            views.set_errors(view_id, {})
            views.close(user_id, all_views=action == "clear")


def _state(view: dict, values: dict[str, str], *, strict: bool) -> dict:
    """``state.values`` of the view's input blocks: ``values`` over the initial values."""
    state: dict = {}
    for block in view.get("blocks", []):
        element = block.get("element") if block.get("type") == "input" else None
        if not isinstance(element, dict) or "action_id" not in element:
            continue
        action_id = element["action_id"]
        value = values.get(action_id)
        if strict and value is not None:
            _check(element, value)
        state[block["block_id"]] = {action_id: payloads.input_state(element, value)}
    unknown = set(values) - {a for b in state.values() for a in b}
    if unknown:
        raise AssertionError(f"the modal has no inputs {sorted(unknown)}")
    return state


def _check(element: dict, value: str) -> None:
    kind = element.get("type")
    if kind == "static_select":
        offered = [o["value"] for o in element.get("options", [])]
        offered += [o["value"] for g in element.get("option_groups", []) for o in g["options"]]
        if value not in offered:
            raise AssertionError(f"{element['action_id']!r} offers no option {value!r}")
    if kind == "timepicker" and not _TIME.match(value):
        raise AssertionError(f"a timepicker cannot send {value!r}")
