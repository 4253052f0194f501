"""The sending pass of ``zapi-async bulk``: rows through a SendQueue, each attempt
journaled before it goes out, each fate recorded, and a clean stop on a signal.

SIGINT (Ctrl-C) and SIGTERM (what docker, systemd and Kubernetes send) stop the
run the same way (:mod:`.signals`): no new message starts, queued messages are withdrawn
(``unsent``), sends in flight finish and are recorded, the rest of the file is
recorded ``unsent``; the exit code is 130 (SIGINT) or 143 (SIGTERM). A second
signal records the sends still in flight ``unknown`` and quits at once. Before
sending starts, SIGTERM stops the command like Ctrl-C does (nothing was sent).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TextIO

from ..client import ZapiClient
from ..errors import (
    AuthenticationError,
    DailyCapReachedError,
    PartialSendError,
    QueueClosedError,
    SentPart,
    UnexpectedSendError,
    ZapiError,
)
from ..http.retry import AttemptObserver, RetryObserver
from ..limits.pacing import PacedLimiter, PacingProfile
from ..limits.rate import Limiter
from ..models.messages import Message, SendResult
from ..sending.outcomes import classify
from ..sending.queue import SendQueue
from .config import EXIT_AUTH, EXIT_FAILED, CliError, Credentials, auth_advice
from .input import BadRow, InputRow
from .progress import Progress, Tally
from .results_file import ResultsFile
from .signals import SignalStop

__all__ = ["Campaign", "JournaledSender", "ResultsWriter"]


#: Rows between two turns of the event loop while feeding the queue.
_YIELD_EVERY = 256


class ResultsWriter:
    """Writes one record per input to the results file and keeps the tally."""

    def __init__(
        self,
        results: ResultsFile,
        tally: Tally,
        progress: Progress,
        rate: Callable[[], float] = lambda: 0.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.results = results
        self.tally = tally
        self.progress = progress
        self.rate = rate
        self.clock = clock
        self.last_result = clock()

    def write(self, line: int, status: str, **fields: Any) -> None:
        record = {"line": line, "status": status}
        record.update({k: v for k, v in fields.items() if v is not None})
        self.results.write(record)  # a CliError (EXIT_RESULTS) when it cannot
        self.tally.add(status)
        self.last_result = self.clock()
        self.progress.update(self.tally, self.rate())

    def row(self, row: InputRow, status: str, **fields: Any) -> None:
        phone, original = row.message.phone, row.original_phone
        self.write(row.line, status, phone=phone, original_phone=original, key=row.key, **fields)


class _StartMark:
    """The last limiter before a row's first request: journals the attempt, once."""

    __slots__ = ("inner", "results", "row", "started")

    def __init__(self, inner: Limiter | None, results: ResultsFile, row: InputRow) -> None:
        self.inner = inner
        self.results = results
        self.row = row
        self.started = False

    async def acquire(self) -> None:
        if self.inner is not None:
            await self.inner.acquire()
        if not self.started:
            row = self.row
            await self.results.attempt(row.line, phone=row.message.phone, key=row.key)
            self.started = True

    async def pause(self, seconds: float) -> None:
        if self.inner is not None:
            await self.inner.pause(seconds)


class JournaledSender:
    """The client as the campaign's SendQueue sees it (a :class:`~zapi_async.sending.
    protocol.Sender`): every row's attempt is on disk before its first request."""

    def __init__(self, client: ZapiClient, results: ResultsFile) -> None:
        self._client = client
        self._results = results
        self._submitting: InputRow | None = None
        # id(parts) -> (parts, row): the queue hands plan()'s list back to send_parts().
        self._planned: dict[int, tuple[Sequence[Message], InputRow]] = {}

    async def submit(self, queue: SendQueue, row: InputRow) -> asyncio.Future[list[SendResult]]:
        """``queue.submit(row.message)``, the row known to the journal."""
        self._submitting = row
        try:
            return await queue.submit(row.message)
        finally:
            self._submitting = None

    def plan(self, message: Message, *, split: bool = True) -> list[Message]:
        parts = self._client.plan(message, split=split)
        row = self._submitting
        if row is not None and row.message is message:
            self._planned[id(parts)] = (parts, row)
        return parts

    async def send_parts(
        self,
        parts: Sequence[Message],
        *,
        limiter: Limiter | None = None,
        on_retry: RetryObserver | None = None,
        on_attempt: AttemptObserver | None = None,
    ) -> list[SendResult]:
        planned = self._planned.pop(id(parts), None)
        if planned is None or planned[0] is not parts:  # never send what is not journaled
            raise RuntimeError("a send of no known row; not sent")
        mark = _StartMark(limiter, self._results, planned[1])
        return await self._client.send_parts(
            parts, limiter=mark, on_retry=on_retry, on_attempt=on_attempt
        )

    def pacer(self, profile: PacingProfile) -> PacedLimiter:
        return self._client.pacer(profile)

    async def ensure_connected(self, *, require_smartphone: bool = False) -> Any:
        return await self._client.ensure_connected(require_smartphone=require_smartphone)


