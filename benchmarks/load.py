"""HTTP load runners: each contender sends the same message for a fixed time.

Every run has a warm-up (connections opened, caches filled; not measured) and a
measurement window. Inside the window we count completed requests, keep each
one's latency and read the process CPU time at both ends, so a run yields
throughput, latency percentiles and client CPU per request.

Contenders (all POST the same ``send-button-actions`` body to the same server):

* ``aiohttp``: raw :class:`aiohttp.ClientSession`, pre-built body (the ceiling);
* ``zapi_client``: :meth:`ZapiClient.send_button_actions` with a message built,
  validated, split and serialised per request, limiter off;
* ``send_many``: :func:`~zapi_async.send_many` from a generator, limiter off;
* ``send_many_rate``: the same at a configured rate;
* ``httpx``: :class:`httpx.AsyncClient`, pre-built body.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import aiohttp
import attrs
import httpx

from zapi_async import ButtonActionsMessage, ZapiClient
from zapi_async.config import PoolLimits

from .payload import (
    CLIENT_TOKEN,
    ENDPOINT,
    INSTANCE_ID,
    TOKEN,
    compliant_message,
    prebuilt_body,
)

__all__ = [
    "CONTENDERS",
    "POOL_SIZE",
    "Contender",
    "LoadSettings",
    "RunSample",
    "run_contender",
]

#: Connections each contender may open (aiohttp's and ZapiClient's default; httpx
#: gets the same instead of its default of 20 kept-alive connections).
POOL_SIZE = 100
_HEADERS = {
    "Content-Type": "application/json",
    "Accept": "application/json",
    "Client-Token": CLIENT_TOKEN,
}


@attrs.frozen(kw_only=True)
class LoadSettings:
    """One run: ``concurrency`` requests in flight, ``warmup`` then ``duration`` seconds.

    ``rate`` (requests/s) is used by the ``send_many_rate`` contender only.
    """

    concurrency: int
    warmup: float
    duration: float
    rate: float = 500.0


@attrs.define(kw_only=True)
class RunSample:
    """What one run measured inside its window."""

    requests: int
    errors: int
    seconds: float
    cpu_seconds: float
    latencies: list[float]

    @property
    def throughput(self) -> float:
        """Completed requests per second."""
        return self.requests / self.seconds if self.seconds > 0 else 0.0

    @property
    def cpu_us_per_request(self) -> float:
        """Client process CPU time (user + system) per completed request, in µs."""
        return self.cpu_seconds / self.requests * 1e6 if self.requests else float("nan")


class _Window:
    """Counts completions between ``start`` and ``end`` (``time.perf_counter`` values)."""

    def __init__(self, settings: LoadSettings) -> None:
        now = time.perf_counter()
        self.start = now + settings.warmup
        self.end = self.start + settings.duration
        self.latencies: list[float] = []
        self.errors = 0
        self._cpu: dict[str, float] = {}
        self.closed = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.call_later(settings.warmup, self._snapshot, "start")
        loop.call_later(settings.warmup + settings.duration, self._snapshot, "end")

    def _snapshot(self, key: str) -> None:
        self._cpu[key] = time.process_time()
        self._cpu[key + "_at"] = time.perf_counter()
        if key == "end":
            self.closed.set()

    @property
    def open(self) -> bool:
        """Whether new requests should still be started."""
        return time.perf_counter() < self.end

    def done(self, started: float, ok: bool) -> None:
        """Record one request that began at ``started`` and just finished."""
        finished = time.perf_counter()
        if self.start <= finished <= self.end:
            if ok:
                self.latencies.append(finished - started)
            else:
                self.errors += 1

    def sample(self) -> RunSample:
        """The run's numbers (call after the window closed)."""
        cpu = self._cpu.get("end", time.process_time()) - self._cpu.get("start", 0.0)
        seconds = self._cpu.get("end_at", self.end) - self._cpu.get("start_at", self.start)
        self.latencies.sort()
        return RunSample(
            requests=len(self.latencies),
            errors=self.errors,
            seconds=seconds,
            cpu_seconds=cpu,
            latencies=self.latencies,
        )


