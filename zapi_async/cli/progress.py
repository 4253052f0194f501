"""Progress display for ``zapi-async bulk``: a rich bar, or plain periodic lines.

Every display (the bar, the plain lines and the final summary) counts inputs with
one vocabulary, :data:`COLUMNS`: the outcome statuses of
:data:`~zapi_async.sending.outcomes.OutcomeStatus` (``sent``, ``failed``,
``partial``, ``unknown``, ``unsent``) and the CLI's own ``invalid`` and (with
``--check-numbers``) ``no_whatsapp``; ``skipped`` (already done by an earlier run)
is reported by the summary.

The bar needs the optional ``progress`` extra (``pip install 'zapi-async[progress]'``,
which installs rich); without it, or when stderr is not a terminal, a line like::

    progress: 120/1000 (12%) sent 118, failed 2, partial 0, unknown 0, unsent 0, invalid 0 | 19.8 msg/s | ETA 0:00:44

is printed every few seconds instead, and a last one at the end with the run's
average rate. While the pacing profile holds messages back, both say so
(``waiting on pacing: ...``).
"""  # noqa: E501

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Protocol, TextIO, get_args

import attrs

from ..limits.pacing import PacingProfile
from ..sending.outcomes import OutcomeStatus, QueueStats

__all__ = [
    "CLI_STATUSES",
    "COLUMNS",
    "PLAIN_INTERVAL",
    "PlainProgress",
    "Progress",
    "Tally",
    "make_progress",
    "pacing_note",
    "print_summary",
    "watch_pacing",
]

#: Seconds between two plain progress lines.
PLAIN_INTERVAL = 2.0
#: Statuses only the CLI gives: a row that is not a valid message, a number that
#: ``--check-numbers`` found without WhatsApp.
CLI_STATUSES: tuple[str, ...] = ("invalid", "no_whatsapp")
#: The counted columns, in the order every display shows them.
COLUMNS: tuple[str, ...] = (*get_args(OutcomeStatus), *CLI_STATUSES)
#: Seconds without a result (while messages wait) before the display says it waits
#: on pacing; also how often the display is refreshed under pacing.
PACING_WATCH = 1.0
#: Statuses of inputs a send was attempted for (the rate counts these).
ATTEMPTED = ("sent", "failed", "partial", "unknown")


@attrs.define
class Tally:
    """Counts of a bulk run, by result status."""

    #: Inputs this run gives a record: rows to send plus invalid rows (skipped excluded).
    total: int = 0
    sent: int = 0
    failed: int = 0
    partial: int = 0
    unknown: int = 0
    unsent: int = 0
    invalid: int = 0
    #: Not sent: ``--check-numbers`` found the number has no WhatsApp.
    no_whatsapp: int = 0
    skipped: int = 0
    #: ``--check-numbers`` is on: the displays show the ``no_whatsapp`` column.
    check_numbers: bool = False

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns shown: :data:`COLUMNS`, without ``no_whatsapp`` unless
        ``check_numbers``."""
        return COLUMNS if self.check_numbers else tuple(c for c in COLUMNS if c != "no_whatsapp")

    @property
    def done(self) -> int:
        """Inputs with a final status in this run, invalid ones included (skipped ones
        excluded), so ``done`` never exceeds ``total``."""
        return sum(getattr(self, name) for name in COLUMNS)

    @property
    def attempted(self) -> int:
        """Inputs a send was attempted for."""
        return sum(getattr(self, name) for name in ATTEMPTED)

    @property
    def not_sent(self) -> int:
        """Inputs that should have been sent and were not (``no_whatsapp`` ones
        are not counted: they were not meant to be sent)."""
        return self.done - self.sent - self.no_whatsapp

    def add(self, status: str) -> None:
        """Count one more input with ``status``."""
        setattr(self, status, getattr(self, status) + 1)

    def counts(self) -> str:
        """``sent 3, failed 0, partial 0, unknown 0, unsent 197, invalid 0``."""
        return ", ".join(f"{name} {getattr(self, name)}" for name in self.columns)


class Progress(Protocol):
    """What the bulk runner tells the display."""

    def update(self, tally: Tally, rate: float) -> None:
        """Called after each result with the counts and the current send rate (msg/s)."""

    def waiting(self, reason: str | None) -> None:
        """Called when sending is held back (``reason``) and when it goes on (``None``)."""

    def close(self, tally: Tally) -> None:
        """Called once at the end."""


def _eta(remaining: int, rate: float) -> str:
    if remaining <= 0:
        return "0:00:00"
    if rate <= 0:
        return "-:--:--"
    seconds = int(remaining / rate)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


class _Average:
    """The run's average send rate, for the final line."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._start = clock()

    def rate(self, tally: Tally) -> float:
        elapsed = self._clock() - self._start
        return tally.attempted / elapsed if elapsed > 0 else 0.0


