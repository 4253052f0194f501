"""Regression tests for bugs found in the review of the client's HTTP core."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
from aiohttp import web

from tests.support.clock import VirtualClock
from tests.support.credentials import CLIENT_TOKEN, TOKEN
from tests.support.fake_zapi import FakeZapi, make_retrying_client
from zapi_async import (
    AuthenticationError,
    RateLimitedError,
    ResponseFormatError,
    SendResult,
    ServerError,
    ZapiClient,
    ZapiConnectionError,
    ZapiHTTPError,
)
from zapi_async.config import PoolLimits, Timeouts
from zapi_async.http.redaction import Redactor
from zapi_async.http.responses import error_for_status, parse_retry_after
from zapi_async.http.retry import RetryPolicy
from zapi_async.http.transport import needs_trace
from zapi_async.limits.rate import Unlimited
from zapi_async.models.text import TextMessage

HELLO = TextMessage("5511999999999", "hello")
OK_BODY = {"zaapId": "Z1", "messageId": "M1", "id": "M1"}


def redirect(code: int):  # type: ignore[no-untyped-def]
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=code, headers={"Location": "/elsewhere"})

    return handler


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
async def test_a_redirect_is_reported_not_followed(
    code: int, local_zapi: FakeZapi, client: ZapiClient
) -> None:
    # Before: 301/302/303 turned the POST into a GET of /elsewhere and returned its
    # body as a SendResult (a send reported that never happened); 307/308 re-sent the
    # body with the Client-Token header to wherever Location pointed.
    local_zapi.then(redirect(code))
    with pytest.raises(ZapiHTTPError) as caught:
        await client.send(HELLO)

    assert type(caught.value) is ZapiHTTPError
    assert caught.value.status == code
    assert (
        str(caught.value) == f"POST /instances/3C0FFEE0INSTANCE/token/***/send-text -> HTTP {code}"
    )
    assert [(r["method"], r["path"]) for r in local_zapi.requests] == [
        ("POST", f"/instances/3C0FFEE0INSTANCE/token/{TOKEN}/send-text")
    ]


@contextlib.asynccontextmanager
async def one_busy_connection(
    local_zapi: FakeZapi, recording_sleep: VirtualClock, timeouts: Timeouts
) -> AsyncIterator[ZapiClient]:
    """A client whose only pooled connection is held by a request without timeout."""
    arrived, release = asyncio.Event(), asyncio.Event()

    async def hold(request: web.Request) -> web.Response:
        arrived.set()
        await release.wait()
        return web.json_response(OK_BODY)

    local_zapi.then(hold)
    zapi = make_retrying_client(
        local_zapi.base_url,
        recording_sleep,
        retry=RetryPolicy.never(),
        pool=PoolLimits(max_connections=1),
        timeouts=timeouts,
    )
    async with zapi:
        session = zapi._transport.open_session()
        holder = asyncio.ensure_future(
            session.get(f"{local_zapi.base_url}/hold", timeout=aiohttp.ClientTimeout(total=None))
        )
        await asyncio.wait_for(arrived.wait(), 5)
        try:
            yield zapi
        finally:
            release.set()
            (await holder).release()


async def test_total_timeout_while_waiting_for_a_pooled_connection_is_not_sent(
    local_zapi: FakeZapi, recording_sleep: VirtualClock
) -> None:
    # Before: DeliveryUnknownError ("may have been sent") although the request never
    # had a connection to go out on.
    timeouts = Timeouts(connect=None, read=None, total=0.2)
    async with one_busy_connection(local_zapi, recording_sleep, timeouts) as zapi:
        with pytest.raises(ZapiConnectionError) as caught:
            await zapi.send(HELLO)
    assert str(caught.value) == (
        "could not reach Z-API for /instances/3C0FFEE0INSTANCE/token/***/send-text: "
        "TimeoutError: before connecting"
    )
    assert [r["path"] for r in local_zapi.requests] == ["/hold"]


@pytest.mark.parametrize(
    ("timeouts", "traced"),
    [
        (Timeouts(), False),  # connect (10 s) fires before total (60 s) in a pool wait
        (Timeouts(connect=None, total=5), True),
        (Timeouts(connect=5, total=5), True),
        (Timeouts(connect=5, total=None), False),
    ],
)
def test_connection_tracing_only_when_a_total_timeout_could_hide_the_phase(
    timeouts: Timeouts, traced: bool
) -> None:
    assert needs_trace(timeouts) is traced


async def test_pool_wait_past_the_connect_timeout_is_not_sent_without_tracing(
    local_zapi: FakeZapi, recording_sleep: VirtualClock
) -> None:
    timeouts = Timeouts(connect=0.2, read=None, total=30)
    async with one_busy_connection(local_zapi, recording_sleep, timeouts) as zapi:
        assert zapi._transport.open_session().trace_configs == []
        with pytest.raises(ZapiConnectionError, match="ConnectionTimeoutError"):
            await zapi.send(HELLO)
    assert [r["path"] for r in local_zapi.requests] == ["/hold"]


class SlowFirstLimiter:
    """Makes the first request wait ``delay`` real seconds for its slot."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.acquired = 0

    async def acquire(self) -> None:
        self.acquired += 1
        if self.acquired == 1:
            await asyncio.sleep(self.delay)

    async def pause(self, seconds: float) -> None:
        pass


