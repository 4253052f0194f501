"""The fake Z-API the HTTP benchmarks talk to, run in a process of its own.

``python -m benchmarks.server --kind sandbox`` serves :class:`~zapi_async.ZapiSandbox`
(full request validation, as the real Z-API does) and prints ``READY <base URL>``
on stdout once listening. ``--kind minimal`` serves a bare aiohttp app giving the
same answer without validation, to show how much of a request's cost is the
server's. :class:`ServerProcess` starts either from the benchmark process.

The sandbox records every accepted message; here it forgets them every
:data:`FORGET_EVERY` seconds so a long run keeps its memory (and GC pauses) flat.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import json
import os
import selectors
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from aiohttp import web

from zapi_async.sandbox import ZapiSandbox, serve_sandbox

from .payload import CLIENT_TOKEN, INSTANCE_ID, TOKEN

__all__ = ["FORGET_EVERY", "ServerKind", "ServerProcess", "main"]

ServerKind = Literal["sandbox", "minimal"]
#: Seconds between two ``sandbox.reset()`` calls in the benchmark server.
FORGET_EVERY = 1.0
#: Seconds to wait for the server to print its address.
START_TIMEOUT = 20.0
_ROOT = Path(__file__).resolve().parent.parent
_background: set[asyncio.Task[None]] = set()


def _pin(cpu: int | None) -> None:
    """Keep this process on one CPU (Linux only; ignored elsewhere or out of range)."""
    if cpu is None or not hasattr(os, "sched_setaffinity"):
        return
    if cpu < (os.cpu_count() or 1):
        os.sched_setaffinity(0, {cpu})


async def _forget(sandbox: ZapiSandbox) -> None:
    while True:
        await asyncio.sleep(FORGET_EVERY)
        sandbox.reset()


def _on_ready(sandbox: ZapiSandbox) -> None:
    task = asyncio.get_running_loop().create_task(_forget(sandbox))
    _background.add(task)
    print(f"READY {sandbox.base_url}", flush=True)


async def _serve_minimal(host: str, port: int) -> None:
    ids = itertools.count(1)

    async def send(request: web.Request) -> web.Response:
        json.loads(await request.read())
        n = next(ids)
        zaap_id, message_id = f"{n:032X}", f"{n:020X}"
        return web.json_response({"zaapId": zaap_id, "messageId": message_id, "id": message_id})

    app = web.Application()
    app.router.add_post(f"/instances/{INSTANCE_ID}/token/{TOKEN}/{{endpoint}}", send)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    bound_host, bound_port = runner.addresses[0][:2]
    print(f"READY http://{bound_host}:{bound_port}", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def _serve(kind: ServerKind, host: str, port: int) -> None:
    if kind == "minimal":
        await _serve_minimal(host, port)
        return
    await serve_sandbox(
        host=host,
        port=port,
        instance_id=INSTANCE_ID,
        token=TOKEN,
        client_token=CLIENT_TOKEN,
        echo=lambda _: None,
        on_ready=_on_ready,
    )


def main(argv: Sequence[str] | None = None) -> None:
    """Serve until interrupted (``--kind``, ``--host``, ``--port``, ``--cpu``)."""
    parser = argparse.ArgumentParser(description="fake Z-API for the benchmarks")
    parser.add_argument("--kind", choices=["sandbox", "minimal"], default="sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--cpu", type=int, default=None, help="pin to this CPU")
    args = parser.parse_args(argv)
    _pin(args.cpu)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.kind, args.host, args.port))


class ServerProcess:
    """Start the benchmark server in a child process; ``base_url`` once entered.

    ::

        with ServerProcess("sandbox", cpu=1) as server:
            print(server.base_url)
    """

    def __init__(self, kind: ServerKind = "sandbox", *, cpu: int | None = None) -> None:
        self.kind = kind
        self.cpu = cpu
        self.base_url = ""
        self._process: subprocess.Popen[str] | None = None

    @property
    def pid(self) -> int:
        """The child's process id (the server must be running)."""
        if self._process is None:
            raise RuntimeError("the benchmark server is not running")
        return self._process.pid

    def __enter__(self) -> ServerProcess:
        command = [sys.executable, "-m", "benchmarks.server", "--kind", self.kind]
        if self.cpu is not None:
            command += ["--cpu", str(self.cpu)]
        process = subprocess.Popen(
            command, cwd=_ROOT, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True
        )
        self._process = process
        try:
            line = _read_line(process, START_TIMEOUT)
            if not line.startswith("READY "):
                raise RuntimeError(f"benchmark server did not start: {line!r}")
            self.base_url = line.split(" ", 1)[1].strip()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the child process (terminate, then kill after 5 s)."""
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _read_line(process: subprocess.Popen[Any], timeout: float) -> str:
    """The child's first stdout line, or an error if it exits or stays silent."""
    assert process.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        if not selector.select(timeout):
            raise RuntimeError(f"benchmark server printed nothing in {timeout:g} s")
    line: str = process.stdout.readline()
    if not line:
        raise RuntimeError(f"benchmark server exited with code {process.wait()}")
    return line


if __name__ == "__main__":
    main()
