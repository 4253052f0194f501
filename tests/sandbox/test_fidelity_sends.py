"""Issue 15 in the sandbox: button-list paths Z-API has, and the chat-id forms sends take."""

from __future__ import annotations

import base64
from typing import Any

import aiohttp
import pytest

from tests.support.credentials import PHONE
from zapi_async.sandbox import ZapiSandbox

from .conftest import call

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n-not-really-an-image").decode()
IMAGE_LIST = {
    "phone": PHONE,
    "message": "Pick one",
    "buttonList": {"image": f"data:image/png;base64,{PNG}", "buttons": [{"label": "Yes"}]},
}
VIDEO_LIST = {
    "phone": PHONE,
    "message": "Pick one",
    "buttonList": {"video": "https://example.com/v.mp4", "buttons": [{"label": "Yes"}]},
}


@pytest.mark.parametrize("body", [IMAGE_LIST, VIDEO_LIST], ids=["image", "video"])
async def test_image_and_video_button_lists_post_to_send_button_list(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, body: dict[str, Any]
) -> None:
    status, answer = await call(http, sandbox, "POST", "send-button-list", body)
    assert status == 200, answer
    assert sandbox.messages[0].endpoint == "send-button-list"
    assert sandbox.messages[0].body == body
    assert sandbox.messages[0].button_ids == ["1"]


@pytest.mark.parametrize(
    ("endpoint", "body"),
    [("send-button-list-image", IMAGE_LIST), ("send-button-list-video", VIDEO_LIST)],
)
async def test_the_docs_page_names_are_not_paths(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, endpoint: str, body: dict[str, Any]
) -> None:
    status, answer = await call(http, sandbox, "POST", endpoint, body)
    assert status == 404
    assert answer == {"error": "Not Found", "message": f"unknown endpoint {endpoint!r}"}
    assert sandbox.messages == []


@pytest.mark.parametrize(
    "phone",
    [
        "5511999998888",
        "120363019502650977-group",
        "5511999999999-1623281429",
        "81896604192873@lid",
        "120363166555745933@newsletter",
    ],
)
async def test_sends_take_every_sendable_chat_id_form(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, phone: str
) -> None:
    status, _ = await call(http, sandbox, "POST", "send-text", {"phone": phone, "message": "hi"})
    assert status == 200
    assert sandbox.messages_to(phone)[0].text == "hi"


@pytest.mark.parametrize("phone", ["@lid", "123@lid@lid", "x-group", "5511999998888@c.us"])
async def test_malformed_chat_ids_are_refused(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, phone: str
) -> None:
    status, answer = await call(
        http, sandbox, "POST", "send-text", {"phone": phone, "message": "x"}
    )
    assert status == 400
    assert answer["field"] == "phone"
    assert answer["error"].endswith(f"but was {phone!r}")
