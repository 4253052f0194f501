"""Text, button-list, option-list, OTP and PIX messages: golden wire JSON and validation.

The golden bodies follow the field tables and examples of Z-API's documentation
(see ZAPI_REFERENCE.md, "Neighbouring endpoints" and "More endpoints").
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

from zapi_async import ValidationError
from zapi_async.models.lists import (
    ButtonListImageMessage,
    ButtonListMessage,
    ButtonListVideoMessage,
    ListButton,
    ListOption,
    OptionListMessage,
    button_list,
)
from zapi_async.models.payments import OtpButtonMessage, PixButtonMessage
from zapi_async.models.text import TextMessage
from zapi_async.wire import WireFormatError, from_wire, to_wire

PHONE = "5511999999999"
IMAGE = "https://avatars.githubusercontent.com/u/60630101?s=280&v=4"
VIDEO = "https://example.com/intro.mp4"

GOLDEN: list[tuple[str, Any, str, dict[str, Any]]] = [
    (
        "text",
        TextMessage(PHONE, "Welcome to *Z-API*"),
        "send-text",
        {"phone": PHONE, "message": "Welcome to *Z-API*"},
    ),
    (
        "text-delays",
        TextMessage(PHONE, "Welcome", delay_message=2, delay_typing=5),
        "send-text",
        {"phone": PHONE, "message": "Welcome", "delayMessage": 2, "delayTyping": 5},
    ),
    (
        "text-edit",
        TextMessage(PHONE, "Fixed typo", edit_message_id="3EB0C431C26A1916"),
        "send-text",
        {"phone": PHONE, "message": "Fixed typo", "editMessageId": "3EB0C431C26A1916"},
    ),
    (
        "text-reply",
        TextMessage("120363019502650977-group", "Agreed", message_id="3999984263738042930CD6"),
        "send-text",
        {
            "phone": "120363019502650977-group",
            "message": "Agreed",
            "messageId": "3999984263738042930CD6",
        },
    ),
    (
        "button-list",
        ButtonListMessage(
            PHONE, "Z-API is good?", [ListButton("Great", id="1"), ListButton("Excellent", id="2")]
        ),
        "send-button-list",
        {
            "phone": PHONE,
            "message": "Z-API is good?",
            "buttonList": {
                "buttons": [{"id": "1", "label": "Great"}, {"id": "2", "label": "Excellent"}]
            },
        },
    ),
    (
        "button-list-no-ids-delay",
        ButtonListMessage(PHONE, "Yes or no?", [ListButton("Yes"), ListButton("No")], 4),
        "send-button-list",
        {
            "phone": PHONE,
            "message": "Yes or no?",
            "buttonList": {"buttons": [{"label": "Yes"}, {"label": "No"}]},
            "delayMessage": 4,
        },
    ),
    (
        "button-list-image",
        ButtonListImageMessage(
            PHONE,
            "Z-API is good?",
            [ListButton("Great", id="1"), ListButton("Excellent", id="2")],
            IMAGE,
        ),
        "send-button-list",
        {
            "phone": PHONE,
            "message": "Z-API is good?",
            "buttonList": {
                "image": IMAGE,
                "buttons": [{"id": "1", "label": "Great"}, {"id": "2", "label": "Excellent"}],
            },
        },
    ),
    (
        "button-list-video",
        ButtonListVideoMessage(PHONE, "Watch and pick", [ListButton("Great", id="1")], VIDEO),
        "send-button-list",
        {
            "phone": PHONE,
            "message": "Watch and pick",
            "buttonList": {"video": VIDEO, "buttons": [{"id": "1", "label": "Great"}]},
        },
    ),
    (
        "option-list",
        OptionListMessage(
            PHONE,
            "Pick the best option:",
            title="Available options",
            button_label="Open option list",
            options=[
                ListOption("Z-API", description="Wings for your imagination", id="1"),
                ListOption("Others", description="Don't work", id="2"),
            ],
        ),
        "send-option-list",
        {
            "phone": PHONE,
            "message": "Pick the best option:",
            "optionList": {
                "title": "Available options",
                "buttonLabel": "Open option list",
                "options": [
                    {"id": "1", "title": "Z-API", "description": "Wings for your imagination"},
                    {"id": "2", "title": "Others", "description": "Don't work"},
                ],
            },
        },
    ),
    (
        "option-list-minimal",
        OptionListMessage(PHONE, "Menu", "Departments", "See", [ListOption("Sales")], 3),
        "send-option-list",
        {
            "phone": PHONE,
            "message": "Menu",
            "optionList": {
                "title": "Departments",
                "buttonLabel": "See",
                "options": [{"title": "Sales"}],
            },
            "delayMessage": 3,
        },
    ),
    (
        "otp",
        OtpButtonMessage(PHONE, "Your verification code is:", "123456"),
        "send-button-otp",
        {"phone": PHONE, "message": "Your verification code is:", "code": "123456"},
    ),
    (
        "otp-image-button-text",
        OtpButtonMessage(
            PHONE,
            "Use this code to confirm your account:",
            "ABC123",
            image="https://example.com/verify.jpg",
            button_text="Copy verification code",
        ),
        "send-button-otp",
        {
            "phone": PHONE,
            "message": "Use this code to confirm your account:",
            "code": "ABC123",
            "image": "https://example.com/verify.jpg",
            "buttonText": "Copy verification code",
        },
    ),
    (
        "pix-cpf",
        PixButtonMessage(PHONE, "12345678900", "CPF"),
        "send-button-pix",
        {"phone": PHONE, "pixKey": "12345678900", "type": "CPF"},
    ),
    (
        "pix-email-merchant",
        PixButtonMessage(PHONE, "contact@example.com", "EMAIL", merchant_name="Copy PIX key"),
        "send-button-pix",
        {
            "phone": PHONE,
            "pixKey": "contact@example.com",
            "type": "EMAIL",
            "merchantName": "Copy PIX key",
        },
    ),
    (
        "pix-evp",
        PixButtonMessage(PHONE, "123e4567-e89b-12d3-a456-426614174000", "EVP", "Pay here"),
        "send-button-pix",
        {
            "phone": PHONE,
            "pixKey": "123e4567-e89b-12d3-a456-426614174000",
            "type": "EVP",
            "merchantName": "Pay here",
        },
    ),
    (
        "pix-cnpj-phone-delay",
        PixButtonMessage(PHONE, "12345678000190", "CNPJ", delay_message=5),
        "send-button-pix",
        {"phone": PHONE, "pixKey": "12345678000190", "type": "CNPJ", "delayMessage": 5},
    ),
]


@pytest.mark.parametrize(
    ("model", "endpoint", "wire"), [case[1:] for case in GOLDEN], ids=[c[0] for c in GOLDEN]
)
def test_golden_wire_json(model: Any, endpoint: str, wire: dict[str, Any]) -> None:
    assert type(model).endpoint == endpoint
    assert model.endpoint == endpoint
    assert to_wire(model) == wire
    # What goes over the wire is plain JSON, and it comes back as the same model.
    assert json.loads(json.dumps(to_wire(model))) == wire
    assert from_wire(wire, type(model)) == model


def test_pix_type_is_a_plain_data_field() -> None:
    """``type`` is PIX's key kind, not a union tag: it round-trips untouched."""
    for kind, key in [("PHONE", "+5511999999999"), ("PHONE", "5511999999999")]:
        message = PixButtonMessage(PHONE, key, kind)  # type: ignore[arg-type]
        assert to_wire(message) == {"phone": PHONE, "pixKey": key, "type": kind}


