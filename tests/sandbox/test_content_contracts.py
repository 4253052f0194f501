# ruff: noqa: E501  (tables of request bodies read best one per line)
"""The sandbox judges every content endpoint as Z-API documents it (over HTTP)."""

from __future__ import annotations

import base64
from typing import Any

import aiohttp
import pytest

from tests.support.credentials import PHONE
from zapi_async.sandbox import ZapiSandbox

from .conftest import call, url

GROUP = "120363019502650977-group"
IMG = "https://www.z-api.io/wp-content/themes/z-api/dist/images/logo.svg"
B64 = base64.b64encode(b"\x00\x01binary").decode()
EVENT = {"name": "Example event", "description": "Example description", "dateTime": "2024-04-29T08:30:53.309Z",
         "location": {"name": "Location name"}, "callLinkType": "voice", "canceled": False}  # fmt: skip
CARD = {"text": "Card", "image": IMG, "buttons": [
    {"id": "1", "label": "Site", "url": "https://z-api.io", "type": "URL"},
    {"id": "2", "label": "More", "type": "REPLY"}]}  # fmt: skip

VALID: list[tuple[str, dict[str, Any]]] = [
    ("send-image", {"phone": PHONE, "image": IMG}),
    ("send-image", {"phone": PHONE, "image": f"data:image/png;base64,{B64}", "caption": "c", "messageId": "M", "delayMessage": 2, "viewOnce": True}),
    ("send-audio", {"phone": PHONE, "audio": f"data:audio/mpeg;base64,{B64}", "delayTyping": 2, "viewOnce": False, "waveform": True, "async": True, "messageId": "M"}),
    ("send-video", {"phone": PHONE, "video": "http://techslides.com/demos/sample-videos/small.mp4s", "caption": "c", "async": False, "viewOnce": True}),
    ("send-ptv", {"phone": PHONE, "ptv": f"data:video/mp4;base64,{B64}", "messageId": "M"}),
    ("send-gif", {"phone": PHONE, "gif": "https://x.io/a.mp4", "caption": "c"}),
    ("send-sticker", {"phone": PHONE, "sticker": IMG, "stickerAuthor": "Z"}),
    ("send-document/pdf", {"phone": PHONE, "document": "https://expoforest.com.br/wp-content/uploads/2017/05/exemplo.pdf", "fileName": "Meu PDF"}),
    ("send-document/xlsx", {"phone": PHONE, "document": f"data:application/vnd.ms-excel;base64,{B64}", "caption": "c", "editDocumentMessageId": "D"}),
    ("send-location", {"phone": PHONE, "title": "Google Brasil", "address": "Av. Brg. Faria Lima, 3477", "latitude": "-23.0696347", "longitude": "-50.4357913"}),
    ("send-contact", {"phone": PHONE, "contactName": "Nome", "contactPhone": "5511999999999", "contactBusinessDescription": "d"}),
    ("send-contacts", {"phone": PHONE, "contacts": [{"name": "Nome", "phones": ["5544999999999", "5544999999999"], "businessDescription": "d"}]}),
    ("send-link", {"phone": PHONE, "message": "Veja https://z-api.io", "image": IMG, "linkUrl": "https://z-api.io", "title": "Z-API", "linkDescription": "d", "linkType": "LARGE", "delayTyping": 1}),
    ("send-reaction", {"phone": PHONE, "reaction": "❤️", "messageId": "EDSFSAD213213DDSD7"}),
    ("send-remove-reaction", {"phone": PHONE, "messageId": "EDSFSAD213213DDSD7"}),
    ("send-poll", {"phone": PHONE, "message": "Q?", "poll": [{"name": "Z-API"}, {"name": "Outros"}], "pollMaxOptions": 1}),
    ("send-poll-vote", {"phone": PHONE, "pollMessageId": "P1", "pollVote": [{"name": "Z-API"}]}),
    ("send-event", {"phone": GROUP, "event": EVENT}),
    ("send-edit-event", {"phone": GROUP, "eventMessageId": "3EB05669C7C3B9B27A6595", "event": {**EVENT, "timeZone": "UTC-3"}}),
    ("send-event-response", {"phone": GROUP, "eventMessageId": "3EB05669C7C3B9B27A6595", "eventResponse": "NOT_GOING"}),
    ("send-carousel", {"phone": PHONE, "message": "m", "carousel": [CARD, {"text": "t", "image": IMG}], "delayMessage": 1}),
    ("pin-message", {"phone": PHONE, "messageId": "77DF", "messageAction": "unpin", "pinMessageDuration": "30_days"}),
]  # fmt: skip

