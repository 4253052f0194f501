"""What became of each message handed to a queue: :class:`Outcome` and :class:`QueueStats`."""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

import attrs

from ..errors import (
    DeliveryUnknownError,
    NotSentError,
    PartialSendError,
    ResponseFormatError,
    UnexpectedSendError,
    ZapiError,
)
from ..models.messages import SendResult

__all__ = ["Outcome", "OutcomeStatus", "QueueStats", "classify"]

T = TypeVar("T")

#: ``sent``: every part accepted. ``failed``: nothing was accepted. ``partial``: some
#: parts of a split message were accepted, then one failed. ``unknown``: the request
#: may or may not have been accepted (see DeliveryUnknownError), or Z-API accepted it
#: (2xx) with a body that cannot be read (ResponseFormatError): it must not be sent
#: again blindly. ``unsent``: never
#: attempted (queue closed with cancel, caller withdrew it, the run stopped, or a
#: limiter held it back: see NotSentError).
OutcomeStatus = Literal["sent", "failed", "partial", "unknown", "unsent"]


def classify(error: BaseException) -> OutcomeStatus:
    """The outcome status a send that raised ``error`` ends in.

    A :class:`~zapi_async.ResponseFormatError` is ``unknown``: Z-API answered 2xx (it
    accepted the request) but the body is unreadable, so the message may well be on
    its way. A :class:`~zapi_async.SendRefusedError` (200 with ``{"error": ...}``)
    is ``failed``: Z-API said it sent nothing. An
    :class:`~zapi_async.UnexpectedSendError` is ``unknown`` when a request had gone out.
    """
    if isinstance(error, (DeliveryUnknownError, ResponseFormatError)):
        return "unknown"
    if isinstance(error, UnexpectedSendError):
        return "unknown" if error.maybe_sent else "failed"
    if isinstance(error, NotSentError):
        return "unsent"
    if isinstance(error, PartialSendError):
        return "unknown" if classify(error.error) == "unknown" else "partial"
    return "failed"


@attrs.frozen
class Outcome(Generic[T]):
    """One input's fate: ``item`` as given, its ``status``, and ``results`` or ``error``.

    ``index`` is the input's 0-based position. ``results`` holds one
    :class:`SendResult` per part sent (also for ``partial``).
    """

    index: int
    item: T
    status: OutcomeStatus
    results: list[SendResult] = attrs.Factory(list)
    error: ZapiError | None = None

    @property
    def ok(self) -> bool:
        """Whether every part was sent."""
        return self.status == "sent"


@attrs.frozen(kw_only=True)
class QueueStats:
    """A snapshot of a queue's counters.

    ``submitted`` messages so far; finished as ``sent``, ``failed`` (``partial``
    included), ``unknown`` or ``unsent``; ``retried`` HTTP retries; ``in_flight``
    being sent now; ``queued`` waiting; ``rate`` messages sent per second over the
    last few seconds.
    """

    submitted: int = 0
    sent: int = 0
    failed: int = 0
    unknown: int = 0
    unsent: int = 0
    retried: int = 0
    in_flight: int = 0
    queued: int = 0
    rate: float = 0.0

    @property
    def finished(self) -> int:
        """Messages with a final outcome."""
        return self.sent + self.failed + self.unknown + self.unsent