def test_buttons_accept_any_iterable_and_are_stored_as_tuples() -> None:
    message = ButtonListMessage(PHONE, "Pick", (b for b in [ListButton("A"), ListButton("B")]))
    assert message.buttons == (ListButton("A"), ListButton("B"))
    single = ButtonListMessage(PHONE, "Pick", ListButton("A"))  # type: ignore[arg-type]
    assert single.buttons == (ListButton("A"),)


def test_button_list_factory_picks_the_variant() -> None:
    buttons = [ListButton("Yes", id="y")]
    assert button_list(PHONE, "Go?", buttons) == ButtonListMessage(PHONE, "Go?", buttons)
    assert button_list(PHONE, "Go?", buttons, image=IMAGE, delay_message=2) == (
        ButtonListImageMessage(PHONE, "Go?", buttons, IMAGE, 2)
    )
    assert button_list(PHONE, "Go?", buttons, video=VIDEO) == (
        ButtonListVideoMessage(PHONE, "Go?", buttons, VIDEO)
    )


def test_structuring_reads_only_the_nested_object() -> None:
    wire = {
        "phone": PHONE,
        "message": "Pick",
        "image": IMAGE,  # top-level image is not where Z-API reads it
        "buttonList": {"buttons": [{"label": "A"}], "image": IMAGE, "extra": 1},
        "unknown": True,
    }
    assert from_wire(wire, ButtonListImageMessage) == ButtonListImageMessage(
        PHONE, "Pick", [ListButton("A")], IMAGE
    )
    del wire["buttonList"]["image"]  # type: ignore[attr-defined]
    with pytest.raises(WireFormatError, match=r"^required field missing @ \$\.buttonList\.image$"):
        from_wire(wire, ButtonListImageMessage)


