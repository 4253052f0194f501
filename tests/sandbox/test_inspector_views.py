"""The inspector's renderer: recorded wire JSON -> views, for every content endpoint.

The bodies are shaped as Z-API documents them (ZAPI_ENDPOINTS.md §1), whether or
not the sandbox accepts the endpoint yet.
"""

from __future__ import annotations

from typing import Any

import pytest

from zapi_async.sandbox.inspector.views import (
    MAX_INLINE_DATA,
    chat_kind,
    incoming_view,
    message_view,
    preview,
    safe_url,
)

PHONE = "5511999999999"
PNG = "data:image/png;base64,iVBORw0KGgo="


def test_text_keeps_the_raw_text_for_the_page_to_format() -> None:
    view = message_view(
        "send-text", {"phone": PHONE, "message": "*hi* <b>x</b>", "messageId": "Q1"}
    )
    assert view == {
        "kind": "text",
        "text": "*hi* <b>x</b>",
        "endpoint": "send-text",
        "replyTo": "Q1",
    }


def test_button_actions_carry_ids_a_press_uses_and_safe_links() -> None:
    body = {
        "phone": PHONE,
        "message": "How can we help?",
        "title": "Support",
        "footer": "Z-API",
        "image": "https://cdn.example/banner.png",
        "buttonActions": [
            {"type": "CALL", "phone": "554498398733", "label": "Call us"},
            {"type": "URL", "url": "https://z-api.io", "label": "Website"},
            {"type": "REPLY", "label": "Yes"},
            {"type": "REPLY", "id": "agent", "label": "Agent"},
        ],
    }
    view = message_view("send-button-actions", body)
    assert (view["kind"], view["title"], view["footer"]) == ("buttons", "Support", "Z-API")
    assert view["media"] == {"type": "image", "src": "https://cdn.example/banner.png", "label": ""}
    assert view["buttons"] == [
        {"id": None, "type": "CALL", "label": "Call us", "phone": "554498398733"},
        {"id": None, "type": "URL", "label": "Website", "url": "https://z-api.io"},
        {"id": "1", "type": "REPLY", "label": "Yes"},
        {"id": "agent", "type": "REPLY", "label": "Agent"},
    ]


@pytest.mark.parametrize(("key", "src"), [("image", PNG), ("video", "https://x.io/v.mp4")])
def test_button_lists_show_their_image_or_video(key: str, src: str) -> None:
    body = {
        "phone": PHONE,
        "message": "Pick",
        "buttonList": {key: src, "buttons": [{"label": "A"}, {"id": "b", "label": "B"}]},
    }
    view = message_view("send-button-list", body)
    assert view["media"]["type"] == key
    assert view["media"]["src"] == src
    assert [b["id"] for b in view["buttons"]] == ["1", "b"]


def test_option_list() -> None:
    body = {
        "phone": PHONE,
        "message": "Menu",
        "optionList": {
            "title": "Departments",
            "buttonLabel": "Open list",
            "options": [{"id": "s", "title": "Sales", "description": "Buy"}, {"title": "HR"}],
        },
    }
    view = message_view("send-option-list", body)
    assert view["list"] == {
        "title": "Departments",
        "buttonLabel": "Open list",
        "options": [
            {"id": "s", "title": "Sales", "description": "Buy"},
            {"id": None, "title": "HR", "description": None},
        ],
    }


def test_otp_and_pix() -> None:
    otp = message_view("send-button-otp", {"phone": PHONE, "message": "Code:", "code": "123456"})
    assert otp["otp"] == {"code": "123456", "buttonText": "Copy code"}
    pix = message_view(
        "send-button-pix",
        {"phone": PHONE, "pixKey": "k@x.io", "type": "EMAIL", "merchantName": "M"},
    )
    assert pix["pix"] == {"key": "k@x.io", "keyType": "EMAIL", "merchantName": "M"}


@pytest.mark.parametrize(
    ("endpoint", "key", "kind"),
    [
        ("send-image", "image", "image"),
        ("send-audio", "audio", "audio"),
        ("send-video", "video", "video"),
        ("send-ptv", "ptv", "ptv"),
        ("send-gif", "gif", "gif"),
        ("send-sticker", "sticker", "sticker"),
    ],
)
def test_media_endpoints(endpoint: str, key: str, kind: str) -> None:
    body = {"phone": PHONE, key: f"https://cdn.example/f.{kind}", "caption": "look"}
    view = message_view(endpoint, body)
    assert view["kind"] == "media"
    assert view["media"]["type"] == kind
    assert view["media"]["src"] == f"https://cdn.example/f.{kind}"
    assert view["text"] == "look"


