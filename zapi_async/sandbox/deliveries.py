"""What a webhook POST from the sandbox looks like afterwards: :class:`WebhookDelivery`,
and :func:`redact_url` for showing webhook URLs without their secrets."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import attrs

__all__ = ["REDACTED", "WebhookDelivery", "redact_url"]

#: What stands in for a hidden part of a URL.
REDACTED = "***"


def redact_url(url: str) -> str:
    """``url`` for display: its last path segment, query string and password hidden.

    Webhook URLs often carry a secret as their last path segment (or in the query),
    so ``https://bot.example/zapi/s3cr3t?k=v`` shows as ``https://bot.example/zapi/***?***``.
    """
    parts = urlsplit(url)
    segments = parts.path.split("/")
    for index in range(len(segments) - 1, -1, -1):
        if segments[index]:
            segments[index] = REDACTED
            break
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    query = REDACTED if parts.query else ""
    return urlunsplit((parts.scheme, netloc, "/".join(segments), query, ""))


@attrs.frozen
class WebhookDelivery:
    """One webhook POST: the ``payload`` sent, and the receiver's ``status`` and body text.

    ``url`` is the full target; the repr shows it redacted (see :func:`redact_url`).
    """

    url: str = attrs.field(repr=lambda url: repr(redact_url(url)))
    payload: dict[str, Any]
    status: int
    text: str

    @property
    def ok(self) -> bool:
        """Whether the receiver answered 2xx."""
        return 200 <= self.status < 300
