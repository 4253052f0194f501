"""``zapi-async sandbox VERB``: the inspector's verbs from a shell, against a standalone
sandbox in another process, with the webhooks caught by a local bot endpoint."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import attrs
import pytest

from tests.support.receiver import Receiver
from zapi_async.cli import sandbox_args
from zapi_async.cli.app import build_parser
from zapi_async.sandbox.inspector import control, remote
from zapi_async.sandbox.payloads import CALL_NOTIFICATIONS, MESSAGE_STATUSES

from .conftest import RUN_TIMEOUT, cli_env, run_cli, start_cli

PHONE = "5511988887777"
API = "instances/SANDBOX/token/sandbox-token"


@attrs.frozen
class Standalone:
    """A ``zapi-async sandbox`` process: its banner, API and inspector URLs."""

    banner: list[str]
    base_url: str
    inspector_url: str | None


@contextlib.asynccontextmanager
async def standalone(*flags: str, cwd: Path) -> AsyncIterator[Standalone]:
    """Run ``zapi-async sandbox --port 0 *flags`` until the block ends (then Ctrl+C)."""
    process = await start_cli("sandbox", "--port", "0", *flags, env=cli_env(), cwd=cwd)
    assert process.stdout is not None
    banner: list[str] = []
    try:
        while not banner or banner[-1] != "Press Ctrl+C to stop.":
            line = await asyncio.wait_for(process.stdout.readline(), RUN_TIMEOUT)
            assert line, f"the sandbox exited early after {banner}"
            banner.append(line.decode().rstrip("\n"))
        inspector = [line.rsplit(" ", 1)[1] for line in banner if "inspector   :" in line]
        yield Standalone(banner, banner[0].rsplit(" ", 1)[1], inspector[0] if inspector else None)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT)
    assert process.returncode == 0
    assert (out, err) == (b"", b"")


def closed_port() -> int:
    """A local port nothing listens on (it was free a moment ago)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def send_buttons(base_url: str) -> str:
    """The bot sends a two-button list to PHONE; returns its messageId."""
    body = {
        "phone": PHONE,
        "message": "Shall we?",
        "buttonList": {"buttons": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}]},
    }
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{base_url}/{API}/send-button-list", json=body) as response,
    ):
        assert response.status == 200
        return str((await response.json())["messageId"])


async def test_say_and_press_post_the_person_s_webhooks(receiver: Receiver, tmp_path: Path) -> None:
    async with standalone("--webhook-url", receiver.url, cwd=tmp_path) as served:
        assert served.inspector_url is not None
        url = ("--url", served.inspector_url)
        said = await run_cli(
            "sandbox", "say", "--phone", PHONE, "--text", "hello bot", *url,
            env=cli_env(), cwd=tmp_path,
        )  # fmt: skip
        assert (said.code, said.stderr) == (0, "")
        [hello] = receiver.bodies
        assert json.loads(said.stdout) == {
            "ok": True,
            "status": 200,
            "error": None,
            "type": "ReceivedCallback",
            "messageId": hello["messageId"],
            "webhook": 1,
        }
        assert (hello["type"], hello["instanceId"], hello["phone"]) == (
            "ReceivedCallback",
            "SANDBOX",
            PHONE,
        )
        assert (hello["fromMe"], hello["text"]) == (False, {"message": "hello bot"})

        message_id = await send_buttons(served.base_url)
        env = cli_env(ZAPI_SANDBOX_URL=served.inspector_url)  # the URL from the environment
        pressed = await run_cli(
            "sandbox", "press", "--message-id", message_id, "--button-id", "yes",
            env=env, cwd=tmp_path,
        )  # fmt: skip
        assert (pressed.code, pressed.stderr) == (0, "")
        assert json.loads(pressed.stdout)["webhook"] == 2
        press = receiver.bodies[1]
        assert press["buttonsResponseMessage"] == {"buttonId": "yes", "message": "Yes"}
        assert (press["phone"], press["referenceMessageId"]) == (PHONE, message_id)

        replied = await run_cli(
            "sandbox", "say", "--phone", PHONE, "--text", "and this", "--reply-to", message_id,
            env=env, cwd=tmp_path,
        )  # fmt: skip
        assert replied.code == 0
        assert receiver.bodies[2]["referenceMessageId"] == message_id

        receiver.status = 500
        failed = await run_cli(
            "sandbox", "say", "--phone", PHONE, "--text", "anyone?", env=env, cwd=tmp_path
        )
        assert failed.code == 1
        assert failed.stderr == "zapi-async sandbox say: the webhook failed: HTTP 500\n"
        assert json.loads(failed.stdout)["status"] == 500

        refused = await run_cli(
            "sandbox", "press", "--message-id", "NOPE", "--button-id", "yes",
            env=env, cwd=tmp_path,
        )  # fmt: skip
        assert (refused.code, refused.stdout) == (2, "")
        assert refused.stderr == (
            "zapi-async sandbox press: no message with id 'NOPE' was accepted (HTTP 404)\n"
        )
        assert len(receiver.bodies) == 4


