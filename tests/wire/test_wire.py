"""The wire format: golden bodies from the seed page, names, omissions, strict structuring."""

from __future__ import annotations

import enum
import json
import re
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings

from tests.support.seed import SEED_CALL_URL_BODY, SEED_REPLY_BODY, SEED_RESPONSE_BODY
from tests.support.strategies import button_actions_messages
from zapi_async import (
    ButtonActionsMessage,
    CallButton,
    ReplyButton,
    SendResult,
    UrlButton,
    WireFormatError,
    ZapiError,
    from_wire,
    to_wire,
)
from zapi_async.wire import converter, register_renames

SEED_DIR = Path(__file__).resolve().parents[3] / "shared" / "seed"
SEED_IMAGE = "https://app.z-api.io/logos/zapi-dark.png"


def seed_call_url_message() -> ButtonActionsMessage:
    return ButtonActionsMessage(
        phone="551199999999",
        message="a message",
        title="if you want to add a title",
        footer="if you want to add a footer",
        image=SEED_IMAGE,
        buttons=[
            CallButton("Contact us", phone="554498398733", id="1"),
            UrlButton("Visit our website", url="https://z-api.io", id="2"),
        ],
    )


def seed_reply_message() -> ButtonActionsMessage:
    return ButtonActionsMessage(
        phone="551199999999",
        message="a message",
        title="if you want to add a title",
        footer="if you want to add a footer",
        image=SEED_IMAGE,
        buttons=[ReplyButton("Talk to an agent", id="3")],
    )


# --- golden --------------------------------------------------------------------------


def test_seed_call_and_url_body() -> None:
    assert json.loads(json.dumps(to_wire(seed_call_url_message()))) == SEED_CALL_URL_BODY


def test_seed_reply_body() -> None:
    assert json.loads(json.dumps(to_wire(seed_reply_message()))) == SEED_REPLY_BODY


def test_seed_bodies_read_back_into_the_same_models() -> None:
    assert from_wire(SEED_CALL_URL_BODY, ButtonActionsMessage) == seed_call_url_message()
    assert from_wire(SEED_REPLY_BODY, ButtonActionsMessage) == seed_reply_message()


def test_send_result_from_the_seed_200_body() -> None:
    result = from_wire(SEED_RESPONSE_BODY, SendResult)
    assert result == SendResult(
        zaap_id="3999984263738042930CD6ECDE9VDWSA",
        message_id="D241XXXX732339502B68",
        id="D241XXXX732339502B68",
    )
    assert to_wire(result) == SEED_RESPONSE_BODY


@pytest.mark.skipif(not SEED_DIR.is_dir(), reason="the seed page is not next to this checkout")
def test_embedded_seed_bodies_match_the_seed_page() -> None:
    page = "\n".join(p.read_text() for p in sorted(SEED_DIR.glob("*.txt")))
    blocks = [json.loads(b) for b in re.findall(r"```json[^\n]*\n(.*?)```", page, re.S)]
    assert blocks == [SEED_CALL_URL_BODY, SEED_REPLY_BODY, SEED_RESPONSE_BODY]


# --- to_wire -------------------------------------------------------------------------


def test_names_are_camel_case_and_buttons_are_button_actions() -> None:
    wire = to_wire(
        ButtonActionsMessage("551199999999", "hi", [ReplyButton("Yes")], delay_message=5)
    )
    assert wire == {
        "phone": "551199999999",
        "message": "hi",
        "buttonActions": [{"type": "REPLY", "label": "Yes"}],
        "delayMessage": 5,
    }


def test_none_fields_are_omitted_never_null() -> None:
    msg = ButtonActionsMessage(
        "551199999999",
        "hi",
        [CallButton("Call", phone="+554498398733"), UrlButton("Site", url="https://z-api.io")],
    )
    text = json.dumps(to_wire(msg))
    assert "null" not in text
    assert json.loads(text) == {
        "phone": "551199999999",
        "message": "hi",
        "buttonActions": [
            {"type": "CALL", "label": "Call", "phone": "+554498398733"},
            {"type": "URL", "label": "Site", "url": "https://z-api.io"},
        ],
    }


