"""SecretLogFilter keeps the webhook secret out of access logs: unit tests on log
records, and uvicorn serving ``examples/fastapi_bot.py`` (the docs' FastAPI pattern:
router, client opened by the lifespan) with its access log on."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sys
from pathlib import Path

import pytest

from tests.cli.conftest import RUN_TIMEOUT
from zapi_async import ButtonActionsMessage, ReplyButton, SettingsError, ZapiClient
from zapi_async.sandbox import ZapiSandbox
from zapi_async.webhooks import SecretLogFilter

ROOT = Path(__file__).resolve().parent.parent.parent
SECRET = "s3cr3t-webhook-path-0f9a"
ACCESS_FORMAT = '%s - "%s %s HTTP/%s" %d'


def _record(msg: str, args: object) -> logging.LogRecord:
    return logging.LogRecord("uvicorn.access", logging.INFO, "x", 1, msg, args, None)  # type: ignore[arg-type]


def test_the_secret_is_masked_in_arguments_and_messages() -> None:
    masking = SecretLogFilter(SECRET)
    uvicorn_line = _record(
        ACCESS_FORMAT, ("127.0.0.1:50312", "POST", f"/zapi/{SECRET}", "1.1", 200)
    )
    assert masking.filter(uvicorn_line) is True
    assert uvicorn_line.getMessage() == '127.0.0.1:50312 - "POST /zapi/*** HTTP/1.1" 200'
    aiohttp_line = _record(f'127.0.0.1 "POST /zapi/{SECRET}?x=1 HTTP/1.1" 200', ())
    masking.filter(aiohttp_line)
    assert aiohttp_line.getMessage() == '127.0.0.1 "POST /zapi/***?x=1 HTTP/1.1" 200'
    mapping = _record("%(path)s %(n)d", ({"path": f"/zapi/{SECRET}", "n": 3},))
    masking.filter(mapping)
    assert mapping.getMessage() == "/zapi/*** 3"
    untouched = _record("%s took %.1f s", ("/health", 0.25))
    masking.filter(untouched)
    assert untouched.getMessage() == "/health took 0.2 s"


def test_install_adds_it_to_the_access_loggers_and_hides_the_secret() -> None:
    masking = SecretLogFilter(SECRET).install()
    try:
        for name in ("uvicorn.access", "aiohttp.access"):
            assert masking in logging.getLogger(name).filters
    finally:
        for name in ("uvicorn.access", "aiohttp.access"):
            logging.getLogger(name).removeFilter(masking)
    assert repr(masking) == "SecretLogFilter(secret=***)"
    assert SECRET not in repr(masking)
    with pytest.raises(SettingsError, match=r"SecretLogFilter\.secret should be a non-empty"):
        SecretLogFilter("")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _read_until(stream: asyncio.StreamReader, text: str) -> str:
    seen = ""
    while text not in seen:
        line = await asyncio.wait_for(stream.readline(), RUN_TIMEOUT)
        assert line, f"uvicorn stopped before printing {text!r}: {seen}"
        seen += line.decode()
    return seen


async def test_uvicorn_serving_the_fastapi_example_logs_the_path_masked() -> None:
    pytest.importorskip("uvicorn")
    port = _free_port()
    async with ZapiSandbox("FASTAPI", "FASTAPI-TOKEN") as sandbox:
        env = {k: v for k, v in os.environ.items() if not k.startswith("ZAPI_")}
        env.update(
            ZAPI_INSTANCE_ID="FASTAPI",
            ZAPI_TOKEN="FASTAPI-TOKEN",
            ZAPI_BASE_URL=sandbox.base_url,
            WEBHOOK_SECRET=SECRET,
            PYTHONUNBUFFERED="1",
        )
        server = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "uvicorn", "--factory", "examples.fastapi_bot:app_from_env",
            "--host", "127.0.0.1", "--port", str(port),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT, env=env, cwd=ROOT,
        )  # fmt: skip
        assert server.stdout is not None
        try:
            # uvicorn binds its socket after the lifespan startup: wait for the bind.
            seen = await _read_until(server.stdout, "Uvicorn running on")
            sandbox.webhook_url = f"http://127.0.0.1:{port}/zapi/{SECRET}"
            async with ZapiClient("FASTAPI", "FASTAPI-TOKEN", base_url=sandbox.base_url) as zapi:
                [menu] = await zapi.send_button_actions(
                    ButtonActionsMessage(
                        phone="5511999999999",
                        message="Menu",
                        buttons=[ReplyButton("Track my order", id="order")],
                    )
                )
            await sandbox.press_button(menu.message_id, "order")
            seen += await _read_until(server.stdout, '"POST /zapi/')

            async def answered() -> None:
                # The bot (another process) answers after its 200: look until it has.
                while len(sandbox.messages) < 2:  # noqa: ASYNC110
                    await asyncio.sleep(0.05)

            await asyncio.wait_for(answered(), RUN_TIMEOUT)
        finally:
            server.send_signal(signal.SIGINT)
            rest, _ = await asyncio.wait_for(server.communicate(), RUN_TIMEOUT)
        answer = sandbox.messages[-1].body
    output = seen + rest.decode()
    assert answer == {
        "phone": "5511999999999",
        "message": "Your order #1042 left our warehouse this morning.",
    }
    assert '"POST /zapi/*** HTTP/1.1" 200' in output
    assert SECRET not in output
    assert "Traceback" not in output
