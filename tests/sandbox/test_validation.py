"""Every body rule of every send endpoint, checked over HTTP with exact answers."""

from __future__ import annotations

import base64
import json
from typing import Any

import aiohttp
import pytest

from tests.support.credentials import CLIENT_TOKEN, INSTANCE, PHONE, TOKEN
from zapi_async.sandbox import ZapiSandbox

from .conftest import actions, call

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n-not-really-an-image").decode()

VALID: dict[str, dict[str, Any]] = {
    "send-text": {
        "phone": PHONE,
        "message": "hello",
        "delayMessage": 15,
        "delayTyping": 1,
        "editMessageId": "3EB0AAAA",
        "messageId": "3EB0BBBB",
    },
    "send-button-actions": actions(
        title="Title", footer="Footer", image="https://app.z-api.io/logos/zapi-dark.png",
        delayMessage=3,
    ),
    "send-button-list": {
        "phone": "120363019502650977-group",
        "message": "Pick one",
        "buttonList": {"buttons": [{"id": "1", "label": "Yes"}, {"label": "No"}]},
    },
    "send-option-list": {
        "phone": PHONE,
        "message": "Menu",
        "optionList": {
            "title": "Options",
            "buttonLabel": "Open",
            "options": [{"id": "1", "title": "Pizza", "description": "Big"}, {"title": "Soup"}],
        },
    },
    "send-button-otp": {
        "phone": PHONE, "message": "Your code", "code": "123456", "image": PNG,
        "buttonText": "Copy",
    },
    "send-button-pix": {
        "phone": PHONE, "pixKey": "pix@example.com", "type": "EMAIL", "merchantName": "Shop",
    },
}  # fmt: skip


def _with(endpoint: str, **changes: Any) -> dict[str, Any]:
    body = dict(VALID[endpoint])
    for key, value in changes.items():
        if value is _DROP:
            body.pop(key, None)
        else:
            body[key] = value
    return body


_DROP = object()
CALL = {"type": "CALL", "phone": "+554498398733", "label": "Call"}
URL = {"type": "URL", "url": "https://z-api.io", "label": "Site"}
REPLY = {"id": "r1", "type": "REPLY", "label": "Agent"}