INVALID: list[tuple[str, dict[str, Any], str, str]] = [
    ("send-image", {"phone": PHONE}, "image", "is required"),
    ("send-image", {"phone": PHONE, "image": f"data:video/mp4;base64,{B64}"}, "image", "data:image/"),
    ("send-image", {"phone": PHONE, "image": IMG, "view_once": True}, "view_once", "is not a field"),
    ("send-image", {"phone": PHONE, "image": IMG, "viewOnce": "true"}, "viewOnce", "true or false"),
    ("send-audio", {"phone": PHONE, "audio": "not base64!"}, "audio", "http(s) URL or Base64"),
    ("send-ptv", {"phone": PHONE, "video": IMG}, "ptv", "is required"),
    ("send-gif", {"phone": PHONE, "gif": IMG, "delayMessage": 0}, "delayMessage", "[1, 15]"),
    ("send-document/pdf", {"phone": PHONE, "document": IMG, "extension": "pdf"}, "extension", "is not a field"),
    ("send-location", {"phone": PHONE, "title": "T", "address": "A", "latitude": -23.06, "longitude": "-50.4"}, "latitude", "should be a string"),
    ("send-location", {"phone": PHONE, "title": "T", "address": "A", "latitude": "-23.06", "longitude": "200"}, "longitude", "±180"),
    ("send-contact", {"phone": PHONE, "contactName": "N", "contactPhone": "abc"}, "contactPhone", "8-15 digits"),
    ("send-contacts", {"phone": PHONE, "contacts": [{"name": "N", "phones": []}]}, "contacts[0].phones", "at least one item"),
    ("send-link", {"phone": PHONE, "message": "https://z-api.io!", "image": IMG, "linkUrl": "https://z-api.io", "title": "T", "linkDescription": "d"}, "message", "should end with the linkUrl"),
    ("send-reaction", {"phone": PHONE, "reaction": "👍"}, "messageId", "is required"),
    ("send-poll", {"phone": PHONE, "message": "Q", "poll": ["a", "b"]}, "poll[0]", "JSON object"),
    ("send-poll", {"phone": PHONE, "message": "Q", "poll": [{"name": "a"}, {"name": "a"}]}, "poll[1].name", "repeats"),
    ("send-poll", {"phone": PHONE, "message": "Q", "poll": [{"name": "a"}], "pollMaxOptions": 2}, "pollMaxOptions", "[1, 1]"),
    ("send-poll-vote", {"phone": PHONE, "pollMessageId": "P", "pollVote": [{"name": "a"}], "delayMessage": 1}, "delayMessage", "is not a field"),
    ("send-event", {"phone": PHONE, "event": EVENT}, "phone", "group id"),
    ("send-event", {"phone": GROUP, "event": {**EVENT, "canceled": None}}, "event.canceled", "is required"),
    ("send-event", {"phone": GROUP, "event": {**EVENT, "location": "Room"}}, "event.location", "JSON object"),
    ("send-event-response", {"phone": GROUP, "eventMessageId": "E", "eventResponse": "MAYBE"}, "eventResponse", "GOING, NOT_GOING"),
    ("send-carousel", {"phone": PHONE, "message": "m", "carousel": [{**CARD, "buttons": [*CARD["buttons"], {"type": "CALL", "label": "Call", "phone": "+5511999999999"}]}]}, "carousel[0].buttons", "mixes CALL, URL and REPLY"),
    ("send-carousel", {"phone": PHONE, "message": "m", "carousel": [{"text": "t"}]}, "carousel[0].image", "is required"),
    ("pin-message", {"phone": PHONE, "messageId": "M", "messageAction": "pin"}, "pinMessageDuration", "is required"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("endpoint", "body"), VALID, ids=[f"{e}-{i}" for i, (e, _) in enumerate(VALID)]
)
async def test_documented_bodies_are_accepted(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, endpoint: str, body: dict[str, Any]
) -> None:
    status, answer = await call(http, sandbox, "POST", endpoint, body)
    assert status == 200, answer
    assert sorted(answer) == ["id", "messageId", "zaapId"]
    assert sandbox.messages[-1].endpoint == endpoint
    assert sandbox.messages[-1].body == body


@pytest.mark.parametrize("case", INVALID, ids=[f"{e}-{f}" for e, _, f, _ in INVALID])
async def test_broken_bodies_are_refused_with_the_field(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, case: tuple[str, dict[str, Any], str, str]
) -> None:
    endpoint, body, field, rule = case
    status, answer = await call(http, sandbox, "POST", endpoint, body)
    assert status == 400
    assert answer["field"] == field
    assert rule in answer["error"]
    assert sandbox.messages == []


@pytest.mark.parametrize(
    "endpoint",
    ["send-document/", "send-document/p.df", "send-document/pdf/x", "send-document/" + "x" * 11],
)
async def test_document_extension_must_be_a_plain_path_segment(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, endpoint: str
) -> None:
    status, answer = await call(http, sandbox, "POST", endpoint, {"phone": PHONE, "document": IMG})
    assert status == 404
    assert "unknown endpoint" in answer["message"]


async def test_forward_answers_zaap_id_only(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    body = {
        "phone": PHONE,
        "messageId": "3999984263738042930CD6ECDE9VDWSA",
        "messagePhone": "5511888888888",
    }
    status, answer = await call(http, sandbox, "POST", "forward-message", body)
    assert status == 200
    assert list(answer) == ["zaapId"]
    assert sandbox.messages[-1].endpoint == "forward-message"
    assert [(a.operation, a.params) for a in sandbox.actions] == [("forward", body)]


async def test_read_and_delete_answer_204_without_a_body(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    read = {"phone": PHONE, "messageId": "M1"}
    async with http.post(url(sandbox, "read-message"), json=read) as response:
        assert (response.status, await response.read()) == (204, b"")
    query = {"messageId": "M1", "phone": PHONE, "owner": "false"}
    async with http.delete(url(sandbox, "messages"), params=query) as response:
        assert (response.status, await response.read()) == (204, b"")
    assert [(a.operation, a.params) for a in sandbox.actions] == [
        ("read", read),
        ("delete_message", query),
    ]
    assert sandbox.messages == []


@pytest.mark.parametrize(
    ("query", "field"),
    [({"phone": PHONE, "owner": "true"}, "messageId"), ({"messageId": "M", "phone": PHONE, "owner": "yes"}, "owner"),
     ({"messageId": "M", "phone": "+55", "owner": "true"}, "phone")],
)  # fmt: skip
async def test_delete_checks_its_query(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, query: dict[str, str], field: str
) -> None:
    async with http.delete(url(sandbox, "messages"), params=query) as response:
        assert response.status == 400
        assert (await response.json())["field"] == field
    assert sandbox.actions == []


async def test_actions_only_accept_their_method(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    status, answer = await call(http, sandbox, "POST", "messages", {})
    assert (status, answer["message"]) == (405, "messages accepts DELETE")
    status, answer = await call(http, sandbox, "GET", "read-message")
    assert (status, answer["message"]) == (405, "read-message accepts POST")
