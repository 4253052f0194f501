"""Frozen attrs values: messages, buttons, results, instance and setup data, webhook events.

Validated at construction (:class:`~zapi_async.ValidationError` names the field and
the rule); no I/O and nothing of cattrs here: their JSON lives in :mod:`zapi_async.wire`.
"""

from ._checks import normalize_phone
from .actions import (
    DeleteMessage,
    ForwardMessage,
    ForwardResult,
    MessageAction,
    PinDuration,
    PinMessage,
    ReadMessage,
)
from .buttons import Button, ButtonKind, CallButton, ReplyButton, UrlButton
from .carousel import CarouselCard, CarouselMessage, CarouselPolicy, check_carousel
from .chat_ids import ChatKind, chat_kind
from .instance import InstanceStatus, QueuedMessage, QueuePage
from .interactive import (
    CallLinkType,
    EditEventMessage,
    Event,
    EventMessage,
    EventResponse,
    EventResponseMessage,
    PollMessage,
    PollVoteMessage,
    ReactionMessage,
    RemoveReactionMessage,
)
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
from .media import (
    AudioMessage,
    DocumentMessage,
    GifMessage,
    ImageMessage,
    PtvMessage,
    StickerMessage,
    VideoMessage,
)
from .messages import ButtonActionsMessage, Message, SendResult
from .payments import OtpButtonMessage, PixButtonMessage, PixKeyType
from .places import Contact, ContactMessage, ContactsMessage, LinkMessage, LinkType, LocationMessage
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
    "AudioMessage",
    "Button",
    "ButtonActionsMessage",
    "ButtonKind",
    "ButtonListImageMessage",
    "ButtonListMessage",
    "ButtonListVideoMessage",
    "CallButton",
    "CallLinkType",
    "CarouselCard",
    "CarouselMessage",
    "CarouselPolicy",
    "ChatKind",
    "Contact",
    "ContactMessage",
    "ContactsMessage",
    "DeleteMessage",
    "DeviceInfo",
    "DocumentMessage",
    "EditEventMessage",
    "Event",
    "EventMessage",
    "EventResponse",
    "EventResponseMessage",
    "ForwardMessage",
    "ForwardResult",
    "GifMessage",
    "ImageMessage",
    "InstanceInfo",
    "InstanceStatus",
    "LinkMessage",
    "LinkType",
    "ListButton",
    "ListOption",
    "LocationMessage",
    "Message",
    "MessageAction",
    "OptionListMessage",
    "OtpButtonMessage",
    "PairingCode",
    "PhoneCheck",
    "PhoneExists",
    "PinDuration",
    "PinMessage",
    "PixButtonMessage",
    "PixKeyType",
    "PollMessage",
    "PollVoteMessage",
    "PtvMessage",
    "QrCode",
    "QueuePage",
    "QueuedMessage",
    "ReactionMessage",
    "ReadMessage",
    "RemoveReactionMessage",
    "ReplyButton",
    "SendResult",
    "StickerMessage",
    "TextMessage",
    "UrlButton",
    "VideoMessage",
    "WebhookKind",
    "button_list",
    "chat_kind",
    "check_carousel",
    "normalize_phone",
]
