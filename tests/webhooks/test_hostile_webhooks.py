"""Hostile webhook requests get the promised 4xx/503, never a 500, and a hanging
handler cannot pile up tasks without bound (issue 19 items 9 and 10)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from aiohttp.test_utils import TestServer

from zapi_async import SettingsError
from zapi_async.webhooks import (
    ReceivedCallback,
    RouterBusyError,
    WebhookRouter,
    WebhookSecurity,
    make_aiohttp_app,
    parse_webhook,
)

EVENT = (
    b'{"type": "ReceivedCallback", "phone": "5511999999999", "messageId": "M%d",'
    b' "text": {"message": "hi"}}'
)


async def post_raw(port: int | None, path: str, body: bytes, headers: bytes = b"") -> int:
    """POST with raw header bytes (a client library would refuse non-UTF-8 ones)."""
    assert port is not None
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST "
        + path.encode()
        + b" HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + headers
        + b"Content-Length: "
        + str(len(body)).encode()
        + b"\r\nConnection: close\r\n\r\n"
        + body
    )
    await writer.drain()
    status_line = await reader.readline()
    writer.close()
    await writer.wait_closed()
    return int(status_line.split()[1])


@pytest.fixture
async def server() -> AsyncIterator[tuple[TestServer, WebhookRouter]]:
    router = WebhookRouter(max_pending=50)
    hang = asyncio.Event()

    @router.on_event(ReceivedCallback)
    async def stuck(event: ReceivedCallback) -> None:
        await hang.wait()

    app = make_aiohttp_app(router, WebhookSecurity(secret="s3cr3t"))
    test_server = TestServer(app, host="127.0.0.1")
    await test_server.start_server()
    try:
        yield test_server, router
    finally:
        hang.set()
        await test_server.close()


HOSTILE = {
    "200k-deep nesting": b'{"a": ' + b"[" * 200_000 + b"]" * 200_000 + b"}",
    "100-deep nesting": b'{"a": ' + b"[" * 100 + b"]" * 100 + b"}",
    "5,000-digit integer": b'{"type": "ReceivedCallback", "momment": ' + b"9" * 5000 + b"}",
    "not UTF-8": b'{"type": "\xff"}',
    "an array": b"[]",
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
async def test_malformed_bodies_get_400(
    server: tuple[TestServer, WebhookRouter], case: str
) -> None:
    test_server, router = server
    status = await post_raw(test_server.port, "/", HOSTILE[case], b"X-Webhook-Secret: s3cr3t\r\n")
    assert status == 400
    assert router.pending == 0


async def test_a_non_utf8_secret_header_gets_403(server: tuple[TestServer, WebhookRouter]) -> None:
    test_server, _ = server
    body = EVENT % 1
    assert await post_raw(test_server.port, "/", body, b"X-Webhook-Secret: \xff\xfe\r\n") == 403


def test_a_huge_momment_has_no_moment() -> None:
    event = parse_webhook(
        b'{"type": "ReceivedCallback", "phone": "5511999999999", "momment": 1' + b"0" * 400 + b"}"
    )
    assert event.moment is None  # type: ignore[union-attr]


async def test_a_flood_to_a_hanging_handler_is_bounded(
    server: tuple[TestServer, WebhookRouter],
) -> None:
    test_server, router = server
    statuses = [
        await post_raw(test_server.port, "/", EVENT % i, b"X-Webhook-Secret: s3cr3t\r\n")
        for i in range(80)
    ]
    assert statuses.count(200) == 50
    assert statuses.count(503) == 30
    assert router.pending == 50


def test_router_limits_are_checked() -> None:
    with pytest.raises(SettingsError, match=r"WebhookRouter\.max_pending should be"):
        WebhookRouter(max_pending=0)
    with pytest.raises(SettingsError, match=r"WebhookRouter\.handler_timeout should be"):
        WebhookRouter(handler_timeout=0)
    assert WebhookRouter().handler_timeout == 60.0
    assert WebhookRouter().max_pending == 1000
    assert issubclass(RouterBusyError, RuntimeError)
