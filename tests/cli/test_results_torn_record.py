"""A record cut short by a failing write is cut off the file, and nothing more is
written after it: a later record must not glue onto the torn one (a --resume would
then skip a row recorded as sent)."""

from __future__ import annotations

import asyncio
import errno
import gc
import json
import logging
import os
from pathlib import Path
from typing import Any

import pytest

from zapi_async.cli import results_disk, results_file
from zapi_async.cli.config import EXIT_RESULTS, CliError
from zapi_async.cli.results_file import open_results


def _open(path: Path) -> results_file.ResultsFile:
    return open_results(path, resume=False, overwrite=False, warn=print, resume_hint="")


def test_a_torn_record_is_cut_and_the_file_refuses_more_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "results.jsonl"
    results = _open(path)
    results.write({"line": 2, "status": "sent"})
    real_write = os.write
    calls = 0

    def tearing_write(fd: int, data: Any) -> int:
        nonlocal calls
        if fd != results._fd:  # only the results file's disk fails
            return real_write(fd, data)
        calls += 1
        if calls == 1:
            return real_write(fd, bytes(data)[:5])  # half a record reaches the file
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "write", tearing_write)
    with pytest.raises(CliError) as failed:
        results.write({"line": 3, "status": "sent"})
    assert failed.value.exit_code == EXIT_RESULTS
    assert "Input/output error" in str(failed.value)
    monkeypatch.setattr(os, "write", real_write)  # the disk recovered
    with pytest.raises(CliError, match="Input/output error"):
        results.write({"line": 4, "status": "sent"})
    lines = path.read_text().splitlines()
    assert [json.loads(line) for line in lines] == [{"line": 2, "status": "sent"}]


async def test_a_failed_fsync_nobody_waits_for_is_not_reported_as_unretrieved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    started = asyncio.Event()
    release = asyncio.Event()
    loop = asyncio.get_running_loop()

    def failing_fsync(fd: int) -> None:
        loop.call_soon_threadsafe(started.set)
        asyncio.run_coroutine_threadsafe(release.wait(), loop).result()
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    fd = os.open(tmp_path / "journal", os.O_WRONLY | os.O_CREAT)
    try:
        sync = results_disk.GroupSync(fd)
        waiter = asyncio.ensure_future(sync())
        await started.wait()
        waiter.cancel()  # the only caller gives up before the fsync fails
        with pytest.raises(asyncio.CancelledError):
            await waiter
        running = sync._running
        assert running is not None
        release.set()
        await asyncio.wait([running])  # finished; no caller reads its error
        assert running.done()
    finally:
        os.close(fd)
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        del running, sync, waiter
        gc.collect()
    assert "never retrieved" not in caplog.text
