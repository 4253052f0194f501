"""``zapi-async bulk FILE``: send a campaign, record every input's fate, resume safely.

The run, step by step:

1. Lock the results file for the whole run (a second run on it stops at once) and,
   with ``--resume``, read it: sends the previous run left under way (it was killed,
   or the machine died) are recorded ``unknown`` first (see :mod:`.results_file`).
2. Read the whole input once to validate it (every bad row is reported with its
   line and column; nothing is sent unless ``--skip-invalid``) and, with
   ``--resume``, to skip lines the results file shows as sent (or possibly sent).
3. Check that the instance is reachable, the credentials work and the phone is
   connected (``--no-status-check`` skips this).
4. Stream the input again through a :class:`~zapi_async.SendQueue`: each row's
   attempt is journaled on disk before its first request, and one JSON line per
   input is appended to the results file as soon as its fate is known.

Ctrl-C (SIGINT) or SIGTERM stops reading, withdraws queued messages (``unsent``),
lets the sends in flight finish and records them, then marks the rest of the file
``unsent``: every input line gets exactly one record (see :mod:`.bulk_campaign`).
"""

from __future__ import annotations

from typing import Any, ClassVar, TextIO

import attrs

from ..client import ZapiClient
from ..errors import AuthenticationError, InstanceDisconnectedError, ZapiError
from ..limits.pacing import PacingProfile
from ..sending.queue import SendQueue
from .bulk_campaign import Campaign, JournaledSender, ResultsWriter
from .check_numbers import skip_without_whatsapp
from .config import (
    EXIT_AUTH,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNAVAILABLE,
    CliError,
    Credentials,
    auth_advice,
)
from .input import BadRow, InputRow, Normalizer, input_format, read_rows
from .progress import Tally, make_progress, print_summary, watch_pacing
from .results_file import ResultsFile, ResultsOptions, open_results
from .signals import listening

__all__ = ["SKIP_ON_RESUME", "BulkOptions", "run_bulk"]

#: Statuses ``--resume`` does not send again: the message (or part of it) may have
#: reached the recipient. ``--resend-unknown`` sends ``unknown`` ones again.
SKIP_ON_RESUME = frozenset({"sent", "partial", "unknown"})
#: Bad rows listed in full before "... and N more".
MAX_LISTED_ERRORS = 20


@attrs.frozen(kw_only=True)
class BulkOptions(ResultsOptions):
    """The ``bulk`` command's settings (see ``zapi-async bulk --help``); the results
    file defaults to ``<input stem>.results.jsonl`` next to the input."""

    results_suffix: ClassVar[str] = ".results.jsonl"

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


class _FirstPass:
    """The first read of the input: what will be sent, skipped, or is invalid."""

    def __init__(self, options: BulkOptions, done: dict[int, tuple[str, str | None]]) -> None:
        self.options = options
        self.done = done
        self.skip_statuses = SKIP_ON_RESUME - ({"unknown"} if options.resend_unknown else set())
        self.bad: list[BadRow] = []
        self.skip: dict[int, Any] = {}
        self.sendable = 0

    def check(self, row: InputRow | BadRow, err: TextIO) -> None:
        if isinstance(row, BadRow):
            self.bad.append(row)
            return
        if row.original_phone is not None:
            print(f"line {row.line}: phone {row.original_phone!r} -> {row.phone!r}", file=err)
        previous = self.done.get(row.line)
        if previous is not None and previous[0] in self.skip_statuses:
            if previous[1] is not None and previous[1] != row.key:
                raise CliError(
                    f"{self.options.input} line {row.line} changed since "
                    f"{self.options.results_path} was written; --resume needs the same "
                    "input file (or start over with --overwrite)"
                )
            self.skip[row.line] = previous[0]
            return
        self.sendable += 1


