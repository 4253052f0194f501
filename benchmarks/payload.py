"""The message every contender sends, built the way a user would build it."""

from __future__ import annotations

import json

from zapi_async import ButtonActionsMessage, CallButton, ReplyButton, UrlButton
from zapi_async.wire import to_wire

__all__ = [
    "CLIENT_TOKEN",
    "ENDPOINT",
    "INSTANCE_ID",
    "TOKEN",
    "compliant_message",
    "mixed_message",
    "prebuilt_body",
    "recipient",
]

#: Credentials of the benchmark server (public, not secrets).
INSTANCE_ID = "BENCH"
TOKEN = "bench-token"
CLIENT_TOKEN = "bench-client-token"
ENDPOINT = "send-button-actions"


def recipient(i: int) -> str:
    """A distinct, valid phone number per index (``send_many`` keeps one lane per phone)."""
    return f"55119{i % 100_000_000:08d}"


def compliant_message(i: int) -> ButtonActionsMessage:
    """A CALL + URL message: valid, compliant, sent as one request."""
    return ButtonActionsMessage(
        phone=recipient(i),
        message=f"Order #{i} has shipped. Questions? We are here.",
        buttons=[
            CallButton("Call us", phone="+554498398733", id="call"),
            UrlButton("Track order", url=f"https://example.com/orders/{i}", id="track"),
        ],
        title="Your order",
        footer="Example Store",
    )


def mixed_message(i: int) -> ButtonActionsMessage:
    """CALL + URL + REPLY: the splitter turns it into two messages."""
    return ButtonActionsMessage(
        phone=recipient(i),
        message=f"Order #{i} has shipped. Questions? We are here.",
        buttons=[
            CallButton("Call us", phone="+554498398733", id="call"),
            UrlButton("Track order", url=f"https://example.com/orders/{i}", id="track"),
            ReplyButton("Talk to an agent", id="agent"),
        ],
        title="Your order",
        footer="Example Store",
    )


def prebuilt_body() -> bytes:
    """The JSON body of ``compliant_message(0)``, serialised once (for the raw contenders)."""
    return json.dumps(
        to_wire(compliant_message(0)), ensure_ascii=False, separators=(",", ":")
    ).encode()
