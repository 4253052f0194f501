"""Test doubles for the queue tests: a virtual clock and a scriptable local Z-API.

* :class:`VirtualClock` is a clock plus a ``sleep`` whose sleepers wake only when the
  test advances virtual time, so time logic is checked to the exact slot.
* :class:`FakeZapi` is a real HTTP server (aiohttp) that records each send as it
  arrives, tracks how many requests per recipient are in progress at once, answers
  status checks, and lets a test decide (and delay, with events) each answer.
"""

from __future__ import annotations

import asyncio
import heapq
import json
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import attrs
from aiohttp import web
from aiohttp.test_utils import TestServer

from zapi_async import ZapiClient
from zapi_async.http.retry import RetryPolicy
from zapi_async.limits.rate import Limiter, Unlimited
from zapi_async.models.text import TextMessage

#: Seconds a test waits for a condition before failing (only reached on a bug).
PATIENCE = 5.0

TOKENS = {"INSTANCE-A": "TOKEN-A-secret", "INSTANCE-B": "TOKEN-B-secret"}


async def within(awaitable: Awaitable[Any], seconds: float = PATIENCE) -> Any:
    """Await with a safety timeout, so a bug fails the test instead of hanging it."""
    return await asyncio.wait_for(awaitable, seconds)


def text(phone: str, body: str) -> TextMessage:
    """A text message (shorthand)."""
    return TextMessage(phone, body)


# -- virtual time -----------------------------------------------------------------------


class VirtualClock:
    """``time()`` and ``sleep()`` on virtual time that moves only when told to."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._seq = 0
        self._changed = asyncio.Event()

    def time(self) -> float:
        """The current virtual time."""
        return self.now

    async def sleep(self, delay: float) -> None:
        """Wait until virtual time reaches ``now + delay``."""
        self.sleeps.append(delay)
        if delay <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + delay, self._seq, future))
        self._seq += 1
        self._changed.set()
        await future

    @property
    def sleepers(self) -> int:
        """Tasks currently asleep on this clock."""
        return sum(1 for _, _, future in self._timers if not future.done())

    async def wait_sleepers(self, count: int) -> None:
        """Wait (in real time, event-driven) until ``count`` tasks sleep on this clock."""

        async def wait() -> None:
            while self.sleepers < count:
                self._changed.clear()
                await self._changed.wait()

        await within(wait())

    @staticmethod
    async def settle(rounds: int = 25) -> None:
        """Let every runnable task run until it blocks again."""
        for _ in range(rounds):
            await asyncio.sleep(0)

    def _fire_next(self) -> bool:
        while self._timers and self._timers[0][2].done():
            heapq.heappop(self._timers)  # cancelled sleepers
        if not self._timers:
            return False
        deadline = self._timers[0][0]
        self.now = max(self.now, deadline)
        while self._timers and self._timers[0][0] <= deadline:
            future = heapq.heappop(self._timers)[2]
            if not future.done():
                future.set_result(None)
        return True

    async def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds``, waking sleepers in deadline order."""
        target = self.now + seconds
        await self.settle()
        while self._timers and self._timers[0][0] <= target:
            self._fire_next()
            await self.settle()
        self.now = target

    async def run(self, *tasks: asyncio.Future[Any]) -> None:
        """Advance time from sleeper to sleeper until every task is done."""
        while True:
            await self.settle()
            if all(task.done() for task in tasks):
                return
            if not self._fire_next():
                raise AssertionError("tasks are blocked but nobody sleeps on the clock")


class ObservedLimiter(Unlimited):
    """An :class:`Unlimited` limiter on a virtual clock that signals its pauses."""

    def __init__(self, clock: VirtualClock) -> None:
        super().__init__(clock=clock.time, sleep=clock.sleep)
        self.pauses: list[float] = []
        self.paused = asyncio.Event()

    async def pause(self, seconds: float) -> None:
        self.pauses.append(seconds)
        await super().pause(seconds)
        self.paused.set()


# -- a local Z-API ----------------------------------------------------------------------


@attrs.define(eq=False)
class Arrival:
    """One send request as the server saw it (``seq`` counts from 1 in arrival order)."""

    seq: int
    instance: str
    endpoint: str
    body: dict[str, Any]

    @property
    def phone(self) -> str:
        return str(self.body["phone"])

    @property
    def text(self) -> str:
        return str(self.body.get("message", ""))