def test_buttons_carry_their_type_tag_even_alone() -> None:
    assert to_wire(CallButton("C", phone="12345678", id="c")) == {
        "type": "CALL",
        "label": "C",
        "phone": "12345678",
        "id": "c",
    }
    assert to_wire(UrlButton("U", url="https://a.b")) == {
        "type": "URL",
        "label": "U",
        "url": "https://a.b",
    }
    assert to_wire(ReplyButton("R")) == {"type": "REPLY", "label": "R"}


def test_button_tuple_becomes_a_json_list() -> None:
    wire = to_wire(ButtonActionsMessage("551199999999", "hi", (ReplyButton("Yes"),)))
    assert type(wire["buttonActions"]) is list


def test_send_result_always_has_all_three_keys() -> None:
    assert to_wire(SendResult("Z", "M")) == {"zaapId": "Z", "messageId": "M", "id": "M"}


def test_to_wire_refuses_values_that_are_not_json_objects() -> None:
    with pytest.raises(TypeError, match="list does not map to a JSON object"):
        to_wire([ReplyButton("Yes")])


# --- from_wire -----------------------------------------------------------------------


def test_unknown_keys_are_ignored() -> None:
    body = {**SEED_RESPONSE_BODY, "newField": {"x": 1}, "zaap_id": "ignored"}
    assert from_wire(body, SendResult).zaap_id == SEED_RESPONSE_BODY["zaapId"]
    message = {
        **SEED_REPLY_BODY,
        "extra": True,
        "buttonActions": [{"type": "REPLY", "label": "Hi", "color": "red"}],
    }
    assert from_wire(message, ButtonActionsMessage).buttons == (ReplyButton("Hi"),)


def test_send_result_without_id_uses_message_id() -> None:
    assert from_wire({"zaapId": "Z", "messageId": "M"}, SendResult) == SendResult("Z", "M", "M")


def test_null_is_not_a_string() -> None:
    with pytest.raises(WireFormatError) as info:
        from_wire({"zaapId": None, "messageId": "M"}, SendResult)
    assert str(info.value) == "expected a string, got null @ $.zaapId"
    assert info.value.errors == ("expected a string, got null @ $.zaapId",)
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, ZapiError)


def test_null_for_an_optional_field_means_absent() -> None:
    body = {**SEED_REPLY_BODY, "title": None}
    assert from_wire(body, ButtonActionsMessage).title is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"messageId": "M"}, "required field missing @ $.zaapId"),
        (
            {"zaapId": 1, "messageId": True},
            "expected a string, got a number @ $.zaapId; "
            "expected a string, got a boolean @ $.messageId",
        ),
        ({"zaapId": "Z", "messageId": "M", "id": None}, "expected a string, got null @ $.id"),
        ({"zaapId": "Z", "messageId": ["M"]}, "expected a string, got an array @ $.messageId"),
        (None, "expected an object, got null @ $"),
        ("zaapId", "expected an object, got a string @ $"),
        ([SEED_RESPONSE_BODY], "expected an object, got an array @ $"),
    ],
)
def test_send_result_errors(body: Any, expected: str) -> None:
    with pytest.raises(WireFormatError) as info:
        from_wire(body, SendResult)
    assert str(info.value) == expected