async def test_waiting_for_the_limiter_does_not_use_up_max_elapsed(
    local_zapi: FakeZapi, recording_sleep: VirtualClock
) -> None:
    # Before: the limiter wait counted as retry time, so a slow (paced, shared)
    # limiter left no time for any retry and a 503 failed at once.
    async def unavailable(request: web.Request) -> web.Response:
        return web.json_response({"error": "busy"}, status=503)

    local_zapi.then(unavailable)
    policy = RetryPolicy(
        max_elapsed=0.25, backoff_base=0.05, sleep=recording_sleep, random=lambda: 0.0
    )
    limiter = SlowFirstLimiter(0.4)
    zapi = make_retrying_client(local_zapi.base_url, recording_sleep, retry=policy, limiter=limiter)
    async with zapi:
        results = await zapi.send(HELLO)

    assert results == [SendResult("Z1", "M1", "M1")]
    assert limiter.acquired == 2
    assert recording_sleep.delays == [0.05]


@pytest.mark.parametrize(
    ("header", "retry_after", "pause"),
    [("3600", 3600.0, 120.0), ("inf", None, 0.5), ("1e999", None, 0.5), ("nan", None, 0.5)],
)
async def test_a_huge_or_bogus_retry_after_cannot_stall_the_limiter(
    header: str,
    retry_after: float | None,
    pause: float,
    local_zapi: FakeZapi,
    recording_sleep: VirtualClock,
) -> None:
    # Before: the limiter was paused for the raw Retry-After (an hour, or forever
    # for "inf"), holding every sender of the instance although the retry delay
    # itself is capped at max_retry_after.
    async def limited(request: web.Request) -> web.Response:
        return web.json_response({"error": "slow"}, status=429, headers={"Retry-After": header})

    local_zapi.then(limited)
    limiter = Unlimited(clock=recording_sleep.time, sleep=recording_sleep)
    policy = RetryPolicy(max_attempts=1, sleep=recording_sleep, random=lambda: 0.0)
    zapi = make_retrying_client(local_zapi.base_url, recording_sleep, retry=policy, limiter=limiter)
    async with zapi:
        with pytest.raises(RateLimitedError) as caught:
            await zapi.send(HELLO)

    assert caught.value.retry_after == retry_after
    assert math.isfinite(limiter.paused_until)
    assert limiter.paused_until - recording_sleep.now == pause


