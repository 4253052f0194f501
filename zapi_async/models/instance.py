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

from datetime import datetime, timezone

import attrs

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
