"""The standalone runner used by ``python -m zapi_async sandbox``."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import aiohttp

from zapi_async.sandbox import ZapiSandbox, serve_sandbox
from zapi_async.sandbox.runner import DEFAULT_INSTANCE_ID, DEFAULT_TOKEN


async def _serve(**options: Any) -> tuple[list[str], int]:
    lines: list[str] = []
    ready: asyncio.Future[ZapiSandbox] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        serve_sandbox(port=0, echo=lines.append, on_ready=ready.set_result, **options)
    )
    sandbox = await ready
    url = f"{sandbox.base_url}/instances/{sandbox.instance_id}/token/{sandbox.token}/status"
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        status = response.status
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    return lines, status


async def test_default_credentials_are_printed() -> None:
    lines, status = await _serve()
    assert status == 200
    assert lines[0].startswith("Z-API sandbox listening on http://127.0.0.1:")
    assert lines[1:4] == [
        f"  instance id : {DEFAULT_INSTANCE_ID}",
        f"  token       : {DEFAULT_TOKEN}",
        "  Client-Token: not required",
    ]


async def test_a_given_token_is_never_printed() -> None:
    lines, status = await _serve(token="MY-SECRET-TOKEN", instance_id="ABC")
    assert status == 200
    assert "MY-SECRET-TOKEN" not in "\n".join(lines)
    assert "  token       : (the one you passed)" in lines