async def _closed_loop(
    call: Callable[[int], Coroutine[Any, Any, None]], settings: LoadSettings
) -> RunSample:
    """``concurrency`` workers each sending back to back until the window closes."""
    window = _Window(settings)
    counter = iter(range(1 << 62))

    async def worker() -> None:
        while window.open:
            started = time.perf_counter()
            try:
                await call(next(counter))
            except Exception:
                window.done(started, ok=False)
            else:
                window.done(started, ok=True)

    await asyncio.gather(*(worker() for _ in range(settings.concurrency)))
    await window.closed.wait()  # the end-of-window snapshot may still be pending
    return window.sample()


def _url(base_url: str) -> str:
    return f"{base_url}/instances/{INSTANCE_ID}/token/{TOKEN}/{ENDPOINT}"


async def _raw_aiohttp(base_url: str, settings: LoadSettings) -> RunSample:
    url, body = _url(base_url), prebuilt_body()
    connector = aiohttp.TCPConnector(limit=POOL_SIZE)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def call(_: int) -> None:
            async with session.post(url, data=body, headers=_HEADERS) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"HTTP {response.status}")

        return await _closed_loop(call, settings)


async def _httpx(base_url: str, settings: LoadSettings) -> RunSample:
    url, body = _url(base_url), prebuilt_body()
    limits = httpx.Limits(max_connections=POOL_SIZE, max_keepalive_connections=POOL_SIZE)
    async with httpx.AsyncClient(limits=limits) as client:

        async def call(_: int) -> None:
            response = await client.post(url, content=body, headers=_HEADERS)
            if response.status_code != 200:
                raise RuntimeError(f"HTTP {response.status_code}")

        return await _closed_loop(call, settings)


def _client(base_url: str) -> ZapiClient:
    return ZapiClient(
        INSTANCE_ID,
        TOKEN,
        client_token=CLIENT_TOKEN,
        base_url=base_url,
        pool=PoolLimits(max_connections=POOL_SIZE),
    )


async def _zapi_client(base_url: str, settings: LoadSettings) -> RunSample:
    async with _client(base_url) as zapi:

        async def call(i: int) -> None:
            await zapi.send_button_actions(compliant_message(i))

        return await _closed_loop(call, settings)


async def _send_many(base_url: str, settings: LoadSettings, rate: float | None) -> RunSample:
    window = _Window(settings)
    pulled: list[float] = []

    def messages() -> Iterator[ButtonActionsMessage]:
        i = 0
        while window.open:
            pulled.append(time.perf_counter())
            yield compliant_message(i)
            i += 1

    async with _client(base_url) as zapi:
        outcomes = zapi.send_many(
            messages(),
            concurrency=settings.concurrency,
            rate=rate,
            burst=1,
        )
        async for outcome in outcomes:
            window.done(pulled[outcome.index], ok=outcome.ok)
    await window.closed.wait()
    return window.sample()


async def _send_many_unlimited(base_url: str, settings: LoadSettings) -> RunSample:
    return await _send_many(base_url, settings, None)


async def _send_many_rate(base_url: str, settings: LoadSettings) -> RunSample:
    return await _send_many(base_url, settings, settings.rate)


#: A contender: runs one measurement against the server at ``base_url``.
Contender = Callable[[str, LoadSettings], Coroutine[Any, Any, RunSample]]

#: Every contender by name, in the order they are reported.
CONTENDERS: dict[str, Contender] = {
    "aiohttp": _raw_aiohttp,
    "zapi_client": _zapi_client,
    "send_many": _send_many_unlimited,
    "send_many_rate": _send_many_rate,
    "httpx": _httpx,
}


def run_contender(name: str, base_url: str, settings: LoadSettings) -> RunSample:
    """Run contender ``name`` once in a fresh event loop."""
    return asyncio.run(CONTENDERS[name](base_url, settings))
