"""Frozen attrs values: messages, buttons, results, instance data and webhook events.

Validated at construction (:class:`~zapi_async.ValidationError` names the field and
the rule); no I/O and nothing of cattrs here: their JSON lives in :mod:`zapi_async.wire`.
"""

from ._checks import normalize_phone
from .buttons import Button, ButtonKind, CallButton, ReplyButton, UrlButton
from .chat_ids import ChatKind, chat_kind
from .instance import InstanceStatus, QueuedMessage, QueuePage
from .lists import (
    AnyButtonList,
    ButtonListImageMessage,
    ButtonListMessage,
    ButtonListVideoMessage,
    ListButton,
    ListOption,
    OptionListMessage,
    button_list,
)
from .messages import ButtonActionsMessage, Message, SendResult
from .payments import OtpButtonMessage, PixButtonMessage, PixKeyType
from .text import TextMessage

__all__ = [
    "AnyButtonList",
    "Button",
    "ButtonActionsMessage",
    "ButtonKind",
    "ButtonListImageMessage",
    "ButtonListMessage",
    "ButtonListVideoMessage",
    "CallButton",
    "ChatKind",
    "InstanceStatus",
    "ListButton",
    "ListOption",
    "Message",
    "OptionListMessage",
    "OtpButtonMessage",
    "PixButtonMessage",
    "PixKeyType",
    "QueuePage",
    "QueuedMessage",
    "ReplyButton",
    "SendResult",
    "TextMessage",
    "UrlButton",
    "button_list",
    "chat_kind",
    "normalize_phone",
]
