"""``status``, ``qr``, ``webhooks`` and ``send-text`` run as a person runs them (issue 17)."""

from __future__ import annotations

import asyncio
import struct
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import zxingcpp
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.support.credentials import CLIENT_TOKEN, INSTANCE, TOKEN
from zapi_async.cli.qr_render import png_pixels
from zapi_async.sandbox import ZapiSandbox

from .conftest import RUN_TIMEOUT, CliRun, cli_env, finish, run_cli, start_cli

QR_HINT = "scan it with WhatsApp (Settings > Linked devices > Link a device)."


def decode_png(png: bytes) -> str:
    pixels = png_pixels(png)
    gray = bytes(0 if dark else 255 for row in pixels for dark in row)
    found = zxingcpp.read_barcodes(memoryview(gray).cast("B", (len(pixels), len(pixels[0]))))
    assert len(found) == 1
    return str(found[0].text)


def decode_drawing(lines: list[str]) -> str:
    """The text of a QR code drawn with half blocks (what a phone camera would read)."""
    width = max(len(line) for line in lines)
    rows: list[list[bool]] = []
    for line in lines:
        cells = line.ljust(width)
        rows.append([c in "▀█" for c in cells])
        rows.append([c in "▄█" for c in cells])
    scale, border = 4, 4
    size_x, size_y = (width + 2 * border) * scale, (len(rows) + 2 * border) * scale
    gray = bytearray([255]) * (size_x * size_y)
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    start = ((y + border) * scale + dy) * size_x + (x + border) * scale
                    gray[start : start + scale] = bytes(scale)
    found = zxingcpp.read_barcodes(memoryview(bytes(gray)).cast("B", (size_y, size_x)))
    assert len(found) == 1
    return str(found[0].text)


async def read_until(process: asyncio.subprocess.Process, prefix: str) -> list[str]:
    """stdout lines up to and including the first one starting with ``prefix``."""
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or not lines[-1].startswith(prefix):
        raw = await asyncio.wait_for(process.stdout.readline(), RUN_TIMEOUT)
        assert raw, f"the command exited before printing {prefix!r}: {lines}"
        lines.append(raw.decode().rstrip("\n"))
    return lines


# -- status -----------------------------------------------------------------------------


