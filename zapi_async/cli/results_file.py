"""The results file of ``bulk`` and ``check-numbers``: one JSON line per input line,
safe against a second run, a kill and a crash.

* **One run at a time.** The journal ``<results file>.journal`` (named after the
  file a symbolic link points to) is locked (``flock``) for the whole run, and so
  is the results file itself once it exists (another name for it, a hard link,
  has a journal of its own); the kernel releases the locks when the process ends,
  however it ends (SIGKILL included). A second run on the same results file stops
  at once with a :class:`~zapi_async.CommandLineError`, touching nothing.
  ``--overwrite`` empties the results file (``fsync``'d) once locked, before the
  journal is reset and before any request.
* **Every record is one write** of one whole line to a file opened for appending,
  so a killed process loses no record it wrote. The file is ``fsync``'d at the end
  of the run and before the journal is emptied.
* **Attempts are journaled** (``bulk``): before a message's first request goes
  out, a line naming its input line is appended to the journal and ``fsync``'d
  (one fsync for the attempts that start together). A later ``--resume`` turns an
  attempt with no record written after it (the run was killed, or the machine died
  before the record reached the disk) into an ``unknown`` record: it may have been
  sent, so it is not sent again unless ``--resend-unknown``. A run that ends with
  every attempt recorded deletes the journal.
* **A torn last line** (the writer was killed mid-line, or the machine died) is
  reported and cut off before records are appended; any other line that is not a
  record is reported and ignored.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar

import attrs

from .config import EXIT_RESULTS, CliError
from .results_disk import (
    GroupSync,
    contents,
    empty,
    fsync_dir,
    fsync_path,
    lock_journal,
    lock_results,
)

__all__ = ["JOURNAL_SUFFIX", "ResultsFile", "ResultsOptions", "load_results", "open_results"]

#: Appended to the results file's name for the run's journal (and lock).
JOURNAL_SUFFIX = ".journal"
#: The ``error`` of the ``unknown`` record a resume gives a send the stopped run left
#: under way.
IN_FLIGHT_ERROR = (
    "the run sending this message stopped (killed?) before its outcome was recorded: "
    "it may have been sent"
)

Warn = Callable[[str], None]


@attrs.frozen(kw_only=True)
class ResultsOptions:
    """What ``bulk`` and ``check-numbers`` share: the input, its format and the
    results file (``--results``, ``--resume``, ``--overwrite``)."""

    #: Appended to the input's stem for the default results file.
    results_suffix: ClassVar[str] = ".results.jsonl"

    input: Path
    format: str | None = None
    results: Path | None = None
    resume: bool = False
    overwrite: bool = False

    @property
    def results_path(self) -> Path:
        """``--results``, default ``<input stem>`` + :attr:`results_suffix` next to the input."""
        return self.results or self.input.with_name(self.input.stem + self.results_suffix)


def _attempts(fd: int) -> list[dict[str, Any]]:
    """The attempts in a journal (a torn last one never went out: its fsync never ended)."""
    attempts = []
    for text in contents(fd).split(b"\n")[1:]:
        try:
            entry = json.loads(text)
            attempts.append({**entry, "line": int(entry["line"]), "at": int(entry["at"])})
        except (ValueError, KeyError, TypeError):
            continue
    return attempts


def load_results(path: Path, warn: Warn = print) -> dict[int, tuple[str, str | None]]:
    """``{line: (status, key)}`` from a results file; the last record of a line wins."""
    return {line: (r["status"], r["key"]) for line, r in _read(path, warn, cut=False)[0].items()}


def _read(path: Path, warn: Warn, *, cut: bool) -> tuple[dict[int, dict[str, Any]], int]:
    """The last record of each line (``status``, ``key``, ``at``: its offset) and the
    length of the file's whole lines; ``cut`` removes a torn last line."""
    last: dict[int, dict[str, Any]] = {}
    offset = 0
    with path.open("rb") as handle:
        for number, text in enumerate(handle, 1):
            raw, torn = text, not text.endswith(b"\n")
            try:
                record = json.loads(raw)
                line, status = int(record["line"]), str(record["status"])
                key = record.get("key")
            except (ValueError, KeyError, TypeError):
                if torn:
                    action = "removed" if cut else "ignored"
                    warn(
                        f"warning: {path} line {number} is incomplete (the run writing it "
                        f"stopped mid-line); {action}"
                    )
                    break
                warn(f"warning: {path} line {number} is not a result record; ignored")
            else:
                last[line] = {"status": status, "key": key, "at": offset}
                if torn and cut:  # whole but for its line end: end it
                    with path.open("ab") as ending:
                        ending.write(b"\n")
                    raw += b"\n"
            offset += len(raw)
    if cut and offset < path.stat().st_size:
        os.truncate(path, offset)
    return last, offset


