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
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterable
from typing import Generic, TypeVar

from ..errors import (
    InstanceDisconnectedError,
    QueueClosedError,
    SettingsError,
    UnexpectedSendError,
    ZapiError,
)
from ..limits.pacing import PacingProfile
from ..limits.rate import Limiter
from ..models.messages import Message, SendResult
from .outcomes import Outcome, classify
from .protocol import Sender
from .queue import SendQueue

__all__ = ["send_many"]

M = TypeVar("M", bound=Message)


async def _aiter(items: Iterable[M] | AsyncIterable[M]) -> AsyncIterator[M]:
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item


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


class _BulkRun(Generic[M]):
    """State of one send_many call: input reading, outcome delivery, status checks."""

    def __init__(
        self, client: Sender, queue: SendQueue, window: int, status_every: int | None
    ) -> None:
        self.client = client
        self.queue = queue
        self.status_every = status_every  # None: no status checks
        self.sent = 0
        self.room = asyncio.Semaphore(window)
        self.done: asyncio.Queue[Outcome[M] | BaseException | None] = asyncio.Queue()
        self.stop: list[InstanceDisconnectedError] = []
        self.checks: set[asyncio.Task[None]] = set()
        self.reading = True

    async def produce(self, messages: Iterable[M] | AsyncIterable[M]) -> None:
        failure: Exception | None = None
        try:
            await self._read(messages)
        except Exception as exc:  # the input failed: finish what was read, then raise it
            failure = exc
        self.reading = False
        await self.queue.close()
        if failure is not None:
            self.done.put_nowait(failure)
        self.done.put_nowait(None)

    async def _read(self, messages: Iterable[M] | AsyncIterable[M]) -> None:
        index = 0
        async for item in _aiter(messages):
            await self.room.acquire()
            try:
                if self.stop:
                    raise self.stop[0]
                future = await self.queue.submit(item)
            except InstanceDisconnectedError as exc:
                self.done.put_nowait(Outcome(index, item, "unsent", error=exc))
            except QueueClosedError as exc:
                error = self.stop[0] if self.stop else exc
                self.done.put_nowait(Outcome(index, item, "unsent", error=error))
            except ZapiError as exc:  # invalid message: report it, keep going
                self.done.put_nowait(Outcome(index, item, "failed", error=exc))
            else:
                future.add_done_callback(functools.partial(self.deliver, index, item))
            index += 1

    def deliver(self, index: int, item: M, future: asyncio.Future[list[SendResult]]) -> None:
        if future.cancelled():
            self.done.put_nowait(Outcome(index, item, "unsent"))
            return
        error = future.exception()
        if error is None:
            self.done.put_nowait(Outcome(index, item, "sent", future.result()))
            self.sent += 1
            if self.status_every is not None and self.sent % self.status_every == 0:
                self.spawn_check()
        elif isinstance(error, QueueClosedError) and self.stop:
            self.done.put_nowait(Outcome(index, item, "unsent", error=self.stop[0]))
        else:
            if not isinstance(error, ZapiError):  # a bug must not abort the run
                error = UnexpectedSendError(error)
            status = classify(error)
            sent = list(getattr(error, "sent", []))
            self.done.put_nowait(Outcome(index, item, status, sent, error))
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
                self.room.release()
                yield got
                continue
            held[got.index] = got
            while next_index in held:
                self.room.release()
                yield held.pop(next_index)
                next_index += 1
