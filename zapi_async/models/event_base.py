"""The base of every typed webhook event, and how ``momment`` becomes a datetime."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any, ClassVar

import attrs

__all__ = ["SECONDS_BELOW", "WebhookEvent", "moment_of"]


#: ``momment`` values below this are epoch *seconds* (Z-API's own DisconnectedCallback
#: example has ``1580163342``), others epoch milliseconds. 10**11 seconds is the year
#: 5138; 10**11 milliseconds is March 1973, so both readings stay unambiguous.
SECONDS_BELOW = 10**11


def moment_of(momment: int | None) -> datetime | None:
    """``momment`` as an aware UTC datetime: seconds below :data:`SECONDS_BELOW`, else ms."""
    if momment is None:
        return None
    try:  # a huge value overflows the division too, not only datetime's range
        seconds = momment if abs(momment) < SECONDS_BELOW else momment / 1000
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):  # out of datetime's range
        return None


@attrs.frozen(kw_only=True)
class WebhookEvent:
    """Base of every typed event.

    ``instance_id`` is the Z-API instance that sent it (``None`` when absent) and
    ``raw`` the whole decoded payload (not part of equality or ``repr``).
    """

    TYPE: ClassVar[str] = ""

    instance_id: str | None = None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @property
    def type(self) -> str | None:
        """The payload's ``type`` tag, e.g. ``"ReceivedCallback"``."""
        return self.TYPE

    @property
    def dedup_key(self) -> str | None:
        """Identity used to drop re-sent deliveries, or ``None`` for "never dedup"."""
        return None
