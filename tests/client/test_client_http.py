"""ZapiClient against a real local HTTP server: wire, order, retries, faults, pooling."""

from __future__ import annotations

import asyncio
import json

import aiohttp
import pytest
from aiohttp import web

from tests.support.clock import VirtualClock
from tests.support.credentials import CLIENT_TOKEN, INSTANCE, TOKEN
from tests.support.fake_zapi import FakeZapi, make_retrying_client
from tests.support.seed import SEED_CALL_URL_BODY, SEED_REPLY_BODY, seed_message
from zapi_async import (
    ButtonActionsMessage,
    DeliveryUnknownError,
    PartialSendError,
    RateLimitedError,
    ReplyButton,
    SendResult,
    ServerError,
    ValidationError,
    ZapiClient,
    ZapiConnectionError,
)
from zapi_async.config import PoolLimits, Timeouts
from zapi_async.errors import ClientClosedError
from zapi_async.http.retry import RetryPolicy

SEED_MIXED = seed_message()


def status(code: int, body: object = None, headers: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    async def handler(request: web.Request) -> web.Response:
        if isinstance(body, str):
            return web.Response(status=code, text=body, headers=headers, content_type="text/html")
        return web.json_response(body or {"error": f"status {code}"}, status=code, headers=headers)

    return handler


async def drop_connection(request: web.Request) -> web.StreamResponse:
    assert request.transport is not None
    request.transport.close()
    return web.Response()


async def test_mixed_message_goes_out_as_the_seeds_two_bodies_in_order(
    client: ZapiClient, local_zapi: FakeZapi
) -> None:
    results = await client.send_button_actions(SEED_MIXED)

    assert results == [SendResult("Z1", "M1", "M1"), SendResult("Z2", "M2", "M2")]
    bodies = [json.loads(r["body"]) for r in local_zapi.requests]
    assert bodies == [SEED_CALL_URL_BODY, SEED_REPLY_BODY]
    for request in local_zapi.requests:
        assert request["method"] == "POST"
        assert request["path"] == f"/instances/{INSTANCE}/token/{TOKEN}/send-button-actions"
        assert request["headers"]["Content-Type"] == "application/json"
        assert request["headers"]["Client-Token"] == CLIENT_TOKEN


async def test_no_client_token_header_when_none_given(local_zapi: FakeZapi) -> None:
    async with ZapiClient(INSTANCE, TOKEN, base_url=local_zapi.base_url) as zapi:
        await zapi.request("GET", "status")
    assert "Client-Token" not in local_zapi.requests[0]["headers"]
    assert local_zapi.requests[0]["headers"]["Content-Type"] == "application/json"
    assert local_zapi.requests[0]["body"] == b""


async def test_split_false_refuses_a_mixed_message_before_any_io(
    client: ZapiClient, local_zapi: FakeZapi
) -> None:
    with pytest.raises(ValidationError, match="should not mix REPLY buttons"):
        await client.send_button_actions(SEED_MIXED, split=False)
    assert local_zapi.requests == []


async def test_later_part_failure_reports_the_parts_already_sent(
    client: ZapiClient, local_zapi: FakeZapi
) -> None:
    async def first_ok(request: web.Request) -> web.Response:
        return web.json_response({"zaapId": "Z1", "messageId": "M1", "id": "M1"})

    local_zapi.then(first_ok, status(400, {"error": "invalid phone"}))
    with pytest.raises(PartialSendError) as caught:
        await client.send_button_actions(SEED_MIXED)

    error = caught.value
    assert error.sent == [SendResult("Z1", "M1", "M1")]
    assert (error.failed_part, error.total_parts) == (1, 2)
    assert error.error.status == 400  # type: ignore[attr-defined]
    assert "part 2 of 2 failed after 1 part(s) were sent (message ids: M1)" in str(error)
    assert len(local_zapi.requests) == 2


async def test_first_part_failure_raises_its_own_error_and_sends_nothing_more(
    client: ZapiClient, local_zapi: FakeZapi
) -> None:
    local_zapi.then(status(500, {"error": "boom"}))
    with pytest.raises(ServerError) as caught:
        await client.send_button_actions(SEED_MIXED)
    assert caught.value.error == "boom"
    assert len(local_zapi.requests) == 1


async def test_503_is_retried_with_backoff_then_succeeds(
    client: ZapiClient, local_zapi: FakeZapi, recording_sleep: VirtualClock
) -> None:
    local_zapi.then(status(503), status(502))
    results = await client.send_button_actions(
        ButtonActionsMessage("551199999999", "hi", [ReplyButton("ok")])
    )
    assert results == [SendResult("Z1", "M1", "M1")]
    assert len(local_zapi.requests) == 3
    assert recording_sleep.delays == [0.5, 1.0]


async def test_retries_stop_at_max_attempts(
    local_zapi: FakeZapi, recording_sleep: VirtualClock
) -> None:
    local_zapi.then(*[status(503)] * 10)
    policy = RetryPolicy(max_attempts=3, sleep=recording_sleep, random=lambda: 0.0)
    async with make_retrying_client(local_zapi.base_url, recording_sleep, retry=policy) as zapi:
        with pytest.raises(ServerError) as caught:
            await zapi.request("GET", "status")
    assert caught.value.status == 503
    assert len(local_zapi.requests) == 3


async def test_429_waits_retry_after_then_succeeds(
    client: ZapiClient, local_zapi: FakeZapi, recording_sleep: VirtualClock
) -> None:
    local_zapi.then(status(429, {"error": "slow down"}, {"Retry-After": "7"}))
    assert await client.request("GET", "status") == {
        "connected": True,
        "error": "You are already connected.",
        "smartphoneConnected": True,
    }
    assert recording_sleep.delays[0] == 7.0
    assert recording_sleep.now >= 1007.0
    assert len(local_zapi.requests) == 2


async def test_429_not_retried_when_policy_says_so(
    local_zapi: FakeZapi, recording_sleep: VirtualClock
) -> None:
    local_zapi.then(status(429, {"error": "slow down"}, {"Retry-After": "3"}))
    policy = RetryPolicy(retry_rate_limited=False, sleep=recording_sleep)
    async with make_retrying_client(local_zapi.base_url, recording_sleep, retry=policy) as zapi:
        with pytest.raises(RateLimitedError) as caught:
            await zapi.request("POST", "send-text", {"phone": "551199999999", "message": "x"})
    assert caught.value.retry_after == 3.0
    assert len(local_zapi.requests) == 1


async def test_dropped_connection_after_send_is_delivery_unknown_and_not_retried(
    client: ZapiClient, local_zapi: FakeZapi
) -> None:
    local_zapi.then(drop_connection)
    with pytest.raises(DeliveryUnknownError) as caught:
        await client.send_button_actions(
            ButtonActionsMessage("551199999999", "hi", [ReplyButton("ok")])
        )
    assert isinstance(caught.value, TimeoutError)
    assert "may have been sent" in str(caught.value)
    assert len(local_zapi.requests) == 1


async def test_delivery_unknown_is_retried_when_opted_in(
    local_zapi: FakeZapi, recording_sleep: VirtualClock
) -> None:
    local_zapi.then(drop_connection)
    policy = RetryPolicy(retry_delivery_unknown=True, sleep=recording_sleep, random=lambda: 0.0)
    async with make_retrying_client(local_zapi.base_url, recording_sleep, retry=policy) as zapi:
        results = await zapi.send(ButtonActionsMessage("551199999999", "hi", [ReplyButton("ok")]))
    assert [r.message_id for r in results] == ["M1"]
    assert len(local_zapi.requests) == 2


async def test_read_timeout_is_delivery_unknown(
    local_zapi: FakeZapi, recording_sleep: VirtualClock
) -> None:
    never = asyncio.Event()

    async def hang(request: web.Request) -> web.Response:
        await never.wait()
        return web.Response()

    local_zapi.then(hang)
    async with make_retrying_client(
        local_zapi.base_url, recording_sleep, timeouts=Timeouts(read=0.2, total=5)
    ) as zapi:
        with pytest.raises(DeliveryUnknownError, match=r"SocketTimeoutError|TimeoutError"):
            await zapi.request("POST", "send-text", {"phone": "551199999999", "message": "x"})
    assert len(local_zapi.requests) == 1


async def test_connection_refused_is_retried_then_raises_connection_error(
    recording_sleep: VirtualClock, unused_tcp_port: int
) -> None:
    policy = RetryPolicy(max_attempts=3, sleep=recording_sleep, random=lambda: 0.0)
    async with make_retrying_client(
        f"http://127.0.0.1:{unused_tcp_port}", recording_sleep, retry=policy
    ) as zapi:
        with pytest.raises(ZapiConnectionError) as caught:
            await zapi.request("GET", "status")
    assert recording_sleep.delays == [0.5, 1.0]
    assert caught.value.endpoint == f"/instances/{INSTANCE}/token/***/status"


async def test_connections_are_reused(client: ZapiClient, local_zapi: FakeZapi) -> None:
    for _ in range(20):
        await client.request("GET", "status")
    client_ports = {r for r in local_zapi.peers if r is not None}
    # One server socket address plus a single client connection.
    assert len(client_ports) == 2


async def test_thousand_concurrent_sends_through_one_pooled_client(
    local_zapi: FakeZapi, recording_sleep: VirtualClock
) -> None:
    pool = PoolLimits(max_connections=20)
    async with make_retrying_client(local_zapi.base_url, recording_sleep, pool=pool) as zapi:
        message = ButtonActionsMessage("551199999999", "hi", [ReplyButton("ok")])
        results = await asyncio.gather(*(zapi.send(message) for _ in range(1000)))
    ids = {r[0].message_id for r in results}
    assert len(ids) == 1000
    assert len(local_zapi.requests) == 1000
    assert len(local_zapi.peers) - 1 <= 20


async def test_borrowed_session_is_never_closed(local_zapi: FakeZapi) -> None:
    async with aiohttp.ClientSession() as session:
        async with ZapiClient(
            INSTANCE, TOKEN, base_url=local_zapi.base_url, session=session
        ) as zapi:
            await zapi.request("GET", "status")
        assert not session.closed
        assert zapi.closed


async def test_use_after_close_raises_a_clear_error(client: ZapiClient) -> None:
    await client.close()
    await client.close()  # idempotent
    with pytest.raises(ClientClosedError, match="closed"):
        await client.request("GET", "status")
    with pytest.raises(ClientClosedError):
        async with client:
            pass


async def test_session_is_created_lazily_and_closed_by_close(local_zapi: FakeZapi) -> None:
    zapi = ZapiClient(INSTANCE, TOKEN, base_url=local_zapi.base_url)
    assert zapi._transport._session is None
    await zapi.request("GET", "status")
    session = zapi._transport._session
    assert session is not None
    assert not session.closed
    await zapi.close()
    assert session.closed
