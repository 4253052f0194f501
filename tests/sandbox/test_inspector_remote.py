"""Driving a running sandbox from outside: ``ControlClient``, ``run_control`` (the CLI
verbs) and ``serve_sandbox`` (the command) with its inspector."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from typing import Any

import aiohttp
import pytest

from zapi_async.sandbox import ZapiSandbox, serve_sandbox
from zapi_async.sandbox.inspector import ControlClient, ControlError, run_control

from .inspector_fixtures import (
    PHONE,
    TOKEN,
    WebhookReceiver,
    control_http,
    inspected,
    receiver,
    send_mixed,
)

#: The fixtures this module imports (listed so linters see them used).
__all__ = ["control_http", "inspected", "receiver"]


async def test_the_control_client(inspected: ZapiSandbox, receiver: WebhookReceiver) -> None:
    _, reply_id = await send_mixed(inspected)
    async with ControlClient(inspected.inspector_url) as control:
        assert (await control.press(reply_id, "agent"))["ok"] is True
        assert (await control.say(PHONE, "hi", reply_to=reply_id))["ok"] is True
        assert (await control.fault("drop", n=1))["faults"]["scripted"][0]["kind"] == "drop_before"
        snapshot = await control.state(PHONE)
        assert snapshot["chat"]["id"] == PHONE
        with pytest.raises(ControlError, match="no button with id 'nope'") as caught:
            await control.press(reply_id, "nope")
        assert caught.value.status == 400
    assert receiver.payloads[1]["referenceMessageId"] == reply_id


async def test_run_control_prints_json_and_exit_codes(
    inspected: ZapiSandbox, receiver: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, reply_id = await send_mixed(inspected)
    monkeypatch.setenv("ZAPI_SANDBOX_URL", inspected.inspector_url)

    def run(verb: str, **options: Any) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = run_control(verb, out=out, err=err, **options)
        return code, out.getvalue(), err.getvalue()

    code, out, _ = await asyncio.to_thread(run, "press", message_id=reply_id, button_id="agent")
    assert code == 0
    assert json.loads(out)["type"] == "ReceivedCallback"
    code, _, err = await asyncio.to_thread(run, "press", message_id="NOPE", button_id="1")
    assert code == 2
    assert "no message with id 'NOPE'" in err
    receiver.status = 503
    code, _, err = await asyncio.to_thread(run, "say", phone=PHONE, text="hi")
    assert (code, "the webhook failed: HTTP 503" in err) == (1, True)
    code, _, _ = await asyncio.to_thread(run, "vote", message_id=reply_id, option=["x"])
    assert code == 2
    code, out, _ = await asyncio.to_thread(run, "disconnect")
    assert not inspected.connected
    code, _, err = await asyncio.to_thread(run, "state", url="http://127.0.0.1:9/")
    assert code == 3
    assert "no sandbox inspector at http://127.0.0.1:9/" in err


async def test_the_runner_serves_and_prints_the_inspector() -> None:
    lines: list[str] = []
    ready: asyncio.Future[ZapiSandbox] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        serve_sandbox(
            port=0, token=TOKEN, inspector=True, echo=lines.append, on_ready=ready.set_result
        )
    )
    sandbox = await ready
    async with aiohttp.ClientSession() as http, http.get(sandbox.inspector_url) as response:
        assert response.status == 200
        assert "Z-API sandbox inspector" in await response.text()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert f"  inspector   : {sandbox.inspector_url}" in lines
    assert TOKEN not in "\n".join(lines)
    quiet: list[str] = []
    started: asyncio.Future[ZapiSandbox] = asyncio.get_running_loop().create_future()
    off = asyncio.create_task(serve_sandbox(port=0, echo=quiet.append, on_ready=started.set_result))
    assert (await started).inspector is None
    off.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await off
    assert not any("inspector" in line for line in quiet)
