"""``zapi-async bulk FILE``: send a campaign, record every input's fate, resume safely.

The run, step by step:

1. Read the whole input once to validate it (every bad row is reported with its
   line and column; nothing is sent unless ``--skip-invalid``) and, with
   ``--resume``, to skip lines the results file shows as sent (or possibly sent).
2. Check that the instance is reachable, the credentials work and the phone is
   connected (``--no-status-check`` skips this).
3. Stream the input again through a :class:`~zapi_async.SendQueue`; append one
   JSON line per input to the results file as soon as its fate is known.

Ctrl-C (SIGINT) stops reading, withdraws queued messages (``unsent``), lets the
sends in flight finish and records them, then marks the rest of the file
``unsent``: every input line gets exactly one record. A second Ctrl-C records the
sends still in flight as ``unknown`` and quits at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any, TextIO

import attrs

from ..client import ZapiClient
from ..errors import (
    AuthenticationError,
    DailyCapReachedError,
    InstanceDisconnectedError,
    PartialSendError,
    QueueClosedError,
    SentPart,
    ZapiError,
)
from ..limits.pacing import PacingProfile
from ..models.messages import SendResult
from ..sending.outcomes import classify
from ..sending.queue import SendQueue
from .check_numbers import skip_without_whatsapp
from .config import (
    EXIT_AUTH,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_UNAVAILABLE,
    CliError,
    Credentials,
    auth_advice,
)
from .input import BadRow, InputRow, Normalizer, detect_format, read_rows
from .progress import Progress, Tally, make_progress

__all__ = ["SKIP_ON_RESUME", "BulkOptions", "load_results", "run_bulk"]

#: Statuses ``--resume`` does not send again: the message (or part of it) may have
#: reached the recipient. ``--resend-unknown`` sends ``unknown`` ones again.
SKIP_ON_RESUME = frozenset({"sent", "partial", "unknown"})
#: Bad rows listed in full before "... and N more".
MAX_LISTED_ERRORS = 20


@attrs.frozen(kw_only=True)
class BulkOptions:
    """The ``bulk`` command's settings (see ``zapi-async bulk --help``)."""

    input: Path
    format: str | None = None
    results: Path | None = None
    resume: bool = False
    overwrite: bool = False
    resend_unknown: bool = False
    skip_invalid: bool = False
    rate: float | None = 10.0
    burst: int = 1
    concurrency: int = 8
    pacing: PacingProfile | None = None
    status_check: bool = True
    progress: str = "auto"
    #: ``--check-numbers``: skip numbers phone-exists-batch says have no WhatsApp.
    check_numbers: bool = False
    #: ``--normalize-phones``: rewrites each phone first (see cli/input.py).
    normalize: Normalizer | None = None

    @property
    def results_path(self) -> Path:
        """``--results``, default ``<input stem>.results.jsonl`` next to the input."""
        return self.results or self.input.with_name(self.input.stem + ".results.jsonl")


def load_results(path: Path, warn: Any = print) -> dict[int, tuple[str, str | None]]:
    """``{line: (status, key)}`` from a results file; the last record of a line wins."""
    done: dict[int, tuple[str, str | None]] = {}
    with path.open(encoding="utf-8") as handle:
        for number, text in enumerate(handle, 1):
            try:
                record = json.loads(text)
                done[int(record["line"])] = (str(record["status"]), record.get("key"))
            except (ValueError, KeyError, TypeError):
                warn(f"warning: {path} line {number} is not a result record; ignored")
    return done


class _ResultsWriter:
    """Appends one JSON line per input and keeps the tally."""

    def __init__(self, handle: IO[str], tally: Tally, progress: Progress) -> None:
        self.handle = handle
        self.tally = tally
        self.progress = progress
        self.rate = 0.0

    def write(self, line: int, status: str, **fields: Any) -> None:
        record = {"line": line, "status": status}
        record.update({k: v for k, v in fields.items() if v is not None})
        self.handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        self.handle.flush()
        self.tally.add(status)
        self.progress.update(self.tally, self.rate)

    def row(self, row: InputRow, status: str, **fields: Any) -> None:
        phone, original = row.message.phone, row.original_phone
        self.write(row.line, status, phone=phone, original_phone=original, key=row.key, **fields)


def _ids(results: Iterable[SentPart]) -> dict[str, list[str]]:
    results = list(results)
    return {
        "message_ids": [r.message_id for r in results],
        "zaap_ids": [r.zaap_id for r in results],
    }


def _error(exc: BaseException) -> dict[str, str]:
    return {"error": str(exc), "error_type": type(exc).__name__}


