"""Whether a message's send has let a request out: before that, nothing was sent.

The queue asks a :class:`~zapi_async.sending.protocol.Sender` to call ``on_attempt``
just before each request. A sender written before that hook existed (its
``send_parts`` takes no ``on_attempt``) is told through the limiter instead: the
queue's limiter is wrapped so that being let through marks the attempt, as the
hook would.
"""

from __future__ import annotations

import inspect

from ..limits.rate import Limiter

__all__ = ["Attempts", "TrackingLimiter", "takes_on_attempt"]


class Attempts:
    """One message's send: ``started`` once a request may have gone out."""

    __slots__ = ("started",)

    def __init__(self) -> None:
        self.started = False

    def mark(self) -> None:
        """The ``on_attempt`` hook: a request is about to go out."""
        self.started = True


class TrackingLimiter:
    """``inner`` (or no limit), marking ``attempts`` each time it lets a request out."""

    __slots__ = ("attempts", "inner")

    def __init__(self, inner: Limiter | None, attempts: Attempts) -> None:
        self.inner = inner
        self.attempts = attempts

    async def acquire(self) -> None:
        """Wait for ``inner``, then mark the attempt."""
        if self.inner is not None:
            await self.inner.acquire()
        self.attempts.mark()

    async def pause(self, seconds: float) -> None:
        """Pass a 429 pause on to ``inner``."""
        if self.inner is not None:
            await self.inner.pause(seconds)


def takes_on_attempt(sender: object) -> bool:
    """Whether ``sender.send_parts`` declares the ``on_attempt`` hook."""
    send_parts = getattr(sender, "send_parts", None)
    if not callable(send_parts):
        return False
    try:
        parameters = inspect.signature(send_parts).parameters
    except (TypeError, ValueError):  # no signature to read (some C callables)
        return False
    return "on_attempt" in parameters