class PlainProgress:
    """One line every ``interval`` seconds (and a last one at the end) on ``stream``."""

    def __init__(
        self,
        stream: TextIO,
        *,
        interval: float = PLAIN_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self._interval = interval
        self._clock = clock
        self._last = clock()
        self._average = _Average(clock)
        self._rate = 0.0
        self._waiting: str | None = None

    def _line(self, tally: Tally, rate: str) -> str:
        share = f" ({100 * tally.done // tally.total}%)" if tally.total else ""
        eta = _eta(tally.total - tally.done, self._rate)
        waiting = f" | waiting on pacing: {self._waiting}" if self._waiting else ""
        return (
            f"progress: {tally.done}/{tally.total}{share} {tally.counts()} | "
            f"{rate} | ETA {eta}{waiting}"
        )

    def _print(self, text: str) -> None:
        print(text, file=self._stream, flush=True)

    def update(self, tally: Tally, rate: float) -> None:
        """Print a line if ``interval`` seconds passed since the last one."""
        self._rate = rate
        now = self._clock()
        if now - self._last >= self._interval:
            self._last = now
            self._print(self._line(tally, f"{rate:.1f} msg/s"))

    def waiting(self, reason: str | None) -> None:
        """Say at once that sending waits on pacing (the next lines repeat it)."""
        if reason and reason != self._waiting:
            self._print(f"progress: waiting on pacing: {reason}")
        self._waiting = reason

    def close(self, tally: Tally) -> None:
        """Print the final line, with the run's average rate."""
        self._waiting = None
        self._print(self._line(tally, f"{self._average.rate(tally):.1f} msg/s average"))


class _NoProgress:
    def update(self, tally: Tally, rate: float) -> None:
        pass

    def waiting(self, reason: str | None) -> None:
        pass

    def close(self, tally: Tally) -> None:
        pass


class _RichProgress:
    """A rich progress bar with the counts, rate, ETA and pacing note on stderr."""

    def __init__(self, rich_progress: Any, total: int) -> None:
        self._bar = rich_progress
        self._average = _Average(time.monotonic)
        self._bar.start()
        self._task = self._bar.add_task(
            "sending", total=total, rate="0.0 msg/s", counts="", note=""
        )

    def update(self, tally: Tally, rate: float) -> None:
        self._bar.update(
            self._task, completed=tally.done, rate=f"{rate:.1f} msg/s", counts=tally.counts()
        )

    def waiting(self, reason: str | None) -> None:
        self._bar.update(self._task, note=f"waiting on pacing: {reason}" if reason else "")

    def close(self, tally: Tally) -> None:
        self._bar.update(
            self._task,
            completed=tally.done,
            rate=f"{self._average.rate(tally):.1f} msg/s average",
            counts=tally.counts(),
            note="",
        )
        self._bar.stop()


def _rich(total: int) -> Progress | None:
    try:
        from rich.console import Console  # noqa: PLC0415 (optional extra)
        from rich.progress import (  # noqa: PLC0415
            BarColumn,
            MofNCompleteColumn,
            TextColumn,
            TimeRemainingColumn,
        )
        from rich.progress import Progress as RichProgress  # noqa: PLC0415
    except ImportError:
        return None
    bar = RichProgress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[counts]}"),
        TextColumn("{task.fields[rate]}"),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TextColumn("[yellow]{task.fields[note]}"),
        console=Console(stderr=True),
    )
    return _RichProgress(bar, total)


def make_progress(kind: str, total: int, stream: TextIO | None = None) -> Progress:
    """The display for ``--progress kind``: ``auto`` (a rich bar on a terminal when
    rich is installed, else plain lines), ``rich``, ``plain`` or ``none``."""
    stream = stream if stream is not None else sys.stderr
    if kind == "none":
        return _NoProgress()
    if kind == "rich" or (kind == "auto" and stream.isatty()):
        bar = _rich(total)
        if bar is not None:
            return bar
        if kind == "rich":
            print(
                "warning: the progress bar needs rich: pip install 'zapi-async[progress]'",
                file=stream,
            )
    return PlainProgress(stream)


def pacing_note(profile: PacingProfile, today: datetime | None = None) -> str:
    """What the pacing profile holds messages back for, e.g. ``2-6 s between
    messages, 1000 per day``."""
    parts = []
    if profile.max_gap > 0:
        parts.append(f"{profile.min_gap:g}-{profile.max_gap:g} s between messages")
    if profile.daily_cap is not None or profile.warmup_start is not None:
        cap = profile.cap_for((today or datetime.now(timezone.utc)).date())
        parts.append(f"{cap} per day" if cap is not None else "no daily cap")
    return ", ".join(parts) or "no gaps"


def watch_pacing(
    profile: PacingProfile | None,
    stats: Callable[[], QueueStats],
    last_result: Callable[[], float],
    progress: Progress,
    tally: Tally,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> asyncio.Task[None] | None:
    """A task that tells ``progress`` when messages wait and no result came for
    :data:`PACING_WATCH` seconds (``None`` without a pacing profile). Cancel it at
    the end."""
    if profile is None:
        return None
    note = pacing_note(profile)

    async def watch() -> None:
        waiting = False
        while True:
            await asyncio.sleep(PACING_WATCH)
            now = stats()
            held = now.queued + now.in_flight > 0 and clock() - last_result() >= PACING_WATCH
            if held != waiting:
                progress.waiting(note if held else None)
                waiting = held
            progress.update(tally, now.rate)

    return asyncio.ensure_future(watch())


def print_summary(tally: Tally, results: Path, out: TextIO, err: TextIO) -> None:
    """The line ending a bulk run (the same columns as the progress display) on
    ``out``, and hints on what ``--resume`` will do on ``err``."""
    print(f"{tally.counts()}; skipped {tally.skipped} already done; results in {results}", file=out)
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
