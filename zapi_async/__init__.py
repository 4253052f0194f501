"""zapi_async: an asyncio client for Z-API, the WhatsApp HTTP gateway.

Action buttons that always comply with WhatsApp's rules (mixed sets are split
automatically), typed errors, and JSON exactly as Z-API documents it.
"""

import logging
from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._checks import normalize_phone
from .bulk import send_many
from .buttons import Button, CallButton, ReplyButton, UrlButton
from .client import ZapiClient
from .config import PoolLimits, Timeouts
from .errors import (
    AuthenticationError,
    ClientClosedError,
    DeliveryUnknownError,
    InstanceDisconnectedError,
    MethodNotAllowedError,
    NotSentError,
    PartialSendError,
    QueueClosedError,
    RateLimitedError,
    ResponseFormatError,
    ServerError,
    UnsupportedMediaTypeError,
    ValidationError,
    WebhookError,
    ZapiConnectionError,
    ZapiError,
    ZapiHTTPError,
)
from .instance import InstanceStatus, QueuedMessage, QueuePage
from .list_messages import (
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
from .outcomes import Outcome, QueueStats
from .pacing import DailyCapReachedError, PacingProfile
from .payment_messages import OtpButtonMessage, PixButtonMessage, PixKeyType
from .queue import SendQueue
from .ratelimit import Limiter, RateLimiter
from .redis_limiter import LimiterUnavailableError, RedisRateLimiter
from .retry import RetryPolicy
from .splitter import ButtonPolicy, check_compliant, is_compliant, split
from .text_messages import TextMessage
from .wire import WireFormatError, from_wire, to_wire

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
    "AuthenticationError",
    "Button",
    "ButtonActionsMessage",
    "ButtonListImageMessage",
    "ButtonListMessage",
    "ButtonListVideoMessage",
    "ButtonPolicy",
    "CallButton",
    "ClientClosedError",
    "DailyCapReachedError",
    "DeliveryUnknownError",
    "InstanceDisconnectedError",
    "InstanceStatus",
    "Limiter",
    "LimiterUnavailableError",
    "ListButton",
    "ListOption",
    "Message",
    "MethodNotAllowedError",
    "NotSentError",
    "OptionListMessage",
    "OtpButtonMessage",
    "Outcome",
    "PacingProfile",
    "PartialSendError",
    "PixButtonMessage",
    "PixKeyType",
    "PoolLimits",
    "QueueClosedError",
    "QueuePage",
    "QueueStats",
    "QueuedMessage",
    "RateLimitedError",
    "RateLimiter",
    "RedisRateLimiter",
    "ReplyButton",
    "ResponseFormatError",
    "RetryPolicy",
    "SendQueue",
    "SendResult",
    "ServerError",
    "TextMessage",
    "Timeouts",
    "UnsupportedMediaTypeError",
    "UrlButton",
    "ValidationError",
    "WebhookError",
    "WebhookRouter",
    "WebhookSecurity",
    "WireFormatError",
    "ZapiClient",
    "ZapiConnectionError",
    "ZapiError",
    "ZapiHTTPError",
    "ZapiSandbox",
    "button_list",
    "check_compliant",
    "from_wire",
    "is_compliant",
    "normalize_phone",
    "parse_webhook",
    "send_many",
    "split",
    "to_wire",
]
