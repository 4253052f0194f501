"""Helpers for the CLI tests: run the real ``python -m zapi_async`` in a subprocess.

The sandbox runs in the test's event loop; the command talks to it over HTTP while
the test awaits the subprocess, exactly as a person's terminal would.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import pytest

from tests.support.credentials import CLIENT_TOKEN, INSTANCE, TOKEN
from zapi_async.sandbox import ZapiSandbox

#: Seconds a CLI run may take before the test fails (it normally takes < 2 s).
RUN_TIMEOUT = 60.0


@attrs.frozen
class CliRun:
    """A finished command: exit code and output."""

    code: int
    stdout: str
    stderr: str

    def assert_no_secrets(self) -> None:
        """Neither the token nor the Client-Token was printed."""
        for secret in (TOKEN, CLIENT_TOKEN):
            assert secret not in self.stdout
            assert secret not in self.stderr


def cli_env(sandbox: ZapiSandbox | None = None, **extra: str) -> dict[str, str]:
    """The environment without any ZAPI_* variable, plus sandbox credentials and ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZAPI_")}
    env["PYTHONUNBUFFERED"] = "1"
    if sandbox is not None:
        env.update(
            ZAPI_INSTANCE_ID=sandbox.instance_id,
            ZAPI_TOKEN=sandbox.token,
            ZAPI_BASE_URL=sandbox.base_url,
        )
        if sandbox.client_token is not None:
            env["ZAPI_CLIENT_TOKEN"] = sandbox.client_token
    env.update(extra)
    return env


async def start_cli(*args: str, env: Mapping[str, str], cwd: Path) -> asyncio.subprocess.Process:
    """Start ``python -m zapi_async *args`` with pipes for stdout and stderr."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "zapi_async",
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(env),
        cwd=cwd,
    )


async def finish(process: asyncio.subprocess.Process, stderr_seen: str = "") -> CliRun:
    """Wait for ``process`` and collect its output."""
    out, err = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT)
    assert process.returncode is not None
    return CliRun(process.returncode, out.decode(), stderr_seen + err.decode())


async def run_cli(*args: str, env: Mapping[str, str], cwd: Path) -> CliRun:
    """Run the command to completion."""
    return await finish(await start_cli(*args, env=env, cwd=cwd))


def read_results(path: Path) -> list[dict[str, Any]]:
    """The records of a results file, in file order."""
    return [json.loads(line) for line in path.read_text().splitlines()]


@pytest.fixture
async def sandbox() -> AsyncIterator[ZapiSandbox]:
    """A running sandbox with known credentials and a required Client-Token."""
    async with ZapiSandbox(INSTANCE, TOKEN, client_token=CLIENT_TOKEN, seed=3) as running:
        yield running
