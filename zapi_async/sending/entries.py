"""A message inside a :class:`~zapi_async.SendQueue`, and who is told its outcome."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

from ..errors import ZapiError
from ..models.messages import Message, SendResult
from .outcomes import OutcomeStatus

__all__ = ["Entry", "OnDone", "is_message", "retrieve"]

logger = logging.getLogger("zapi_async.sending.queue")


#: Told a message's outcome the moment it is settled: status, results, error.
OnDone = Callable[[OutcomeStatus, list[SendResult], ZapiError | None], None]


class Entry:
    """One submitted message. ``future`` for :meth:`SendQueue.submit` (it holds a
    slot of the buffer), ``on_done`` for :meth:`SendQueue._submit_nowait`."""

    __slots__ = ("future", "message", "on_done", "parts", "seq")

    def __init__(
        self,
        seq: int,
        message: Message,
        parts: list[Message],
        future: asyncio.Future[list[SendResult]] | None,
        on_done: OnDone | None = None,
    ) -> None:
        self.seq = seq
        self.message = message
        self.parts = parts
        self.future = future
        self.on_done = on_done

    def withdrawn(self) -> bool:
        """Whether the caller cancelled the entry's future (withdrew the message)."""
        return self.future is not None and self.future.cancelled()

    def settle(
        self, status: OutcomeStatus, results: list[SendResult], error: ZapiError | None
    ) -> None:
        """Hand the outcome to whoever waits for it (a settled future is kept). A raising
        ``on_done`` is logged: it must not stop the worker that settles the entry."""
        if self.on_done is not None:
            try:
                self.on_done(status, results, error)
            except Exception:
                logger.exception("the outcome callback of message %d raised", self.seq)
        elif self.future is not None and not self.future.done():
            if error is not None:
                self.future.set_exception(error)
            else:
                self.future.set_result(results)


def is_message(message: object) -> bool:
    """Whether ``message`` looks like a message model (a string endpoint and phone)."""
    # The instance's endpoint: DocumentMessage computes it (send-document/<extension>).
    return isinstance(getattr(message, "endpoint", None), str) and isinstance(
        getattr(message, "phone", None), str
    )


def retrieve(future: asyncio.Future[Any]) -> None:
    """Done callback marking a future's exception as retrieved."""
    # Outcomes are counted in stats; a caller ignoring a future must not get
    # "exception was never retrieved" noise.
    if not future.cancelled():
        future.exception()