class ResultsFile:
    """A results file opened for a run, locked (see the module docstring)."""

    def __init__(
        self, path: Path, journal_fd: int, *, create: str, lock_fd: int | None = None
    ) -> None:
        self.path = path
        #: The last record of each line at the start: ``{line: (status, key)}``.
        self.done: dict[int, tuple[str, str | None]] = {}
        #: The ``unknown`` records written for sends the stopped run left under way.
        self.reconciled: list[dict[str, Any]] = []
        self._journal = journal_fd
        self._journal_path = Path(f"{path}{JOURNAL_SUFFIX}")
        self._create = create  # "append" or "new" (must not exist)
        self._fd: int | None = None
        #: The results file's own lock (the file open for reading), while it exists.
        self._lock_fd = lock_fd
        self._size = 0
        self._broken: OSError | None = None  # the write error after which nothing is written
        self._open_attempts: set[int] = set()
        self._sync = GroupSync(journal_fd)

    def _ensure_open(self) -> int:
        if self._fd is None:
            flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
            flags |= os.O_EXCL if self._create == "new" else 0
            try:
                self._fd = os.open(self.path, flags, 0o644)
            except FileExistsError:
                raise CliError(f"the results file {self.path} appeared meanwhile") from None
            except OSError as exc:
                raise CliError(f"cannot write the results file {self.path}: {exc}") from None
            if self._lock_fd is None:  # just created: lock it as the file it now is
                self._lock_fd = lock_results(os.dup(self._fd), self.path)
            self._size = os.fstat(self._fd).st_size
            fsync_dir(self.path.parent)
        return self._fd

    def write(self, record: Mapping[str, Any]) -> None:
        """Append ``record`` (its ``line`` and ``status`` first) as one line."""
        try:
            text = json.dumps(record, ensure_ascii=False) + "\n"
            data = text.encode()
        except UnicodeEncodeError:  # a lone surrogate (e.g. in an error text): escape it
            data = (json.dumps(record) + "\n").encode()
        fd = self._ensure_open()
        if self._broken is not None:  # a torn record may follow: write nothing more
            raise self._failed(f"write the results file {self.path}", self._broken)
        try:
            written = os.write(fd, data)
            while written < len(data):  # past a size limit, the next write says why
                written += os.write(fd, data[written:])
        except OSError as exc:
            self._broken = exc
            with contextlib.suppress(OSError):  # cut the torn part (best effort)
                os.ftruncate(fd, self._size)
            raise self._failed(f"write the results file {self.path}", exc) from None
        self._size += len(data)
        self._open_attempts.discard(int(record["line"]))

    @staticmethod
    def _failed(what: str, exc: OSError) -> CliError:
        """The run's one-line error for an I/O error on the results file (or journal)."""
        return CliError(f"cannot {what}: {exc}", EXIT_RESULTS)

    async def attempt(self, line: int, **fields: Any) -> None:
        """Journal that the send of input ``line`` starts; returns once on disk."""
        self._ensure_open()
        entry = {"line": line, "at": self._size, **fields}
        try:
            os.write(self._journal, (json.dumps(entry) + "\n").encode())
            self._open_attempts.add(line)
            await self._sync()
        except OSError as exc:
            raise self._failed(f"write the journal {self._journal_path}", exc) from None

    def is_open_attempt(self, line: int) -> bool:
        """Whether the send of input ``line`` started and has no record yet."""
        return line in self._open_attempts

    def sync(self) -> None:
        """Flush the records written so far to the disk."""
        if self._fd is not None:
            try:
                os.fsync(self._fd)
            except OSError as exc:
                raise self._failed(f"flush the results file {self.path} to the disk", exc) from None

    def close(self) -> None:
        """Sync, delete the journal if every attempt is recorded, and unlock."""
        try:
            self.sync()
            if not self._open_attempts:
                self._journal_path.unlink(missing_ok=True)  # still locked: no race
        finally:
            for fd in (self._fd, self._lock_fd):
                if fd is not None:
                    os.close(fd)
            os.close(self._journal)

    def __enter__(self) -> ResultsFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def _start_journal(self) -> None:
        # The records that cover the old journal's attempts (a killed run's, still
        # perhaps only in the page cache) reach the disk before the journal is emptied.
        if self.path.exists():
            fsync_path(self.path)
        os.ftruncate(self._journal, 0)
        os.write(self._journal, (json.dumps({"journal": 1, "pid": os.getpid()}) + "\n").encode())
        os.fsync(self._journal)
        fsync_dir(self.path.parent)

    def _reconcile(self, attempts: list[dict[str, Any]], last: dict[int, dict[str, Any]]) -> None:
        """Record ``unknown`` every attempt with no record written after it."""
        pending: dict[int, dict[str, Any]] = {}
        for entry in attempts:
            if entry["at"] > last.get(entry["line"], {"at": -1})["at"]:
                pending[entry["line"]] = entry
        for line, entry in sorted(pending.items()):
            fields = {k: v for k, v in entry.items() if k not in ("line", "at")}
            record = {"line": line, "status": "unknown", **fields, "error": IN_FLIGHT_ERROR}
            record["error_type"] = "DeliveryUnknownError"
            self.write(record)
            self.done[line] = ("unknown", fields.get("key"))
            self.reconciled.append(record)
        if pending:
            self.sync()


