"""ButtonActionsMessage validation and SendResult."""

from __future__ import annotations

import base64
from typing import Any

import attrs
import pytest

from zapi_async import (
    ButtonActionsMessage,
    CallButton,
    ReplyButton,
    SendResult,
    UrlButton,
    ValidationError,
)

PHONE = "5511999999999"
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n-not-really-a-png").decode()


def message(**changes: Any) -> ButtonActionsMessage:
    fields: dict[str, Any] = {
        "phone": PHONE,
        "message": "How can we help?",
        "buttons": [ReplyButton("Agent", id="agent")],
    }
    fields.update(changes)
    return ButtonActionsMessage(**fields)


def test_defaults_and_endpoint() -> None:
    built = message()
    assert built.buttons == (ReplyButton("Agent", id="agent"),)
    assert (built.title, built.footer, built.image, built.delay_message) == (None,) * 4
    assert ButtonActionsMessage.endpoint == "send-button-actions"


def test_buttons_become_a_tuple_from_any_iterable() -> None:
    pair = [CallButton("Call", phone="+554498398733"), UrlButton("Site", url="https://z-api.io")]
    assert message(buttons=pair).buttons == tuple(pair)
    assert message(buttons=iter(pair)).buttons == tuple(pair)
    assert message(buttons=(b for b in pair)).buttons == tuple(pair)


@pytest.mark.parametrize(
    "phone",
    [
        "551199999999",
        "5511999999999",
        "12345678",
        "120363019502650977-group",
        "5511999999999-1623281429",
    ],
)
def test_valid_recipients_are_kept_as_given(phone: str) -> None:
    assert message(phone=phone).phone == phone


@pytest.mark.parametrize(
    "image",
    [
        "https://app.z-api.io/logos/zapi-dark.png",
        "http://example.com/a.jpg",
        PNG,
        PNG[:20] + "\n" + PNG[20:],
        "data:image/png;base64," + PNG,
        "data:image/svg+xml;base64," + PNG,
    ],
)
def test_valid_images(image: str) -> None:
    assert message(image=image).image == image


