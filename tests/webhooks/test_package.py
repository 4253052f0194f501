"""The webhooks package imports without FastAPI and exposes its documented names."""

from __future__ import annotations

import subprocess
import sys

from zapi_async import webhooks

DOCUMENTED = {
    "AnyEvent",
    "AudioContent",
    "ButtonReply",
    "ButtonText",
    "ButtonsMessageButton",
    "ButtonsMessageContent",
    "CallButtonContent",
    "CarouselCard",
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
    "RouterClosedError",
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
}


def test_all_is_the_documented_api() -> None:
    assert set(webhooks.__all__) == DOCUMENTED
    for name in webhooks.__all__:
        assert getattr(webhooks, name) is not None, name


def test_imports_without_fastapi() -> None:
    code = (
        "import sys; sys.modules['fastapi'] = None\n"
        "import zapi_async.webhooks as w\n"
        "assert 'fastapi' not in {m for m in sys.modules if sys.modules[m] is not None}\n"
        "print(w.WebhookRouter.__name__)\n"
        "try:\n"
        "    w.make_fastapi_router\n"
        "except ImportError as e:\n"
        "    print('ImportError', e.name)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.splitlines() == ["WebhookRouter", "ImportError fastapi"]
