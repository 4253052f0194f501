"""zapi_async: an asyncio client for Z-API, the WhatsApp HTTP gateway.

Action buttons that always comply with WhatsApp's rules (mixed sets are split
automatically), typed errors, and JSON exactly as Z-API documents it.
"""

import logging
from importlib import import_module
from typing import TYPE_CHECKING, Any

from .client import ZapiClient
from .config import PoolLimits, Timeouts
from .errors import (
    AuthenticationError,
    ClientClosedError,
    ConfigurationError,
    DailyCapReachedError,
    DeliveryUnknownError,
    DownloadError,
    DownloadTimeoutError,
    DownloadTooLargeError,
    DownloadTypeError,
    EventNotBoundError,
    InstanceDisconnectedError,
    LimiterUnavailableError,
    MethodNotAllowedError,
    NotSentError,
    PartialSendError,
    QueueClosedError,
    RateLimitedError,
    ResponseFormatError,
    SendRefusedError,
    ServerError,
    SettingsError,
    UnexpectedSendError,
    UnsupportedMediaTypeError,
    ValidationError,
    WebhookError,
    WireFormatError,
    ZapiConnectionError,
    ZapiError,
    ZapiHTTPError,
)
from .http.retry import RetryPolicy
from .limits.pacing import PacingProfile
from .limits.rate import Limiter, RateLimiter
from .limits.redis_limiter import RedisRateLimiter
from .models import (
    AnyButtonList,
    AudioMessage,
    Button,
    ButtonActionsMessage,
    ButtonListImageMessage,
    ButtonListMessage,
    ButtonListVideoMessage,
    CallButton,
    CarouselCard,
    CarouselMessage,
    CarouselPolicy,
    ChatKind,
    Contact,
    ContactMessage,
    ContactsMessage,
    DeviceInfo,
    DocumentMessage,
    EditEventMessage,
    Event,
    EventMessage,
    EventResponseMessage,
    ForwardResult,
    GifMessage,
    ImageMessage,
    InstanceInfo,
    InstanceStatus,
    LinkMessage,
    ListButton,
    ListOption,
    LocationMessage,
    Message,
    OptionListMessage,
    OtpButtonMessage,
    PairingCode,
    PhoneCheck,
    PhoneExists,
    PinMessage,
    PixButtonMessage,
    PixKeyType,
    PollMessage,
    PollVoteMessage,
    PtvMessage,
    QrCode,
    QueuedMessage,
    QueuePage,
    ReactionMessage,
    RemoveReactionMessage,
    ReplyButton,
    SendResult,
    StickerMessage,
    TextMessage,
    UrlButton,
    VideoMessage,
    WebhookKind,
    button_list,
    chat_kind,
    check_carousel,
    normalize_phone,
)
from .models.media_source import DownloadResult, MediaSource
from .sending import Outcome, QueueStats, SendQueue, send_many
from .splitter import ButtonPolicy, check_compliant, is_compliant, split
from .wire import from_wire, to_wire

if TYPE_CHECKING:
    from .sandbox import ZapiSandbox
    from .webhooks import WebhookRouter, WebhookSecurity, parse_webhook

__version__ = "0.1.0.dev0"

# Server-side pieces load on first use: a bot that only sends never imports aiohttp.web.
_LAZY = {
    "ZapiSandbox": "sandbox",
    "WebhookRouter": "webhooks",
    "WebhookSecurity": "webhooks",
    "parse_webhook": "webhooks",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'zapi_async' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


# A library never configures logging; this keeps Python from printing our warnings
# to stderr when the application has not configured logging either.
logging.getLogger("zapi_async").addHandler(logging.NullHandler())

__all__ = [
    "AnyButtonList",
    "AudioMessage",
    "AuthenticationError",
    "Button",
    "ButtonActionsMessage",
    "ButtonListImageMessage",
    "ButtonListMessage",
    "ButtonListVideoMessage",
    "ButtonPolicy",
    "CallButton",
    "CarouselCard",
    "CarouselMessage",
    "CarouselPolicy",
    "ChatKind",
    "ClientClosedError",
    "ConfigurationError",
    "Contact",
    "ContactMessage",
    "ContactsMessage",
    "DailyCapReachedError",
    "DeliveryUnknownError",
    "DeviceInfo",
    "DocumentMessage",
    "DownloadError",
    "DownloadResult",
    "DownloadTimeoutError",
    "DownloadTooLargeError",
    "DownloadTypeError",
    "EditEventMessage",
    "Event",
    "EventMessage",
    "EventNotBoundError",
    "EventResponseMessage",
    "ForwardResult",
    "GifMessage",
    "ImageMessage",
    "InstanceDisconnectedError",
    "InstanceInfo",
    "InstanceStatus",
    "Limiter",
    "LimiterUnavailableError",
    "LinkMessage",
    "ListButton",
    "ListOption",
    "LocationMessage",
    "MediaSource",
    "Message",
    "MethodNotAllowedError",
    "NotSentError",
    "OptionListMessage",
    "OtpButtonMessage",
    "Outcome",
    "PacingProfile",
    "PairingCode",
    "PartialSendError",
    "PhoneCheck",
    "PhoneExists",
    "PinMessage",
    "PixButtonMessage",
    "PixKeyType",
    "PollMessage",
    "PollVoteMessage",
    "PoolLimits",
    "PtvMessage",
    "QrCode",
    "QueueClosedError",
    "QueuePage",
    "QueueStats",
    "QueuedMessage",
    "RateLimitedError",
    "RateLimiter",
    "ReactionMessage",
    "RedisRateLimiter",
    "RemoveReactionMessage",
    "ReplyButton",
    "ResponseFormatError",
    "RetryPolicy",
    "SendQueue",
    "SendRefusedError",
    "SendResult",
    "ServerError",
    "SettingsError",
    "StickerMessage",
    "TextMessage",
    "Timeouts",
    "UnexpectedSendError",
    "UnsupportedMediaTypeError",
    "UrlButton",
    "ValidationError",
    "VideoMessage",
    "WebhookError",
    "WebhookKind",
    "WebhookRouter",
    "WebhookSecurity",
    "WireFormatError",
    "ZapiClient",
    "ZapiConnectionError",
    "ZapiError",
    "ZapiHTTPError",
    "ZapiSandbox",
    "button_list",
    "chat_kind",
    "check_carousel",
    "check_compliant",
    "from_wire",
    "is_compliant",
    "normalize_phone",
    "parse_webhook",
    "send_many",
    "split",
    "to_wire",
]
