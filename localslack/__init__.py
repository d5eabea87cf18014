"""A local stand-in for Slack: a fake Web API served over real HTTP that also plays Slack's role
towards the app (signed events, slash commands, button clicks).

Two kinds of users: the test suites and benchmarks, which drive ``LocalSlack`` directly and
assert on the requests it recorded; and ``python -m bot`` without Slack settings, which serves
a Slack-like web page on top of it (``run.py``) so a person can try the bot in a browser.

Depends on the standard library and ``slack_sdk`` (request signing) only: it imports nothing
of segbot (``bot``, ``segmentation``, ``storage``) and not ``slack_bolt``; the app under test
is whatever listens at ``app_url``.
"""

from .client import AppResponse, Delivery
from .errors import SlackError
from .local import LocalSlack
from .recording import Call
from .state import Workspace

__all__ = ["AppResponse", "Call", "Delivery", "LocalSlack", "SlackError", "Workspace"]