def _with_buttons(*buttons: Any, **fields: Any) -> dict[str, Any]:
    return {"phone": "551199999999", "message": "hi", "buttonActions": list(buttons), **fields}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            _with_buttons({"type": "CALL", "label": "C", "phone": 554498398733}),
            "expected a string, got a number @ $.buttonActions[0].phone",
        ),
        (
            _with_buttons({"type": "REPLY", "label": "A"}, {"type": "URL", "label": None}),
            "expected a string, got null @ $.buttonActions[1].label; "
            "required field missing @ $.buttonActions[1].url",
        ),
        (
            _with_buttons({"type": "QUICK", "label": "A"}),
            "unknown button type 'QUICK', expected one of CALL, URL, REPLY "
            "@ $.buttonActions[0].type",
        ),
        (
            _with_buttons({"label": "A"}),
            "required field missing, expected one of CALL, URL, REPLY @ $.buttonActions[0].type",
        ),
        (_with_buttons("Yes"), "expected an object, got a string @ $.buttonActions[0]"),
        (
            {"phone": "551199999999", "message": "hi", "buttonActions": "Yes"},
            "expected an array, got a string @ $.buttonActions",
        ),
        (
            {"phone": "551199999999", "message": "hi"},
            "required field missing @ $.buttonActions",
        ),
        (
            _with_buttons({"type": "REPLY", "label": "A"}, delayMessage="3"),
            "expected an integer, got a string @ $.delayMessage",
        ),
        (
            _with_buttons({"type": "REPLY", "label": "A"}, delayMessage=True),
            "expected an integer, got a boolean @ $.delayMessage",
        ),
        (
            _with_buttons({"type": "REPLY", "label": "A"}, delayMessage=2.5),
            "expected an integer, got 2.5 @ $.delayMessage",
        ),
        (
            _with_buttons({"type": "CALL", "label": "C", "phone": "abc"}),
            "CallButton.phone: should be a phone number of 8-15 digits with an optional "
            "leading '+' (e.g. '+554498398733'), but was 'abc' @ $.buttonActions[0]",
        ),
        (
            _with_buttons(),
            "ButtonActionsMessage.buttons: should have at least one button @ $",
        ),
    ],
)
def test_message_errors_name_wire_paths(body: Any, expected: str) -> None:
    with pytest.raises(WireFormatError) as info:
        from_wire(body, ButtonActionsMessage)
    assert str(info.value) == expected


@settings(deadline=None)  # timing varies on busy CI machines; correctness is what counts
@given(button_actions_messages())
def test_round_trip(message: ButtonActionsMessage) -> None:
    wire = to_wire(message)
    assert from_wire(wire, ButtonActionsMessage) == message
    assert from_wire(json.loads(json.dumps(wire)), ButtonActionsMessage) == message
    assert None not in _leaves(wire)


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v)]
    return [value]


# --- register_renames ----------------------------------------------------------------


@attrs.frozen
class _Inner:
    message_id: str


@attrs.frozen
class _Outer:
    zaap_id: str
    inner_items: tuple[_Inner, ...]
    note: str | None = None


def test_register_renames_applies_to_both_directions_and_error_paths() -> None:
    value = _Outer("Z", (_Inner("M"),))
    assert to_wire(value) == {"zaapId": "Z", "innerItems": [{"messageId": "M"}]}  # used once

    register_renames(_Outer, {"zaap_id": "ZaapId", "inner_items": "Items"})
    register_renames(_Inner, {"message_id": "_id"})

    assert to_wire(_Outer("Z", (_Inner("M"),))) == {"ZaapId": "Z", "Items": [{"_id": "M"}]}
    assert from_wire({"ZaapId": "Z", "Items": [{"_id": "M"}]}, _Outer) == value
    with pytest.raises(WireFormatError) as info:
        from_wire({"ZaapId": "Z", "Items": [{"_id": 5}], "note": 1}, _Outer)
    assert str(info.value) == (
        "expected a string, got a number @ $.Items[0]._id; expected a string, got a number @ $.note"
    )


def test_converter_is_public() -> None:
    assert converter.unstructure(ReplyButton("Yes")) == {"type": "REPLY", "label": "Yes"}


class _Status(str, enum.Enum):
    READ = "READ"


class _Level(enum.IntEnum):
    ONE = 1


@attrs.frozen
class _WithEnums:
    status: _Status
    level: _Level
    ratio: float = 0.0


def test_str_and_int_enums_still_structure_as_enums() -> None:
    value = from_wire({"status": "READ", "level": 1, "ratio": 2}, _WithEnums)
    assert value == _WithEnums(_Status.READ, _Level.ONE, 2.0)
    assert type(value.status) is _Status
    assert type(value.ratio) is float
    with pytest.raises(WireFormatError) as info:
        from_wire({"status": "SEEN", "level": True, "ratio": "1"}, _WithEnums)
    assert info.value.errors == (
        "invalid value (ValueError: 'SEEN' is not a valid _Status) @ $.status",
        "expected an integer, got a boolean @ $.level",
        "expected a number, got a string @ $.ratio",
    )
