"""The one fake Z-API of the test suite: a real local HTTP server (aiohttp).

:class:`FakeZapi` records every request as it arrives (:attr:`~FakeZapi.requests`:
method, path, headers, body; :attr:`~FakeZapi.arrivals`: the sends, numbered), tracks
how many requests per recipient are in progress at once, answers status checks, and
lets a test decide each answer: a script of one-shot handlers (:meth:`FakeZapi.then`)
answers first, then a ``behaviour`` (which may delay the answer on events), then
Z-API's success body. Paths that are not ``/instances/{id}/token/{token}/...`` get a
404; unknown credentials a 401.
"""

from __future__ import annotations

import asyncio
import json
import re
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

from .clock import PATIENCE, VirtualClock, within
from .credentials import CLIENT_TOKEN, INSTANCE, TOKEN, TOKENS

__all__ = [
    "DROP",
    "Arrival",
    "FakeZapi",
    "Handler",
    "error",
    "make_client",
    "make_retrying_client",
    "success",
    "text",
]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_PATH = re.compile(r"/instances/([^/]+)/token/([^/]+)/(.+)")


def text(phone: str, body: str) -> TextMessage:
    """A text message (shorthand)."""
    return TextMessage(phone, body)


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
        self.requests: list[dict[str, Any]] = []
        self.peers: set[Any] = set()
        self.script: list[Handler] = []
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
        app.router.add_route("*", "/{tail:.*}", self._serve)
        self.server = TestServer(app, host="127.0.0.1")

    @property
    def base_url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    def then(self, *handlers: Handler) -> None:
        """Answer the next requests with ``handlers``, one each, in order."""
        self.script.extend(handlers)

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

    async def until(self, predicate: Callable[[], bool], seconds: float = PATIENCE) -> None:
        """Wait until ``predicate()`` holds (re-checked after every request event), at
        most ``seconds`` (more for a client in another process)."""

        async def wait() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await within(wait(), seconds)

    async def poke(self) -> None:
        """Re-check the conditions waited on with :meth:`until` (after a client-side event)."""
        await self._notify()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _serve(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        self.requests.append(
            {
                "method": request.method,
                "path": request.path,
                "headers": dict(request.headers),
                "body": raw,
            }
        )
        if request.transport is not None:
            self.peers.add(request.transport.get_extra_info("sockname"))
            self.peers.add(request.transport.get_extra_info("peername"))
        if self.script:
            return await self.script.pop(0)(request)
        match = _PATH.fullmatch(request.path)
        if match is None:
            return error(404, "not found")
        instance, token, endpoint = match.groups()
        if TOKENS.get(instance) != token:
            return error(401, "Invalid instance token")
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
        arrival = Arrival(len(self.arrivals) + 1, instance, endpoint, json.loads(raw))
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


def make_retrying_client(base_url: str, clock: VirtualClock, **kwargs: Any) -> ZapiClient:
    """A client with the shared credentials whose retries and 429 pauses run on
    ``clock`` (use ``VirtualClock(auto_advance=True)`` to record the delays)."""
    kwargs.setdefault("retry", RetryPolicy(sleep=clock, random=lambda: 0.0))
    kwargs.setdefault("limiter", Unlimited(clock=clock.time, sleep=clock))
    return ZapiClient(INSTANCE, TOKEN, client_token=CLIENT_TOKEN, base_url=base_url, **kwargs)
