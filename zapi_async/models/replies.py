"""What the reply helpers of a ``ReceivedCallback`` need, without any I/O here.

:class:`EventSender` is the one call an event bound by the
:class:`~zapi_async.webhooks.WebhookRouter` uses (``ZapiClient`` implements it);
:class:`ReactionRequest` is the ``POST /send-reaction`` body ``event.react()`` sends.
"""

from __future__ import annotations

from typing import ClassVar, Protocol

import attrs

from ._checks import check_delay, check_recipient, check_text
from .messages import Message, SendResult

__all__ = ["EventSender", "ReactionRequest"]


class EventSender(Protocol):
    """Sends a message model (``ZapiClient.send`` fits)."""

    async def send(self, message: Message) -> list[SendResult]:
        """POST ``message`` to its endpoint; one result per request made."""
        ...


@attrs.frozen
class ReactionRequest:
    """React to a message (``POST /send-reaction``): ``reaction`` is one emoji,
    ``message_id`` the message reacted to (sent or received) in the chat ``phone``."""

    endpoint: ClassVar[str] = "send-reaction"

    phone: str
    reaction: str
    message_id: str
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        check_recipient("ReactionRequest.phone", self.phone)
        check_text("ReactionRequest.reaction", self.reaction)
        check_text("ReactionRequest.message_id", self.message_id)
        check_delay("ReactionRequest.delay_message", self.delay_message)