@pytest.mark.parametrize(
    ("data", "cls", "expected"),
    [
        ({"phone": PHONE, "message": "m", "buttons": []}, ButtonListMessage,
         "required field missing @ $.buttonList"),
        ({"phone": PHONE, "message": "m", "buttonList": [1]}, ButtonListMessage,
         "invalid value (TypeError: expected an object) @ $.buttonList"),
        ({"phone": 5, "message": "m", "buttonList": {"buttons": [{"label": 1}, {"id": "x"}]}},
         ButtonListMessage,
         "expected a string, got a number @ $.phone; "
         "expected a string, got a number @ $.buttonList.buttons[0].label; "
         "required field missing @ $.buttonList.buttons[1].label"),
        ({"phone": PHONE, "message": "m", "delayMessage": "3",
          "optionList": {"title": None, "buttonLabel": "b", "options": "x"}},
         OptionListMessage,
         "expected an integer, got a string @ $.delayMessage; "
         "expected a string, got null @ $.optionList.title; "
         "expected an array, got a string @ $.optionList.options"),
        ({"phone": PHONE, "message": "m", "buttonList": {"buttons": []}}, ButtonListMessage,
         "ButtonListMessage.buttons: should have at least one button @ $"),
        (["not", "an", "object"], OptionListMessage,
         "invalid value (TypeError: expected a JSON object, got list) @ $"),
    ],
)  # fmt: skip
def test_structuring_errors_name_wire_paths(data: Any, cls: type, expected: str) -> None:
    with pytest.raises(WireFormatError) as info:
        from_wire(data, cls)
    assert str(info.value) == expected


def test_media_accepts_base64_and_data_uris() -> None:
    png = "data:image/png;base64,iVBORw0KGgo="
    assert to_wire(ButtonListImageMessage(PHONE, "m", [ListButton("A")], png))["buttonList"] == {
        "image": png,
        "buttons": [{"label": "A"}],
    }
    for video in ["data:video/mp4;base64,AAAAIGZ0eXA=", "AAAAIGZ0eXA="]:
        assert ButtonListVideoMessage(PHONE, "m", [ListButton("A")], video).video == video


Factory = Callable[[], object]

