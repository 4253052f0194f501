"""The disk side of a results file (see :mod:`.results_file`): the locks that keep
one run per file, ``fsync`` of files and directories, and one shared ``fsync`` for
the journal entries written together."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from .config import CliError

__all__ = [
    "GroupSync",
    "contents",
    "empty",
    "fsync_dir",
    "fsync_path",
    "lock_journal",
    "lock_results",
]


def fsync_path(path: Path) -> None:
    """``fsync`` the file or directory at ``path`` (errors raised)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def empty(path: Path) -> None:
    """Truncate the file at ``path`` to nothing, on the disk when this returns."""
    fd = os.open(path, os.O_WRONLY | os.O_TRUNC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make a file just created in ``path`` survive a crash (not every OS allows it)."""
    with contextlib.suppress(OSError):
        fsync_path(path)


def _try_lock(fd: int) -> bool:
    if sys.platform == "win32":  # no flock: one run at a time is up to the user
        return True
    import fcntl  # noqa: PLC0415 (POSIX only)

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def lock_journal(journal: Path, results: Path) -> int:
    """The journal's descriptor, locked by this process."""
    while True:
        try:
            fd = os.open(journal, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        except OSError as exc:
            raise CliError(f"cannot write next to the results file {results}: {exc}") from None
        if not _try_lock(fd):
            holder = _header(contents(fd)).get("pid", "?")
            os.close(fd)
            raise CliError(
                f"the results file {results} is in use by another run (process {holder}); "
                "wait for it to end or stop it, then --resume"
            )
        try:
            if os.path.samestat(os.fstat(fd), os.stat(journal)):
                return fd
        except FileNotFoundError:
            pass
        os.close(fd)  # the run holding it ended and deleted it meanwhile: lock anew


def lock_results(fd: int, path: Path) -> int:
    """Lock the results file itself, ``fd`` (closed when refused): the run of another
    name for it (a hard link: a journal of its own) holds it."""
    if _try_lock(fd):
        return fd
    os.close(fd)
    raise CliError(
        f"the results file {path} is in use by another run under another name (a "
        "hard link to the same file); wait for it to end or stop it, then --resume"
    )


def _header(data: bytes) -> dict[str, Any]:
    try:
        value = json.loads(data.split(b"\n", 1)[0])
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def contents(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)  # writes still go to the end (O_APPEND)
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _retrieve(task: asyncio.Future[None]) -> None:
    if not task.cancelled():
        task.exception()


class GroupSync:
    """``fsync`` of one file for every caller; callers that come together share one."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._asked = 0
        self._done = 0
        self._running: asyncio.Future[None] | None = None

    async def __call__(self) -> None:
        self._asked += 1
        mine = self._asked
        while self._done < mine:
            if self._running is None:
                self._running = asyncio.ensure_future(self._run())
                # Every waiter may be cancelled before a failure: still retrieve it.
                self._running.add_done_callback(_retrieve)
            await asyncio.shield(self._running)

    async def _run(self) -> None:
        upto = self._asked
        try:
            await asyncio.to_thread(os.fsync, self._fd)
        finally:
            self._running = None
        self._done = upto
