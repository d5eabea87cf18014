"""What the local Slack received, and the failures it was told to inject.

Every request the server answers is a ``Call``; tests assert on them with ``calls()`` and
``wait_for()``. ``wait_for`` sleeps on a condition rather than polling, so a test waiting for
a background listener wakes the moment the call lands.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Call:
    """One request received by the server.

    ``method`` is the Web API method (``chat.postMessage``) for ``/api/...`` and ``upload``,
    ``files-pri`` or ``hook`` for the other routes. ``headers`` have lower-case names;
    ``body`` is the parsed body (form fields as strings, JSON as is; uploads give
    ``{"size": n}``). ``raw`` is the exact body bytes, ``status``/``response`` what was answered.
    """

    method: str
    path: str
    http_method: str
    headers: dict[str, str]
    body: dict
    raw: bytes
    time: float
    status: int = 200
    response: dict | str | None = None

    @property
    def ok(self) -> bool:
        """True when the server answered 200 and (for the Web API) ``"ok": true``."""
        if self.status != 200:
            return False
        return not isinstance(self.response, dict) or bool(self.response.get("ok", True))


@dataclass
class Failure:
    """An injected failure for the next ``times`` calls of ``method``."""

    method: str
    error: str
    status: int
    retry_after: int | None
    times: int


@dataclass
class Recorder:
    """Thread-safe log of calls plus the queue of failures to inject."""

    _calls: list[Call] = field(default_factory=list)
    _failures: list[Failure] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)

    def record(self, call: Call) -> None:
        """Append a call and wake waiters."""
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    def calls(self, method: str | None = None) -> list[Call]:
        """All calls so far, oldest first, optionally only one method's."""
        with self._cond:
            return [c for c in self._calls if method in (None, c.method)]

    def clear(self) -> None:
        """Forget the calls received so far (failures stay queued)."""
        with self._cond:
            self._calls.clear()

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 10.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Wait until ``count`` calls of ``method`` (matching ``where``) arrived; return them.

        Raises ``AssertionError`` listing everything received if they do not arrive in time.
        """

        def matching() -> list[Call]:
            return [c for c in self._calls if c.method == method and (where is None or where(c))]

        deadline = time.monotonic() + timeout
        with self._cond:
            while len(found := matching()) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    got = "\n".join(f"  {c.method} {c.status} {c.body!r:.200}" for c in self._calls)
                    raise AssertionError(
                        f"expected {count} {method} call(s), got {len(found)} after {timeout}s;"
                        f" received:\n{got or '  nothing'}"
                    )
                self._cond.wait(left)
            return found

    def fail_next(self, failure: Failure) -> None:
        """Queue a failure; failures for the same method are used in the order queued."""
        with self._cond:
            self._failures.append(failure)

    def take_failure(self, method: str) -> Failure | None:
        """Consume one use of the first queued failure for ``method``, if any."""
        with self._cond:
            for f in self._failures:
                if f.method == method:
                    f.times -= 1
                    if f.times <= 0:
                        self._failures.remove(f)
                    return f
            return None
