"""The real ``zapi-async`` command in a subprocess, with disk faults a test cannot
get from a real disk on demand: a file size limit (``RLIMIT_FSIZE``: a write past
it fails with ``EFBIG``, as a full disk fails with ``ENOSPC``) and ``fsync``
failing with ``EIO`` on one file (what a dying disk or a lost NFS server gives)."""

from __future__ import annotations

import sys
from pathlib import Path

__all__ = ["faulty_cli"]

_SCRIPT = """\
import errno, os, resource, sys
limit, fails, spared, *args = sys.argv[1:]
spared = [int(spared)]
if limit:
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(limit), int(limit)))
if fails:
    real_fsync = os.fsync

    def fsync(fd):
        try:
            target = os.stat(fails)
        except FileNotFoundError:
            return real_fsync(fd)
        if os.path.samestat(os.fstat(fd), target):
            spared[0] -= 1
            if spared[0] >= 0:
                return real_fsync(fd)
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        return real_fsync(fd)

    os.fsync = fsync
from zapi_async.cli import main
sys.argv[1:] = args
raise SystemExit(main())
"""


def faulty_cli(
    *args: str,
    file_size_limit: int | None = None,
    fsync_fails: Path | None = None,
    fsync_spared: int = 0,
) -> list[str]:
    """The command line of ``zapi-async *args`` where no file may grow past
    ``file_size_limit`` bytes and ``fsync`` of the file at ``fsync_fails`` fails
    (after ``fsync_spared`` calls that work)."""
    limit = "" if file_size_limit is None else str(file_size_limit)
    fails = "" if fsync_fails is None else str(fsync_fails)
    return [sys.executable, "-c", _SCRIPT, limit, fails, str(fsync_spared), *args]
