"""Named send helpers of :class:`~zapi_async.ZapiClient` for text, lists and
payment buttons: each takes a message model alone, or exactly its constructor's
fields (see :mod:`~zapi_async.client.send_helper`)."""

from __future__ import annotations

from ..models.lists import (
    ButtonListImageMessage,
    ButtonListMessage,
    ButtonListVideoMessage,
    OptionListMessage,
    button_list,
)
from ..models.payments import OtpButtonMessage, PixButtonMessage
from ..models.text import TextMessage
from .base import ClientCalls
from .send_helper import SendHelper

__all__ = ["NamedSends"]


class NamedSends(ClientCalls):
    """``send_text``, ``send_button_list`` (with ``image=`` or ``video=`` the
    matching variant, see :func:`~zapi_async.button_list`), ``send_option_list``,
    ``send_button_otp`` and ``send_button_pix``."""

    __slots__ = ()

    send_text = SendHelper(TextMessage)
    send_button_list = SendHelper(
        button_list, kinds=(ButtonListMessage, ButtonListImageMessage, ButtonListVideoMessage)
    )
    send_option_list = SendHelper(OptionListMessage)
    send_button_otp = SendHelper(OtpButtonMessage)
    send_button_pix = SendHelper(PixButtonMessage)