async def test_instance_faults_and_webhook_verbs(receiver: Receiver, tmp_path: Path) -> None:
    async with standalone(cwd=tmp_path) as served:
        assert served.inspector_url is not None
        env = cli_env(ZAPI_SANDBOX_URL=served.inspector_url)
        hooked = await run_cli("sandbox", "webhook-url", receiver.url, env=env, cwd=tmp_path)
        assert (hooked.code, json.loads(hooked.stdout)["ok"]) == (0, True)
        message_id = await send_buttons(served.base_url)
        marked = await run_cli(
            "sandbox", "mark", "--message-id", message_id, "--status", "READ",
            env=env, cwd=tmp_path,
        )  # fmt: skip
        assert marked.code == 0
        status = receiver.bodies[-1]
        assert (status["type"], status["status"], status["ids"]) == (
            "MessageStatusCallback",
            "READ",
            [message_id],
        )

        fault = await run_cli(
            "sandbox", "fault", "--kind", "error", "--n", "2", "--status", "503",
            "--endpoint", "send-text", env=env, cwd=tmp_path,
        )  # fmt: skip
        assert fault.code == 0
        async with aiohttp.ClientSession() as http:
            statuses = []
            for _ in range(3):
                body = {"phone": PHONE, "message": "hi"}
                async with http.post(f"{served.base_url}/{API}/send-text", json=body) as answer:
                    statuses.append(answer.status)
            assert statuses == [503, 503, 200]

            off = await run_cli("sandbox", "disconnect", env=env, cwd=tmp_path)
            assert off.code == 0
            async with http.get(f"{served.base_url}/{API}/status") as answer:
                assert (await answer.json())["connected"] is False
            on = await run_cli("sandbox", "connect", env=env, cwd=tmp_path)
            assert on.code == 0
            async with http.get(f"{served.base_url}/{API}/status") as answer:
                assert (await answer.json())["connected"] is True

        state = await run_cli("sandbox", "state", "--chat", PHONE, env=env, cwd=tmp_path)
        assert state.code == 0
        snapshot = json.loads(state.stdout)
        assert [chat["id"] for chat in snapshot["chats"]] == [PHONE]
        assert snapshot["chat"] is not None

        unhooked = await run_cli("sandbox", "webhook-url", env=env, cwd=tmp_path)
        assert json.loads(unhooked.stdout) == {"ok": True, "webhookUrl": None}
        said = await run_cli(
            "sandbox", "say", "--phone", PHONE, "--text", "x", env=env, cwd=tmp_path
        )
        assert said.code == 1
        assert said.stderr == "zapi-async sandbox say: the webhook failed: no webhook URL\n"


async def test_no_sandbox_at_the_url_is_exit_3(tmp_path: Path) -> None:
    target = f"http://127.0.0.1:{closed_port()}/"
    for env, flags in ((cli_env(), ("--url", target)), (cli_env(ZAPI_SANDBOX_URL=target), ())):
        run = await run_cli("sandbox", "state", *flags, env=env, cwd=tmp_path)
        assert (run.code, run.stdout) == (3, "")
        assert run.stderr.startswith(
            f"zapi-async sandbox state: no sandbox inspector at {target} ("
        )


