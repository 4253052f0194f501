"""Outgoing messages and the result Z-API returns for each one sent.

Every message class names its Z-API endpoint in the ``endpoint`` class attribute, so
:meth:`ZapiClient.send` can dispatch on the type. Messages are frozen attrs classes,
validated at construction; :mod:`zapi_async.wire` owns their JSON form.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar, Protocol

import attrs

from ..errors import ValidationError
from ._checks import check_delay, check_image, check_recipient, check_text
from .buttons import Button, CallButton, ReplyButton, UrlButton

__all__ = ["ButtonActionsMessage", "Message", "SendResult"]


class Message(Protocol):
    """What every outgoing message offers: a recipient and the endpoint it posts to.

    ``endpoint`` is a class attribute on most models; :class:`~zapi_async.DocumentMessage`
    computes it per instance (``send-document/pdf``), so always read it from the message.
    """

    @property
    def endpoint(self) -> str: ...

    @property
    def phone(self) -> str: ...


_BUTTON_TYPES = (CallButton, UrlButton, ReplyButton)
_BUTTON_CLASSES = frozenset(_BUTTON_TYPES)  # exact classes: a set lookup, not isinstance


def _as_buttons(value: Iterable[Button]) -> tuple[Button, ...]:
    # Lists and tuples first: the ABC check below is slow for the common case.
    if type(value) in (list, tuple):
        return tuple(value)
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        raise ValidationError(
            "ButtonActionsMessage.buttons",
            f"should be a list of buttons, but was {type(value).__name__}",
        )
    return tuple(value)


@attrs.frozen
class ButtonActionsMessage:
    """A text with CALL, URL and/or REPLY buttons (``POST /send-button-actions``).

    ``phone`` is the recipient (digits only, or a group id), ``message`` the text,
    ``buttons`` at least one button. ``title``, ``footer`` and ``image`` (an http(s)
    URL or Base64) are optional; ``delay_message`` is 1..15 seconds Z-API waits
    before sending the next message.

    A message mixing REPLY buttons with CALL/URL buttons is valid to build:
    :func:`zapi_async.split` (used by the client by default) turns it into
    messages WhatsApp accepts.
    """

    endpoint: ClassVar[str] = "send-button-actions"

    phone: str
    message: str
    buttons: tuple[Button, ...] = attrs.field(converter=_as_buttons)
    title: str | None = None
    footer: str | None = None
    image: str | None = None
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        check_recipient("ButtonActionsMessage.phone", self.phone)
        check_text("ButtonActionsMessage.message", self.message)
        if not self.buttons:
            raise ValidationError("ButtonActionsMessage.buttons", "should have at least one button")
        # One pass: types (reported first, wherever they are) and repeated ids.
        ids: set[str] = set()
        repeated = False
        for index, button in enumerate(self.buttons):
            if button.__class__ not in _BUTTON_CLASSES and not isinstance(button, _BUTTON_TYPES):
                raise ValidationError(
                    f"ButtonActionsMessage.buttons[{index}]",
                    "should be a CallButton, UrlButton or ReplyButton, "
                    f"but was {type(button).__name__}",
                )
            if button.id is not None:
                repeated = repeated or button.id in ids
                ids.add(button.id)
        if repeated:
            _raise_repeated_id(self.buttons)
        # Optional fields: the checks only when set (most messages leave them out).
        if self.title is not None:
            check_text("ButtonActionsMessage.title", self.title)
        if self.footer is not None:
            check_text("ButtonActionsMessage.footer", self.footer)
        if self.image is not None:
            check_image("ButtonActionsMessage.image", self.image)
        if self.delay_message is not None:
            check_delay("ButtonActionsMessage.delay_message", self.delay_message)


def _raise_repeated_id(buttons: tuple[Button, ...]) -> None:
    seen: set[str] = set()
    for index, button in enumerate(buttons):
        if button.id in seen:
            raise ValidationError(
                f"ButtonActionsMessage.buttons[{index}].id",
                f"should be unique within the message, but {button.id!r} is repeated",
            )
        if button.id is not None:
            seen.add(button.id)


@attrs.frozen
class SendResult:
    """Z-API's answer to a successful send.

    ``message_id`` is what replies and status webhooks reference (store it);
    ``zaap_id`` is Z-API's internal id; ``id`` repeats ``message_id`` (Zapier
    compatibility) and defaults to it when Z-API leaves it out.
    """

    zaap_id: str
    message_id: str
    id: str = attrs.field(default=attrs.Factory(lambda self: self.message_id, takes_self=True))
