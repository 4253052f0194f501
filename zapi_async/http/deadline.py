"""One timer per transport for the ``read`` and ``total`` timeouts of the client's
own session.

aiohttp's ``sock_read`` re-arms a timer on every chunk it receives, and its
``total`` arms another: two to four timer handles per request, a fifth of the
client's CPU per request against a fast server. :class:`Deadlines` keeps one
handle for all the requests of a transport, armed at the earliest moment one of
them could expire; when it fires it cancels the requests that are due and re-arms
at the next (the read phase starts when the request gets its connection, which
:class:`MarkingConnector` reports). A Z-API answer is one
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

__all__ = ["Deadline", "Deadlines", "MarkingConnector", "cancelled_itself"]

#: The deadline of the request running in the current task, if any.
_CURRENT: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "zapi_async_deadline", default=None
)


class Deadlines:
    """The ``read`` and ``total`` timeouts of every request of one transport, on one
    timer handle (``None`` disables a timeout).

    Each request's :meth:`start` only joins a dict: the handle stays armed at the
    earliest moment any request could expire and, when it fires, cancels the
    requests that are due and re-arms at the next one. A timer per request (arm on
    start, cancel on the answer) cost about 3% of a request's CPU.
    """

    __slots__ = ("_active", "_armed_at", "_handle", "_loop", "read", "total")

    def __init__(self, read: float | None, total: float | None) -> None:
        self.read = math.inf if read is None else read
        self.total = math.inf if total is None else total
        self._loop: asyncio.AbstractEventLoop | None = None
        # Insertion-ordered: the oldest request first.
        self._active: dict[Deadline, None] = {}
        self._handle: asyncio.TimerHandle | None = None
        self._armed_at = math.inf

    @property
    def enabled(self) -> bool:
        """Whether any timeout is set."""
        return self.read != math.inf or self.total != math.inf

    def start(self) -> Deadline:
        """The deadline of one request starting now (use it as a context manager)."""
        loop = self._loop
        if loop is None:
            loop = self._loop = asyncio.get_running_loop()
        now = loop.time()
        return Deadline(self, now + self.total, now + min(self.read, self.total))

    def _join(self, deadline: Deadline) -> None:
        self._active[deadline] = None
        if deadline.earliest < self._armed_at:
            self._arm(deadline.earliest)

    def _leave(self, deadline: Deadline) -> None:
        # The handle stays armed: when it fires for nothing it re-arms (or idles).
        self._active.pop(deadline, None)

    def _arm(self, when: float) -> None:
        assert self._loop is not None
        if self._handle is not None:
            self._handle.cancel()
        self._armed_at = when
        self._handle = self._loop.call_at(when, self._check)

    def _check(self) -> None:
        assert self._loop is not None
        self._handle, self._armed_at = None, math.inf
        now = self._loop.time()
        next_due = math.inf
        for deadline in list(self._active):
            due = deadline.due(now)
            if due <= now:
                del self._active[deadline]
                deadline.fire(now)
            elif due < next_due:
                next_due = due
        if next_due != math.inf:
            self._arm(next_due)


class Deadline:
    """The ``read`` and ``total`` deadlines of one attempt (from :meth:`Deadlines.start`).

    Use as a context manager around the exchange.
    """

    __slots__ = (
        "_fired_at",
        "_owner",
        "_task",
        "_token",
        "connected_at",
        "earliest",
        "fired",
        "total_at",
    )

    def __init__(self, owner: Deadlines, total_at: float, earliest: float) -> None:
        self._owner = owner
        self._task: asyncio.Task[Any] | None = None
        self._token: contextvars.Token[Deadline | None] | None = None
        self._fired_at = math.inf
        #: Loop time at which the ``total`` timeout expires (``inf`` when unset).
        self.total_at = total_at
        #: The earliest moment either timeout could expire (reading cannot start sooner).
        self.earliest = earliest
        #: Loop time at which the request got its connection (``None``: not yet).
        self.connected_at: float | None = None
        #: Whether the deadline expired and cancelled the task.
        self.fired = False

    def __enter__(self) -> Deadline:
        self._task = asyncio.current_task()
        self._token = _CURRENT.set(self)
        self._owner._join(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._owner._leave(self)
        if self._token is not None:
            _CURRENT.reset(self._token)
            self._token = None

    def loop_time(self) -> float:
        """The event loop's clock, which every deadline is expressed in."""
        loop = self._owner._loop
        assert loop is not None
        return loop.time()

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
        return self.fired and self._fired_at >= self.total_at

    def due(self, now: float) -> float:
        """When this deadline expires, as far as is known at ``now``."""
        started = now if self.connected_at is None else self.connected_at
        return min(self.total_at, started + self._owner.read)

    def fire(self, now: float) -> None:
        """Expire: cancel the request's task (the transport tells why from :meth:`expired`)."""
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
            deadline.connected_at = deadline.loop_time()
        return connection


def cancelled_itself() -> bool:
    """Whether the running task itself was asked to stop (not merely handed a
    ``CancelledError`` by a future that something else cancelled)."""
    task = asyncio.current_task()
    cancelling = getattr(task, "cancelling", None)  # Python 3.11+
    # Without it (3.10) every CancelledError is taken as the task's own.
    return cancelling is None or bool(cancelling() > 0)