async def test_usage_errors_are_exit_2(tmp_path: Path) -> None:
    cases = {
        ("sandbox", "--port", "9000", "say", "--phone", PHONE, "--text", "x"): (
            "zapi-async: error: --port: serving options, not options of 'sandbox say' "
            "(name the running sandbox with --url)\n"
        ),
        ("sandbox", "--no-inspector", "--inspector-port", "9001"): (
            "zapi-async: error: --inspector-port: the inspector is off (--no-inspector)\n"
        ),
    }
    for argv, message in cases.items():
        run = await run_cli(*argv, env=cli_env(), cwd=tmp_path)
        assert (run.code, run.stdout, run.stderr) == (2, "", message)
    run = await run_cli(
        "sandbox", "mark", "--message-id", "M", "--status", "SEEN", env=cli_env(), cwd=tmp_path
    )
    assert run.code == 2
    assert "argument --status: invalid choice: 'SEEN'" in run.stderr


async def test_inspector_port_and_no_inspector(tmp_path: Path) -> None:
    port = closed_port()
    async with standalone("--inspector-port", str(port), cwd=tmp_path) as served:
        assert served.inspector_url == f"http://127.0.0.1:{port}/"
        assert served.banner[-4:] == [
            f"  inspector   : {served.inspector_url}",
            "  in another terminal, to use it:",
            f"    export ZAPI_INSTANCE_ID=SANDBOX ZAPI_TOKEN=sandbox-token "
            f"ZAPI_BASE_URL={served.base_url}",
            "Press Ctrl+C to stop.",
        ]
        async with aiohttp.ClientSession() as http, http.get(served.inspector_url) as page:
            assert page.status == 200
            assert "Z-API sandbox inspector" in await page.text()
    async with standalone("--no-inspector", cwd=tmp_path) as served:
        assert served.inspector_url is None
        assert not [line for line in served.banner if "inspector" in line]


#: Each verb with flags, and the keyword options run_control gets.
CASES: list[tuple[list[str], dict[str, Any]]] = [
    (["state"], {"chat": None}),
    (["state", "--chat", PHONE], {"chat": PHONE}),
    (["press", "--message-id", "M", "--button-id", "B"], {"message_id": "M", "button_id": "B"}),
    (["select", "--message-id", "M", "--option-id", "O"], {"message_id": "M", "option_id": "O"}),
    (
        ["say", "--phone", PHONE, "--text", "hi", "--reply-to", "M"],
        {"phone": PHONE, "text": "hi", "reply_to": "M"},
    ),
    (["mark", "--message-id", "M", "--status", "PLAYED"], {"message_id": "M", "status": "PLAYED"}),
    (["react", "--message-id", "M", "--emoji", ""], {"message_id": "M", "emoji": ""}),
    (
        ["vote", "--message-id", "M", "--option", "Red", "--option", "Blue"],
        {"message_id": "M", "option": ["Red", "Blue"]},
    ),
    (
        ["call", "--phone", PHONE, "--notification", "CALL_MISSED_VIDEO"],
        {"phone": PHONE, "notification": "CALL_MISSED_VIDEO"},
    ),
    (["chat", "--phone", PHONE, "--name", "Ana"], {"phone": PHONE, "name": "Ana"}),
    (["connect"], {}),
    (["disconnect"], {}),
    (
        ["fault", "--kind", "rate_limit", "--n", "3", "--retry-after", "2.5", "--endpoint", "e"],
        {
            "kind": "rate_limit",
            "n": 3,
            "status": None,
            "retry_after": 2.5,
            "endpoint": "e",
            "seconds": None,
        },
    ),
    (["webhook-url", "https://bot.example/z"], {"webhook_url": "https://bot.example/z"}),
    (["webhook-url"], {"webhook_url": None}),
]


@pytest.mark.parametrize(("argv", "options"), CASES)
def test_every_verb_maps_its_flags_to_run_control(argv: list[str], options: dict[str, Any]) -> None:
    args = build_parser().parse_args(["sandbox", *argv])
    assert sandbox_args.verb_options(args, remote.VERBS[argv[0]]) == options


def test_the_cli_repeats_the_sandbox_s_names() -> None:
    # sandbox_args names them without importing the sandbox (keeps --help fast).
    assert sandbox_args.MESSAGE_STATUSES == MESSAGE_STATUSES
    assert sandbox_args.CALL_NOTIFICATIONS == CALL_NOTIFICATIONS
    assert sandbox_args.FAULT_KINDS == control.FAULT_KINDS
    assert (sandbox_args.DEFAULT_CONTROL_URL, sandbox_args.URL_ENV) == (
        remote.DEFAULT_CONTROL_URL,
        remote.URL_ENV,
    )
    assert {argv[0] for argv, _ in CASES} == set(remote.VERBS)  # every verb is a subcommand
