"""Typed answers of the instance endpoints: ``GET status`` and the server queue.

Z-API keeps its own per-instance queue of messages waiting to go out (up to 1000
while the phone is offline). Its entries use PascalCase keys (``ZaapId``,
``MessageId``, ``Phone``…) and ``_id``; :class:`QueuedMessage` maps them to
snake_case. Structuring is tolerant: unknown keys are ignored and every queue
field may be missing (``None``)::

    >>> from zapi_async.wire import from_wire
    >>> item = from_wire({"_id": "39BB", "ZaapId": "39BB", "Phone": "5511999999999",
    ...                   "Message": "hi", "Created": 1624977905648, "Beta": False},
    ...                  QueuedMessage)
    >>> item.zaap_id, item.phone, item.created_datetime.year
    ('39BB', '5511999999999', 2021)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

import attrs

from .wire import converter, register_renames

__all__ = ["InstanceStatus", "QueuePage", "QueuedMessage"]


@attrs.frozen
class InstanceStatus:
    """``GET status``: is the instance connected to WhatsApp?

    * ``connected``: the instance has a WhatsApp session.
    * ``smartphone_connected``: the phone itself is online (``smartphoneConnected``;
      ``False`` when Z-API leaves it out).
    * ``error``: Z-API's explanation, e.g. "You are not connected." or "You need to
      restore the session." (Z-API even sends "You are already connected." when
      all is well).
    """

    connected: bool
    smartphone_connected: bool = False
    error: str | None = None

    @property
    def problem(self) -> str | None:
        """Why the instance cannot send, or ``None`` when it is connected."""
        if self.connected:
            return None
        return self.error or "not connected"


@attrs.frozen
class QueuedMessage:
    """One message waiting in Z-API's server queue.

    Wire keys: ``_id`` → ``id``, ``ZaapId`` → ``zaap_id`` (pass it to
    ``delete_queued``), ``MessageId`` → ``message_id``, ``Phone``, ``Message``,
    ``DelayMessage`` and ``DelayTyping`` (seconds; ``-1``/``0`` mean none),
    ``Created`` (epoch milliseconds; see :attr:`created_datetime`), ``CreatedAt``
    (Z-API's formatted date) and ``InstanceId``. Any of them may be ``None``;
    the numbers are also accepted as numeric strings.
    """

    id: str | None = None
    zaap_id: str | None = None
    message_id: str | None = None
    phone: str | None = None
    message: str | None = None
    delay_message: int | None = None
    delay_typing: int | None = None
    created: int | None = None
    created_at: str | None = None
    instance_id: str | None = None

    @property
    def created_datetime(self) -> datetime | None:
        """``created`` as an aware UTC :class:`~datetime.datetime`, if known."""
        if self.created is None:
            return None
        return datetime.fromtimestamp(self.created / 1000, tz=timezone.utc)

    @property
    def queue_id(self) -> str | None:
        """The id that removes this entry from the queue (``zaap_id``, else ``id``)."""
        return self.zaap_id or self.id


@attrs.frozen
class QueuePage:
    """One page of ``POST queue``.

    ``messages`` in queue order; ``paging_state`` is the cursor for the next page
    (``pagingState``); ``has_more`` says whether there is one (``hasMore``).
    """

    messages: tuple[QueuedMessage, ...]
    paging_state: str | None = None
    has_more: bool = False


#: Python field -> Z-API's key, for the queue entries.
_QUEUE_KEYS = {
    "id": "_id",
    "zaap_id": "ZaapId",
    "message_id": "MessageId",
    "phone": "Phone",
    "message": "Message",
    "delay_message": "DelayMessage",
    "delay_typing": "DelayTyping",
    "created": "Created",
    "created_at": "CreatedAt",
    "instance_id": "InstanceId",
}
#: Keys Z-API documents as numbers in one place and as strings in another.
_NUMERIC_KEYS = frozenset({"DelayMessage", "DelayTyping", "Created"})
_INTEGER_TEXT = re.compile(r"\s*-?\d+\s*")

register_renames(QueuedMessage, _QUEUE_KEYS)
_structure_queued_strictly = converter.get_structure_hook(QueuedMessage)


def _lenient_number(value: Any) -> Any:
    if isinstance(value, str):
        if not value.strip():
            return None
        return int(value) if _INTEGER_TEXT.fullmatch(value) else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _structure_queued(value: Any, cls: type) -> Any:
    """Accept ``"5"`` or ``5.0`` where a queue entry's number belongs; else strict."""
    if isinstance(value, Mapping):
        value = {k: _lenient_number(v) if k in _NUMERIC_KEYS else v for k, v in value.items()}
    return _structure_queued_strictly(value, cls)


converter.register_structure_hook(QueuedMessage, _structure_queued)
