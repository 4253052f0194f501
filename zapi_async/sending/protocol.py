"""What the senders of many messages need from a client: the small :class:`Sender`
protocol that :class:`~zapi_async.ZapiClient` implements.

Typing the queue and ``send_many`` against it keeps this layer below the client
(the client imports the queue, never the other way round) and lets tests hand in
any object with these four calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ..http.retry import AttemptObserver, RetryObserver
from ..limits.pacing import PacedLimiter, PacingProfile
from ..limits.rate import Limiter
from ..models.messages import Message, SendResult

__all__ = ["Sender"]


class Sender(Protocol):
    """Plans and sends messages for one Z-API instance."""

    def plan(self, message: Message, *, split: bool = True) -> list[Message]:
        """The requests a send of ``message`` would make."""
        ...

    async def send_parts(
        self,
        parts: Sequence[Message],
        *,
        limiter: Limiter | None = None,
        on_retry: RetryObserver | None = None,
        on_attempt: AttemptObserver | None = None,
    ) -> list[SendResult]:
        """Send planned parts in order; one result per part. ``on_attempt`` is called
        just before each request goes out."""
        ...

    def pacer(self, profile: PacingProfile) -> PacedLimiter:
        """The instance's pacing state for ``profile``."""
        ...

    async def ensure_connected(self, *, require_smartphone: bool = False) -> Any:
        """The instance status, or :class:`~zapi_async.InstanceDisconnectedError`."""
        ...
