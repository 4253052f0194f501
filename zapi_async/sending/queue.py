"""``SendQueue``: a bounded, rate-limited worker pool for sending many messages.

::

    async with SendQueue(zapi, rate=10, burst=3, workers=8) as queue:
        future = await queue.submit(message)   # waits while the buffer is full
        results = await future                 # list[SendResult], or the send's error

Guarantees:

* **order per recipient**: messages to one phone are sent one at a time, in
  submission order (split parts included); different recipients go in parallel;
* **backpressure**: at most ``maxsize`` messages wait in the buffer; ``submit()``
  waits for room;
* **every message gets exactly one outcome**: ``sent``, ``failed``, ``partial``,
  ``unknown`` or ``unsent`` (see :class:`~zapi_async.Outcome`), counted in
  :attr:`SendQueue.stats`;
* **nothing lost on shutdown**: ``close()`` drains; ``close(cancel=True)`` (or
  leaving ``async with`` on an exception, or cancelling ``close()``) stops early and
  returns the messages never attempted, so they can be persisted and resent.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable
from types import TracebackType

from ..errors import (
    DeliveryUnknownError,
    QueueClosedError,
    SettingsError,
    UnexpectedSendError,
    ValidationError,
    ZapiError,
)
from ..http.deadline import cancelled_itself
from ..limits.pacing import PacingProfile
from ..limits.rate import ChainedLimiter, Limiter, RateLimiter
from ..models.messages import Message, SendResult
from .attempts import Attempts, TrackingLimiter, takes_on_attempt
from .entries import Entry, OnDone, is_message, retrieve
from .outcomes import OutcomeStatus, QueueStats, classify
from .protocol import Sender

__all__ = ["SendQueue"]

logger = logging.getLogger("zapi_async.sending.queue")

#: Seconds of history behind :attr:`QueueStats.rate`.
RATE_WINDOW = 5.0


class SendQueue:
    """Send messages through ``client`` with ``workers`` concurrent senders.

    * ``rate`` / ``burst``: requests per second and burst for this queue, on top of
      the client's own limiter (which always applies: a 429 seen by any sender
      pauses them all). ``limiter`` replaces ``rate``/``burst`` with any
      :class:`~zapi_async.limits.rate.Limiter` (e.g. a shared Redis one).
    * ``pacing``: a :class:`~zapi_async.PacingProfile` against number bans (off). Its
      state (daily count, warm-up) is kept per client, so it spans every queue and
      ``send_many`` run of the client (see :meth:`ZapiClient.pacer`).
    * ``maxsize``: messages buffered before ``submit()`` waits (default 1000).
    * ``split``: split button messages (default True, as the client does).
    * ``on_progress``: called with a :class:`~zapi_async.QueueStats` after each outcome.
    """

    def __init__(
        self,
        client: Sender,
        *,
        rate: float | None = None,
        burst: int = 1,
        workers: int = 8,
        maxsize: int = 1000,
        limiter: Limiter | None = None,
        pacing: PacingProfile | None = None,
        split: bool = True,
        on_progress: Callable[[QueueStats], None] | None = None,
    ) -> None:
        if workers < 1:
            raise SettingsError(f"SendQueue.workers should be >= 1, but was {workers}")
        if maxsize < 1:
            raise SettingsError(f"SendQueue.maxsize should be >= 1, but was {maxsize}")
        if limiter is None and rate is not None:
            limiter = RateLimiter(rate, burst)
        if pacing is not None:
            pacer = client.pacer(pacing)
            limiter = pacer if limiter is None else ChainedLimiter(limiter, pacer)
        self._client = client
        self._hooked = takes_on_attempt(client)
        self._limiter = limiter
        self._split = split
        self._on_progress = on_progress
        self._worker_count = workers
        self._workers: list[asyncio.Task[None]] = []
        # Each busy worker's current send, to tell a cancelling close what went out.
        self._holding: dict[asyncio.Task[None], Attempts] = {}
        # asyncio primitives bind to the running loop on first use, not here.
        self._capacity = asyncio.Semaphore(maxsize)
        self._ready: asyncio.Queue[Entry | None] = asyncio.Queue()
        self._idle = asyncio.Event()
        self._idle.set()
        self._lanes: dict[str, deque[Entry]] = {}
        self._closed = False
        self._seq = 0
        self._counts: dict[str, int] = dict.fromkeys(
            ("submitted", "sent", "failed", "unknown", "unsent", "retried", "in_flight"), 0
        )
        self._unfinished = 0
        self._recent: deque[float] = deque()
        self._started_at: float | None = None
        #: Messages never attempted, in submission order, set by a cancelling close
        #: (messages withdrawn by cancelling their future are not included).
        self.unsent: list[Message] = []
        self._unsent_seqs: list[int] = []

    # -- lifecycle ---------------------------------------------------------------------

    async def __aenter__(self) -> SendQueue:
        self._start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close(cancel=exc_type is not None)

    def _start(self) -> None:
        if self._workers:
            return
        loop = asyncio.get_running_loop()
        self._started_at = time.monotonic()
        self._workers = [
            loop.create_task(self._work(), name=f"zapi-send-worker-{i}")
            for i in range(self._worker_count)
        ]

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    async def close(self, *, cancel: bool = False) -> list[Message]:
        """Stop accepting messages; drain what was submitted, then stop the workers.

        With ``cancel=True`` messages not yet started are not sent, including those a
        worker holds while the limiter makes it wait: they get the ``unsent`` outcome
        (their futures raise :class:`~zapi_async.QueueClosedError`) and are returned,
        in submission order; sends in flight finish first. If the
        task awaiting ``close()`` is cancelled, it stops at once instead: messages not
        yet started (including those still waiting for the limiter) get ``unsent`` and
        are left in :attr:`unsent`; requests already under way are abandoned and get
        ``unknown``. Calling ``close()`` again afterwards returns :attr:`unsent`.
        """
        self._closed = True
        if not self._workers:
            return []
        if cancel:
            self._withdraw_all()
            self._stop_unstarted()
        try:
            await self._idle.wait()
        except asyncio.CancelledError:
            self._withdraw_all()
            for task in self._workers:
                task.cancel()
            await asyncio.gather(*self._workers, return_exceptions=True)
            raise
        for _ in self._workers:
            self._ready.put_nowait(None)
        # Workers never raise; they may have been cancelled by an earlier, cancelled close.
        await asyncio.gather(*self._workers, return_exceptions=True)
        return list(self.unsent)

    # -- submitting ---------------------------------------------------------------------

    async def submit(self, message: Message) -> asyncio.Future[list[SendResult]]:
        """Queue ``message``; returns a future of its results.

        Waits while the buffer is full. Raises :class:`~zapi_async.ValidationError`
        for a message that cannot be sent (before queueing it) and
        :class:`~zapi_async.QueueClosedError` once the queue is closed. Cancelling
        the returned future before the send starts withdraws the message.
        """
        parts = self._accept(message)
        await self._capacity.acquire()
        if self._closed:
            self._capacity.release()
            raise QueueClosedError("the queue was closed while waiting for room")
        future: asyncio.Future[list[SendResult]] = asyncio.get_running_loop().create_future()
        future.add_done_callback(retrieve)
        self._enqueue(Entry(self._seq, message, parts, future))
        return future

    def _submit_nowait(self, message: Message, on_done: OnDone) -> None:
        """:meth:`submit` for :func:`~zapi_async.send_many`, which bounds the messages
        in flight itself: no wait for room, and ``on_done`` is called with the outcome
        (status, results, error) instead of settling a future (no callback round trip
        through the event loop per message)."""
        parts = self._accept(message)
        self._enqueue(Entry(self._seq, message, parts, None, on_done))

    def _accept(self, message: Message) -> list[Message]:
        """The parts of ``message`` once it may be queued (the checks of :meth:`submit`)."""
        if self._closed:
            raise QueueClosedError("the queue is closed; no more messages are accepted")
        if not is_message(message):
            raise ValidationError(
                "message",
                "should be a message model (TextMessage, ButtonActionsMessage, ...), "
                f"but was {type(message).__name__}",
            )
        parts = self._client.plan(message, split=self._split)
        self._start()
        return parts

    def _enqueue(self, entry: Entry) -> None:
        self._seq += 1
        self._counts["submitted"] += 1
        self._unfinished += 1
        self._idle.clear()
        phone = entry.message.phone
        lane = self._lanes.get(phone)
        if lane is None:
            self._lanes[phone] = deque()
            self._ready.put_nowait(entry)
        else:
            lane.append(entry)

    def _release_room(self, entry: Entry) -> None:
        # Only submit()'s entries took a slot of the buffer (see _submit_nowait).
        if entry.future is not None:
            self._capacity.release()

    # -- working ------------------------------------------------------------------------

    def _stop_unstarted(self) -> None:
        """Cancel the workers still waiting for the limiter: nothing of theirs went out
        (each withdraws its message as ``unsent`` and stops)."""
        for task, attempts in list(self._holding.items()):
            if not attempts.started:
                task.cancel()

    async def _work(self) -> None:
        task = asyncio.current_task()
        assert task is not None
        while (entry := await self._ready.get()) is not None:
            self._release_room(entry)
            if entry.withdrawn():
                self._finish(entry, "unsent")
                continue
            self._counts["in_flight"] += 1
            attempts = self._holding[task] = Attempts()
            try:
                results = await self._send(entry, attempts)
            except ZapiError as exc:
                self._settle(entry, classify(exc), error=exc)
            except asyncio.CancelledError as exc:
                if not cancelled_itself():
                    # Not this worker's cancellation (e.g. aiohttp cancelling a wait for
                    # a pooled connection when the session closes): the send failed.
                    self._settle_unexpected(entry, exc, attempts)
                    continue
                if attempts.started:
                    self._settle(
                        entry,
                        "unknown",
                        error=DeliveryUnknownError("(queue)", "the queue was cancelled mid-send"),
                    )
                else:  # still waiting for the limiter: nothing went out
                    self._counts["in_flight"] -= 1
                    self._withdraw(entry)
                raise
            except Exception as exc:  # a bug must not kill the worker or lose the entry
                logger.exception("unexpected error while sending message %d", entry.seq)
                self._settle_unexpected(entry, exc, attempts)
            else:
                self._settle(entry, "sent", results=results)
            finally:
                del self._holding[task]

    def _send(self, entry: Entry, attempts: Attempts) -> Awaitable[list[SendResult]]:
        # Returns the send's coroutine (no extra coroutine layer on the hot path).
        if self._hooked:
            return self._client.send_parts(
                entry.parts,
                limiter=self._limiter,
                on_retry=self._count_retry,
                on_attempt=attempts.mark,
            )
        tracking = TrackingLimiter(self._limiter, attempts)
        return self._client.send_parts(entry.parts, limiter=tracking, on_retry=self._count_retry)

    def _settle_unexpected(self, entry: Entry, exc: BaseException, attempts: Attempts) -> None:
        # Once a request went out the message may have been delivered: never re-sent.
        error = UnexpectedSendError(exc, maybe_sent=attempts.started)
        self._settle(entry, classify(error), error=error)

    def _settle(
        self,
        entry: Entry,
        status: OutcomeStatus,
        *,
        results: list[SendResult] | None = None,
        error: ZapiError | None = None,
    ) -> None:
        self._counts["in_flight"] -= 1
        entry.settle(status, results or [], error)
        self._finish(entry, status)

    def _finish(self, entry: Entry, status: OutcomeStatus) -> None:
        key = "failed" if status == "partial" else status
        self._counts[key] += 1
        if status == "sent":
            now = time.monotonic()
            self._recent.append(now)
            self._forget_before(now - RATE_WINDOW)
        lane = self._lanes.get(entry.message.phone)
        if lane:
            self._ready.put_nowait(lane.popleft())
        elif lane is not None:
            del self._lanes[entry.message.phone]
        self._unfinished -= 1
        if self._unfinished == 0:
            self._idle.set()
        if self._on_progress is not None:
            try:
                self._on_progress(self.stats)
            except Exception:  # a broken hook must not stop the workers
                logger.exception("on_progress hook raised")

    def _withdraw_all(self) -> None:
        """Give every not-yet-started entry the ``unsent`` outcome."""
        waiting: list[Entry] = []
        while not self._ready.empty():
            item = self._ready.get_nowait()
            if item is not None:
                waiting.append(item)
                self._release_room(item)
        for lane in self._lanes.values():
            waiting.extend(lane)
            for entry in lane:
                self._release_room(entry)
            lane.clear()
        waiting.sort(key=lambda e: e.seq)
        for entry in waiting:
            self._withdraw(entry)

    def _withdraw(self, entry: Entry) -> None:
        """Give one never-attempted entry the ``unsent`` outcome."""
        if not entry.withdrawn():  # the caller did not withdraw it
            at = bisect.bisect(self._unsent_seqs, entry.seq)
            self._unsent_seqs.insert(at, entry.seq)
            self.unsent.insert(at, entry.message)
        entry.settle(
            "unsent", [], QueueClosedError("the queue was closed before this message was sent")
        )
        self._finish(entry, "unsent")

    def _count_retry(self, error: ZapiError, attempt: int, delay: float) -> None:
        self._counts["retried"] += 1

    # -- observing ------------------------------------------------------------------------

    def _forget_before(self, moment: float) -> None:
        recent = self._recent
        while recent and recent[0] < moment:
            recent.popleft()

    @property
    def stats(self) -> QueueStats:
        """Current counters (a snapshot)."""
        rate = 0.0
        if self._started_at is not None:
            now = time.monotonic()
            self._forget_before(now - RATE_WINDOW)
            span = min(RATE_WINDOW, now - self._started_at)
            rate = len(self._recent) / span if span > 0 else 0.0
        queued = self._unfinished - self._counts["in_flight"]
        return QueueStats(queued=queued, rate=rate, **self._counts)