CASES: list[tuple[str, dict[str, Any], str, str]] = [
    # common fields
    ("send-text", _with("send-text", phone=_DROP), "phone", "is required"),
    ("send-text", _with("send-text", phone=5511999999999), "phone",
     "should be a string, but was number"),
    ("send-text", _with("send-text", phone="+55 11 99999-9999"), "phone",
     "should be 8-15 digits (DDI DDD NUMBER, e.g. '5511999999999'), a group id "
     "(e.g. '120363019502650977-group'), a LID ('<digits>@lid') or a channel "
     "('<digits>@newsletter'), but was '+55 11 99999-9999'"),
    ("send-text", _with("send-text", phone="1624901640-broadcast"), "phone",
     "is a broadcast list: Z-API cannot send to broadcast lists"),
    ("send-text", _with("send-text", phone="123@lid@lid"), "phone",
     "should be 8-15 digits (DDI DDD NUMBER, e.g. '5511999999999'), a group id "
     "(e.g. '120363019502650977-group'), a LID ('<digits>@lid') or a channel "
     "('<digits>@newsletter'), but was '123@lid@lid'"),
    ("send-text", _with("send-text", message="   "), "message", "should not be empty"),
    ("send-text", _with("send-text", message=None), "message", "is required (was null)"),
    ("send-text", _with("send-text", delayMessage=0), "delayMessage",
     "should be in range [1, 15] seconds, but was 0"),
    ("send-text", _with("send-text", delayMessage=16), "delayMessage",
     "should be in range [1, 15] seconds, but was 16"),
    ("send-text", _with("send-text", delayMessage=2.5), "delayMessage",
     "should be a whole number of seconds, but was number"),
    ("send-text", _with("send-text", delayMessage=True), "delayMessage",
     "should be a whole number of seconds, but was boolean"),
    ("send-text", _with("send-text", delayTyping=20), "delayTyping",
     "should be in range [1, 15] seconds, but was 20"),
    ("send-text", _with("send-text", editMessageId=""), "editMessageId",
     "should not be empty (omit it instead)"),
    ("send-text", _with("send-text", delay_message=3), "delay_message",
     "is not a field of this request (known fields: phone, message, delayTyping, "
     "editMessageId, messageId, delayMessage)"),
    ("send-text", _with("send-text", messageId=None), "messageId",
     "should be omitted instead of null"),
    # send-button-actions (the seed)
    ("send-button-actions", actions(buttonActions=[]), "buttonActions",
     "should have at least one item"),
    ("send-button-actions", actions(buttonActions={"type": "CALL"}), "buttonActions",
     "should be an array, but was object"),
    ("send-button-actions", actions(buttonActions=[{**CALL, "type": "LINK"}]),
     "buttonActions[0].type", "should be one of CALL, URL, REPLY, but was 'LINK'"),
    ("send-button-actions", actions(buttonActions=[{"label": "x"}]), "buttonActions[0].type",
     "is required"),
    ("send-button-actions", actions(buttonActions=[{**CALL, "label": ""}]),
     "buttonActions[0].label", "should not be empty"),
    ("send-button-actions", actions(buttonActions=[{"type": "CALL", "label": "Call"}]),
     "buttonActions[0].phone", "is required"),
    ("send-button-actions", actions(buttonActions=[{**CALL, "phone": "call me"}]),
     "buttonActions[0].phone",
     "should be 8-15 digits with an optional leading '+', but was 'call me'"),
    ("send-button-actions", actions(buttonActions=[{"type": "URL", "label": "Site"}]),
     "buttonActions[0].url", "is required"),
    ("send-button-actions", actions(buttonActions=[{**URL, "url": "ftp://z-api.io"}]),
     "buttonActions[0].url", "should start with http:// or https://, but was 'ftp://z-api.io'"),
    ("send-button-actions", actions(buttonActions=[{**URL, "url": "https://"}]),
     "buttonActions[0].url", "should be a URL with a host name, but was 'https://'"),
    ("send-button-actions", actions(buttonActions=[{**REPLY, "url": "https://z-api.io"}]),
     "buttonActions[0].url", "is not allowed on a REPLY button"),
    ("send-button-actions", actions(buttonActions=[{**URL, "phone": "554498398733"}]),
     "buttonActions[0].phone", "is not allowed on a URL button"),
    ("send-button-actions", actions(buttonActions=[{**REPLY, "color": "red"}]),
     "buttonActions[0].color", "is not a field of this request (known fields: id, type, label)"),
    ("send-button-actions", actions(buttonActions=[REPLY, {**REPLY, "label": "Other"}]),
     "buttonActions[1].id", "repeats the id 'r1' of buttonActions[0]"),
    ("send-button-actions", actions(buttonActions=[CALL, REPLY]), "buttonActions",
     "mixes REPLY buttons with CALL/URL buttons, which fails on WhatsApp Web; send CALL and "
     "URL buttons together and REPLY buttons in a separate message"),
    ("send-button-actions", actions(buttonActions=[URL, CALL, REPLY]), "buttonActions",
     "mixes REPLY buttons with CALL/URL buttons, which fails on WhatsApp Web; send CALL and "
     "URL buttons together and REPLY buttons in a separate message"),
    ("send-button-actions", actions(message=""), "message", "should not be empty"),
    ("send-button-actions", actions(title=""), "title", "should not be empty"),
    ("send-button-actions", actions(image="not an image!"), "image",
     "should be an http(s) URL or Base64 image data, but was 'not an image!'"),
    ("send-button-actions", actions(image="data:text/plain;base64,aGk="), "image",
     "a data URI should look like 'data:image/...;base64,...'"),
    ("send-button-actions", actions(buttons=[CALL]), "buttons",
     "is not a field of this request (known fields: phone, message, buttonActions, title, "
     "footer, image, delayMessage)"),
    # button lists
    ("send-button-list", _with("send-button-list", buttonList={"buttons": []}),
     "buttonList.buttons", "should have at least one item"),
    ("send-button-list", _with("send-button-list", buttonList={"buttons": [{"id": "1"}]}),
     "buttonList.buttons[0].label", "is required"),
    ("send-button-list", _with("send-button-list", buttonList=[{"label": "x"}]), "buttonList",
     "should be a JSON object, but was array"),
    ("send-button-list",
     _with("send-button-list", buttonList={"buttons": [{"id": "1", "label": "a"},
                                                        {"id": "1", "label": "b"}]}),
     "buttonList.buttons[1].id", "repeats the id '1' of buttonList.buttons[0]"),
    ("send-button-list",
     _with("send-button-list", buttonList={"video": "data:image/png;base64,aGk=",
                                           "buttons": [{"label": "Yes"}]}),
     "buttonList.video", "a data URI should look like 'data:video/...;base64,...'"),
    ("send-button-list",
     _with("send-button-list", buttonList={"image": f"data:image/png;base64,{PNG}",
                                           "video": "https://example.com/v.mp4",
                                           "buttons": [{"label": "Yes"}]}),
     "buttonList.video", "give image or video, not both"),
    # option list
    ("send-option-list",
     _with("send-option-list", optionList={"title": "T", "options": [{"title": "a"}]}),
     "optionList.buttonLabel", "is required"),
    ("send-option-list",
     _with("send-option-list", optionList={"title": "T", "buttonLabel": "B",
                                           "options": [{"description": "no title"}]}),
     "optionList.options[0].title", "is required"),
    ("send-option-list",
     _with("send-option-list", optionList={"title": "T", "buttonLabel": "B", "options": []}),
     "optionList.options", "should have at least one item"),
    # otp and pix
    ("send-button-otp", _with("send-button-otp", code=_DROP), "code", "is required"),
    ("send-button-otp", _with("send-button-otp", code=123456), "code",
     "should be a string, but was number"),
    ("send-button-pix", _with("send-button-pix", type="BOLETO"), "type",
     "should be one of CPF, CNPJ, PHONE, EMAIL, EVP, but was 'BOLETO'"),
    ("send-button-pix", _with("send-button-pix", pixKey=""), "pixKey", "should not be empty"),
    ("send-button-pix", _with("send-button-pix", message="hi"), "message",
     "is not a field of this request (known fields: phone, pixKey, type, merchantName, "
     "delayMessage)"),
]  # fmt: skip


