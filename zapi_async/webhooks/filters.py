"""The predicates behind the :class:`~zapi_async.webhooks.WebhookRouter` decorators.

Each ``*_filter`` function returns a ``(event) -> bool`` that the router stores with
the handler. Plain message filters never match notifications or ``waitingMessage``
placeholders, and skip your own messages (``from_me`` / ``from_api``) unless told
otherwise.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Iterable
from typing import Any

from ..models.events import DeliveryCallback, MessageStatusCallback, ReceivedCallback, WebhookEvent
from ..models.kinds import MessageKind

__all__ = [
    "Matcher",
    "as_kinds",
    "as_pattern",
    "as_values",
    "is_delivery",
    "message_filter",
    "notification_filter",
    "status_filter",
    "type_filter",
]

Matcher = Callable[[WebhookEvent], bool]
#: Kinds a plain message handler never sees unless it names them.
_NOT_MESSAGES = frozenset({MessageKind.NOTIFICATION, MessageKind.WAITING})


def as_kinds(kind: str | Iterable[str] | None) -> frozenset[MessageKind] | None:
    """``kind`` as a set of :class:`MessageKind` (``None``: every message kind)."""
    if kind is None:
        return None
    given = [kind] if isinstance(kind, str) else list(kind)
    kinds: set[MessageKind] = set()
    for item in given:
        try:
            kinds.add(MessageKind(item))
        except ValueError:
            known = ", ".join(k.value for k in MessageKind)
            raise ValueError(f"unknown message kind {item!r}; expected one of {known}") from None
    if MessageKind.NOTIFICATION in kinds:
        raise ValueError("notifications are not messages: use @router.on_notification(...)")
    return frozenset(kinds)


def as_pattern(pattern: str | re.Pattern[str] | None) -> re.Pattern[str] | None:
    """``pattern`` compiled (a string is a regular expression, searched anywhere)."""
    if pattern is None or isinstance(pattern, re.Pattern):
        return pattern
    if isinstance(pattern, str):
        return re.compile(pattern)
    raise TypeError(f"expected a regular expression (str or re.Pattern), but was {pattern!r}")


def as_values(value: str | Iterable[str] | None) -> frozenset[str] | None:
    """One string or several as a set of plain strings (``None``: any); enum members
    count as their values (``NotificationType.CALL_VOICE`` -> ``"CALL_VOICE"``)."""
    if value is None:
        return None
    given = [value] if isinstance(value, str) else list(value)
    return frozenset(v.value if isinstance(v, enum.Enum) else v for v in given)


def message_filter(
    *,
    kinds: frozenset[MessageKind] | None,
    own: Callable[[ReceivedCallback], bool],
    pattern: re.Pattern[str] | None = None,
    extra: Callable[[ReceivedCallback], bool] | None = None,
) -> Matcher:
    """Messages of ``kinds`` (any message when ``None``), not ``own`` ones, whose text
    matches ``pattern`` and that pass ``extra``."""

    def matches(event: WebhookEvent) -> bool:
        if not isinstance(event, ReceivedCallback):
            return False
        kind = event.kind
        if kinds is None:
            if kind in _NOT_MESSAGES:
                return False
        elif kind not in kinds:
            return False
        if own(event):
            return False
        if pattern is not None:
            body = event.text.message if event.text is not None else None
            if body is None or pattern.search(body) is None:
                return False
        return extra is None or extra(event)

    return matches


def notification_filter(values: frozenset[str] | None) -> Matcher:
    """Notifications whose ``notification`` is among ``values`` (any when ``None``)."""

    def matches(event: WebhookEvent) -> bool:
        return (
            isinstance(event, ReceivedCallback)
            and event.notification is not None
            and (values is None or event.notification in values)
        )

    return matches


def status_filter(values: frozenset[str] | None) -> Matcher:
    """``MessageStatusCallback`` events with a status among ``values`` (any when ``None``)."""

    def matches(event: WebhookEvent) -> bool:
        return isinstance(event, MessageStatusCallback) and (
            values is None or event.status in values
        )

    return matches


def is_delivery(event: WebhookEvent) -> bool:
    """Whether ``event`` is a ``DeliveryCallback``."""
    return isinstance(event, DeliveryCallback)


def type_filter(event_type: Any) -> Matcher:
    """Events with the ``type`` tag ``event_type`` (a string) or of that class."""
    if isinstance(event_type, str):
        return lambda event: event.type == event_type
    cls = event_type
    return lambda event: isinstance(event, cls)
