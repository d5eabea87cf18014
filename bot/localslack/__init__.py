"""A local Slack for tests: a fake Web API served over real HTTP that also plays Slack's role
towards the app (signed events, slash commands, button clicks).

Depends on the standard library and ``slack_sdk`` only, never on the rest of ``bot``.
"""

from .client import AppResponse, Delivery
from .errors import SlackError
from .local import LocalSlack
from .recording import Call
from .state import Workspace

__all__ = ["AppResponse", "Call", "Delivery", "LocalSlack", "SlackError", "Workspace"]