@pytest.mark.parametrize("endpoint", sorted(VALID))
async def test_valid_bodies_are_accepted(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, endpoint: str
) -> None:
    status, body = await call(http, sandbox, "POST", endpoint, VALID[endpoint])
    assert status == 200, body
    assert sandbox.messages[0].body == VALID[endpoint]
    assert sandbox.messages[0].endpoint == endpoint


async def test_reply_buttons_alone_are_accepted(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    body = actions(buttonActions=[REPLY, {"id": "r2", "type": "REPLY", "label": "Bye"}])
    status, _ = await call(http, sandbox, "POST", "send-button-actions", body)
    assert status == 200


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}:{c[2]}" for c in CASES])
async def test_invalid_bodies_are_rejected(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, case: tuple[str, dict[str, Any], str, str]
) -> None:
    endpoint, body, field, rule = case
    status, answer = await call(http, sandbox, "POST", endpoint, body)
    assert status == 400
    assert answer == {
        "error": f"{field}: {rule}",
        "message": f"invalid request body for {endpoint}",
        "field": field,
    }
    assert sandbox.messages == []


@pytest.mark.parametrize("payload", [[], "text", 3, None])
async def test_body_must_be_an_object(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, payload: Any
) -> None:
    async with http.post(
        f"{sandbox.base_url}/instances/{INSTANCE}/token/{TOKEN}/send-text",
        data=json.dumps(payload),
        headers={"Content-Type": "application/json", "Client-Token": CLIENT_TOKEN},
    ) as response:
        assert response.status == 400
        answer = await response.json()
    assert answer["field"] == "body"
    assert answer["error"].startswith("body: should be a JSON object, but was ")


async def test_lenient_mode_ignores_unknown_keys_and_nulls(http: aiohttp.ClientSession) -> None:
    body = _with("send-text", extra="ignored", messageId=None)
    async with ZapiSandbox(INSTANCE, TOKEN, client_token=CLIENT_TOKEN, strict=False) as sandbox:
        status, _ = await call(http, sandbox, "POST", "send-text", body)
        assert status == 200
        mixed = actions(buttonActions=[CALL, REPLY])
        status, answer = await call(http, sandbox, "POST", "send-button-actions", mixed)
        assert status == 400  # the WhatsApp Web rule holds in every mode
        assert answer["field"] == "buttonActions"
