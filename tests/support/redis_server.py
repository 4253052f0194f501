"""A real ``redis-server`` for the shared-limiter and dedup tests.

The binary is ``$REDIS_SERVER`` if set, else ``redis-server`` on ``PATH`` or in
``/usr/bin``, ``/usr/sbin``, ``/usr/local/bin`` (``scripts/install-redis.sh``
installs Debian's package). Each server runs on a free port in a temporary
directory, without persistence (``persistent_redis_server``: with an append-only
file), and is stopped afterwards. Tests skip, saying why,
only when no binary exists or it cannot start.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

#: Seconds a starting server gets to answer PING.
START_TIMEOUT = 10.0
_CANDIDATES = ("/usr/bin/redis-server", "/usr/sbin/redis-server", "/usr/local/bin/redis-server")
#: The directory holding the worker scripts run as separate processes.
HERE = Path(__file__).parent


def find_redis_server() -> str | None:
    """Path of the redis-server binary, or ``None``."""
    explicit = os.environ.get("REDIS_SERVER")
    if explicit:
        return explicit
    found = shutil.which("redis-server")
    if found:
        return found
    return next((c for c in _CANDIDATES if os.access(c, os.X_OK)), None)


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on (right now)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _answers_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(64).startswith(b"+PONG")
    except OSError:
        return False


class RedisServer:
    """One throwaway redis-server process: ``start()``, ``stop()``, ``url``."""

    def __init__(self, binary: str, directory: Path, *, appendonly: bool = False) -> None:
        self.binary = binary
        #: Keep data across restarts (AOF, fsync on every write).
        self.appendonly = appendonly
        self.directory = directory
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """``redis://127.0.0.1:<port>/0``."""
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self._process is not None and self._process.poll() is None

    def start(self, port: int | None = None) -> None:
        """Start on ``port`` (default: the previous one, else a free one); wait for PING."""
        self.port = port or self.port or free_port()
        log = self.directory / f"redis-{self.port}.log"
        with log.open("ab") as out:
            self._process = subprocess.Popen(
                [
                    self.binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--dir",
                    str(self.directory),
                    "--save",
                    "",
                    "--appendonly",
                    "yes" if self.appendonly else "no",
                    "--appendfsync",
                    "always",
                    "--daemonize",
                    "no",
                ],
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while not _answers_ping(self.port):
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = log.read_text(errors="replace")[-500:]
                raise RuntimeError(f"redis-server did not start on port {self.port}: {tail}")
            time.sleep(0.01)  # waiting for an external process to come up

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL after 5 s)."""
        process, self._process = self._process, None
        if process is None:
            return
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _start_or_skip(directory: Path, *, appendonly: bool = False) -> RedisServer:
    binary = find_redis_server()
    if binary is None:
        pytest.skip(
            "redis-server not found: run scripts/install-redis.sh (Debian's redis-server "
            "package) or set REDIS_SERVER=/path/to/redis-server"
        )
    server = RedisServer(binary, directory, appendonly=appendonly)
    error: Exception | None = None
    for _ in range(3):  # a free port can be taken between probing and binding
        try:
            server.start(free_port())
        except (OSError, RuntimeError) as exc:
            error = exc
        else:
            return server
    pytest.skip(f"redis-server ({binary}) could not start: {error}")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """A redis-server shared by the whole session (tests flush it before use)."""
    with tempfile.TemporaryDirectory(prefix="zapi-redis-") as directory:
        server = _start_or_skip(Path(directory))
        try:
            yield server
        finally:
            server.stop()


@pytest.fixture
def own_redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """A redis-server of this test's own, free to be stopped and restarted."""
    server = _start_or_skip(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def persistent_redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    """Like :func:`own_redis_server`, with an append-only file: data survives a restart."""
    server = _start_or_skip(tmp_path, appendonly=True)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def redis(redis_server: RedisServer) -> AsyncIterator[Redis]:
    """A client of the session server, flushed before the test."""
    client = Redis.from_url(redis_server.url)
    await client.flushall()
    try:
        yield client
    finally:
        await client.aclose()


def no_retry() -> Retry:
    """redis-py's own retry policy switched off, so failures surface at once."""
    return Retry(NoBackoff(), 0)


def unreachable_redis() -> Redis:
    """A client for a port nobody listens on; fails fast (no redis-py retries)."""
    return Redis(host="127.0.0.1", port=free_port(), retry=no_retry(), socket_connect_timeout=1)


def python_command(script: str, *args: str) -> list[str]:
    """The command running ``tests/support/<script>`` with this interpreter."""
    return [sys.executable, str(HERE / script), *args]
