"""One timer per request for the ``read`` and ``total`` timeouts of the client's
own session.

aiohttp's ``sock_read`` re-arms a timer on every chunk it receives, and its
``total`` arms another: two to four timer handles per request, a fifth of the
client's CPU per request against a fast server. :class:`Deadline` arms one handle
at the earliest moment either timeout could expire and, when it fires, re-arms
itself if the real deadline is later (the read phase starts when the request gets
its connection, which :class:`MarkingConnector` reports). A Z-API answer is one
small JSON document, so ``read`` bounds the wait for the whole answer once the
request has its connection.

When a deadline expires the request's task is cancelled; :meth:`Deadline.expired`
tells the transport that the cancellation was the deadline's, and whether the
request had its connection (maybe sent) or not (not sent).
"""

from __future__ import annotations

import asyncio
import contextvars
import math
from typing import Any

import aiohttp

__all__ = ["Deadline", "MarkingConnector"]

#: The deadline of the request running in the current task, if any.
_CURRENT: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "zapi_async_deadline", default=None
)


class Deadline:
    """The ``read`` and ``total`` deadlines of one attempt, on one timer handle.

    Use as a context manager around the exchange; ``None`` disables a timeout.
    """

    __slots__ = (
        "_fired_at",
        "_handle",
        "_loop",
        "_read",
        "_task",
        "_token",
        "_total_at",
        "connected_at",
        "fired",
    )

    def __init__(self, read: float | None, total: float | None) -> None:
        self._loop = asyncio.get_running_loop()
        self._read = math.inf if read is None else read
        self._total_at = math.inf if total is None else self._loop.time() + total
        self._task: asyncio.Task[Any] | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._token: contextvars.Token[Deadline | None] | None = None
        #: Loop time at which the request got its connection (``None``: not yet).
        self.connected_at: float | None = None
        #: Whether the deadline expired and cancelled the task.
        self.fired = False
        self._fired_at = math.inf

    def __enter__(self) -> Deadline:
        self._task = asyncio.current_task()
        self._token = _CURRENT.set(self)
        # The read phase cannot start before now, so this is the earliest expiry.
        first = min(self._total_at, self._loop.time() + self._read)
        if first != math.inf:
            self._handle = self._loop.call_at(first, self._check)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._handle is not None:
            self._handle.cancel()
            self._handle = None
        if self._token is not None:
            _CURRENT.reset(self._token)
            self._token = None

    def expired(self) -> bool:
        """Whether this deadline cancelled the task (call on ``CancelledError``); the
        cancellation is then withdrawn so the caller can raise its own error."""
        if not self.fired:
            return False
        uncancel = getattr(self._task, "uncancel", None)  # Python 3.11+
        if uncancel is not None:
            uncancel()
        return True

    def total_expired(self) -> bool:
        """Whether the ``total`` timeout (rather than ``read``) is the one that expired."""
        return self.fired and self._fired_at >= self._total_at

    def _due(self, now: float) -> float:
        started = now if self.connected_at is None else self.connected_at
        return min(self._total_at, started + self._read)

    def _check(self) -> None:
        now = self._loop.time()
        due = self._due(now)
        if due > now:
            self._handle = self._loop.call_at(due, self._check)
            return
        self._handle = None
        self._fired_at = now
        self.fired = True
        if self._task is not None:
            self._task.cancel()


class MarkingConnector(aiohttp.TCPConnector):
    """A :class:`aiohttp.TCPConnector` that tells the current request's
    :class:`Deadline` when it has a connection (new or pooled): before that,
    nothing can have been sent. Cheaper than an aiohttp trace."""

    async def connect(self, req: Any, traces: Any, timeout: Any) -> Any:
        connection = await super().connect(req, traces, timeout)
        deadline = _CURRENT.get()
        if deadline is not None:
            deadline.connected_at = deadline._loop.time()
        return connection