@pytest.mark.parametrize("delay", [1, 7, 15])
def test_valid_delays(delay: int) -> None:
    assert message(delay_message=delay).delay_message == delay


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"message": ""}, "ButtonActionsMessage.message", "should not be empty or only whitespace"),
        ({"message": " \n "}, "ButtonActionsMessage.message", "should not be empty"),
        ({"message": None}, "ButtonActionsMessage.message", "should be a string, but was NoneType"),
        ({"title": ""}, "ButtonActionsMessage.title", "should not be empty"),
        ({"footer": "  "}, "ButtonActionsMessage.footer", "should not be empty"),
        (
            {"phone": "+55 (11) 99999-9999"},
            "ButtonActionsMessage.phone",
            "should be digits only in DDI DDD NUMBER form (e.g. '5511999999999'), a group id "
            "(e.g. '120363019502650977-group'), a LID (e.g. '81896604192873@lid') or a "
            "channel id (e.g. '120363166555745933@newsletter'), but was "
            "'+55 (11) 99999-9999'; use '5511999999999'",
        ),
        (
            {"phone": "+5511999999999"},
            "ButtonActionsMessage.phone",
            "but was '+5511999999999'; use '5511999999999'",
        ),
        ({"phone": "55 11 abc"}, "ButtonActionsMessage.phone", "but was '55 11 abc'"),
        ({"phone": "1234567"}, "ButtonActionsMessage.phone", "but was '1234567'"),
        ({"phone": "group-120363"}, "ButtonActionsMessage.phone", "a group id"),
        ({"phone": 5511999999999}, "ButtonActionsMessage.phone", "should be a string, but was int"),
        (
            {"phone": "٥٥١١٩٩٩٩٩٩٩٩"},  # Arabic-Indic digits are not what Z-API expects
            "ButtonActionsMessage.phone",
            "should be digits only",
        ),
        (
            {"delay_message": 0},
            "ButtonActionsMessage.delay_message",
            "should be in range [1, 15] seconds, but was 0",
        ),
        ({"delay_message": 16}, "ButtonActionsMessage.delay_message", "but was 16"),
        ({"delay_message": -3}, "ButtonActionsMessage.delay_message", "but was -3"),
        (
            {"delay_message": True},
            "ButtonActionsMessage.delay_message",
            "should be a whole number of seconds, but was bool",
        ),
        (
            {"delay_message": 2.5},
            "ButtonActionsMessage.delay_message",
            "should be a whole number of seconds, but was float",
        ),
        ({"delay_message": "3"}, "ButtonActionsMessage.delay_message", "but was str"),
        ({"buttons": []}, "ButtonActionsMessage.buttons", "should have at least one button"),
        ({"buttons": iter(())}, "ButtonActionsMessage.buttons", "at least one button"),
        (
            {"buttons": "Yes"},
            "ButtonActionsMessage.buttons",
            "should be a list of buttons, but was str",
        ),
        ({"buttons": b"Yes"}, "ButtonActionsMessage.buttons", "but was bytes"),
        ({"buttons": ReplyButton("Yes")}, "ButtonActionsMessage.buttons", "but was ReplyButton"),
        ({"buttons": None}, "ButtonActionsMessage.buttons", "but was NoneType"),
        (
            {"buttons": [ReplyButton("Yes"), {"type": "REPLY", "label": "No"}]},
            "ButtonActionsMessage.buttons[1]",
            "should be a CallButton, UrlButton or ReplyButton, but was dict",
        ),
        ({"buttons": ["Yes"]}, "ButtonActionsMessage.buttons[0]", "but was str"),
        (
            {
                "buttons": [
                    ReplyButton("Yes", id="a"),
                    ReplyButton("No", id="b"),
                    UrlButton("Site", url="https://z-api.io", id="a"),
                ]
            },
            "ButtonActionsMessage.buttons[2].id",
            "should be unique within the message, but 'a' is repeated",
        ),
        (  # a wrong element is named before a repeated id, wherever it is
            {"buttons": [ReplyButton("Yes", id="a"), ReplyButton("No", id="a"), "Maybe"]},
            "ButtonActionsMessage.buttons[2]",
            "should be a CallButton, UrlButton or ReplyButton, but was str",
        ),
        (
            {"image": "logo.png"},
            "ButtonActionsMessage.image",
            "should be an http(s) URL, Base64 data or a data:image/...;base64, URI, "
            "but was 'logo.png'",
        ),
        ({"image": "ftp://z-api.io/logo.png"}, "ButtonActionsMessage.image", "Base64 data"),
        ({"image": "hello"}, "ButtonActionsMessage.image", "but was 'hello'"),  # not 4n long
        ({"image": "aGVsbG8=x"}, "ButtonActionsMessage.image", "Base64 data"),
        ({"image": ""}, "ButtonActionsMessage.image", "Base64 data"),
        ({"image": "https://"}, "ButtonActionsMessage.image", "should be a URL with a host name"),
        (
            {"image": "data:text/plain;base64,aGVsbG8="},
            "ButtonActionsMessage.image",
            "should be a data URI like 'data:image/png;base64,<data>'",
        ),
        ({"image": "data:image/png;base64,"}, "ButtonActionsMessage.image", "Base64 data"),
        ({"image": 12}, "ButtonActionsMessage.image", "should be a string, but was int"),
    ],
)
def test_message_validation(changes: dict[str, Any], field: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        message(**changes)
    assert isinstance(info.value, ValueError)
    assert info.value.field == field
    assert rule in info.value.rule
    assert str(info.value).startswith(f"{field}: ")


def test_long_image_values_are_shortened_in_errors() -> None:
    with pytest.raises(ValidationError) as info:
        message(image="#" * 10_000)
    assert len(str(info.value)) < 200
    assert info.value.rule.endswith("…'")


def test_buttons_without_ids_may_repeat() -> None:
    built = message(buttons=[ReplyButton("Yes"), ReplyButton("Yes")])
    assert len(built.buttons) == 2


def test_messages_are_frozen_and_equal_by_value() -> None:
    built = message(title="Hi")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        built.title = "Bye"  # type: ignore[misc]
    assert built == message(title="Hi")
    assert hash(built) == hash(message(title="Hi"))


def test_evolve_revalidates() -> None:
    with pytest.raises(ValidationError, match=r"^ButtonActionsMessage\.delay_message: "):
        attrs.evolve(message(), delay_message=99)


def test_send_result_id_defaults_to_message_id() -> None:
    result = SendResult(zaap_id="Z", message_id="M")
    assert (result.zaap_id, result.message_id, result.id) == ("Z", "M", "M")
    assert SendResult("Z", "M", "other").id == "other"
