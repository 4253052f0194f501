# ruff: noqa: E501  (payload tables read best one per line)
"""``ZapiSandbox.receive``: contacts send each content kind to the bot, in Z-API's
documented ReceivedCallback shape, with media served by the sandbox itself."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from zapi_async.models.events import ReceivedCallback
from zapi_async.sandbox import SandboxError, ZapiSandbox
from zapi_async.webhooks import parse_webhook

PHONE = "5544999999999"
NOW = 1_700_000_000.123
MOMMENT = 1_700_000_000_123


@pytest.fixture
async def inbox() -> AsyncIterator[tuple[ZapiSandbox, list[dict[str, Any]]]]:
    received: list[dict[str, Any]] = []

    async def collect(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/webhook", collect)
    server = TestServer(app)
    await server.start_server()
    try:
        hook = str(server.make_url("/webhook"))
        async with ZapiSandbox(webhook_url=hook, wall_clock=lambda: NOW, seed=5) as sandbox:
            yield sandbox, received
    finally:
        await server.close()


async def _fetch(url: str) -> tuple[int, str, bytes]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, response.headers["Content-Type"], await response.read()


async def test_image_with_data_is_served_by_the_sandbox(inbox: Any) -> None:
    sandbox, received = inbox
    png = b"\x89PNG\r\n\x1a\nimage-bytes"
    delivery = await sandbox.receive(
        PHONE, "image", caption="Look", data=png, mime_type="image/png"
    )
    assert delivery.ok
    [payload] = received
    assert payload["type"] == "ReceivedCallback"
    assert (payload["phone"], payload["fromMe"], payload["momment"]) == (PHONE, False, MOMMENT)
    image = payload["image"]
    assert image == {
        "imageUrl": f"{sandbox.base_url}/_media/m000001", "mimeType": "image/png", "caption": "Look",
        "thumbnailUrl": None, "downloadError": None, "width": 600, "height": 315, "viewOnce": False,
    }  # fmt: skip
    assert await _fetch(image["imageUrl"]) == (200, "image/png", png)
    assert sandbox.media.get("m000001") is not None
    event = parse_webhook(payload)  # the library reads it as a received message
    assert isinstance(event, ReceivedCallback)
    assert event.phone == PHONE


@pytest.mark.parametrize(
    ("kind", "fields", "key", "expected"),
    [
        ("text", {"message": "hi"}, "text", {"message": "hi"}),
        ("audio", {}, "audio", {"ptt": True, "seconds": 10, "viewOnce": False, "mimeType": "audio/ogg; codecs=opus"}),
        ("video", {"caption": "v", "seconds": 3}, "video", {"caption": "v", "seconds": 3, "viewOnce": False, "mimeType": "video/mp4"}),
        ("document", {"file_name": "r.pdf", "title": "r"}, "document", {"title": "r", "pageCount": 1, "fileName": "r.pdf", "mimeType": "application/pdf"}),
        ("sticker", {}, "sticker", {"mimeType": "image/webp"}),
        ("location", {"latitude": -23.56, "longitude": -46.65, "name": "Office"}, "location", {"latitude": -23.56, "longitude": -46.65, "address": "", "url": "", "name": "Office"}),
        ("poll", {"question": "Q?", "options": ["a", "b"]}, "poll", {"question": "Q?", "pollMaxOptions": 0, "options": [{"name": "a"}, {"name": "b"}]}),
        ("poll_vote", {"poll_message_id": "P1", "options": ["a"]}, "pollVote", {"pollMessageId": "P1", "options": [{"name": "a"}]}),
    ],
)  # fmt: skip
async def test_each_kind_has_zapis_shape(
    inbox: Any, kind: str, fields: dict[str, Any], key: str, expected: dict[str, Any]
) -> None:
    sandbox, received = inbox
    await sandbox.receive(PHONE, kind, **fields)
    content = received[0][key]
    url_key = {
        "audio": "audioUrl",
        "video": "videoUrl",
        "document": "documentUrl",
        "sticker": "stickerUrl",
    }.get(kind)
    if url_key is not None:
        url = content.pop(url_key)
        status, mime, _ = await _fetch(url)
        assert (status, mime) == (200, expected["mimeType"])
    assert content == expected


async def test_contact_gets_a_vcard(inbox: Any) -> None:
    sandbox, received = inbox
    await sandbox.receive(PHONE, "contact", display_name="Ana", phones=["5544988887777"])
    assert received[0]["contact"] == {
        "displayName": "Ana",
        "phones": ["5544988887777"],
        "vCard": "BEGIN:VCARD\nVERSION:3.0\nN:;Ana;;;\nFN:Ana\n"
        "TEL;type=CELL;type=VOICE;waid=5544988887777:+5544988887777\nEND:VCARD",
    }


async def test_reaction_to_a_message_the_bot_sent(inbox: Any) -> None:
    sandbox, received = inbox
    async with aiohttp.ClientSession() as http:
        url = f"{sandbox.base_url}/instances/{sandbox.instance_id}/token/{sandbox.token}/send-text"
        async with http.post(url, json={"phone": PHONE, "message": "hi"}) as response:
            sent = (await response.json())["messageId"]
    await sandbox.receive(PHONE, "reaction", value="❤️", message_id=sent)
    await sandbox.receive(PHONE, "reaction", value="", message_id="THEIRS")
    assert [r["reaction"] for r in received] == [
        {"value": "❤️", "time": MOMMENT, "reactionBy": PHONE,
         "referencedMessage": {"messageId": sent, "fromMe": True, "phone": PHONE, "participant": None}},
        {"value": "", "time": MOMMENT, "reactionBy": PHONE,
         "referencedMessage": {"messageId": "THEIRS", "fromMe": False, "phone": PHONE, "participant": None}},
    ]  # fmt: skip


async def test_raw_content_and_group_senders(inbox: Any) -> None:
    sandbox, received = inbox
    group = "120363019502650977-group"
    await sandbox.receive(
        group,
        {
            "document": {
                "documentUrl": b"%PDF-1.4",
                "mimeType": "application/pdf",
                "fileName": "a.pdf",
            }
        },
        participant_phone=PHONE,
        reference_message_id="3EB0QUOTED",
    )
    payload = received[0]
    assert (payload["isGroup"], payload["participantPhone"], payload["referenceMessageId"]) == (
        True, PHONE, "3EB0QUOTED",
    )  # fmt: skip
    document = payload["document"]
    assert document["documentUrl"].startswith(f"{sandbox.base_url}/_media/")
    assert await _fetch(document["documentUrl"]) == (200, "application/pdf", b"%PDF-1.4")


async def test_misuse_is_a_sandbox_error(inbox: Any) -> None:
    sandbox, received = inbox
    with pytest.raises(SandboxError, match="unknown content kind 'hologram'"):
        await sandbox.receive(PHONE, "hologram")
    with pytest.raises(SandboxError, match="a location needs latitude, longitude"):
        await sandbox.receive(PHONE, "location")
    with pytest.raises(SandboxError, match="either a raw content mapping or a kind"):
        await sandbox.receive(PHONE, {"text": {"message": "x"}}, message="y")
    with pytest.raises(SandboxError, match="data should be bytes"):
        await sandbox.receive(PHONE, "image", data="not bytes")
    assert received == []


async def test_unknown_media_is_404(inbox: Any) -> None:
    sandbox, _ = inbox
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{sandbox.base_url}/_media/nope") as response,
    ):
        assert response.status == 404
        assert await response.json() == {"error": "media not found or expired"}