BAD_INPUT: list[tuple[str, Factory, str, str]] = [
    # TextMessage
    ("text-phone", lambda: TextMessage("+55 11 99999-9999", "hi"), "TextMessage.phone", "use '5511999999999'"),  # noqa: E501
    ("text-phone-type", lambda: TextMessage(5511999999999, "hi"), "TextMessage.phone", "should be a string, but was int"),  # type: ignore[arg-type]  # noqa: E501
    ("text-message-empty", lambda: TextMessage(PHONE, "  "), "TextMessage.message", "should not be empty"),  # noqa: E501
    ("text-delay-low", lambda: TextMessage(PHONE, "hi", delay_message=0), "TextMessage.delay_message", "should be in range [1, 15] seconds, but was 0"),  # noqa: E501
    ("text-delay-float", lambda: TextMessage(PHONE, "hi", delay_message=1.5), "TextMessage.delay_message", "whole number"),  # type: ignore[arg-type]  # noqa: E501
    ("text-typing-high", lambda: TextMessage(PHONE, "hi", delay_typing=16), "TextMessage.delay_typing", "but was 16"),  # noqa: E501
    ("text-typing-bool", lambda: TextMessage(PHONE, "hi", delay_typing=True), "TextMessage.delay_typing", "whole number"),  # noqa: E501
    ("text-edit-empty", lambda: TextMessage(PHONE, "hi", edit_message_id=""), "TextMessage.edit_message_id", "should not be empty"),  # noqa: E501
    ("text-reply-type", lambda: TextMessage(PHONE, "hi", message_id=42), "TextMessage.message_id", "should be a string"),  # type: ignore[arg-type]  # noqa: E501
    # ListButton / button lists
    ("listbutton-label", lambda: ListButton(""), "ListButton.label", "should not be empty"),
    ("listbutton-id", lambda: ListButton("A", id=""), "ListButton.id", "should not be empty"),
    ("blist-phone", lambda: ButtonListMessage("abc", "m", [ListButton("A")]), "ButtonListMessage.phone", "DDI DDD NUMBER"),  # noqa: E501
    ("blist-message", lambda: ButtonListMessage(PHONE, "", [ListButton("A")]), "ButtonListMessage.message", "should not be empty"),  # noqa: E501
    ("blist-no-buttons", lambda: ButtonListMessage(PHONE, "m", []), "ButtonListMessage.buttons", "at least one button"),  # noqa: E501
    ("blist-none-buttons", lambda: ButtonListMessage(PHONE, "m", None), "ButtonListMessage.buttons", "at least one button"),  # type: ignore[arg-type]  # noqa: E501
    ("blist-dict-button", lambda: ButtonListMessage(PHONE, "m", [{"label": "A"}]), "ButtonListMessage.buttons[0]", "should be a ListButton, but was dict"),  # type: ignore[list-item]  # noqa: E501
    ("blist-dup-ids", lambda: ButtonListMessage(PHONE, "m", [ListButton("A", id="x"), ListButton("B", id="x")]), "ButtonListMessage.buttons[1].id", "'x' is repeated"),  # noqa: E501
    ("blist-delay", lambda: ButtonListMessage(PHONE, "m", [ListButton("A")], 99), "ButtonListMessage.delay_message", "but was 99"),  # noqa: E501
    ("blist-image-bad", lambda: ButtonListImageMessage(PHONE, "m", [ListButton("A")], "not an image!"), "ButtonListImageMessage.image", "should be an http(s) URL"),  # noqa: E501
    ("blist-image-none", lambda: ButtonListImageMessage(PHONE, "m", [ListButton("A")], None), "ButtonListImageMessage.image", "is required"),  # type: ignore[arg-type]  # noqa: E501
    ("blist-image-buttons", lambda: ButtonListImageMessage(PHONE, "m", [], IMAGE), "ButtonListImageMessage.buttons", "at least one"),  # noqa: E501
    ("blist-video-ftp", lambda: ButtonListVideoMessage(PHONE, "m", [ListButton("A")], "ftp://x/v.mp4"), "ButtonListVideoMessage.video", "should be an http(s) URL"),  # noqa: E501
    ("blist-video-image-uri", lambda: ButtonListVideoMessage(PHONE, "m", [ListButton("A")], "data:image/png;base64,AAAA"), "ButtonListVideoMessage.video", "data:video/mp4;base64"),  # noqa: E501
    ("blist-video-none", lambda: ButtonListVideoMessage(PHONE, "m", [ListButton("A")], None), "ButtonListVideoMessage.video", "should be a string, but was NoneType"),  # type: ignore[arg-type]  # noqa: E501
    ("blist-video-nohost", lambda: ButtonListVideoMessage(PHONE, "m", [ListButton("A")], "https:///v.mp4"), "ButtonListVideoMessage.video", "host name"),  # noqa: E501
    ("blist-both-media", lambda: button_list(PHONE, "m", [ListButton("A")], image=IMAGE, video=VIDEO), "ButtonListMessage.video", "not both"),  # noqa: E501
    # Option lists
    ("option-title", lambda: ListOption(""), "ListOption.title", "should not be empty"),
    ("option-description", lambda: ListOption("A", description=" "), "ListOption.description", "should not be empty"),  # noqa: E501
    ("option-id", lambda: ListOption("A", id=7), "ListOption.id", "should be a string"),  # type: ignore[arg-type]
    ("olist-phone", lambda: OptionListMessage("123", "m", "t", "b", [ListOption("A")]), "OptionListMessage.phone", "but was '123'"),  # noqa: E501
    ("olist-message", lambda: OptionListMessage(PHONE, "", "t", "b", [ListOption("A")]), "OptionListMessage.message", "should not be empty"),  # noqa: E501
    ("olist-title", lambda: OptionListMessage(PHONE, "m", "", "b", [ListOption("A")]), "OptionListMessage.title", "should not be empty"),  # noqa: E501
    ("olist-button-label", lambda: OptionListMessage(PHONE, "m", "t", None, [ListOption("A")]), "OptionListMessage.button_label", "should be a string"),  # type: ignore[arg-type]  # noqa: E501
    ("olist-no-options", lambda: OptionListMessage(PHONE, "m", "t", "b", []), "OptionListMessage.options", "at least one option"),  # noqa: E501
    ("olist-wrong-item", lambda: OptionListMessage(PHONE, "m", "t", "b", [ListButton("A")]), "OptionListMessage.options[0]", "should be a ListOption, but was ListButton"),  # type: ignore[list-item]  # noqa: E501
    ("olist-dup-ids", lambda: OptionListMessage(PHONE, "m", "t", "b", [ListOption("A", id="1"), ListOption("B", id="1")]), "OptionListMessage.options[1].id", "is repeated"),  # noqa: E501
    ("olist-delay", lambda: OptionListMessage(PHONE, "m", "t", "b", [ListOption("A")], -1), "OptionListMessage.delay_message", "but was -1"),  # noqa: E501
    # OTP
    ("otp-phone", lambda: OtpButtonMessage("55 11", "m", "1"), "OtpButtonMessage.phone", "DDI DDD NUMBER"),  # noqa: E501
    ("otp-message", lambda: OtpButtonMessage(PHONE, "", "1"), "OtpButtonMessage.message", "should not be empty"),  # noqa: E501
    ("otp-code", lambda: OtpButtonMessage(PHONE, "m", ""), "OtpButtonMessage.code", "should not be empty"),  # noqa: E501
    ("otp-code-int", lambda: OtpButtonMessage(PHONE, "m", 123456), "OtpButtonMessage.code", "should be a string, but was int"),  # type: ignore[arg-type]  # noqa: E501
    ("otp-image", lambda: OtpButtonMessage(PHONE, "m", "1", image="data:text/plain;base64,AA"), "OtpButtonMessage.image", "data:image/png;base64"),  # noqa: E501
    ("otp-button-text", lambda: OtpButtonMessage(PHONE, "m", "1", button_text=""), "OtpButtonMessage.button_text", "should not be empty"),  # noqa: E501
    ("otp-delay", lambda: OtpButtonMessage(PHONE, "m", "1", delay_message=20), "OtpButtonMessage.delay_message", "but was 20"),  # noqa: E501
    # PIX
    ("pix-phone", lambda: PixButtonMessage("x", "12345678900", "CPF"), "PixButtonMessage.phone", "but was 'x'"),  # noqa: E501
    ("pix-key-empty", lambda: PixButtonMessage(PHONE, "", "CPF"), "PixButtonMessage.pix_key", "should not be empty"),  # noqa: E501
    ("pix-type", lambda: PixButtonMessage(PHONE, "12345678900", "RANDOM"), "PixButtonMessage.type", "should be one of CPF, CNPJ, PHONE, EMAIL, EVP, but was 'RANDOM'"),  # type: ignore[arg-type]  # noqa: E501
    ("pix-type-lower", lambda: PixButtonMessage(PHONE, "12345678900", "cpf"), "PixButtonMessage.type", "but was 'cpf'"),  # type: ignore[arg-type]  # noqa: E501
    ("pix-cpf-punct", lambda: PixButtonMessage(PHONE, "123.456.789-00", "CPF"), "PixButtonMessage.pix_key", "should be 11 digits, no punctuation"),  # noqa: E501
    # ASCII digits only: a "\d" pattern would also accept Arabic-Indic, fullwidth... digits.
    ("pix-cpf-arabic-indic", lambda: PixButtonMessage(PHONE, "\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0660", "CPF"), "PixButtonMessage.pix_key", "should be 11 digits, no punctuation"),  # noqa: E501
    ("pix-cnpj-fullwidth", lambda: PixButtonMessage(PHONE, "\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18\uff10\uff10\uff10\uff11\uff19\uff10", "CNPJ"), "PixButtonMessage.pix_key", "14 digits"),  # noqa: E501
    ("pix-phone-devanagari", lambda: PixButtonMessage(PHONE, "+\u0665\u0665\u0661\u0661\u096f\u096f\u096f\u096f\u096f\u096f\u096f\u096f\u096f", "PHONE"), "PixButtonMessage.pix_key", "for a PHONE key"),  # noqa: E501
    ("pix-cnpj-short", lambda: PixButtonMessage(PHONE, "12345678900", "CNPJ"), "PixButtonMessage.pix_key", "14 digits"),  # noqa: E501
    ("pix-phone-key", lambda: PixButtonMessage(PHONE, "(11) 9999-9999", "PHONE"), "PixButtonMessage.pix_key", "for a PHONE key"),  # noqa: E501
    ("pix-email", lambda: PixButtonMessage(PHONE, "not-an-email", "EMAIL"), "PixButtonMessage.pix_key", "an e-mail address"),  # noqa: E501
    ("pix-evp", lambda: PixButtonMessage(PHONE, "123e4567", "EVP"), "PixButtonMessage.pix_key", "UUID form"),  # noqa: E501
    ("pix-merchant", lambda: PixButtonMessage(PHONE, "12345678900", "CPF", merchant_name=""), "PixButtonMessage.merchant_name", "should not be empty"),  # noqa: E501
    ("pix-delay", lambda: PixButtonMessage(PHONE, "12345678900", "CPF", delay_message=0), "PixButtonMessage.delay_message", "but was 0"),  # noqa: E501
]  # fmt: skip


