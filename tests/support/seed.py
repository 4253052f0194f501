"""The seed page's examples (Z-API "Send action buttons"), verbatim."""

from __future__ import annotations

from typing import Any

from zapi_async import ButtonActionsMessage, CallButton, ReplyButton, UrlButton

__all__ = ["SEED_CALL_URL_BODY", "SEED_REPLY_BODY", "SEED_RESPONSE_BODY", "seed_message"]

#: Request body "CALL and URL buttons (together)".
SEED_CALL_URL_BODY: dict[str, Any] = {
    "phone": "551199999999",
    "message": "a message",
    "title": "if you want to add a title",
    "footer": "if you want to add a footer",
    "image": "https://app.z-api.io/logos/zapi-dark.png",
    "buttonActions": [
        {"id": "1", "type": "CALL", "phone": "554498398733", "label": "Contact us"},
        {"id": "2", "type": "URL", "url": "https://z-api.io", "label": "Visit our website"},
    ],
}

#: Request body "REPLY button (separate)".
SEED_REPLY_BODY: dict[str, Any] = {
    "phone": "551199999999",
    "message": "a message",
    "title": "if you want to add a title",
    "footer": "if you want to add a footer",
    "image": "https://app.z-api.io/logos/zapi-dark.png",
    "buttonActions": [{"id": "3", "type": "REPLY", "label": "Talk to an agent"}],
}

#: The documented HTTP 200 response body.
SEED_RESPONSE_BODY: dict[str, Any] = {
    "zaapId": "3999984263738042930CD6ECDE9VDWSA",
    "messageId": "D241XXXX732339502B68",
    "id": "D241XXXX732339502B68",
}


def seed_message() -> ButtonActionsMessage:
    """The seed's three buttons in ONE message (what a user would naturally write)."""
    return ButtonActionsMessage(
        phone="551199999999",
        message="a message",
        title="if you want to add a title",
        footer="if you want to add a footer",
        image="https://app.z-api.io/logos/zapi-dark.png",
        buttons=[
            CallButton("Contact us", phone="554498398733", id="1"),
            UrlButton("Visit our website", url="https://z-api.io", id="2"),
            ReplyButton("Talk to an agent", id="3"),
        ],
    )
