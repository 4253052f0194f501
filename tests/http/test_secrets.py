"""The instance token and Client-Token never leak into errors, reprs, tracebacks or logs."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web

from tests.support.clock import VirtualClock
from tests.support.credentials import CLIENT_TOKEN, TOKEN
from tests.support.fake_zapi import FakeZapi, make_retrying_client
from zapi_async import (
    ButtonActionsMessage,
    CallButton,
    ReplyButton,
    ResponseFormatError,
    ZapiClient,
    ZapiError,
)
from zapi_async.http.retry import RetryPolicy

MIXED = ButtonActionsMessage(
    "551199999999", "hi", [CallButton("Call", phone="+5511999999999"), ReplyButton("Ok")]
)


def answer(
    code: int, body: object, content_type: str = "application/json"
) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def handler(request: web.Request) -> web.Response:
        text = body if isinstance(body, str) else None
        if text is not None:
            # Proxies echo the requested path, token included.
            text = text.replace("{path}", request.path)
            return web.Response(status=code, text=text, content_type=content_type)
        return web.json_response(body, status=code)

    return handler


async def echo_path_json(request: web.Request) -> web.Response:
    return web.json_response({"error": f"no route {request.path}", "token": TOKEN}, status=404)


async def drop(request: web.Request) -> web.Response:
    assert request.transport is not None
    request.transport.close()
    return web.Response()


async def ok(request: web.Request) -> web.Response:
    return web.json_response({"zaapId": "Z", "messageId": "M", "id": "M"})


SCENARIOS: dict[str, list[Callable[[web.Request], Awaitable[web.Response]]]] = {
    "auth": [answer(400, {"error": "null not allowed"})],
    "forbidden": [answer(403, "<h1>Forbidden {path}</h1>", "text/html")],
    "method": [answer(405, {"error": "Method Not Allowed"})],
    "media": [answer(415, {"error": "Unsupported"})],
    "rate": [answer(429, {"error": "slow"})],
    "server": [answer(500, "Internal error while handling {path}", "text/plain")],
    "not_found_echo": [echo_path_json],
    "bad_success": [answer(200, {"nope": True})],
    "unknown": [drop],
    "partial": [ok, answer(500, {"error": f"failed at /token/{TOKEN}/x"})],
}


def leaks(text: str) -> bool:
    return TOKEN in text or CLIENT_TOKEN in text


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
async def test_errors_never_show_secrets(
    scenario: str,
    local_zapi: FakeZapi,
    recording_sleep: VirtualClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="zapi_async")
    local_zapi.then(*SCENARIOS[scenario])
    policy = RetryPolicy(max_attempts=1, sleep=recording_sleep)
    async with make_retrying_client(local_zapi.base_url, recording_sleep, retry=policy) as zapi:
        assert not leaks(repr(zapi))
        with pytest.raises(ZapiError) as caught:
            await zapi.send(MIXED)
    error = caught.value
    rendered = [
        str(error),
        repr(error),
        repr(error.args),
        repr(vars(error)),
        "".join(traceback.format_exception(type(error), error, error.__traceback__)),
        caplog.text,
    ]
    for text in rendered:
        assert not leaks(text), text
    assert error.__context__ is None or not leaks(repr(error.__context__))


async def test_connection_error_and_retries_never_show_secrets(
    recording_sleep: VirtualClock, unused_tcp_port: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="zapi_async")
    policy = RetryPolicy(max_attempts=2, sleep=recording_sleep)
    async with make_retrying_client(
        f"http://127.0.0.1:{unused_tcp_port}", recording_sleep, retry=policy
    ) as zapi:
        with pytest.raises(ZapiError) as caught:
            await zapi.send(MIXED)
    text = "".join(
        traceback.format_exception(type(caught.value), caught.value, caught.value.__traceback__)
    )
    assert "retrying" in caplog.text
    assert not leaks(text)
    assert not leaks(caplog.text)
    assert not leaks(str(caught.value))


def test_repr_shows_no_secrets() -> None:
    zapi = ZapiClient("INST", TOKEN, client_token=CLIENT_TOKEN)
    assert (
        repr(zapi)
        == "ZapiClient(instance_id='INST', base_url='https://api.z-api.io', state='unopened')"
    )


@pytest.mark.parametrize("call", ["status", "queue_count", "list_queue_page"])
async def test_unexpected_success_pages_never_show_secrets(
    call: str, local_zapi: FakeZapi, recording_sleep: VirtualClock
) -> None:
    # A proxy answering 200 with a page that echoes the requested (tokenised) path.
    local_zapi.then(answer(200, "<html>You asked for {path}</html>", "text/html"))
    async with make_retrying_client(local_zapi.base_url, recording_sleep) as zapi:
        with pytest.raises(ResponseFormatError) as caught:
            await getattr(zapi, call)()
    error = caught.value
    assert "/token/***/" in error.endpoint
    assert "***" in str(error.body)
    for text in (str(error), repr(error.body), repr(vars(error))):
        assert not leaks(text), text
