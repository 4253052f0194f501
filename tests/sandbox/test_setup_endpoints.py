"""The sandbox's setup endpoints over raw HTTP: real QR codes, pairing, connect and
disconnect, me/device, phone-exists and webhook setters that move webhooks."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import attrs
import pytest
import zxingcpp
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.support.credentials import CLIENT_TOKEN, INSTANCE, PHONE, TOKEN
from zapi_async.cli.qr_render import png_pixels
from zapi_async.sandbox import ZapiSandbox

from .conftest import actions, call, url


def decode_qr(png: bytes) -> str:
    """The text of the QR code in ``png``, read by an independent decoder (zxing-cpp)."""
    pixels = png_pixels(png)
    gray = bytes(0 if dark else 255 for row in pixels for dark in row)
    image = memoryview(gray).cast("B", (len(pixels), len(pixels[0])))
    found = zxingcpp.read_barcodes(image)
    assert len(found) == 1
    assert found[0].format == zxingcpp.BarcodeFormat.QRCode
    return str(found[0].text)


async def get_bytes(
    http: aiohttp.ClientSession, sandbox: ZapiSandbox, endpoint: str
) -> tuple[int, str, bytes]:
    async with http.get(url(sandbox, endpoint)) as response:
        return response.status, response.content_type, await response.read()


async def test_qr_code_is_a_real_qr_png_and_changes_each_call(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    sandbox.disconnect()
    status, content_type, png = await get_bytes(http, sandbox, "qr-code")
    assert (status, content_type) == (200, "image/png")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    first = decode_qr(png)
    assert first == sandbox.qr_codes[-1]
    assert first.startswith(f"2@sandbox-{INSTANCE}-1-")
    status, body = await call(http, sandbox, "GET", "qr-code/image")
    assert status == 200
    assert set(body) == {"value"}
    assert body["value"].startswith("data:image/png;base64,")
    second = decode_qr(base64.b64decode(body["value"].split(",", 1)[1]))
    assert second == sandbox.qr_codes[-1] != first


@pytest.mark.parametrize("endpoint", ["qr-code", "qr-code/image", f"phone-code/{PHONE}"])
async def test_pairing_while_connected_is_409(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, endpoint: str
) -> None:
    assert await call(http, sandbox, "GET", endpoint) == (
        409,
        {"error": "You are already connected."},
    )
    assert sandbox.qr_codes == []


async def test_phone_code(sandbox: ZapiSandbox, http: aiohttp.ClientSession) -> None:
    sandbox.disconnect()
    status, body = await call(http, sandbox, "GET", f"phone-code/{PHONE}")
    assert status == 200
    assert set(body) == {"code"}
    assert len(body["code"]) == 8
    assert body["code"].isalnum()
    assert sandbox.setup.pairing_codes == [body["code"]]
    assert await call(http, sandbox, "GET", "phone-code/+5511") == (400, {"error": "Invalid phone"})


async def test_connect_disconnect_restart_are_reflected(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    assert await call(http, sandbox, "GET", "disconnect") == (200, {"value": True})
    assert not sandbox.connected
    _status, body = await call(http, sandbox, "GET", "status")
    assert body == {
        "connected": False,
        "error": "You are not connected.",
        "smartphoneConnected": False,
    }
    assert (await call(http, sandbox, "GET", "me"))[1]["connected"] is False
    assert await call(http, sandbox, "GET", "restart") == (200, {"value": True})
    assert await call(http, sandbox, "GET", "restore-session") == (200, {"value": True})
    sandbox.connect()
    assert (await call(http, sandbox, "GET", "status"))[1]["connected"] is True
    assert (await call(http, sandbox, "GET", "me"))[1]["connected"] is True


async def test_me_and_device(sandbox: ZapiSandbox, http: aiohttp.ClientSession) -> None:
    status, me = await call(http, sandbox, "GET", "me")
    assert status == 200
    assert me["id"] == INSTANCE
    assert me["token"] == TOKEN  # as Z-API: callers must not print it
    assert me["receivedCallbackUrl"] is None
    assert set(me) >= {
        "name", "due", "paymentStatus", "created", "connectedCallbackUrl", "deliveryCallbackUrl",
        "disconnectedCallbackUrl", "messageStatusCallbackUrl", "presenceChatCallbackUrl",
        "receiveCallbackSentByMe", "callRejectAuto", "callRejectMessage", "autoReadMessage",
        "initialDataCallbackUrl",
    }  # fmt: skip
    status, device = await call(http, sandbox, "GET", "device")
    assert device["phone"] == "5511900000000"
    assert device["device"] == {"sessionName": "Z-API", "device_model": "Z-API"}
    assert device["originalDevice"] in ("iphone", "smbi", "android", "smba")


async def test_phone_exists_answers_from_the_configured_numbers() -> None:
    async with (
        ZapiSandbox(INSTANCE, TOKEN, whatsapp_numbers={"5511999999999"}) as sandbox,
        aiohttp.ClientSession() as http,
    ):
        status, body = await call(http, sandbox, "GET", "phone-exists/5511999999999")
        assert status == 200
        assert body["exists"] is True
        assert body["phone"] == "5511999999999"
        assert body["lid"].endswith("@lid")
        # Brazil's ninth digit: the 8-digit form is the same WhatsApp number.
        status, body = await call(http, sandbox, "GET", "phone-exists/551199999999")
        assert (body["exists"], body["phone"]) == (True, "5511999999999")
        status, body = await call(http, sandbox, "GET", "phone-exists/5511888888888")
        assert body == {"exists": False, "phone": "5511888888888", "lid": None}
        sandbox.whatsapp_numbers = None  # every number
        assert (await call(http, sandbox, "GET", "phone-exists/5511888888888"))[1]["exists"]
        assert await call(http, sandbox, "GET", "phone-exists/abc") == (
            400,
            {"error": "Invalid phone"},
        )


async def test_phone_exists_batch(sandbox: ZapiSandbox, http: aiohttp.ClientSession) -> None:
    sandbox.whatsapp_numbers = ["5511999999999"]
    status, body = await call(
        http,
        sandbox,
        "POST",
        "phone-exists-batch",
        json={"phones": ["551199999999", "5511888888888"]},
    )
    assert status == 200
    assert [(b["exists"], b["inputPhone"], b["outputPhone"]) for b in body] == [
        (True, "551199999999", "5511999999999"),
        (False, "5511888888888", "5511888888888"),
    ]
    too_many = {"phones": ["5511999999999"] * 50_001}
    for bad, error in [
        (too_many, "phones: at most 50000 numbers per request"),
        ({"phones": []}, "phones: should be a non-empty array"),
        ({"phones": ["x"]}, "phones[0]: Invalid phone"),
        ({"numbers": ["5511999999999"]}, "expected a JSON object {'phones': [...]}"),
    ]:
        assert await call(http, sandbox, "POST", "phone-exists-batch", json=bad) == (
            400,
            {"error": error},
        )


# -- webhook setters ---------------------------------------------------------------------


async def test_setters_are_put_only_with_json(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    status, _body = await call(
        http, sandbox, "POST", "update-webhook-received", json={"value": "https://a.example"}
    )
    assert status == 405
    async with http.put(url(sandbox, "update-webhook-received"), data=b"{}") as response:
        assert response.status == 415
    # The paths the docs' headings give instead of their URLs do not exist.
    for wrong in ("update-webhook-receive", "update-webhook-status"):
        assert (await call(http, sandbox, "PUT", wrong, json={"value": "https://a.example"}))[
            0
        ] == 404


@pytest.mark.parametrize(
    "value", ["http://bot.example/hook", "ftp://bot.example", "not a url", 5, None]
)
async def test_setters_refuse_what_is_not_https(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, value: Any
) -> None:
    status, _body = await call(
        http, sandbox, "PUT", "update-webhook-delivery", json={"value": value}
    )
    assert status == 400
    assert sandbox.webhook_urls == {}


async def test_setters_change_me_and_notify_sent_by_me(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    assert await call(
        http, sandbox, "PUT", "update-notify-sent-by-me", json={"notifySentByMe": True}
    ) == (400, {"error": "set the received webhook first (update-webhook-received)"})
    every = {"value": "https://bot.example/all", "notifySentByMe": False}
    assert await call(http, sandbox, "PUT", "update-every-webhooks", json=every) == (
        200,
        {"value": True},
    )
    await call(
        http,
        sandbox,
        "PUT",
        "update-webhook-received-delivery",
        json={"value": "https://r.example"},
    )
    assert sandbox.notify_sent_by_me is True
    await call(
        http, sandbox, "PUT", "update-webhook-chat-presence", json={"value": "https://p.example"}
    )
    me = (await call(http, sandbox, "GET", "me"))[1]
    urls = (me["receivedCallbackUrl"], me["presenceChatCallbackUrl"], me["deliveryCallbackUrl"])
    assert urls == (
        "https://r.example", "https://p.example", "https://bot.example/all",
    )  # fmt: skip
    assert me["receiveCallbackSentByMe"] is True
    assert await call(
        http, sandbox, "PUT", "update-notify-sent-by-me", json={"notifySentByMe": False}
    ) == (200, {"value": True})
    assert sandbox.notify_sent_by_me is False


@attrs.define
class Receivers:
    server: TestServer
    got: dict[str, list[dict[str, Any]]] = attrs.Factory(dict)

    def url(self, name: str) -> str:
        return str(self.server.make_url(f"/{name}"))


@pytest.fixture
async def receivers() -> AsyncIterator[Receivers]:
    async def collect(request: web.Request) -> web.Response:
        state.got.setdefault(request.match_info["name"], []).append(await request.json())
        return web.Response()

    app = web.Application()
    app.router.add_post("/{name}", collect)
    server = TestServer(app, host="127.0.0.1")
    state = Receivers(server)
    await server.start_server()
    try:
        yield state
    finally:
        await server.close()


async def test_per_kind_urls_decide_where_webhooks_go(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, receivers: Receivers
) -> None:
    sandbox.webhook_url = receivers.url("default")
    await call(
        http, sandbox, "PUT", "update-webhook-received", json={"value": receivers.url("received")}
    )
    await call(
        http,
        sandbox,
        "PUT",
        "update-webhook-message-status",
        json={"value": receivers.url("status")},
    )
    status, sent = await call(http, sandbox, "POST", "send-button-actions", json=actions())
    assert status == 200
    await sandbox.send_text_reply(PHONE, "hello")
    await sandbox.deliver_status(sent["messageId"], "READ")
    await sandbox.deliver_delivery(sent["messageId"])
    assert [p["type"] for p in receivers.got["received"]] == ["ReceivedCallback"]
    assert [p["type"] for p in receivers.got["status"]] == ["MessageStatusCallback"]
    assert [p["type"] for p in receivers.got["default"]] == ["DeliveryCallback"]
    assert CLIENT_TOKEN not in str(receivers.got)
