"""What users do in Slack, replayed towards the app: commands, messages, uploads, clicks.

``ActingAsSlack`` is mixed into ``LocalSlack``. Each gesture first changes the workspace the
way Slack would (the user's message is stored, the user joins the channel, a response_url is
issued) and then sends the app the signed request Slack would send. Events only reach the app
for conversations the bot is in, as with a real ``message.channels`` subscription.
"""

from __future__ import annotations

import copy
import json
import time
import uuid

from . import payloads
from .acting_channels import ActingOnChannels
from .acting_views import ActingOnViews
from .client import AppClient, AppResponse
from .errors import SlackError
from .files_and_hooks import Hook
from .routes import deliver_response
from .state import Workspace


class ActingAsSlack(ActingOnViews, ActingOnChannels):
    """Gestures of users; needs ``workspace``, ``app_client`` and ``url`` from the host class.

    Gestures on views (App Home, modals) come from ``ActingOnViews`` (acting_views.py), on
    channels (create, rename, invite) from ``ActingOnChannels`` (acting_channels.py).
    """

    workspace: Workspace
    app_client: AppClient
    url: str

    def _user(self, user_id: str, channel_id: str | None = None) -> dict:
        """The user (created on first use) after joining ``channel_id``: they act there."""
        ws = self.workspace
        if user_id not in ws.users:
            ws.add_user(user_id.lower(), user_id=user_id)
        if channel_id:
            ws.join(channel_id, user_id)
        return ws.user(user_id)

    def _hook_url(self, kind: str, hook: Hook) -> str:
        return f"{self.url}/hooks/{kind}/{self.workspace.team_id}/{self.workspace.new_hook(hook)}"

    def send_command(
        self, text: str, *, channel_id: str, user_id: str, command: str = "/segment"
    ) -> AppResponse:
        """Send a slash command; a non-empty 200 answer is shown to the user, as Slack does."""
        ws = self.workspace
        user = self._user(user_id, channel_id)
        hook = Hook(channel_id=channel_id, user_id=user_id)
        body = payloads.command_body(
            team_id=ws.team_id,
            channel_id=channel_id,
            channel_name=ws.channel(channel_id).name,
            user_id=user_id,
            user_name=user["name"],
            command=command,
            text=text,
            response_url=self._hook_url("commands", hook),
            trigger=ws.views.issue_trigger(payloads.trigger_id(), user_id),
        )
        resp = self.app_client.send_signed(
            body, kind="command", content_type="application/x-www-form-urlencoded"
        )
        if resp.status == 200 and resp.body.strip():
            try:
                reply = json.loads(resp.body)
            except ValueError:
                reply = {"text": resp.body}
            deliver_response(ws, hook, reply if isinstance(reply, dict) else {"text": resp.body})
        return resp

    def send_event(
        self,
        event: dict,
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> AppResponse:
        """Send ``event`` in an ``event_callback`` envelope; ``retry_num`` marks a redelivery."""
        ws = self.workspace
        event = {**event, "event_ts": event.get("event_ts") or event.get("ts") or ws.next_ts()}
        envelope = payloads.event_envelope(
            event,
            team_id=ws.team_id,
            bot_user_id=ws.bot_user_id,
            event_id=event_id or payloads.new_event_id(),
        )
        extra = {}
        if retry_num is not None:
            extra = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return self.app_client.send_signed(
            json.dumps(envelope), kind="event", content_type="application/json", extra=extra
        )

    def send_message(
        self, *, channel_id: str, user_id: str, text: str, thread_ts: str | None = None
    ) -> dict:
        """A user posts ``text``: store it, send ``message`` (and ``app_mention`` if mentioned).

        Returns ``{"ts": ..., "message": ..., "responses": [...]}``.
        """
        ws = self.workspace
        self._user(user_id, channel_id)
        msg = {"user": user_id, "text": text, "client_msg_id": str(uuid.uuid4())}
        posted = ws.post(channel_id, msg, thread_ts=thread_ts)
        event = self._message_event(channel_id, posted)
        responses = []
        if self._bot_sees(channel_id):
            responses.append(self.send_event(event))
            if f"<@{ws.bot_user_id}>" in text:
                responses.append(self.send_event({**event, "type": "app_mention"}))
        return {"ts": posted["ts"], "message": posted, "responses": responses}

    def share_file(
        self,
        *,
        channel_id: str,
        user_id: str,
        name: str,
        content: bytes,
        text: str = "",
        thread_ts: str | None = None,
    ) -> dict:
        """A user uploads a file: store it, post their message, send both events Slack sends.

        The ``message``/``file_share`` event carries full file objects; the ``file_shared``
        event only the id. Each has its own event_id. Returns ``{"file", "ts", "responses"}``.
        """
        ws = self.workspace
        self._user(user_id, channel_id)
        file_id = ws.new_file(
            name=name, user=user_id, content=content, declared_length=len(content)
        )
        msg = {
            "user": user_id,
            "text": text,
            "files": [{"id": file_id}],
            "upload": False,
            "display_as_bot": False,
            "client_msg_id": str(uuid.uuid4()),
        }
        posted = ws.post(channel_id, msg, thread_ts=thread_ts)
        responses = []
        if self._bot_sees(channel_id):
            event = {**self._message_event(channel_id, posted), "subtype": "file_share"}
            responses.append(self.send_event(event))
            shared = {
                "type": "file_shared",
                "channel_id": channel_id,
                "file_id": file_id,
                "user_id": user_id,
                "file": {"id": file_id},
                "event_ts": posted["ts"],
            }
            responses.append(self.send_event(shared))
        return {"file": ws.file_object(file_id), "ts": posted["ts"], "responses": responses}

    def _bot_sees(self, channel_id: str) -> bool:
        return self.workspace.bot_user_id in self.workspace.channel(channel_id).members

    def _message_event(self, channel_id: str, posted: dict) -> dict:
        event = {k: v for k, v in posted.items() if k not in ("reply_count", "reply_users")}
        event.update(
            channel=channel_id,
            channel_type=self.workspace.channel(channel_id).channel_type,
            event_ts=posted["ts"],
        )
        return event

    def click_button(
        self,
        *,
        channel_id: str,
        user_id: str,
        message_ts: str,
        action_id: str,
        value: str | None = None,
        block_id: str = "b",
    ) -> AppResponse:
        """Click the button ``action_id`` of a stored (or ephemeral) message."""
        return self._interact(
            channel_id, user_id, message_ts, action_id, block_id, value=value, selected=None
        )

    def choose_option(
        self,
        *,
        channel_id: str,
        user_id: str,
        message_ts: str,
        action_id: str,
        selected_value: str,
        block_id: str = "b",
    ) -> AppResponse:
        """Pick ``selected_value`` in the select menu ``action_id`` of a stored message."""
        return self._interact(
            channel_id,
            user_id,
            message_ts,
            action_id,
            block_id,
            value=None,
            selected=selected_value,
        )

    def send_interaction(self, payload: dict) -> AppResponse:
        """Send any interactivity payload as Slack does (``payload=`` form body), signed."""
        return self.app_client.send_signed(
            payloads.form_payload(payload),
            kind="action",
            content_type="application/x-www-form-urlencoded",
        )

    def send_raw(self, body: str, headers: dict) -> AppResponse:
        """POST ``body`` with exactly ``headers``: for bad-signature and stale-timestamp tests."""
        return self.app_client.send_raw(body, headers)

    def _interact(
        self,
        channel_id: str,
        user_id: str,
        message_ts: str,
        action_id: str,
        block_id: str,
        *,
        value: str | None,
        selected: str | None,
    ) -> AppResponse:
        ws = self.workspace
        user = self._user(user_id)
        message, is_ephemeral = self._clickable(channel_id, user_id, message_ts)
        found = payloads.find_element(message.get("blocks", []), action_id)
        if found is None:
            raise AssertionError(
                f"message {message_ts} has no element with action_id {action_id!r}"
            )
        block_id = found[0] or block_id
        element = found[1]
        action = {"action_id": action_id, "block_id": block_id, "type": element.get("type")}
        # As Slack does, every interaction carries what this person picked in the message's
        # selects so far (``state.values``), not only the element acted on.
        picks = self.__dict__.setdefault("_picks", {}).setdefault(
            (user_id, channel_id, message_ts), {}
        )
        if selected is None:
            action.update(text=element.get("text"), value=value or element.get("value"))
        else:
            options = element.get("options") or [
                o for g in element.get("option_groups", []) for o in g.get("options", [])
            ]
            option = next((o for o in options if o.get("value") == selected), None)
            if option is None:
                raise AssertionError(f"{action_id!r} has no option with value {selected!r}")
            action.update(selected_option=option, placeholder=element.get("placeholder"))
            state_value = {"type": element.get("type"), "selected_option": option}
            picks.setdefault(block_id, {})[action_id] = state_value
        action["action_ts"] = f"{time.time():.6f}"
        hook = Hook(channel_id, user_id, message_ts=message_ts, is_ephemeral=is_ephemeral)
        payload = payloads.block_actions(
            team_id=ws.team_id,
            user=user,
            channel={"id": channel_id, "name": ws.channel(channel_id).name},
            container={
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel_id,
                "is_ephemeral": is_ephemeral,
            },
            message=None if is_ephemeral else message,
            action=action,
            state={"values": copy.deepcopy(picks)},
            response_url=self._hook_url("actions", hook),
            trigger=ws.views.issue_trigger(payloads.trigger_id(), user_id),
        )
        return self.send_interaction(payload)

    def _clickable(self, channel_id: str, user_id: str, ts: str) -> tuple[dict, bool]:
        """The message holding the element: a channel message, or the user's ephemeral one."""
        try:
            return self.workspace.message(channel_id, ts), False
        except SlackError:
            pass
        for msg in self.workspace.ephemeral(channel_id, user_id):
            if msg["ts"] == ts:
                return msg, True
        raise AssertionError(f"no message {ts} in {channel_id} visible to {user_id}")