#: Decides the answer to one send; ``None`` means the default success answer.
Behaviour = Callable[[Arrival, web.Request], Awaitable["web.StreamResponse | None"]]

DROP = web.Response(status=599)  # sentinel: close the connection without answering


def success(arrival: Arrival) -> web.Response:
    """Z-API's success body, with ids derived from the arrival number."""
    n = arrival.seq
    return web.json_response({"zaapId": f"Z{n}", "messageId": f"M{n}", "id": f"M{n}"})


def error(status: int, message: str, **headers: str) -> web.Response:
    """An error answer with Z-API's ``{"error": ...}`` body."""
    return web.json_response({"error": message}, status=status, headers=headers)


class FakeZapi:
    """A local Z-API: records sends, tracks overlap per recipient, answers as told."""

    def __init__(self) -> None:
        self.arrivals: list[Arrival] = []
        self.status_checks = 0
        self.connected = True
        self.behaviour: Behaviour | None = None
        self.in_flight: Counter[str] = Counter()
        self.max_overlap: Counter[str] = Counter()
        self.max_in_flight = 0
        self.answered: list[int] = []
        self._changed = asyncio.Condition()
        self._gates: list[asyncio.Event] = []
        app = web.Application()
        app.router.add_route("*", "/instances/{instance}/token/{token}/{endpoint:.+}", self._serve)
        self.server = TestServer(app, host="127.0.0.1")

    @property
    def base_url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    def sends_to(self, phone: str, instance: str = "INSTANCE-A") -> list[str]:
        """Texts that reached ``phone`` on ``instance``, in arrival order."""
        return [a.text for a in self.arrivals if a.phone == phone and a.instance == instance]

    def texts(self, instance: str = "INSTANCE-A") -> list[str]:
        """Texts of every send to ``instance``, in arrival order."""
        return [a.text for a in self.arrivals if a.instance == instance]

    def gate(self) -> asyncio.Event:
        """An event a behaviour can wait on; set for good when the server stops."""
        event = asyncio.Event()
        self._gates.append(event)
        return event

    async def until(self, predicate: Callable[[], bool]) -> None:
        """Wait until ``predicate()`` holds (re-checked after every request event)."""

        async def wait() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await within(wait())

    async def poke(self) -> None:
        """Re-check the conditions waited on with :meth:`until` (after a client-side event)."""
        await self._notify()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        instance = request.match_info["instance"]
        if TOKENS.get(instance) != request.match_info["token"]:
            return error(401, "Invalid instance token")
        endpoint = request.match_info["endpoint"]
        if endpoint == "status":
            self.status_checks += 1
            await self._notify()
            message = "You are already connected." if self.connected else "You are not connected."
            return web.json_response(
                {
                    "connected": self.connected,
                    "error": message,
                    "smartphoneConnected": self.connected,
                }
            )
        arrival = Arrival(
            len(self.arrivals) + 1, instance, endpoint, json.loads(await request.read())
        )
        self.arrivals.append(arrival)
        key = f"{instance}/{arrival.phone}"
        self.in_flight[key] += 1
        self.max_overlap[key] = max(self.max_overlap[key], self.in_flight[key])
        self.max_in_flight = max(self.max_in_flight, sum(self.in_flight.values()))
        await self._notify()
        try:
            answer = await self.behaviour(arrival, request) if self.behaviour else None
        finally:
            self.in_flight[key] -= 1
            self.answered.append(arrival.seq)
            await self._notify()
        if answer is DROP:
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)  # never written
        return answer if answer is not None else success(arrival)

    async def start(self) -> None:
        await self.server.start_server()

    async def close(self) -> None:
        for event in self._gates:
            event.set()
        await self.server.close()


def make_client(
    fake: FakeZapi,
    instance: str = "INSTANCE-A",
    *,
    limiter: Limiter | None = None,
    retry: RetryPolicy | None = None,
) -> ZapiClient:
    """A client for ``instance`` of ``fake``; no retries unless ``retry`` is given."""
    return ZapiClient(
        instance,
        TOKENS[instance],
        base_url=fake.base_url,
        retry=retry or RetryPolicy.never(),
        limiter=limiter,
    )