def _validate(
    options: BulkOptions, fmt: str, done: dict[int, tuple[str, str | None]], err: TextIO
) -> tuple[int, int, dict[int, Any]]:
    """First pass: count what will be sent and the bad rows (recorded ``invalid``
    with ``--skip-invalid``); refuse bad rows otherwise, and changed lines."""
    unknown_columns: list[str] = []
    seen = _FirstPass(options, done)
    try:
        for row in read_rows(options.input, fmt, unknown_columns, normalize=options.normalize):
            seen.check(row, err)
    except CliError as exc:
        raise CliError(f"{exc}; nothing was sent", exc.exit_code) from None
    if unknown_columns:
        print(f"warning: ignoring unknown column(s): {', '.join(unknown_columns)}", file=err)
    bad = seen.bad
    if bad and not options.skip_invalid:
        listed = "\n".join(f"  {options.input} {problem}" for problem in bad[:MAX_LISTED_ERRORS])
        more = len(bad) - MAX_LISTED_ERRORS
        extra = f"\n  ... and {more} more" if more > 0 else ""
        raise CliError(
            f"{len(bad)} invalid row(s), nothing was sent:\n{listed}{extra}\n"
            "Fix the file, or pass --skip-invalid to send the valid rows only."
        )
    return seen.sendable, len(bad), seen.skip


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


def _report_reconciled(results: ResultsFile, options: BulkOptions, err: TextIO) -> None:
    lines = [record["line"] for record in results.reconciled]
    if not lines:
        return
    listed = ", ".join(map(str, lines[:MAX_LISTED_ERRORS])) + (", ..." if len(lines) > 20 else "")
    then = "; --resend-unknown sends them again" if options.resend_unknown else "; not resent"
    print(
        f"warning: {len(lines)} send(s) were under way when the previous run stopped and "
        f"may have been sent: recorded 'unknown' (line {listed}){then}",
        file=err,
    )


async def run_bulk(
    options: BulkOptions, credentials: Credentials, *, out: TextIO, err: TextIO
) -> int:
    """Run the ``bulk`` command; returns the exit code."""
    fmt = input_format(options.input, options.format)
    with open_results(
        options.results_path,
        resume=options.resume,
        overwrite=options.overwrite,
        warn=lambda text: print(text, file=err),
        resume_hint="to continue that campaign without resending",
    ) as results:
        _report_reconciled(results, options, err)
        tally, campaign = await _send(options, fmt, results, credentials, err)
    print_summary(tally, options.results_path, out, err)
    if campaign.exit_code is not None:
        return campaign.exit_code
    return EXIT_FAILED if tally.not_sent else EXIT_OK


async def _send(
    options: BulkOptions,
    fmt: str,
    results: ResultsFile,
    credentials: Credentials,
    err: TextIO,
) -> tuple[Tally, Campaign]:
    sendable, invalid, skip = _validate(options, fmt, results.done, err)
    # The previous run's sends recorded 'unknown' now are this run's records.
    kept = sum(1 for record in results.reconciled if record["line"] in skip)
    # Invalid rows get a record (and count as done) in this run: count them in the total.
    tally = Tally(
        total=sendable + invalid + kept,
        skipped=len(skip) - kept,
        unknown=kept,
        check_numbers=options.check_numbers,
    )
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
        progress = make_progress(options.progress if tally.total else "none", tally.total, err)
        sender = JournaledSender(client, results)
        queue = SendQueue(
            sender,
            rate=options.rate or None,
            burst=options.burst,
            workers=options.concurrency,
            maxsize=4 * options.concurrency + 64,
            pacing=options.pacing,
        )
        writer = ResultsWriter(results, tally, progress, lambda: queue.stats.rate)
        campaign = Campaign(queue, sender, writer, credentials=credentials, skip=skip, err=err)
        campaign.no_whatsapp = no_whatsapp
        watcher = watch_pacing(
            options.pacing, lambda: queue.stats, lambda: writer.last_result, progress, tally
        )
        try:
            with listening(campaign):
                await campaign.run(read_rows(options.input, fmt, normalize=options.normalize))
        finally:
            if watcher is not None:
                watcher.cancel()
            progress.close(tally)
    return tally, campaign
