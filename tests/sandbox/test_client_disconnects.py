"""Clients hanging up are normal traffic: no traceback; sandbox bugs still log one."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import aiohttp
import pytest

from tests.support.credentials import CLIENT_TOKEN, INSTANCE, PHONE, TOKEN
from zapi_async.sandbox import ZapiSandbox

from .conftest import call

#: Seconds a wait for the server's side of a hang-up may take before the test fails.
WAIT_LIMIT = 10.0
TEXT = {"phone": PHONE, "message": "hi"}


class Gate:
    """The sandbox's ``sleep``: holds a request (its injected latency) until opened."""

    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.opened = asyncio.Event()

    async def sleep(self, seconds: float) -> None:
        self.entered.set()
        await self.opened.wait()


async def _until(condition: Callable[[], bool]) -> None:
    """Let the loop run (socket events included) until ``condition`` holds.

    The server's side of a hang-up has no event to wait on: aiohttp notices it when
    the loop polls the socket, so yield to the loop until it has.
    """

    async def spin() -> None:
        while not condition():  # noqa: ASYNC110 (no event exists for this)
            await asyncio.sleep(0)

    await asyncio.wait_for(spin(), WAIT_LIMIT)


def _server_saw_every_hang_up(sandbox: ZapiSandbox) -> bool:
    """Whether aiohttp noticed that every client connection closed (handlers may still run)."""
    runner = sandbox._server._runner
    assert runner is not None
    assert runner.server is not None
    return all(handler.transport is None for handler in runner.server.connections)


async def test_a_client_hanging_up_mid_request_logs_no_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    gate = Gate()
    async with ZapiSandbox(INSTANCE, TOKEN, client_token=CLIENT_TOKEN, sleep=gate.sleep) as sandbox:
        sandbox.faults.set_latency(1.0, endpoint="send-text")
        with caplog.at_level(logging.DEBUG):
            async with aiohttp.ClientSession(headers={"Client-Token": CLIENT_TOKEN}) as http:
                send = asyncio.create_task(call(http, sandbox, "POST", "send-text", TEXT))
                await gate.entered.wait()
                send.cancel()  # the user's send is cancelled while the server holds it
                with contextlib.suppress(asyncio.CancelledError):
                    await send
            await _until(lambda: _server_saw_every_hang_up(sandbox))
            gate.opened.set()
            await _until(lambda: len(sandbox.requests) == 1)
        [request] = sandbox.requests
        assert (request.method, request.endpoint, request.status, request.fault) == (
            "POST",
            "send-text",
            None,
            None,
        )
        assert sandbox.messages == []  # the body was never read: nothing accepted
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert "Error handling request" not in caplog.text
    assert ("zapi_async.sandbox", logging.DEBUG, "client went away during POST send-text") in (
        caplog.record_tuples
    )


async def test_the_sandbox_keeps_serving_after_a_hang_up(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    gate = Gate()
    sandbox._server._sleep = gate.sleep
    sandbox.faults.set_latency(1.0, endpoint="send-text")
    async with aiohttp.ClientSession(headers={"Client-Token": CLIENT_TOKEN}) as other:
        send = asyncio.create_task(call(other, sandbox, "POST", "send-text", TEXT))
        await gate.entered.wait()
        send.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await send
    await _until(lambda: _server_saw_every_hang_up(sandbox))
    gate.opened.set()
    sandbox.faults.set_latency(None, endpoint="send-text")
    status, body = await call(http, sandbox, "POST", "send-text", TEXT)
    assert status == 200
    assert [m.message_id for m in sandbox.messages] == [body["messageId"]]


async def test_a_sandbox_bug_still_logs_a_traceback_and_answers_500(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ConnectionResetError("a bug that merely looks like a hang-up")

    sandbox.instance.handle = broken  # type: ignore[method-assign]
    with caplog.at_level(logging.ERROR, logger="zapi_async.sandbox"):
        status, body = await call(http, sandbox, "POST", "send-text", TEXT)
    assert (status, body) == (500, {"error": "sandbox internal error"})
    [record] = caplog.records
    assert record.getMessage() == "sandbox bug while handling send-text"
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ConnectionResetError)