class _Campaign:
    """One sending pass over the input through a SendQueue."""

    def __init__(
        self,
        queue: SendQueue,
        writer: _ResultsWriter,
        credentials: Credentials,
        skip: dict[int, Any],
        err: TextIO,
    ) -> None:
        self.queue = queue
        self.writer = writer
        self.credentials = credentials
        self.skip = skip
        self.err = err
        self.stop_reason: str | None = None
        self.exit_code: int | None = None
        self.in_flight: dict[int, InputRow] = {}
        self._waiters: set[asyncio.Task[None]] = set()
        self._closing: asyncio.Task[Any] | None = None
        self._interrupts = 0
        #: Phones ``--check-numbers`` found without WhatsApp: recorded, not sent.
        self.no_whatsapp: set[str] = set()

    def stop(self, reason: str, exit_code: int) -> None:
        """Stop sending: queued messages and the rest of the input become ``unsent``."""
        if self.stop_reason is not None:
            return
        self.stop_reason, self.exit_code = reason, exit_code
        self._closing = asyncio.ensure_future(self.queue.close(cancel=True))

    def interrupt(self) -> None:
        """SIGINT: drain on the first, record in-flight sends as unknown and quit on the next."""
        self._interrupts += 1
        if self._interrupts == 1:
            print(
                f"\nstopping: waiting for {self.queue.stats.in_flight} send(s) in flight "
                "(Ctrl-C again to quit at once)",
                file=self.err,
                flush=True,
            )
            self.stop("interrupted (Ctrl-C) before sending", EXIT_INTERRUPTED)
            return
        for row in list(self.in_flight.values()):
            self.writer.row(row, "unknown", error="abandoned by a second Ctrl-C while in flight")
        self._quit()

    def _quit(self) -> None:
        self.writer.handle.flush()
        os.fsync(self.writer.handle.fileno())
        print("quit with sends in flight; they are recorded as 'unknown'", file=self.err)
        sys.stderr.flush()
        os._exit(EXIT_INTERRUPTED)

    async def run(self, rows: Iterable[InputRow | BadRow]) -> None:
        for row in rows:
            if isinstance(row, BadRow):
                self.writer.write(row.line, "invalid", field=row.field, error=row.problem)
                continue
            if row.line in self.skip:
                continue
            if self.stop_reason is not None:
                self.writer.row(row, "unsent", error=self.stop_reason)
                continue
            if row.message.phone in self.no_whatsapp:
                self.writer.row(row, "no_whatsapp", error="the number has no WhatsApp")
                continue
            try:
                future = await self.queue.submit(row.message)
            except QueueClosedError:
                self.writer.row(row, "unsent", error=self.stop_reason or "queue closed")
                continue
            except ZapiError as exc:
                self.writer.row(row, "failed", **_error(exc))
                continue
            waiter = asyncio.ensure_future(self._record(row, future))
            self._waiters.add(waiter)
            waiter.add_done_callback(self._waiters.discard)
        if self._closing is None:
            await self.queue.close()  # drain normally
        if self._closing is not None:  # stopped, before or during the drain
            await self._closing
        while self._waiters:
            await asyncio.gather(*self._waiters)

    async def _record(self, row: InputRow, future: asyncio.Future[list[SendResult]]) -> None:
        self.in_flight[row.line] = row
        try:
            results = await asyncio.shield(future)
        except QueueClosedError:
            self.writer.row(row, "unsent", error=self.stop_reason or "queue closed")
        except DailyCapReachedError as exc:
            self.writer.row(row, "unsent", **_error(exc))
            self.stop(f"{exc}; rerun with --resume tomorrow", EXIT_FAILED)
        except ZapiError as exc:
            status = classify(exc)
            sent = _ids(exc.sent) if isinstance(exc, PartialSendError) else {}
            self.writer.row(row, status, **sent, **_error(exc))
            if isinstance(exc, AuthenticationError):
                self.stop("not sent: Z-API refused the credentials", EXIT_AUTH)
                print(auth_advice(exc, self.credentials), file=self.err)
        else:
            self.writer.row(row, "sent", **_ids(results))
        finally:
            self.in_flight.pop(row.line, None)
            self.writer.rate = self.queue.stats.rate


def _validate(
    options: BulkOptions, fmt: str, done: dict[int, tuple[str, str | None]], err: TextIO
) -> tuple[int, int, dict[int, Any]]:
    """First pass: count what will be sent and the bad rows (recorded ``invalid``
    with ``--skip-invalid``); refuse bad rows otherwise, and changed lines."""
    skip_statuses = SKIP_ON_RESUME - ({"unknown"} if options.resend_unknown else set())
    unknown_columns: list[str] = []
    bad: list[BadRow] = []
    skip: dict[int, Any] = {}
    total = 0
    for row in read_rows(options.input, fmt, unknown_columns, normalize=options.normalize):
        if isinstance(row, BadRow):
            bad.append(row)
            continue
        if row.original_phone is not None:
            print(f"line {row.line}: phone {row.original_phone!r} -> {row.phone!r}", file=err)
        previous = done.get(row.line)
        if previous is not None and previous[0] in skip_statuses:
            if previous[1] is not None and previous[1] != row.key:
                raise CliError(
                    f"{options.input} line {row.line} changed since {options.results_path} "
                    "was written; --resume needs the same input file (or start over with "
                    "--overwrite)"
                )
            skip[row.line] = previous[0]
            continue
        total += 1
    if unknown_columns:
        print(f"warning: ignoring unknown column(s): {', '.join(unknown_columns)}", file=err)
    if bad and not options.skip_invalid:
        listed = "\n".join(f"  {options.input} {problem}" for problem in bad[:MAX_LISTED_ERRORS])
        more = len(bad) - MAX_LISTED_ERRORS
        extra = f"\n  ... and {more} more" if more > 0 else ""
        raise CliError(
            f"{len(bad)} invalid row(s), nothing was sent:\n{listed}{extra}\n"
            "Fix the file, or pass --skip-invalid to send the valid rows only."
        )
    return total, len(bad), skip


