"""Z-API webhooks: typed events, a router for button presses, and HTTP adapters.

::

    from zapi_async.webhooks import WebhookRouter, WebhookSecurity, make_aiohttp_app

    router = WebhookRouter(client=zapi)

    @router.on_button("agent")
    async def agent(event, zapi):
        ...

    app.add_subapp("/zapi", make_aiohttp_app(router, WebhookSecurity(secret="s3cr3t")))

``make_fastapi_router`` is imported lazily (FastAPI is an optional extra).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import EventNotBoundError, RouterBusyError, RouterClosedError
from ..models.content import (
    AudioContent,
    ButtonReply,
    ContactContent,
    DocumentContent,
    EventContent,
    EventLocation,
    EventResponseContent,
    ImageContent,
    ListReply,
    LocationContent,
    PinMessageContent,
    PollContent,
    PollOption,
    PollVoteContent,
    ReactionContent,
    ReferencedMessage,
    StickerContent,
    TextContent,
    VideoContent,
)
from ..models.content_business import (
    ButtonsMessageButton,
    ButtonsMessageContent,
    ButtonText,
    CallButtonContent,
    CarouselCardContent,
    CarouselContent,
    ExternalAdReply,
    HydratedButton,
    HydratedTemplateContent,
    NewsletterAdminInviteContent,
    OrderContent,
    OrderProduct,
    PaymentInfo,
    PixKeyContent,
    ProductContent,
    QuickReplyButtonContent,
    RequestPaymentContent,
    ReviewAndPayContent,
    ReviewOrderContent,
    ReviewProduct,
    SendPaymentContent,
    StatusImageContent,
    TemplateHeader,
    UrlButtonContent,
)
from ..models.events import (
    AnyEvent,
    ConnectedCallback,
    DeliveryCallback,
    DisconnectedCallback,
    MessageStatus,
    MessageStatusCallback,
    PresenceChatCallback,
    ReceivedCallback,
    UnknownEvent,
    WebhookEvent,
)
from ..models.kinds import MessageKind, NotificationType
from .aiohttp_app import make_aiohttp_app, make_aiohttp_handler
from .dedup import DedupStore, InMemoryDedupStore, RedisDedupStore
from .log_filter import SecretLogFilter
from .parsing import parse_webhook
from .router import WebhookRouter
from .security import WebhookSecurity

if TYPE_CHECKING:
    from .fastapi_app import make_fastapi_router

__all__ = [
    "AnyEvent",
    "AudioContent",
    "ButtonReply",
    "ButtonText",
    "ButtonsMessageButton",
    "ButtonsMessageContent",
    "CallButtonContent",
    "CarouselCardContent",
    "CarouselContent",
    "ConnectedCallback",
    "ContactContent",
    "DedupStore",
    "DeliveryCallback",
    "DisconnectedCallback",
    "DocumentContent",
    "EventContent",
    "EventLocation",
    "EventNotBoundError",
    "EventResponseContent",
    "ExternalAdReply",
    "HydratedButton",
    "HydratedTemplateContent",
    "ImageContent",
    "InMemoryDedupStore",
    "ListReply",
    "LocationContent",
    "MessageKind",
    "MessageStatus",
    "MessageStatusCallback",
    "NewsletterAdminInviteContent",
    "NotificationType",
    "OrderContent",
    "OrderProduct",
    "PaymentInfo",
    "PinMessageContent",
    "PixKeyContent",
    "PollContent",
    "PollOption",
    "PollVoteContent",
    "PresenceChatCallback",
    "ProductContent",
    "QuickReplyButtonContent",
    "ReactionContent",
    "ReceivedCallback",
    "RedisDedupStore",
    "ReferencedMessage",
    "RequestPaymentContent",
    "ReviewAndPayContent",
    "ReviewOrderContent",
    "ReviewProduct",
    "RouterBusyError",
    "RouterClosedError",
    "SecretLogFilter",
    "SendPaymentContent",
    "StatusImageContent",
    "StickerContent",
    "TemplateHeader",
    "TextContent",
    "UnknownEvent",
    "UrlButtonContent",
    "VideoContent",
    "WebhookEvent",
    "WebhookRouter",
    "WebhookSecurity",
    "make_aiohttp_app",
    "make_aiohttp_handler",
    "make_fastapi_router",
    "parse_webhook",
]


def __getattr__(name: str) -> Any:
    if name == "make_fastapi_router":
        from .fastapi_app import make_fastapi_router  # noqa: PLC0415 (optional extra)

        return make_fastapi_router
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
