"""SIGINT (Ctrl-C) and SIGTERM (what docker, systemd and Kubernetes send) for the
commands that write a results file, ``bulk`` and ``check-numbers``.

While the run listens (:func:`listening`), the first signal stops it cleanly (no
new request starts; those in flight finish and are recorded) and the command exits
130 (SIGINT) or 143 (SIGTERM); a second one quits at once, after recording what
it can. Before that part, :func:`run_interruptible` makes SIGTERM stop the command
as Ctrl-C does (nothing was sent yet).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TextIO

from .config import EXIT_INTERRUPTED, EXIT_TERMINATED, CliError

__all__ = ["STOPS", "SignalStop", "listening", "run_interruptible", "sigterm_interrupts"]

#: Signal -> (how the stop is named in records and messages, exit code).
STOPS: dict[int, tuple[str, int]] = {
    signal.SIGINT: ("Ctrl-C", EXIT_INTERRUPTED),
    signal.SIGTERM: ("SIGTERM", EXIT_TERMINATED),
}


class SignalStop:
    """What a run does on SIGINT/SIGTERM (see :func:`listening`): the first calls
    :meth:`stopping`, a later one :meth:`abandon` and ends the process at once."""

    def __init__(self, err: TextIO) -> None:
        self.err = err
        #: The exit code of a stopped run (the signal's, or an earlier stop's).
        self.exit_code: int | None = None
        self._signals = 0

    def stopping(self, name: str, exit_code: int) -> None:
        """The first signal: start no new work; what is under way finishes."""
        raise NotImplementedError

    def abandon(self, name: str) -> str:
        """A second signal: record what can be and close the results file; returns
        the last line to print."""
        raise NotImplementedError

    def interrupt(self, signum: int) -> None:
        """The signal handler: stop on the first signal, quit on the next."""
        name, code = STOPS.get(signum, ("a signal", EXIT_INTERRUPTED))
        self._signals += 1
        if self._signals == 1:
            self.stopping(name, code)
            return
        code = self.exit_code or code
        try:
            last = self.abandon(name)
        except CliError as exc:  # the results file failed too: say so, still quit
            last, code = f"zapi-async: error: {exc}", exc.exit_code
        print(last, file=self.err)
        self.err.flush()
        sys.stderr.flush()
        os._exit(code)


@contextlib.contextmanager
def listening(target: SignalStop) -> Iterator[None]:
    """SIGINT and SIGTERM go to ``target.interrupt`` while the block runs."""
    loop = asyncio.get_running_loop()
    previous = {}
    for signum in STOPS:
        handler = signal.getsignal(signum)
        # Not available on Windows or outside the main thread: a signal then aborts.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, target.interrupt, signum)
            previous[signum] = handler
    try:
        yield
    finally:
        for signum, handler in previous.items():
            loop.remove_signal_handler(signum)
            with contextlib.suppress(ValueError, TypeError):
                signal.signal(signum, handler)


class _Terminated:
    received = False


def _on_sigterm(signum: int, frame: Any) -> None:
    _Terminated.received = True
    raise KeyboardInterrupt


@contextlib.contextmanager
def sigterm_interrupts() -> Iterator[Callable[[], bool]]:
    """Outside :func:`listening`, SIGTERM stops the command as Ctrl-C does, with a
    ``KeyboardInterrupt``; the block gets a function telling whether a SIGTERM was
    the cause."""
    _Terminated.received = False
    try:
        previous = signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread: leave SIGTERM alone
        yield lambda: False
        return
    try:
        yield lambda: _Terminated.received
    finally:
        signal.signal(signal.SIGTERM, previous)


def run_interruptible(main: Coroutine[Any, Any, int], err: TextIO) -> int:
    """``asyncio.run(main)``; a SIGTERM outside its :func:`listening` part stops it
    as Ctrl-C does and makes the exit code 143."""
    with sigterm_interrupts() as terminated:
        try:
            return asyncio.run(main)
        except KeyboardInterrupt:
            if not terminated():
                raise
    print("zapi-async: stopped by SIGTERM", file=err)
    return EXIT_TERMINATED
