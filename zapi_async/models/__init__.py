"""Frozen attrs values: messages, buttons, results, instance and setup data, webhook events.

Validated at construction (:class:`~zapi_async.ValidationError` names the field and
the rule); no I/O and nothing of cattrs here: their JSON lives in :mod:`zapi_async.wire`.
"""

from ._checks import normalize_phone
from .buttons import Button, ButtonKind, CallButton, ReplyButton, UrlButton
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
from .setup import (
    DeviceInfo,
    InstanceInfo,
    PairingCode,
    PhoneCheck,
    PhoneExists,
    QrCode,
    WebhookKind,
)
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
    "DeviceInfo",
    "InstanceInfo",
    "InstanceStatus",
    "ListButton",
    "ListOption",
    "Message",
    "OptionListMessage",
    "OtpButtonMessage",
    "PairingCode",
    "PhoneCheck",
    "PhoneExists",
    "PixButtonMessage",
    "PixKeyType",
    "QrCode",
    "QueuePage",
    "QueuedMessage",
    "ReplyButton",
    "SendResult",
    "TextMessage",
    "UrlButton",
    "WebhookKind",
    "button_list",
    "normalize_phone",
]
