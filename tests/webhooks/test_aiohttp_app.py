"""The aiohttp adapter, driven over real HTTP (aiohttp.test_utils.TestServer)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from zapi_async.webhooks import (
    ReceivedCallback,
    WebhookEvent,
    WebhookRouter,
    WebhookSecurity,
    make_aiohttp_app,
    make_aiohttp_handler,
)

from ._corpus import INSTANCE, payload_bytes

SECRET = "s3cr3t-path-token"
JSON = {"Content-Type": "application/json"}


class Recorder:
    """A router with one catch-all handler recording what reached it."""

    def __init__(self, **kwargs: Any) -> None:
        self.router = WebhookRouter(**kwargs)
        self.events: list[WebhookEvent] = []

        @self.router.on_event(WebhookEvent, continue_=True)
        async def record(event: WebhookEvent) -> None:
            self.events.append(event)


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


async def serve(app: web.Application) -> TestClient[web.Request, web.Application]:
    client = TestClient(TestServer(app, host="127.0.0.1"))
    await client.start_server()
    return client


@pytest.fixture
async def mounted(recorder: Recorder) -> AsyncIterator[TestClient[web.Request, web.Application]]:
    """A parent app with the webhook sub-app at /zapi, secret and instance checks on."""
    parent = web.Application()
    security = WebhookSecurity(secret=SECRET, instance_id=INSTANCE, max_body_bytes=4096)
    parent.add_subapp("/zapi", make_aiohttp_app(recorder.router, security))
    client = await serve(parent)
    yield client
    await client.close()


async def post(
    client: TestClient[web.Request, web.Application], path: str, body: bytes, **headers: str
) -> tuple[int, Any]:
    async with client.post(path, data=body, headers={**JSON, **headers}) as resp:
        return resp.status, await resp.json()


async def test_a_button_press_reaches_the_handler(
    mounted: TestClient[web.Request, web.Application], recorder: Recorder
) -> None:
    status, body = await post(mounted, f"/zapi/{SECRET}", payload_bytes("received_button"))
    assert (status, body) == (200, {"ok": True})
    await recorder.router.join()
    [event] = recorder.events
    assert isinstance(event, ReceivedCallback)
    assert (event.button_id, event.reference_message_id) == ("agent", "D241A5B6732339502B68")


async def test_secret_in_header(
    mounted: TestClient[web.Request, web.Application], recorder: Recorder
) -> None:
    for path in ("/zapi", "/zapi/"):
        status, _ = await post(
            mounted, path, payload_bytes("delivery"), **{"X-Webhook-Secret": SECRET}
        )
        assert status == 200
    await recorder.router.join()
    assert [e.type for e in recorder.events] == ["DeliveryCallback"]  # second one: duplicate


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/zapi/", {}),
        ("/zapi/wrong-secret", {}),
        ("/zapi/", {"X-Webhook-Secret": "wrong"}),
        ("/zapi/" + SECRET[:-1], {"X-Webhook-Secret": SECRET[:-1]}),
    ],
)
async def test_wrong_or_missing_secret_is_403(
    mounted: TestClient[web.Request, web.Application],
    recorder: Recorder,
    path: str,
    headers: dict[str, str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING, logger="zapi_async.webhooks"):
        status, body = await post(mounted, path, payload_bytes("received_button"), **headers)
    assert (status, body) == (403, {"error": "forbidden"})
    await recorder.router.join()
    assert recorder.events == []
    assert caplog.messages == ["webhook refused: missing or wrong secret"]
    assert SECRET not in caplog.text


async def test_other_instance_is_403(
    mounted: TestClient[web.Request, web.Application], recorder: Recorder
) -> None:
    body = json.dumps({**json.loads(payload_bytes("received_button")), "instanceId": "OTHER"})
    status, answer = await post(mounted, f"/zapi/{SECRET}", body.encode())
    assert (status, answer) == (403, {"error": "forbidden"})
    await recorder.router.join()
    assert recorder.events == []


async def test_large_body_is_413_by_content_length(
    mounted: TestClient[web.Request, web.Application], recorder: Recorder
) -> None:
    big = b'{"type": "x", "pad": "' + b"a" * 5000 + b'"}'
    status, body = await post(mounted, f"/zapi/{SECRET}", big)
    assert (status, body) == (413, {"error": "request body too large"})
    assert recorder.events == []


async def test_large_chunked_body_is_413_while_streaming(
    mounted: TestClient[web.Request, web.Application], recorder: Recorder
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"type": "x", "pad": "'
        for _ in range(10):
            yield b"a" * 1000
        yield b'"}'

    async with mounted.post(f"/zapi/{SECRET}", data=chunks(), headers=JSON) as resp:
        assert resp.status == 413
        assert await resp.json() == {"error": "request body too large"}
    assert recorder.events == []


@pytest.mark.parametrize(
    ("body", "error"),
    [
        (b"not json", "webhook body is not valid JSON: Expecting value at line 1 column 1"),
        (b"[]", "webhook body must be a JSON object, got an array"),
    ],
)
async def test_malformed_body_is_400(
    mounted: TestClient[web.Request, web.Application],
    recorder: Recorder,
    body: bytes,
    error: str,
) -> None:
    status, answer = await post(mounted, f"/zapi/{SECRET}", body)
    assert (status, answer) == (400, {"error": error})
    await recorder.router.join()
    assert recorder.events == []


async def test_handler_failure_still_answers_200(caplog: pytest.LogCaptureFixture) -> None:
    router = WebhookRouter()
    ran: list[str | None] = []

    @router.on_button(continue_=True)
    async def broken(event: ReceivedCallback) -> None:
        raise RuntimeError("handler bug")

    @router.on_button()
    async def fine(event: ReceivedCallback) -> None:
        ran.append(event.message_id)

    client = await serve(make_aiohttp_app(router))
    try:
        with caplog.at_level(logging.ERROR, logger="zapi_async.webhooks"):
            status, body = await post(client, "/", payload_bytes("received_button"))
            await router.join()
    finally:
        await client.close()
    assert (status, body) == (200, {"ok": True})
    assert ran == ["3EB0C4F2A1B2C3D4E5F6"]
    assert caplog.messages == [
        "webhook handler test_handler_failure_still_answers_200.<locals>.broken failed "
        "on ReceivedCallback"
    ]


async def test_response_does_not_wait_for_handlers() -> None:
    router = WebhookRouter()
    gate = asyncio.Event()
    done: list[str | None] = []

    @router.on_text
    async def slow(event: ReceivedCallback) -> None:
        await gate.wait()
        done.append(event.message_id)

    client = await serve(make_aiohttp_app(router))
    try:
        status, _ = await post(client, "/", payload_bytes("received_text"))
        assert status == 200
        assert (done, router.pending) == ([], 1)
        gate.set()
        await router.join()
        assert done == ["3EB0E1F2A3B4C5D6E7F8"]
    finally:
        await client.close()


async def test_duplicate_deliveries_run_handlers_once(
    mounted: TestClient[web.Request, web.Application], recorder: Recorder
) -> None:
    for _ in range(3):
        status, _ = await post(mounted, f"/zapi/{SECRET}", payload_bytes("received_button"))
        assert status == 200
    await recorder.router.join()
    assert len(recorder.events) == 1


async def test_handler_on_a_user_route_and_shutdown_closes_the_router() -> None:
    recorder = Recorder()
    app = web.Application()
    security = WebhookSecurity(secret=SECRET)
    app.router.add_post("/hooks/{secret}", make_aiohttp_handler(recorder.router, security))
    client = await serve(app)
    try:
        status, _ = await post(client, f"/hooks/{SECRET}", payload_bytes("status_read"))
        assert status == 200
        await recorder.router.join()
        assert [e.type for e in recorder.events] == ["MessageStatusCallback"]
    finally:
        await client.close()
    assert not recorder.router.closed  # a bare handler leaves the lifecycle to the user


async def test_sub_app_shutdown_closes_the_router(recorder: Recorder) -> None:
    parent = web.Application()
    parent.add_subapp("/zapi", make_aiohttp_app(recorder.router))
    client = await serve(parent)
    await client.close()
    assert recorder.router.closed


async def test_closed_router_answers_503(recorder: Recorder) -> None:
    client = await serve(make_aiohttp_app(recorder.router))
    try:
        await recorder.router.aclose()
        status, body = await post(client, "/", payload_bytes("received_text"))
    finally:
        await client.close()
    assert (status, body) == (503, {"error": "shutting down, retry later"})