def test_document_takes_the_extension_from_the_path() -> None:
    body = {"phone": PHONE, "document": "https://x.io/r.pdf", "fileName": "report"}
    view = message_view("send-document/pdf", body)
    assert view["media"] == {
        "type": "document",
        "src": "https://x.io/r.pdf",
        "label": "",
        "fileName": "report",
        "extension": "pdf",
    }
    unnamed = message_view("send-document/xlsx", {"phone": PHONE, "document": "QUJD"})
    assert unnamed["media"]["fileName"] == "document.xlsx"
    assert unnamed["media"]["src"] is None
    assert unnamed["media"]["label"] == "(Base64 data)"


def test_location_contacts_link_reaction_poll() -> None:
    location = message_view(
        "send-location",
        {
            "phone": PHONE,
            "title": "Office",
            "address": "Av. Paulista, 1000, São Paulo",
            "latitude": "-23.0696347",
            "longitude": "-50.4357913",
        },
    )
    assert location["location"]["mapUrl"] == (
        "https://www.openstreetmap.org/?mlat=-23.0696347&mlon=-50.4357913"
    )
    contact = message_view(
        "send-contact", {"phone": PHONE, "contactName": "Ana", "contactPhone": "554499999999"}
    )
    assert contact["contacts"] == [{"name": "Ana", "phones": ["554499999999"], "description": None}]
    contacts = message_view(
        "send-contacts",
        {"phone": PHONE, "contacts": [{"name": "Bo", "phones": ["1", "2"]}]},
    )
    assert contacts["contacts"][0]["phones"] == ["1", "2"]
    link = message_view(
        "send-link",
        {
            "phone": PHONE,
            "message": "See https://z-api.io",
            "image": "https://z-api.io/i.png",
            "linkUrl": "https://z-api.io",
            "title": "Z-API",
            "linkDescription": "WhatsApp API",
        },
    )
    assert link["link"]["url"] == "https://z-api.io"
    assert link["link"]["size"] == "SMALL"
    reaction = message_view("send-reaction", {"phone": PHONE, "reaction": "❤️", "messageId": "M1"})
    assert reaction["reaction"] == {"emoji": "❤️", "messageId": "M1"}
    assert "replyTo" not in reaction
    poll = message_view(
        "send-poll",
        {
            "phone": PHONE,
            "message": "Lunch?",
            "poll": [{"name": "Yes"}, {"name": "No"}],
            "pollMaxOptions": 1,
        },
    )
    assert poll["poll"] == {"question": "Lunch?", "options": ["Yes", "No"], "maxOptions": 1}


def test_unknown_endpoints_show_their_fields_generically() -> None:
    view = message_view("send-event", {"phone": "1203630-group", "event": {"name": "Party"}})
    assert view["kind"] == "other"
    assert view["fields"] == [["event", '{"name": "Party"}']]


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "https://x.io/a b",
        "vbscript:x",
        42,
    ],
)
def test_unsafe_urls_are_never_given_to_the_page(url: Any) -> None:
    assert safe_url(url) is None
    view = message_view("send-link", {"phone": PHONE, "linkUrl": url, "image": url, "message": "m"})
    assert view["link"]["url"] is None
    assert view["link"]["image"] is None


def test_data_uris_are_inlined_only_when_small() -> None:
    assert safe_url(PNG) == PNG
    assert safe_url(PNG, data=False) is None
    assert safe_url("data:image/png;base64," + "A" * MAX_INLINE_DATA) is None


@pytest.mark.parametrize(
    ("chat", "kind"),
    [
        ("5511999999999", "number"),
        ("999999999999999@lid", "lid"),
        ("120363019502650977-group", "group"),
        ("5511999999999-1623281429", "group"),
        ("120363166555745933@newsletter", "channel"),
        ("1624901640-broadcast", "broadcast"),
    ],
)
def test_chat_kinds(chat: str, kind: str) -> None:
    assert chat_kind(chat) == kind


def test_incoming_views() -> None:
    assert incoming_view({"text": {"message": "hi"}}) == {"kind": "text", "text": "hi"}
    button = incoming_view(
        {"buttonsResponseMessage": {"buttonId": "yes", "message": "Yes"}, "referenceMessageId": "M"}
    )
    assert button == {"kind": "button-reply", "text": "Yes", "buttonId": "yes", "replyTo": "M"}
    row = incoming_view(
        {"listResponseMessage": {"message": "d", "title": "t", "selectedRowId": "1"}}
    )
    assert row == {"kind": "list-reply", "text": "t", "description": "d", "optionId": "1"}
    call = incoming_view({"notification": "CALL_VOICE", "callId": "C1"})
    assert call == {"kind": "call", "text": "Voice call"}
    assert incoming_view({"reaction": {"value": "👍"}}) is None
    assert incoming_view({"pollVote": {"options": []}}) is None


def test_previews() -> None:
    assert preview({"kind": "text", "text": "line 1\nline 2"}) == "line 1"
    assert preview({"kind": "media", "text": None, "media": {"type": "audio"}}) == "[audio]"
    assert preview({"kind": "poll", "poll": {"question": "Lunch?"}}) == "[poll] Lunch?"
