"""Actions on existing messages, as :class:`~zapi_async.ZapiClient` methods:
``pin_message`` / ``unpin_message``, ``forward_message``, ``read_message`` and
``delete_message``.

Read and delete are answered ``204 No Content``: they return ``None`` and never
parse a body. Forward is answered ``{"zaapId"}`` (a :class:`ForwardResult`), pin
like a send (a :class:`~zapi_async.SendResult`).
"""

from __future__ import annotations

from urllib.parse import urlencode

from ..models.actions import (
    DeleteMessage,
    ForwardMessage,
    ForwardResult,
    PinDuration,
    PinMessage,
    ReadMessage,
)
from ..models.messages import SendResult
from ..wire import to_query, to_wire
from .base import ClientCalls

__all__ = ["MessageActions"]


class MessageActions(ClientCalls):
    """Pin, unpin, forward, mark as read and delete messages."""

    __slots__ = ()

    async def pin_message(
        self, phone: str, message_id: str, *, duration: PinDuration = "7_days"
    ) -> SendResult:
        """Pin ``message_id`` in the chat ``phone`` for ``duration`` (``"24_hours"``,
        ``"7_days"`` (default) or ``"30_days"``)."""
        return await self._send_one(PinMessage(phone, message_id, "pin", duration))

    async def unpin_message(self, phone: str, message_id: str) -> SendResult:
        """Unpin ``message_id`` in the chat ``phone``."""
        return await self._send_one(PinMessage(phone, message_id, "unpin"))

    async def forward_message(
        self, phone: str, message_id: str, message_phone: str, *, delay_message: int | None = None
    ) -> ForwardResult:
        """Forward ``message_id``, found in the chat ``message_phone``, to ``phone``.

        Z-API needs a webhook configured for forwards to work.
        """
        request = ForwardMessage(phone, message_id, message_phone, delay_message)
        body = await self.request("POST", request.endpoint, to_wire(request))
        return self._structure(body, ForwardResult, request.endpoint)

    async def read_message(self, phone: str, message_id: str) -> None:
        """Mark ``message_id`` in the chat ``phone`` as read (Z-API answers 204)."""
        request = ReadMessage(phone, message_id)
        await self.request("POST", request.endpoint, to_wire(request))

    async def delete_message(self, phone: str, message_id: str, *, owner: bool) -> None:
        """Delete ``message_id`` in the chat ``phone`` for everyone (Z-API answers 204).

        ``owner`` is ``True`` for a message you sent, ``False`` for one you received.
        """
        request = DeleteMessage(phone, message_id, owner)
        await self.request("DELETE", f"{request.endpoint}?{urlencode(to_query(request))}")
