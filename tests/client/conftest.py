"""A small scriptable Z-API-like server for client integration tests."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import attrs
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from zapi_async import ZapiClient
from zapi_async.http.retry import RetryPolicy
from zapi_async.limits.rate import Unlimited

INSTANCE = "3C0FFEE0INSTANCE"
TOKEN = "SECRET-TOKEN-7f3a9c"
CLIENT_TOKEN = "SECRET-CLIENT-TOKEN-42b1"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@attrs.define
class LocalZapi:
    """Answers with scripted handlers, in order, then with a default success."""

    server: TestServer
    script: list[Handler] = attrs.Factory(list)
    requests: list[dict[str, Any]] = attrs.Factory(list)
    peers: set[Any] = attrs.Factory(set)
    counter: int = 0

    @property
    def base_url(self) -> str:
        return str(self.server.make_url("")).rstrip("/")

    def then(self, *handlers: Handler) -> None:
        self.script.extend(handlers)


STATE: web.AppKey[LocalZapi] = web.AppKey("state")


async def _default(request: web.Request) -> web.Response:
    app_state: LocalZapi = request.app[STATE]
    app_state.counter += 1
    n = app_state.counter
    return web.json_response({"zaapId": f"Z{n}", "messageId": f"M{n}", "id": f"M{n}"})


async def _handle(request: web.Request) -> web.StreamResponse:
    state: LocalZapi = request.app[STATE]
    body = await request.read()
    state.requests.append(
        {
            "method": request.method,
            "path": request.path,
            "headers": dict(request.headers),
            "body": body,
        }
    )
    if request.transport is not None:
        state.peers.add(request.transport.get_extra_info("sockname"))
        state.peers.add(request.transport.get_extra_info("peername"))
    if state.script:
        return await state.script.pop(0)(request)
    return await _default(request)


@pytest.fixture
async def local_zapi() -> AsyncIterator[LocalZapi]:
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", _handle)
    server = TestServer(app, host="127.0.0.1")
    state = LocalZapi(server=server)
    app[STATE] = state
    await server.start_server()
    try:
        yield state
    finally:
        await server.close()


class RecordingSleep:
    """A virtual clock: sleeping records the delay and advances time at once."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.now = 1000.0

    def time(self) -> float:
        return self.now

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        self.now += delay
        await asyncio.sleep(0)


@pytest.fixture
def recording_sleep() -> RecordingSleep:
    return RecordingSleep()


def make_client(base_url: str, sleep: RecordingSleep, **kwargs: Any) -> ZapiClient:
    """A client whose retries and 429 pauses run on ``sleep``'s virtual clock."""
    kwargs.setdefault("retry", RetryPolicy(sleep=sleep, random=lambda: 0.0))
    kwargs.setdefault("limiter", Unlimited(clock=sleep.time, sleep=sleep))
    return ZapiClient(INSTANCE, TOKEN, client_token=CLIENT_TOKEN, base_url=base_url, **kwargs)


@pytest.fixture
async def client(
    local_zapi: LocalZapi, recording_sleep: RecordingSleep
) -> AsyncIterator[ZapiClient]:
    async with make_client(local_zapi.base_url, recording_sleep) as zapi:
        yield zapi
