"""``zapi-async sandbox``: the standalone fake Z-API, configured by flags or environment."""

from __future__ import annotations

import asyncio
import re
import signal
from collections.abc import Mapping
from pathlib import Path

import aiohttp
import attrs

from zapi_async.cli import sandbox_args
from zapi_async.sandbox import ZapiSandbox
from zapi_async.sandbox.runner import DEFAULT_INSTANCE_ID, DEFAULT_TOKEN

from .conftest import RUN_TIMEOUT, cli_env, run_cli, start_cli

FLAG_TOKEN = "SECRET-FLAG-TOKEN-2b7e"
FLAG_CLIENT_TOKEN = "SECRET-FLAG-CLIENT-TOKEN-c41d"
ENV_TOKEN = "SECRET-ENV-TOKEN-88a0"
ENV_CLIENT_TOKEN = "SECRET-ENV-CLIENT-TOKEN-93f5"
SECRETS = (FLAG_TOKEN, FLAG_CLIENT_TOKEN, ENV_TOKEN, ENV_CLIENT_TOKEN)


@attrs.frozen
class Served:
    """What a standalone sandbox printed, and what it answered."""

    banner: list[str]
    statuses: dict[str, int]
    message_id: str | None
    code: int
    rest: str

    @property
    def inspector_url(self) -> str:
        """The inspector URL of the banner, checked to be a loopback URL with a port."""
        [line] = [line for line in self.banner if line.startswith("  inspector   : ")]
        url = line.rsplit(" ", 1)[1]
        assert re.fullmatch(r"http://127\.0\.0\.1:[0-9]+/", url), url
        return url


async def _serve(
    *flags: str,
    env: Mapping[str, str],
    cwd: Path,
    instance: str,
    tokens: Mapping[str, tuple[str, str | None]],
) -> Served:
    """Start ``zapi-async sandbox --port 0 *flags``, read its banner, make one request per
    ``tokens`` entry (name -> (token, Client-Token)) plus a send with the first one,
    then stop it with SIGINT (Ctrl+C)."""
    process = await start_cli("sandbox", "--port", "0", *flags, env=env, cwd=cwd)
    assert process.stdout is not None
    banner: list[str] = []
    try:
        while not banner or banner[-1] != "Press Ctrl+C to stop.":
            line = await asyncio.wait_for(process.stdout.readline(), RUN_TIMEOUT)
            assert line, f"the sandbox exited early after {banner}"
            banner.append(line.decode().rstrip("\n"))
        base = banner[0].rsplit(" ", 1)[1]
        statuses: dict[str, int] = {}
        message_id = None
        async with aiohttp.ClientSession() as http:
            for name, (token, client_token) in tokens.items():
                headers = {"Client-Token": client_token} if client_token else {}
                url = f"{base}/instances/{instance}/token/{token}/status"
                async with http.get(url, headers=headers) as response:
                    statuses[name] = response.status
            token, client_token = next(iter(tokens.values()))
            headers = {"Client-Token": client_token} if client_token else {}
            send = f"{base}/instances/{instance}/token/{token}/send-text"
            body = {"phone": "5511999999999", "message": "hi"}
            async with http.post(send, json=body, headers=headers) as response:
                if response.status == 200:
                    message_id = (await response.json())["messageId"]
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
    out, err = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT)
    assert process.returncode is not None
    rest = out.decode() + err.decode()
    return Served(banner, statuses, message_id, process.returncode, rest)


async def _first_message_id(seed: int) -> str:
    """The messageId an in-process sandbox seeded with ``seed`` gives its first send."""
    async with ZapiSandbox("I", "T", seed=seed) as sandbox, aiohttp.ClientSession() as http:
        url = f"{sandbox.base_url}/instances/I/token/T/send-text"
        body = {"phone": "5511999999999", "message": "hi"}
        async with http.post(url, json=body) as response:
            return str((await response.json())["messageId"])