@pytest.mark.parametrize(
    ("build", "field", "fragment"), [c[1:] for c in BAD_INPUT], ids=[c[0] for c in BAD_INPUT]
)
def test_bad_input_names_the_field(build: Factory, field: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as info:
        build()
    assert info.value.field == field
    assert fragment in info.value.rule
    assert str(info.value) == f"{field}: {info.value.rule}"
    assert isinstance(info.value, ValueError)


def test_messages_are_frozen() -> None:
    message = TextMessage(PHONE, "hi")
    with pytest.raises(AttributeError):
        message.message = "changed"  # type: ignore[misc]


_IMPORT_ORDER_SCRIPT = """
import importlib, json, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
from zapi_async.wire import to_wire, from_wire
from zapi_async.models.messages import ButtonActionsMessage
from zapi_async.models.buttons import ReplyButton
from zapi_async.models.lists import ButtonListMessage, ListButton
from zapi_async.models.instance import QueuedMessage
from zapi_async.models.payments import PixButtonMessage
out = [
    to_wire(ButtonActionsMessage("5511999999999", "hi", [ReplyButton("Yes")])),
    to_wire(ButtonListMessage("5511999999999", "hi", [ListButton("Yes")])),
    to_wire(PixButtonMessage("5511999999999", "12345678900", "CPF")),
    to_wire(from_wire({"_id": "a", "ZaapId": "b", "Phone": "5511999999999"}, QueuedMessage)),
]
print(json.dumps(out, sort_keys=True))
"""


def test_any_import_order_gives_the_same_wire() -> None:
    """Hooks are built lazily, so it does not matter which module was imported first."""
    orders = [
        ["zapi_async.wire", "zapi_async.models.instance", "zapi_async.models.lists"],
        ["zapi_async.models.payments", "zapi_async.models.lists", "zapi_async.wire"],
        ["zapi_async.client.instance_calls"],
    ]
    outputs = {
        subprocess.run(
            [sys.executable, "-c", _IMPORT_ORDER_SCRIPT, *order],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        for order in orders
    }
    assert len(outputs) == 1
    assert json.loads(outputs.pop()) == [
        {"phone": PHONE, "message": "hi", "buttonActions": [{"label": "Yes", "type": "REPLY"}]},
        {"phone": PHONE, "message": "hi", "buttonList": {"buttons": [{"label": "Yes"}]}},
        {"phone": PHONE, "pixKey": "12345678900", "type": "CPF"},
        {"_id": "a", "ZaapId": "b", "Phone": PHONE},
    ]