async def _check_instance(client: ZapiClient, credentials: Credentials) -> None:
    try:
        await client.ensure_connected()
    except AuthenticationError as exc:
        raise CliError(auth_advice(exc, credentials), EXIT_AUTH) from None
    except InstanceDisconnectedError as exc:
        raise CliError(
            f"{exc}; connect the phone in the Z-API panel, or pass --no-status-check "
            "to let Z-API queue the messages",
            EXIT_UNAVAILABLE,
        ) from None
    except ZapiError as exc:
        raise CliError(
            f"cannot use Z-API at {credentials.base_url}: {exc}", EXIT_UNAVAILABLE
        ) from None


def _open_results(options: BulkOptions) -> dict[int, tuple[str, str | None]]:
    path = options.results_path
    if not path.exists():
        return {}
    if options.resume:
        return load_results(path, lambda text: print(text, file=sys.stderr))
    if options.overwrite:
        return {}
    raise CliError(
        f"the results file {path} exists: pass --resume to continue that campaign "
        "without resending, or --overwrite to start over"
    )


async def run_bulk(
    options: BulkOptions, credentials: Credentials, *, out: TextIO, err: TextIO
) -> int:
    """Run the ``bulk`` command; returns the exit code."""
    try:
        fmt = detect_format(options.input, options.format)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if not options.input.is_file():
        raise CliError(f"no such input file: {options.input}")
    done = _open_results(options)
    sendable, invalid, skip = _validate(options, fmt, done, err)
    # Invalid rows get a record (and count as done) in this run: count them in the total.
    total = sendable + invalid
    tally = Tally(total=total, skipped=len(skip))
    async with ZapiClient(
        credentials.instance_id,
        credentials.token,
        client_token=credentials.client_token,
        base_url=credentials.base_url,
    ) as client:
        if sendable and options.status_check:
            await _check_instance(client, credentials)
        rows = read_rows(options.input, fmt, normalize=options.normalize)
        no_whatsapp = (
            await skip_without_whatsapp(client, rows, skip, credentials, err)
            if options.check_numbers
            else set()
        )
        progress = make_progress(options.progress if total else "none", total, err)
        queue = SendQueue(
            client,
            rate=options.rate or None,
            burst=options.burst,
            workers=options.concurrency,
            maxsize=4 * options.concurrency + 64,
            pacing=options.pacing,
        )
        mode = "w" if options.overwrite else "a"
        with options.results_path.open(mode, encoding="utf-8") as handle:
            writer = _ResultsWriter(handle, tally, progress)
            campaign = _Campaign(queue, writer, credentials, skip, err)
            campaign.no_whatsapp = no_whatsapp
            loop = asyncio.get_running_loop()
            # Not available on Windows or outside the main thread: Ctrl-C then aborts.
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(signal.SIGINT, campaign.interrupt)
            try:
                await campaign.run(read_rows(options.input, fmt, normalize=options.normalize))
            finally:
                progress.close(tally)
                with contextlib.suppress(NotImplementedError, RuntimeError):
                    loop.remove_signal_handler(signal.SIGINT)
    _summary(options, tally, out, err)
    if campaign.exit_code is not None:
        return campaign.exit_code
    not_sent = tally.failed + tally.partial + tally.unknown + tally.unsent + tally.invalid
    return EXIT_FAILED if not_sent else EXIT_OK


def _summary(options: BulkOptions, tally: Tally, out: TextIO, err: TextIO) -> None:
    print(
        f"sent {tally.sent}, failed {tally.failed}, partial {tally.partial}, "
        f"unknown {tally.unknown}, unsent {tally.unsent}, invalid {tally.invalid}"
        f"{f', no WhatsApp {tally.no_whatsapp}' if options.check_numbers else ''}; "
        f"skipped {tally.skipped} already done; results in {options.results_path}",
        file=out,
    )
    if tally.failed or tally.unsent:
        print(
            "hint: run the same command with --resume to send the failed and unsent "
            "messages (sent ones are skipped)",
            file=err,
        )
    if tally.unknown or tally.partial:
        print(
            "hint: 'unknown' and 'partial' messages may have reached the recipient and "
            "are not resent by --resume; add --resend-unknown to resend 'unknown' ones",
            file=err,
        )