async def test_flags_configure_the_standalone_sandbox(tmp_path: Path) -> None:
    served = await _serve(
        "--instance-id", "FLAG-INSTANCE", "--token", FLAG_TOKEN,
        "--client-token", FLAG_CLIENT_TOKEN, "--seed", "7",
        "--webhook-url", "https://bot.example/zapi/hook-s3cr3t?key=abc",
        env=cli_env(ZAPI_TOKEN=ENV_TOKEN, ZAPI_CLIENT_TOKEN=ENV_CLIENT_TOKEN),
        cwd=tmp_path,
        instance="FLAG-INSTANCE",
        tokens={
            "flags": (FLAG_TOKEN, FLAG_CLIENT_TOKEN),
            "no client token": (FLAG_TOKEN, None),
            "env token": (ENV_TOKEN, FLAG_CLIENT_TOKEN),  # flags win over the environment
            "env client token": (FLAG_TOKEN, ENV_CLIENT_TOKEN),
        },
    )  # fmt: skip
    assert served.statuses == {
        "flags": 200,
        "no client token": 400,
        "env token": 401,
        "env client token": 400,
    }
    assert served.banner[0].startswith("Z-API sandbox listening on http://127.0.0.1:")
    assert served.banner[1:] == [
        "  instance id : FLAG-INSTANCE",
        "  token       : (the one you passed)",
        "  Client-Token: required",
        "  webhooks to : https://bot.example/zapi/***?***",
        f"  inspector   : {served.inspector_url}",
        "Press Ctrl+C to stop.",
    ]
    assert served.message_id == await _first_message_id(7)  # --seed drives the ids
    assert served.code == 0
    assert served.rest == ""  # Ctrl+C stops it quietly
    output = "\n".join(served.banner) + served.rest
    assert not [secret for secret in SECRETS if secret in output]
    assert "hook-s3cr3t" not in output


async def test_environment_gives_the_defaults(tmp_path: Path) -> None:
    env = cli_env(
        ZAPI_INSTANCE_ID="ENV-INSTANCE", ZAPI_TOKEN=ENV_TOKEN, ZAPI_CLIENT_TOKEN=ENV_CLIENT_TOKEN
    )
    served = await _serve(
        env=env,
        cwd=tmp_path,
        instance="ENV-INSTANCE",
        tokens={"env": (ENV_TOKEN, ENV_CLIENT_TOKEN), "default token": (DEFAULT_TOKEN, None)},
    )
    assert served.statuses == {"env": 200, "default token": 401}
    assert served.banner[1:4] == [
        "  instance id : ENV-INSTANCE",
        "  token       : (the one you passed)",
        "  Client-Token: required",
    ]
    assert served.message_id == await _first_message_id(0)
    output = "\n".join(served.banner) + served.rest
    assert not [secret for secret in SECRETS if secret in output]


async def test_without_flags_or_environment_the_public_defaults_apply(tmp_path: Path) -> None:
    served = await _serve(
        env=cli_env(ZAPI_TOKEN="", ZAPI_CLIENT_TOKEN=""),  # empty counts as unset
        cwd=tmp_path,
        instance=DEFAULT_INSTANCE_ID,
        tokens={"defaults": (DEFAULT_TOKEN, None)},
    )
    assert served.statuses == {"defaults": 200}
    assert served.banner[1:] == [
        f"  instance id : {DEFAULT_INSTANCE_ID}",
        f"  token       : {DEFAULT_TOKEN}",
        "  Client-Token: not required",
        f"  inspector   : {served.inspector_url}",
        "Press Ctrl+C to stop.",
    ]


async def test_help_names_the_flags_and_the_environment(tmp_path: Path) -> None:
    run = await run_cli("sandbox", "--help", env=cli_env(ZAPI_TOKEN=ENV_TOKEN), cwd=tmp_path)
    assert run.code == 0
    text = " ".join(run.stdout.split())  # argparse wraps lines
    for fragment in (
        "--instance-id ID",
        "--token TOKEN",
        "--client-token TOKEN",
        "--seed SEED",
        "--webhook-url URL",
        f"default: $ZAPI_INSTANCE_ID, else {DEFAULT_INSTANCE_ID}",
        f"default: $ZAPI_TOKEN, else {DEFAULT_TOKEN}",
        "default: $ZAPI_CLIENT_TOKEN, else not required",
        "configure the FAKE server, so passing them as flags is fine",
    ):
        assert fragment in text, fragment
    assert ENV_TOKEN not in run.stdout  # the environment's value is not shown


def test_the_cli_defaults_match_the_runner() -> None:
    # sandbox_args.py repeats them so that --help does not import the sandbox (and aiohttp).
    assert (sandbox_args.SANDBOX_ID, sandbox_args.SANDBOX_TOKEN) == (
        DEFAULT_INSTANCE_ID,
        DEFAULT_TOKEN,
    )