def _ids(results: Iterable[SentPart]) -> dict[str, list[str]]:
    results = list(results)
    return {
        "message_ids": [r.message_id for r in results],
        "zaap_ids": [r.zaap_id for r in results],
    }


def _error(exc: BaseException) -> dict[str, str]:
    return {"error": str(exc), "error_type": type(exc).__name__}


class Campaign(SignalStop):
    """One sending pass over the input through a SendQueue; stopped by a signal
    while :func:`~.signals.listening`."""

    def __init__(
        self,
        queue: SendQueue,
        sender: JournaledSender,
        writer: ResultsWriter,
        *,
        credentials: Credentials,
        skip: dict[int, Any],
        err: TextIO,
    ) -> None:
        super().__init__(err)
        self.queue = queue
        self.sender = sender
        self.writer = writer
        self.credentials = credentials
        self.skip = skip
        self.stop_reason: str | None = None
        self.in_flight: dict[int, InputRow] = {}
        self._waiters: set[asyncio.Task[None]] = set()
        self._failures: list[BaseException] = []
        self._closing: asyncio.Task[Any] | None = None
        #: Phones ``--check-numbers`` found without WhatsApp: recorded, not sent.
        self.no_whatsapp: set[str] = set()

    def stop(self, reason: str, exit_code: int) -> None:
        """Stop sending: queued messages and the rest of the input become ``unsent``."""
        if self.stop_reason is not None:
            return
        self.stop_reason, self.exit_code = reason, exit_code
        self._closing = asyncio.ensure_future(self.queue.close(cancel=True))

    def stopping(self, name: str, exit_code: int) -> None:
        """The first SIGINT/SIGTERM: drain (see :meth:`stop`)."""
        print(
            f"\nstopping: waiting for {self.queue.stats.in_flight} send(s) in flight "
            f"({name} again to quit at once)",
            file=self.err,
            flush=True,
        )
        self.stop(f"interrupted ({name}) before sending", exit_code)

    def abandon(self, name: str) -> str:
        """The next signal: record the sends in flight ``unknown`` (those not started
        ``unsent``) and close the results file."""
        results = self.writer.results
        for row in list(self.in_flight.values()):
            if results.is_open_attempt(row.line):
                abandoned = f"abandoned by a second {name} while in flight"
                self.writer.row(row, "unknown", error=abandoned)
            else:
                self.writer.row(row, "unsent", error=f"interrupted ({name}) before sending")
        results.close()
        return "quit with sends in flight; they are recorded as 'unknown'"

    def _watch(self, waiter: asyncio.Task[None]) -> None:
        self._waiters.discard(waiter)
        if not waiter.cancelled() and waiter.exception() is not None:
            self._failures.append(waiter.exception())  # type: ignore[arg-type]
            self.stop("not sent: the run stopped on an error", EXIT_FAILED)

    async def run(self, rows: Iterable[InputRow | BadRow]) -> None:
        try:
            await self._feed(rows)
        except CliError as exc:  # the input cannot be read (any more): stop
            self._failures.append(exc)
            self.stop(f"not sent: {exc}", exc.exit_code)
        if self._closing is None:
            await self.queue.close()  # drain normally
        if self._closing is not None:  # stopped, before or during the drain
            await self._closing
        while self._waiters:
            await asyncio.wait(list(self._waiters))
        if self._failures:
            raise self._failures[0]

    async def _feed(self, rows: Iterable[InputRow | BadRow]) -> None:
        for count, row in enumerate(rows, 1):
            if count % _YIELD_EVERY == 0:
                # Rows that need no send never wait: let signals and answers in.
                await asyncio.sleep(0)
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
                future = await self.sender.submit(self.queue, row)
            except QueueClosedError:
                self.writer.row(row, "unsent", error=self.stop_reason or "queue closed")
                continue
            except ZapiError as exc:
                self.writer.row(row, "failed", **_error(exc))
                continue
            except Exception as exc:  # a bug must cost one row, not the run
                self.writer.row(row, "failed", **_error(UnexpectedSendError(exc)))
                continue
            self.in_flight[row.line] = row
            waiter = asyncio.ensure_future(self._record(row, future))
            self._waiters.add(waiter)
            waiter.add_done_callback(self._watch)

    async def _record(self, row: InputRow, future: asyncio.Future[list[SendResult]]) -> None:
        try:
            results = await asyncio.shield(future)
        except QueueClosedError:
            self.writer.row(row, "unsent", error=self.stop_reason or "queue closed")
        except CliError as exc:  # its attempt could not be journaled: never sent
            self.writer.row(row, "unsent", error=str(exc))
            raise
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
        except Exception as exc:  # never lose a row's record
            status = "unknown" if self.writer.results.is_open_attempt(row.line) else "failed"
            self.writer.row(row, status, **_error(UnexpectedSendError(exc)))
        else:
            self.writer.row(row, "sent", **_ids(results))
        finally:
            self.in_flight.pop(row.line, None)