def open_results(
    path: Path, *, resume: bool, overwrite: bool, warn: Warn, resume_hint: str
) -> ResultsFile:
    """Lock ``path``'s journal and open the results file for a run: ``resume`` reads
    it (and records the sends the previous run left under way ``unknown``),
    ``overwrite`` replaces it; else an existing file is an error (``resume_hint``
    says what ``--resume`` does)."""
    # One journal (and lock) per real file, whatever symbolic link names it.
    journal = Path(f"{path.resolve()}{JOURNAL_SUFFIX}")
    fd = lock_journal(journal, path)
    attempts = _attempts(fd)
    lock_fd: int | None = None
    try:
        exists = path.exists()
        if exists:
            lock_fd = lock_results(os.open(path, os.O_RDONLY), path)
        lock = {"lock_fd": lock_fd}
        if overwrite:
            # Emptied now, before the journal is reset: a run stopped before its first
            # record must not leave the old records for a --resume to trust.
            if exists:
                empty(path)
            results = ResultsFile(path, fd, create="append", **lock)
        elif resume:
            results = ResultsFile(path, fd, create="append", **lock)
            last, _ = _read(path, warn, cut=True) if exists else ({}, 0)
            results.done = {line: (r["status"], r["key"]) for line, r in last.items()}
            results._reconcile(attempts, last)
        elif exists or attempts:
            what = "exists" if exists else "is missing, but its journal shows sends under way"
            raise CliError(
                f"the results file {path} {what}: pass --resume {resume_hint}, "
                "or --overwrite to start over"
            )
        else:
            results = ResultsFile(path, fd, create="new")
        results._start_journal()
    except BaseException as exc:
        if not attempts:  # else keep them for the next --resume
            journal.unlink(missing_ok=True)
        os.close(fd)
        if lock_fd is not None:
            os.close(lock_fd)
        if isinstance(exc, OSError):
            raise CliError(f"cannot use the results file {path}: {exc}") from None
        raise
    return results