def test_non_finite_retry_after_is_ignored() -> None:
    assert parse_retry_after("inf") is None
    assert parse_retry_after("-inf") is None
    assert parse_retry_after("NaN") is None
    assert parse_retry_after("1e999") is None
    assert parse_retry_after("2.5") == 2.5


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (
            f"<h1>Welcome</h1><p>/instances/x/token/{TOKEN}/send-text ({CLIENT_TOKEN})</p>",
            "text/html",
        ),
        (json.dumps({"path": f"/token/{TOKEN}", "seen": [CLIENT_TOKEN]}), "application/json"),
    ],
)
async def test_the_body_of_a_response_format_error_is_redacted(
    body: str, content_type: str, local_zapi: FakeZapi, client: ZapiClient
) -> None:
    # Before: a 2xx body that was not a send result was kept verbatim in
    # ResponseFormatError.body, token and Client-Token included.
    async def odd_success(request: web.Request) -> web.Response:
        return web.Response(status=200, text=body, content_type=content_type)

    local_zapi.then(odd_success)
    with pytest.raises(ResponseFormatError) as caught:
        await client.send(HELLO)

    shown = repr(caught.value.body) + repr(caught.value.args) + str(caught.value)
    assert TOKEN not in shown
    assert CLIENT_TOKEN not in shown
    assert "***" in repr(caught.value.body)


async def test_deeply_nested_json_bodies_map_to_the_error_tree(
    local_zapi: FakeZapi, client: ZapiClient
) -> None:
    # Before: RecursionError (not a ZapiError) from json.loads, or from redacting a
    # body json.loads could still parse.
    too_deep_to_parse = "[" * 5000 + "]" * 5000
    too_deep_to_redact = "[" * 950 + "]" * 950

    async def deep_success(request: web.Request) -> web.Response:
        return web.Response(status=200, text=too_deep_to_parse, content_type="application/json")

    async def deep_error(request: web.Request) -> web.Response:
        return web.Response(status=500, text=too_deep_to_redact, content_type="application/json")

    local_zapi.then(deep_success, deep_error)
    with pytest.raises(ResponseFormatError) as success_error:
        await client.send(HELLO)
    assert success_error.value.body == too_deep_to_parse
    with pytest.raises(ServerError) as server_error:
        await client.send(HELLO)
    assert server_error.value.status == 500
    assert server_error.value.body == too_deep_to_redact


async def test_a_json_body_with_a_byte_order_mark_is_json(
    local_zapi: FakeZapi, client: ZapiClient
) -> None:
    # Before: the BOM made json.loads fail, and a good send raised ResponseFormatError.
    async def bom(request: web.Request) -> web.Response:
        raw = b"\xef\xbb\xbf" + json.dumps(OK_BODY).encode()
        return web.Response(status=200, body=raw, content_type="application/json")

    local_zapi.then(bom)
    assert await client.send(HELLO) == [SendResult("Z1", "M1", "M1")]


@pytest.mark.parametrize(
    ("factory", "field"),
    [
        (lambda: Timeouts(read=float("nan")), "Timeouts.read"),
        (lambda: PoolLimits(keepalive_timeout=float("nan")), "PoolLimits.keepalive_timeout"),
        (lambda: RetryPolicy(max_elapsed=float("nan")), "RetryPolicy.max_elapsed"),
        (lambda: RetryPolicy(backoff_base=-1), "RetryPolicy.backoff_base"),
    ],
)
def test_config_refuses_nan_and_negative_numbers(factory: Callable[[], object], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        factory()


@pytest.mark.parametrize("status", [429, 500, 503])
def test_client_token_wording_on_non_4xx_or_429_is_not_an_auth_error(status: int) -> None:
    error = error_for_status(
        status,
        {"error": "client-token service degraded"},
        endpoint="/x",
        method="POST",
        headers={},
        redact=Redactor([]),
    )
    assert not isinstance(error, AuthenticationError)
