"""zapi_async: an asyncio client for Z-API, the WhatsApp HTTP gateway.

Action buttons that always comply with WhatsApp's rules (mixed sets are split
automatically), typed errors, and JSON exactly as Z-API documents it.
"""

from ._checks import normalize_phone
from .client import ZapiClient
from .buttons import Button, CallButton, ReplyButton, UrlButton
from .errors import (
    AuthenticationError,
    DeliveryUnknownError,
    InstanceDisconnectedError,
    MethodNotAllowedError,
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
from .messages import ButtonActionsMessage, Message, SendResult
from .splitter import ButtonPolicy, check_compliant, is_compliant, split
from .wire import WireFormatError, from_wire, to_wire

__version__ = "0.1.0.dev0"

__all__ = [
    "AuthenticationError",
    "Button",
    "ButtonActionsMessage",
    "ButtonPolicy",
    "CallButton",
    "DeliveryUnknownError",
    "InstanceDisconnectedError",
    "Message",
    "MethodNotAllowedError",
    "PartialSendError",
    "QueueClosedError",
    "RateLimitedError",
    "ReplyButton",
    "ResponseFormatError",
    "SendResult",
    "ServerError",
    "UnsupportedMediaTypeError",
    "UrlButton",
    "ValidationError",
    "WebhookError",
    "WireFormatError",
    "ZapiClient",
    "ZapiConnectionError",
    "ZapiError",
    "ZapiHTTPError",
    "check_compliant",
    "from_wire",
    "is_compliant",
    "normalize_phone",
    "split",
    "to_wire",
]
