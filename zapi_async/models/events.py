"""Typed Z-API webhook events: plain frozen attrs classes, one per ``type`` tag.

* :class:`ReceivedCallback` (in :mod:`zapi_async.models.received`): a message
  arrived, with its typed content, or a system notification;
* :class:`DeliveryCallback`, :class:`MessageStatusCallback`: what happened to
  messages you sent;
* :class:`ConnectedCallback`, :class:`DisconnectedCallback`,
  :class:`PresenceChatCallback`;
* :class:`UnknownEvent`: anything else, with the raw payload.

Python names are snake_case; ``momment`` (Z-API's spelling) is also exposed as an
aware ``datetime`` (``.moment``). Everything captured from the live service is epoch
**milliseconds**; values below ``10**11`` (Z-API's own DisconnectedCallback example
has a 10-digit one) are read as seconds.
The models know nothing of JSON: :mod:`zapi_async.webhooks.parsing` configures the
project's converter for them.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, TypeAlias

import attrs

from .content import ButtonReply, ListReply, TextContent
from .event_base import WebhookEvent, moment_of
from .received import ReceivedCallback

__all__ = [
    "EVENT_TYPES",
    "AnyEvent",
    "ButtonReply",
    "ConnectedCallback",
    "DeliveryCallback",
    "DisconnectedCallback",
    "ListReply",
    "MessageStatus",
    "MessageStatusCallback",
    "PresenceChatCallback",
    "ReceivedCallback",
    "TextContent",
    "UnknownEvent",
    "WebhookEvent",
]


class MessageStatus(str, enum.Enum):
    """The message statuses Z-API documents; members compare equal to their strings.

    ``MessageStatusCallback.status`` stays a plain ``str`` so values Z-API adds later
    still parse; use :attr:`MessageStatusCallback.known_status` to get a member.
    """

    SENT = "SENT"
    RECEIVED = "RECEIVED"
    READ = "READ"
    READ_BY_ME = "READ_BY_ME"
    PLAYED = "PLAYED"


# --- events -------------------------------------------------------------------------


def _zaap_id(event: DeliveryCallback) -> str | None:
    return event.zaap_id


@attrs.frozen(kw_only=True)
class DeliveryCallback(WebhookEvent):
    """Z-API tried to send one of your messages (the "On send" webhook).

    ``message_id`` is your ``SendResult.message_id``; when the payload has no
    ``messageId`` (an older Z-API example shows only ``zaapId``) it is the
    ``zaap_id`` instead, so the event still parses and routes. ``error`` is Z-API's
    reason text, present only when sending **failed** (see :attr:`ok`);
    ``error_code`` a code for some failures (``"SHADOW_BAN"`` so far). ``momment``
    is when it happened (see :attr:`moment`).
    """

    TYPE: ClassVar[str] = "DeliveryCallback"

    phone: str | None = None
    zaap_id: str | None = None
    message_id: str | None = attrs.field(default=attrs.Factory(_zaap_id, takes_self=True))
    momment: int | None = None
    error: str | None = None
    error_code: str | None = None

    @property
    def ok(self) -> bool:
        """``True`` when the message went out (the payload carries no ``error``)."""
        return self.error is None

    @property
    def moment(self) -> datetime | None:
        """``momment`` as a timezone-aware UTC datetime (``None`` when absent)."""
        return moment_of(self.momment)

    @property
    def dedup_key(self) -> str | None:
        """``delivery:<instanceId>:<messageId or zaapId>``, plus ``:error`` for a failed
        send (so a later success for the same id is not dropped); ``None`` without ids."""
        ident = self.message_id or self.zaap_id
        if ident is None:
            return None
        suffix = "" if self.ok else ":error"
        return f"delivery:{self.instance_id or ''}:{ident}{suffix}"


@attrs.frozen(kw_only=True)
class MessageStatusCallback(WebhookEvent):
    """Messages changed status (``SENT``, ``RECEIVED``, ``READ``, ``READ_BY_ME``, ``PLAYED``).

    ``ids`` are the message ids concerned; ``status`` is kept as Z-API wrote it, so
    a status added later does not break parsing (:attr:`known_status` is ``None``).
    """

    TYPE: ClassVar[str] = "MessageStatusCallback"

    status: str
    ids: tuple[str, ...] = ()
    phone: str | None = None
    momment: int | None = None
    is_group: bool = False

    @property
    def moment(self) -> datetime | None:
        """``momment`` as a timezone-aware UTC datetime (``None`` when absent)."""
        return moment_of(self.momment)

    @property
    def known_status(self) -> MessageStatus | None:
        """``status`` as a :class:`MessageStatus`, or ``None`` if it is a new value."""
        try:
            return MessageStatus(self.status)
        except ValueError:
            return None

    @property
    def dedup_key(self) -> str | None:
        """``status:<instanceId>:<status>:<sorted ids>``."""
        return f"status:{self.instance_id or ''}:{self.status}:{','.join(sorted(self.ids))}"


@attrs.frozen(kw_only=True)
class ConnectedCallback(WebhookEvent):
    """The instance's phone connected (``phone`` is the connected number)."""

    TYPE: ClassVar[str] = "ConnectedCallback"

    connected: bool = True
    phone: str | None = None
    momment: int | None = None

    @property
    def moment(self) -> datetime | None:
        """``momment`` as a timezone-aware UTC datetime (``None`` when absent)."""
        return moment_of(self.momment)


@attrs.frozen(kw_only=True)
class DisconnectedCallback(WebhookEvent):
    """The instance's phone disconnected; ``error`` is Z-API's reason text."""

    TYPE: ClassVar[str] = "DisconnectedCallback"

    disconnected: bool = True
    error: str | None = None
    momment: int | None = None

    @property
    def moment(self) -> datetime | None:
        """``momment`` as a timezone-aware UTC datetime (``None`` when absent)."""
        return moment_of(self.momment)


@attrs.frozen(kw_only=True)
class PresenceChatCallback(WebhookEvent):
    """A contact's presence in a chat (``AVAILABLE``, ``COMPOSING``, ``RECORDING``...)."""

    TYPE: ClassVar[str] = "PresenceChatCallback"

    phone: str | None = None
    status: str | None = None
    last_seen: int | None = None


@attrs.frozen(kw_only=True)
class UnknownEvent(WebhookEvent):
    """A payload this library does not model: a new ``type``, no ``type``, or one
    whose fields did not fit its class (``error`` then says why, with JSON paths).

    ``raw`` holds the whole payload.
    """

    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=True)
    error: str | None = None

    @property
    def type(self) -> str | None:
        """The payload's ``type`` tag, or ``None`` when absent or not a string."""
        tag = self.raw.get("type")
        return tag if isinstance(tag, str) else None


#: Every typed event, by its ``type`` tag.
EVENT_TYPES: dict[str, type[WebhookEvent]] = {
    cls.TYPE: cls
    for cls in (
        ReceivedCallback,
        DeliveryCallback,
        MessageStatusCallback,
        ConnectedCallback,
        DisconnectedCallback,
        PresenceChatCallback,
    )
}

#: Any parsed webhook.
AnyEvent: TypeAlias = (
    ReceivedCallback
    | DeliveryCallback
    | MessageStatusCallback
    | ConnectedCallback
    | DisconnectedCallback
    | PresenceChatCallback
    | UnknownEvent
)
