"""Progress display for ``zapi-async bulk``: a rich bar, or plain periodic lines.

The bar needs the optional ``progress`` extra (``pip install 'zapi-async[progress]'``,
which installs rich); without it, or when stderr is not a terminal, a line like::

    progress: 120/1000 (12%) sent 118, failed 2, unknown 0 | 19.8 msg/s | ETA 0:00:44

is printed every few seconds instead.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import Any, Protocol, TextIO

import attrs

__all__ = ["PLAIN_INTERVAL", "PlainProgress", "Progress", "Tally", "make_progress"]

#: Seconds between two plain progress lines.
PLAIN_INTERVAL = 2.0


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

    @property
    def done(self) -> int:
        """Inputs with a final status in this run, invalid ones included (skipped ones
        excluded), so ``done`` never exceeds ``total``."""
        return (
            self.sent
            + self.failed
            + self.partial
            + self.unknown
            + self.unsent
            + self.invalid
            + self.no_whatsapp
        )

    def add(self, status: str) -> None:
        """Count one more input with ``status``."""
        setattr(self, status, getattr(self, status) + 1)


class Progress(Protocol):
    """What the bulk runner tells the display."""

    def update(self, tally: Tally, rate: float) -> None:
        """Called after each result with the counts and the current send rate (msg/s)."""

    def close(self, tally: Tally) -> None:
        """Called once at the end."""


def _eta(remaining: int, rate: float) -> str:
    if rate <= 0:
        return "-:--:--"
    seconds = int(remaining / rate)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


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
        self._rate = 0.0

    def _line(self, tally: Tally) -> str:
        share = f" ({100 * tally.done // tally.total}%)" if tally.total else ""
        invalid = f", invalid {tally.invalid}" if tally.invalid else ""
        return (
            f"progress: {tally.done}/{tally.total}{share} sent {tally.sent}, "
            f"failed {tally.failed + tally.partial}, unknown {tally.unknown}{invalid} | "
            f"{self._rate:.1f} msg/s | ETA {_eta(tally.total - tally.done, self._rate)}"
        )

    def update(self, tally: Tally, rate: float) -> None:
        """Print a line if ``interval`` seconds passed since the last one."""
        self._rate = rate
        now = self._clock()
        if now - self._last >= self._interval:
            self._last = now
            print(self._line(tally), file=self._stream, flush=True)

    def close(self, tally: Tally) -> None:
        """Print the final line."""
        print(self._line(tally), file=self._stream, flush=True)


class _NoProgress:
    def update(self, tally: Tally, rate: float) -> None:
        pass

    def close(self, tally: Tally) -> None:
        pass


class _RichProgress:
    """A rich progress bar with rate and ETA on stderr."""

    def __init__(self, rich_progress: Any, total: int) -> None:
        self._bar = rich_progress
        self._bar.start()
        self._task = self._bar.add_task("sending", total=total, rate=0.0, failed=0)

    def update(self, tally: Tally, rate: float) -> None:
        failed = tally.failed + tally.partial + tally.unknown + tally.invalid
        self._bar.update(self._task, completed=tally.done, rate=rate, failed=failed)

    def close(self, tally: Tally) -> None:
        self.update(tally, 0.0)
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
        TextColumn("{task.fields[rate]:.1f} msg/s"),
        TextColumn("not sent: {task.fields[failed]}"),
        TextColumn("ETA"),
        TimeRemainingColumn(),
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
