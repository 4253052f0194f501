"""``send_many``: stream any number of messages through a :class:`SendQueue`.

::

    async for outcome in send_many(zapi, messages, rate=20, concurrency=8):
        if not outcome.ok:
            log_failure(outcome.index, outcome.status, outcome.error)

``messages`` may be a list, a generator or an async generator of any length: it is
read lazily, and at most ``window`` messages (default ``4 * concurrency + 64``) are
between "read from the input" and "outcome handed to you" at any moment, so memory
stays flat for a million inputs.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections import deque
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterable
from typing import Generic, TypeVar

from ..errors import (
    InstanceDisconnectedError,
    QueueClosedError,
    SettingsError,
    ZapiError,
)
from ..limits.pacing import PacingProfile
from ..limits.rate import Limiter
from ..models.messages import Message, SendResult
from .outcomes import Outcome, OutcomeStatus
from .protocol import Sender
from .queue import SendQueue

__all__ = ["send_many"]

M = TypeVar("M", bound=Message)
T = TypeVar("T")


async def send_many(
    client: Sender,
    messages: Iterable[M] | AsyncIterable[M],
    *,
    rate: float | None = None,
    burst: int = 1,
    concurrency: int = 8,
    ordered: bool = False,
    limiter: Limiter | None = None,
    pacing: PacingProfile | None = None,
    check_status: bool = False,
    status_every: int = 200,
    window: int | None = None,
) -> AsyncGenerator[Outcome[M], None]:
    """Send every message; yield one :class:`~zapi_async.Outcome` per input.

    Outcomes come as sends complete, or in input order with ``ordered=True``.
    Invalid messages yield a ``failed`` outcome holding the
    :class:`~zapi_async.ValidationError`; they do not stop the run. ``rate``,
    ``burst``, ``limiter`` and ``pacing`` are as for :class:`SendQueue`;
    ``concurrency`` is its number of workers.

    With ``check_status=True`` the instance's status is checked first
    (:class:`~zapi_async.InstanceDisconnectedError` if its phone is not connected),
    and again after a failed send and after every ``status_every`` sent messages
    (Z-API accepts sends while the phone is away and queues them, so sends alone
    do not reveal a disconnection): when the instance is found disconnected, the
    remaining messages get the ``unsent`` outcome with that error instead of
    piling up in Z-API's queue or failing one by one.

    If iterating ``messages`` raises, nothing more is read; the messages already read
    are still sent and yield their outcomes, then the error is raised.

    Leaving the ``async for`` early (``break``, an exception, cancellation) stops the
    run: no more input is read, sends under way finish, and messages read but not
    yet sent are not sent. Close the generator to make this happen at once (wrap it
    in :func:`contextlib.aclosing`); otherwise it happens when it is garbage-collected.
    """
    if status_every < 1:
        raise SettingsError(f"send_many status_every should be >= 1, but was {status_every}")
    if check_status:
        await client.ensure_connected()
    window = window or 4 * concurrency + 64
    queue = SendQueue(
        client,
        rate=rate,
        burst=burst,
        workers=concurrency,
        maxsize=window,
        limiter=limiter,
        pacing=pacing,
    )
    run: _BulkRun[M] = _BulkRun(client, queue, window, status_every if check_status else None)
    async with queue:
        producer = asyncio.create_task(run.produce(messages), name="zapi-send-many-producer")
        try:
            async for outcome in run.collect(ordered):
                yield outcome
            await producer
        finally:
            if run.reading:
                producer.cancel()  # stop reading input
            else:
                await queue.close(cancel=True)  # stop the drain the producer waits for
            for task in (producer, *run.checks):
                if not task.done():
                    task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task


class _Room:
    """The window: how many messages may be between "read" and "handed out".

    The reader, once the window is full, waits for a quarter of it to come free
    (one wake-up per batch of outcomes, not one per outcome); the workers still have
    three quarters of the window queued meanwhile.
    """

    __slots__ = ("_batch", "_waiter", "free")

    def __init__(self, size: int) -> None:
        self.free = size
        self._batch = max(1, size // 4)
        self._waiter: asyncio.Future[None] | None = None

    async def wait(self) -> None:
        """Return once at least one slot is free (at once when one is)."""
        if self.free > 0:
            return
        self._waiter = asyncio.get_running_loop().create_future()
        try:
            await self._waiter
        finally:
            self._waiter = None

    def take(self) -> None:
        """One message was read: it holds a slot until its outcome is handed out."""
        self.free -= 1

    def give_back(self) -> None:
        """One outcome was handed out: its slot is free again."""
        self.free += 1
        waiter = self._waiter
        if waiter is not None and self.free >= self._batch and not waiter.done():
            waiter.set_result(None)


class _Outbox(Generic[T]):
    """Outcomes on their way to the one consumer: a deque and at most one waiter
    (what ``asyncio.Queue`` does for any number of getters and putters, cheaper)."""

    __slots__ = ("_items", "_waiter")

    def __init__(self) -> None:
        self._items: deque[T] = deque()
        self._waiter: asyncio.Future[None] | None = None

    def put(self, item: T) -> None:
        """Add ``item``; wakes the consumer if it waits."""
        self._items.append(item)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def get(self) -> T:
        """The oldest item, waiting for one if there is none."""
        while not self._items:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._items.popleft()


class _BulkRun(Generic[M]):
    """State of one send_many call: input reading, outcome delivery, status checks."""

    def __init__(
        self, client: Sender, queue: SendQueue, window: int, status_every: int | None
    ) -> None:
        self.client = client
        self.queue = queue
        self.status_every = status_every  # None: no status checks
        self.sent = 0
        self.room = _Room(window)
        self.done: _Outbox[Outcome[M] | BaseException | None] = _Outbox()
        self.stop: list[InstanceDisconnectedError] = []
        self.checks: set[asyncio.Task[None]] = set()
        self.reading = True
        self.read = 0

    async def produce(self, messages: Iterable[M] | AsyncIterable[M]) -> None:
        failure: Exception | None = None
        try:
            if isinstance(messages, AsyncIterable):
                await self._read_async(messages)
            else:
                await self._read(messages)
        except Exception as exc:  # the input failed: finish what was read, then raise it
            failure = exc
        self.reading = False
        await self.queue.close()
        if failure is not None:
            self.done.put(failure)
        self.done.put(None)

    # Room is waited for before each item is read: at most `window` are read ahead.
    async def _read(self, messages: Iterable[M]) -> None:
        iterator = iter(messages)
        while True:
            if not self.room.free:
                await self.room.wait()
            try:
                item = next(iterator)
            except StopIteration:
                return
            self._queue(item)

    async def _read_async(self, messages: AsyncIterable[M]) -> None:
        iterator = aiter(messages)
        while True:
            await self.room.wait()
            try:
                item = await anext(iterator)
            except StopAsyncIteration:
                return
            self._queue(item)

    def _queue(self, item: M) -> None:
        index, self.read = self.read, self.read + 1
        self.room.take()
        try:
            if self.stop:
                raise self.stop[0]
            self.queue._submit_nowait(item, functools.partial(self.deliver, index, item))
        except InstanceDisconnectedError as exc:
            self.done.put(Outcome(index, item, "unsent", [], exc))
        except QueueClosedError as exc:
            error = self.stop[0] if self.stop else exc
            self.done.put(Outcome(index, item, "unsent", [], error))
        except ZapiError as exc:  # invalid message: report it, keep going
            self.done.put(Outcome(index, item, "failed", [], exc))

    def deliver(
        self,
        index: int,
        item: M,
        status: OutcomeStatus,
        results: list[SendResult],
        error: ZapiError | None,
    ) -> None:
        """The queue settled message ``index``: its outcome goes to the consumer."""
        if error is None:
            self.done.put(Outcome(index, item, status, results))
            self.sent += 1
            if self.status_every is not None and self.sent % self.status_every == 0:
                self.spawn_check()
        elif isinstance(error, QueueClosedError) and self.stop:
            self.done.put(Outcome(index, item, "unsent", [], self.stop[0]))
        else:
            sent = list(getattr(error, "sent", []))
            self.done.put(Outcome(index, item, status, sent, error))
            if status == "failed" and self.status_every is not None:
                self.spawn_check()

    def spawn_check(self) -> None:
        """Check the instance's status in the background (one check at a time)."""
        if self.stop or self.checks:
            return
        task = asyncio.ensure_future(self.check_disconnect())
        self.checks.add(task)
        task.add_done_callback(self.checks.discard)

    async def check_disconnect(self) -> None:
        try:
            await self.client.ensure_connected()
        except InstanceDisconnectedError as exc:
            if not self.stop:
                self.stop.append(exc)
                await self.queue.close(cancel=True)
        except ZapiError:
            pass  # the status check itself failed: keep sending, the sends will tell

    async def collect(self, ordered: bool) -> AsyncIterator[Outcome[M]]:
        held: dict[int, Outcome[M]] = {}
        next_index = 0
        while (got := await self.done.get()) is not None:
            if isinstance(got, BaseException):
                raise got
            if not ordered:
                self.room.give_back()
                yield got
                continue
            held[got.index] = got
            while next_index in held:
                self.room.give_back()
                yield held.pop(next_index)
                next_index += 1
