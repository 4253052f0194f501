"""Actions on existing messages: pin/unpin, forward, mark as read, delete.

:class:`PinMessage` is answered like a send (a :class:`~zapi_async.SendResult`), so
it is a message :meth:`ZapiClient.send` takes. The others are requests of the
client's action methods (``forward_message``, ``read_message``,
``delete_message``), whose answers are not send results.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args

import attrs

from ..errors import ValidationError
from ._checks import check_choice, check_delay, check_recipient, check_text, not_a_string

__all__ = [
    "DeleteMessage",
    "ForwardMessage",
    "ForwardResult",
    "MessageAction",
    "PinDuration",
    "PinMessage",
    "ReadMessage",
]

#: ``messageAction`` of ``pin-message``.
MessageAction = Literal["pin", "unpin"]
#: How long a message stays pinned (``pinMessageDuration``).
PinDuration = Literal["24_hours", "7_days", "30_days"]

_ACTIONS: tuple[str, ...] = get_args(MessageAction)
_DURATIONS: tuple[str, ...] = get_args(PinDuration)


def _check_target(owner: str, phone: object, message_id: object) -> None:
    check_recipient(f"{owner}.phone", phone)
    if not isinstance(message_id, str):
        raise not_a_string(f"{owner}.message_id", message_id)
    check_text(f"{owner}.message_id", message_id)


@attrs.frozen
class PinMessage:
    """Pin or unpin ``message_id`` in the chat ``phone`` (``POST /pin-message``).

    ``message_action`` is ``"pin"`` or ``"unpin"``; ``pin_message_duration``
    (``"24_hours"``, ``"7_days"``, ``"30_days"``) is required by Z-API even when
    unpinning, where it has no effect (default ``"7_days"``).
    """

    endpoint: ClassVar[str] = "pin-message"

    phone: str
    message_id: str
    message_action: MessageAction = "pin"
    pin_message_duration: PinDuration = "7_days"

    def __attrs_post_init__(self) -> None:
        _check_target("PinMessage", self.phone, self.message_id)
        check_choice("PinMessage.message_action", self.message_action, _ACTIONS)
        check_choice("PinMessage.pin_message_duration", self.pin_message_duration, _DURATIONS)


@attrs.frozen
class ForwardMessage:
    """Forward ``message_id`` from the chat ``message_phone`` to ``phone``
    (``POST /forward-message``; Z-API needs a webhook configured for it)."""

    endpoint: ClassVar[str] = "forward-message"

    phone: str
    message_id: str
    message_phone: str
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        _check_target("ForwardMessage", self.phone, self.message_id)
        check_recipient("ForwardMessage.message_phone", self.message_phone)
        check_delay("ForwardMessage.delay_message", self.delay_message)


@attrs.frozen
class ForwardResult:
    """Z-API's answer to a forward: ``zaap_id`` (documented alone); ``message_id``
    when Z-API adds it."""

    zaap_id: str
    message_id: str | None = None


@attrs.frozen
class ReadMessage:
    """Mark ``message_id`` in the chat ``phone`` as read (``POST /read-message``, 204)."""

    endpoint: ClassVar[str] = "read-message"

    phone: str
    message_id: str

    def __attrs_post_init__(self) -> None:
        _check_target("ReadMessage", self.phone, self.message_id)


@attrs.frozen
class DeleteMessage:
    """Delete ``message_id`` in the chat ``phone`` (``DELETE /messages``, 204).

    ``owner`` is ``True`` for a message you sent, ``False`` for one you received.
    Z-API takes the three as query parameters, not a body.
    """

    endpoint: ClassVar[str] = "messages"

    phone: str
    message_id: str
    owner: bool

    def __attrs_post_init__(self) -> None:
        _check_target("DeleteMessage", self.phone, self.message_id)
        if not isinstance(self.owner, bool):
            raise ValidationError(
                "DeleteMessage.owner", f"should be True or False, but was {self.owner!r}"
            )