async def test_status_connected_and_disconnected(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    run = await run_cli("status", env=cli_env(sandbox), cwd=tmp_path)
    assert (run.code, run.stderr) == (0, "")
    assert run.stdout.splitlines() == [
        "connected: yes",
        "phone connected: yes",
        "Z-API says: You are already connected.",
    ]
    sandbox.disconnect()
    run = await run_cli("status", env=cli_env(sandbox), cwd=tmp_path)
    assert run.code == 4
    assert run.stdout.splitlines() == [
        "connected: no",
        "phone connected: no",
        "Z-API says: You are not connected.",
    ]
    run.assert_no_secrets()


@pytest.mark.parametrize("command", [["status"], ["qr"], ["webhooks", "show"]])
async def test_missing_credentials_and_a_wrong_token(
    sandbox: ZapiSandbox, tmp_path: Path, command: list[str]
) -> None:
    run = await run_cli(*command, env=cli_env(), cwd=tmp_path)
    assert run.code == 2
    assert run.stderr.startswith(
        "zapi-async: error: missing credentials: set ZAPI_INSTANCE_ID and ZAPI_TOKEN in the "
        "environment or put them in a --credentials FILE"
    )
    env = cli_env(sandbox, ZAPI_TOKEN="SECRET-WRONG-TOKEN-00")
    run = await run_cli(*command, env=env, cwd=tmp_path)
    assert run.code == 3
    assert "check ZAPI_INSTANCE_ID and ZAPI_TOKEN" in run.stderr
    assert "SECRET-WRONG-TOKEN-00" not in run.stdout + run.stderr


async def test_credentials_file(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    file = tmp_path / "zapi.env"
    file.write_text(
        f"ZAPI_INSTANCE_ID={INSTANCE}\nZAPI_TOKEN={TOKEN}\nZAPI_CLIENT_TOKEN={CLIENT_TOKEN}\n"
        f"ZAPI_BASE_URL={sandbox.base_url}\n"
    )
    file.chmod(0o600)
    run = await run_cli("status", "--credentials", str(file), env=cli_env(), cwd=tmp_path)
    assert run.code == 0
    run.assert_no_secrets()


async def test_unreachable_is_exit_4(tmp_path: Path, sandbox: ZapiSandbox) -> None:
    env = cli_env(sandbox, ZAPI_BASE_URL="http://127.0.0.1:9")
    run = await run_cli("status", env=env, cwd=tmp_path)
    assert run.code == 4
    assert run.stderr.startswith("zapi-async: error: cannot reach Z-API at http://127.0.0.1:9")
    run.assert_no_secrets()


# -- qr ---------------------------------------------------------------------------------


async def test_qr_draws_the_code_until_the_phone_connects(
    sandbox: ZapiSandbox, tmp_path: Path
) -> None:
    sandbox.disconnect()
    png = tmp_path / "qr.png"
    process = await start_cli(
        "qr", "--interval", "0.2", "--png", str(png), env=cli_env(sandbox), cwd=tmp_path
    )
    lines = await read_until(process, "QR code 1:")
    drawing = [line for line in lines[:-1] if line.strip()]
    assert decode_drawing(drawing) == sandbox.qr_codes[0]
    assert lines[-1] == f"QR code 1: {QR_HINT} A new one comes every 0.2 s; Ctrl+C to stop."
    await read_until(process, "QR code 2:")
    sandbox.connect()
    run = await finish(process)
    assert run.code == 0
    assert run.stdout.splitlines()[-1] == "connected"
    assert decode_png(png.read_bytes()) in sandbox.qr_codes
    assert len(sandbox.qr_codes) >= 2
    run.assert_no_secrets()


async def test_qr_gives_up_after_max_codes(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    sandbox.disconnect()
    run = await run_cli(
        "qr", "--interval", "0.1", "--max-codes", "2", env=cli_env(sandbox), cwd=tmp_path
    )
    assert run.code == 4
    assert len(sandbox.qr_codes) == 2
    assert run.stderr == (
        "not connected after 2 QR code(s); run 'zapi-async qr' again when ready\n"
    )


async def test_qr_when_already_connected(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    run = await run_cli("qr", env=cli_env(sandbox), cwd=tmp_path)
    assert (run.code, run.stdout) == (0, "already connected: nothing to pair\n")
    assert sandbox.qr_codes == []


async def test_qr_phone_code(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    sandbox.disconnect()
    process = await start_cli(
        "qr",
        "--phone-code",
        "5511900000000",
        "--interval",
        "0.2",
        env=cli_env(sandbox),
        cwd=tmp_path,
    )
    lines = await read_until(process, "On the phone:")
    code = sandbox.setup.pairing_codes[0]
    assert lines[0] == f"pairing code: {code[:4]}-{code[4:]}"
    sandbox.connect()
    run = await finish(process)
    assert (run.code, run.stdout.splitlines()[-1]) == (0, "connected")


async def test_qr_phone_code_refuses_a_formatted_number(
    sandbox: ZapiSandbox, tmp_path: Path
) -> None:
    sandbox.disconnect()
    run = await run_cli("qr", "--phone-code", "+55 11", env=cli_env(sandbox), cwd=tmp_path)
    assert run.code == 2
    assert run.stderr == (
        "zapi-async: error: --phone-code: should be digits only in DDI DDD NUMBER form "
        "(e.g. '5511999999999'), but was '+55 11'\n"
    )


def _interlaced_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 1)
    data = zlib.compress(b"\x00" * 72)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")
    )


@pytest.fixture
async def odd_zapi() -> AsyncIterator[str]:
    """A Z-API look-alike whose QR code is a PNG the terminal renderer cannot read."""

    async def handle(request: web.Request) -> web.StreamResponse:
        if request.path.endswith("/status"):
            return web.json_response({"connected": False, "error": "You are not connected."})
        return web.Response(body=_interlaced_png(), content_type="image/png")

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


async def test_qr_saves_the_png_when_it_cannot_draw_it(odd_zapi: str, tmp_path: Path) -> None:
    env = cli_env(ZAPI_INSTANCE_ID=INSTANCE, ZAPI_TOKEN=TOKEN, ZAPI_BASE_URL=odd_zapi)
    run = await run_cli("qr", "--interval", "0.1", "--max-codes", "1", env=env, cwd=tmp_path)
    assert run.code == 4
    assert run.stderr.splitlines()[0] == (
        "cannot draw the QR code in the terminal (interlaced or unusual PNGs are not "
        "supported); saved it to zapi-qr.png: open it and scan it with WhatsApp"
    )
    assert (tmp_path / "zapi-qr.png").read_bytes() == _interlaced_png()


# -- webhooks ---------------------------------------------------------------------------


def _table(run: CliRun) -> dict[str, str]:
    return {line[:19].strip(): line[19:] for line in run.stdout.splitlines()}


async def test_webhooks_set_all_then_show(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    env = cli_env(sandbox)
    shown = await run_cli("webhooks", "show", env=env, cwd=tmp_path)
    assert shown.code == 0
    assert _table(shown) == {
        "received": "(not set)",
        "delivery": "(not set)",
        "message-status": "(not set)",
        "disconnected": "(not set)",
        "connected": "(not set)",
        "chat-presence": "(not set)",
        "notify sent by me": "off",
    }
    hook = "https://bot.example/zapi/SECRET-PATH-33?key=SECRET-KEY-44"
    run = await run_cli("webhooks", "set", hook, "--notify-sent-by-me", env=env, cwd=tmp_path)
    assert run.code == 0
    assert run.stdout.splitlines() == [
        "every webhook now goes to https://bot.example/zapi/***?***",
        "notify sent by me: on",
    ]
    assert set(sandbox.webhook_urls.values()) == {hook}
    assert sandbox.notify_sent_by_me
    shown = await run_cli("webhooks", "show", env=env, cwd=tmp_path)
    assert _table(shown)["received"] == "https://bot.example/zapi/***?***"
    assert _table(shown)["notify sent by me"] == "on"
    for result in (run, shown):
        result.assert_no_secrets()
        assert "SECRET-PATH-33" not in result.stdout
        assert "SECRET-KEY-44" not in result.stdout
    full = await run_cli("webhooks", "show", "--show-urls", env=env, cwd=tmp_path)
    assert _table(full)["delivery"] == hook
    full.assert_no_secrets()  # GET me carries the instance token: never printed


async def test_webhooks_set_some_kinds(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    env = cli_env(sandbox)
    run = await run_cli(
        "webhooks", "set", "https://bot.example/s", "--kinds", "message-status,received-delivery",
        "--no-notify-sent-by-me", "--show-urls", env=env, cwd=tmp_path,
    )  # fmt: skip
    assert run.code == 0
    assert run.stdout.splitlines() == [
        "message-status: https://bot.example/s",
        "received-delivery: https://bot.example/s",
        "notify sent by me: off",
    ]
    assert sandbox.webhook_urls == {
        "message-status": "https://bot.example/s",
        "received": "https://bot.example/s",
    }
    assert sandbox.notify_sent_by_me is False


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["http://bot.example/x"],
            "zapi-async: error: url: should start with https:// (Z-API refuses other webhook "
            "URLs; http:// is accepted for localhost only), but was 'http://bot.example/x'",
        ),
        (["https://bot.example/x", "--kinds", "status"], "unknown kind(s) status"),
    ],
)
async def test_webhooks_set_refuses(
    sandbox: ZapiSandbox, tmp_path: Path, args: list[str], message: str
) -> None:
    run = await run_cli("webhooks", "set", *args, env=cli_env(sandbox), cwd=tmp_path)
    assert run.code == 2
    assert message in run.stderr
    assert sandbox.webhook_urls == {}


# -- send-text --------------------------------------------------------------------------


async def test_send_text_and_reply(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    env = cli_env(sandbox)
    run = await run_cli(
        "send-text", "--phone", "5511999999999", "--message", "hi", env=env, cwd=tmp_path
    )
    assert run.code == 0
    first = sandbox.messages[0]
    assert run.stdout == f"sent: messageId={first.message_id} zaapId={first.zaap_id}\n"
    reply = await run_cli(
        "send-text", "--phone", "5511999999999", "--message", "this one",
        "--reply-to", first.message_id, "--delay", "2", env=env, cwd=tmp_path,
    )  # fmt: skip
    assert reply.code == 0
    assert sandbox.messages[1].body == {
        "phone": "5511999999999",
        "message": "this one",
        "messageId": first.message_id,
        "delayMessage": 2,
    }
    reply.assert_no_secrets()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--phone", "+55 11", "--message", "hi"], "zapi-async: error: --phone: should be digits"),
        (["--phone", "5511999999999", "--message", " "], "--message: should not be empty"),
        (["--phone", "5511999999999", "--message", "hi", "--delay", "99"], "--delay: should be in"),
        (["--phone", "5511999999999", "--message", "hi", "--reply-to", ""], "--reply-to: should"),
    ],
)
async def test_send_text_refuses_bad_flags(
    sandbox: ZapiSandbox, tmp_path: Path, args: list[str], message: str
) -> None:
    run = await run_cli("send-text", *args, env=cli_env(sandbox), cwd=tmp_path)
    assert run.code == 2
    assert run.stderr.startswith(message) or message in run.stderr
    assert sandbox.messages == []


async def test_send_text_server_error_is_exit_1(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    sandbox.fail_next(1, status=400, body={"error": "Invalid phone"})
    run = await run_cli(
        "send-text",
        "--phone",
        "5511999999999",
        "--message",
        "hi",
        env=cli_env(sandbox),
        cwd=tmp_path,
    )
    assert run.code == 1
    assert run.stderr == (
        f"zapi-async: error: POST /instances/{INSTANCE}/token/***/send-text -> HTTP 400: "
        "Invalid phone\n"
    )


async def test_qr_png_that_cannot_be_written(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    sandbox.disconnect()
    target = tmp_path / "missing" / "qr.png"
    run = await run_cli("qr", "--png", str(target), env=cli_env(sandbox), cwd=tmp_path)
    assert run.code == 2
    assert run.stderr == (
        f"zapi-async: error: cannot write the QR code to {target}: No such file or directory\n"
    )
