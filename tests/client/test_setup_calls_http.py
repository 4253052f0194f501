"""Setup calls against a byte-level local server: exact requests, every answer shape
Z-API documents (or contradicts itself about), and error shapes (issue 17)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from aiohttp import web

from tests.support.credentials import INSTANCE, TOKEN
from tests.support.fake_zapi import FakeZapi
from zapi_async import (
    AuthenticationError,
    DeviceInfo,
    InstanceInfo,
    PairingCode,
    PhoneCheck,
    PhoneExists,
    QrCode,
    ResponseFormatError,
    ValidationError,
    WebhookKind,
    ZapiClient,
    ZapiHTTPError,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR-not-parsed-here"
PREFIX = f"/instances/{INSTANCE}/token/{TOKEN}/"


def answer(body: bytes, *, status: int = 200, content_type: str = "application/json"):  # type: ignore[no-untyped-def]
    """A handler answering exactly ``body``."""

    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, body=body, content_type=content_type)

    return handler


def sent(local_zapi: FakeZapi, index: int = -1) -> tuple[str, str, Any]:
    """``(method, endpoint, decoded body or None)`` of a recorded request."""
    request = local_zapi.requests[index]
    assert request["path"].startswith(PREFIX)
    body = json.loads(request["body"]) if request["body"] else None
    return request["method"], request["path"][len(PREFIX) :], body


# -- QR code ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (PNG, "image/png"),
        (PNG, "application/octet-stream"),
        (PNG, "text/plain"),  # the PNG signature is enough
        (json.dumps({"value": base64.b64encode(PNG).decode()}).encode(), "application/json"),
        (
            json.dumps(
                {"value": "data:image/png;base64," + base64.b64encode(PNG).decode()}
            ).encode(),
            "application/json",
        ),
        (json.dumps({"base64": base64.b64encode(PNG).decode()}).encode(), "application/json"),
    ],
)
async def test_qr_code_image_shapes(
    client: ZapiClient, local_zapi: FakeZapi, body: bytes, content_type: str
) -> None:
    local_zapi.then(answer(body, content_type=content_type))
    qr = await client.qr_code()
    assert qr == QrCode(png=PNG)
    assert qr.data_uri == "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert sent(local_zapi) == ("GET", "qr-code", None)


async def test_qr_code_text_is_kept_to_render(client: ZapiClient, local_zapi: FakeZapi) -> None:
    local_zapi.then(answer(b'{"value":"2@AbC,dEf=="}'))
    assert await client.qr_code() == QrCode(value="2@AbC,dEf==")


@pytest.mark.parametrize(
    ("body", "status"),
    [(b'{"connected":true}', 200), (b'{"error":"You are already connected."}', 409)],
)
async def test_qr_code_when_already_connected(
    client: ZapiClient, local_zapi: FakeZapi, body: bytes, status: int
) -> None:
    local_zapi.then(answer(body, status=status))
    qr = await client.qr_code_image()
    assert qr == QrCode(connected=True)
    assert qr.data_uri is None
    assert sent(local_zapi) == ("GET", "qr-code/image", None)


@pytest.mark.parametrize("body", [b"{}", b'{"value":""}', b"[]", b"null"])
async def test_qr_code_without_a_code_is_a_format_error(
    client: ZapiClient, local_zapi: FakeZapi, body: bytes
) -> None:
    local_zapi.then(answer(body))
    with pytest.raises(ResponseFormatError) as info:
        await client.qr_code()
    assert str(info.value) == (
        f"unexpected response from /instances/{INSTANCE}/token/***/qr-code: expected a PNG "
        "image, a Base64 image or the QR code's text"
    )
    assert TOKEN not in repr(info.value.body)


async def test_qr_code_errors_keep_zapis_text(client: ZapiClient, local_zapi: FakeZapi) -> None:
    local_zapi.then(answer(b'{"error":"Instance not found"}', status=404))
    with pytest.raises(ZapiHTTPError) as info:
        await client.qr_code()
    assert (info.value.status, info.value.error) == (404, "Instance not found")
    assert TOKEN not in str(info.value)


# -- phone code, restart, disconnect ---------------------------------------------------


@pytest.mark.parametrize("body", [b'{"code":"ABCD1234"}', b'{"value":"ABCD1234"}', b'"ABCD1234"'])
async def test_phone_code_shapes(client: ZapiClient, local_zapi: FakeZapi, body: bytes) -> None:
    local_zapi.then(answer(body))
    code = await client.phone_code("5511999999999")
    assert code == PairingCode("ABCD1234")
    assert str(code) == "ABCD1234"
    assert sent(local_zapi) == ("GET", "phone-code/5511999999999", None)


async def test_phone_code_refuses_a_formatted_number_before_any_io(
    client: ZapiClient, local_zapi: FakeZapi
) -> None:
    with pytest.raises(ValidationError) as info:
        await client.phone_code("+55 11 99999-9999")
    assert str(info.value) == (
        "phone: should be digits only in DDI DDD NUMBER form (e.g. '5511999999999'), but was "
        "'+55 11 99999-9999'; use '5511999999999'"
    )
    assert local_zapi.requests == []


async def test_phone_code_without_a_code(client: ZapiClient, local_zapi: FakeZapi) -> None:
    local_zapi.then(answer(b'{"code":""}'))
    with pytest.raises(ResponseFormatError, match=r"phone-code/5511999999999: expected a 'code'"):
        await client.phone_code("5511999999999")


@pytest.mark.parametrize(
    ("method", "endpoint"), [("restart", "restart"), ("restore_session", "restore-session")]
)
async def test_restart_and_restore_answer_value(
    client: ZapiClient, local_zapi: FakeZapi, method: str, endpoint: str
) -> None:
    local_zapi.then(answer(b'{"value":true}'), answer(b'{"value":false}'), answer(b"{}"))
    call = getattr(client, method)
    assert await call() is True
    assert await call() is False
    with pytest.raises(ResponseFormatError, match=r"expected \{'value': true or false\}"):
        await call()
    assert sent(local_zapi, 0) == ("GET", endpoint, None)


@pytest.mark.parametrize("body", [b"", b"{}", b'{"value":true}'])
async def test_disconnect_accepts_any_success_body(
    client: ZapiClient, local_zapi: FakeZapi, body: bytes
) -> None:
    local_zapi.then(answer(body, content_type="text/plain" if not body else "application/json"))
    await client.disconnect()
    assert sent(local_zapi) == ("GET", "disconnect", None)


# -- me and device -----------------------------------------------------------------------

ME = {
    "id": "3C01",
    "token": TOKEN,
    "name": "Shop",
    "due": 1724263200000,
    "connected": True,
    "paymentStatus": "paid",
    "created": "2024-01-01T00:00:00Z",
    "connectedCallbackUrl": "https://bot.example/connected",
    "deliveryCallbackUrl": "",
    "disconnectedCallbackUrl": None,
    "messageStatusCallbackUrl": "https://bot.example/status",
    "presenceChatCallbackUrl": None,
    "receivedCallbackUrl": "https://bot.example/received",
    "receiveCallbackSentByMe": True,
    "callRejectAuto": False,
    "callRejectMessage": None,
    "autoReadMessage": "false",
    "initialDataCallbackUrl": None,
    "somethingNew": {"ignored": 1},
}


async def test_me_reads_every_documented_field(client: ZapiClient, local_zapi: FakeZapi) -> None:
    local_zapi.then(answer(json.dumps(ME).encode()))
    info = await client.me()
    assert info == InstanceInfo(
        id="3C01",
        token=TOKEN,
        name="Shop",
        due=1724263200000,
        connected=True,
        payment_status="paid",
        created="2024-01-01T00:00:00Z",
        connected_callback_url="https://bot.example/connected",
        delivery_callback_url="",
        message_status_callback_url="https://bot.example/status",
        received_callback_url="https://bot.example/received",
        receive_callback_sent_by_me=True,
        call_reject_auto=False,
        auto_read_message=False,
    )
    assert TOKEN not in repr(info)
    assert info.webhook_urls()[WebhookKind.RECEIVED_DELIVERY] == "https://bot.example/received"
    assert sent(local_zapi) == ("GET", "me", None)


async def test_me_with_a_wrong_type_names_the_key(client: ZapiClient, local_zapi: FakeZapi) -> None:
    local_zapi.then(answer(b'{"due":"soon","connected":1}'))
    with pytest.raises(ResponseFormatError) as info:
        await client.me()
    assert info.value.problem == "expected a number, got string @ $.due"


async def test_device(client: ZapiClient, local_zapi: FakeZapi) -> None:
    body = {
        "phone": "554499999999",
        "imgUrl": "https://pps.whatsapp.net/x.jpg",
        "about": "Hi",
        "name": "Shop",
        "device": {"sessionName": "Z-API", "device_model": "Z-API"},
        "originalDevice": "smba",
        "sessionId": 219,
        "isBusiness": True,
    }
    local_zapi.then(answer(json.dumps(body).encode()), answer(b"[]"))
    assert await client.device() == DeviceInfo(
        phone="554499999999",
        img_url="https://pps.whatsapp.net/x.jpg",
        about="Hi",
        name="Shop",
        session_name="Z-API",
        device_model="Z-API",
        original_device="smba",
        session_id=219,
        is_business=True,
    )
    with pytest.raises(ResponseFormatError, match=r"expected an object, got array @ \$"):
        await client.device()


# -- phone exists ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            b'{"exists":true,"phone":"5511999999999","lid":"999@lid"}',
            PhoneExists(True, "5511999999999", "999@lid"),
        ),
        (
            b'[{"exists":false,"phone":"5511999999999","lid":null}]',
            PhoneExists(False, "5511999999999"),
        ),
        # The docs' own example: an array holding a placeholder string.
        (
            b'[{"exists":"true ou false","phone":"5511999999999","lid":"999@lid"}]',
            PhoneExists(None, "5511999999999", "999@lid"),
        ),
        (b'{"exists":"true","phone":"5511999999999"}', PhoneExists(True, "5511999999999")),
    ],
)
async def test_phone_exists_object_and_array_forms(
    client: ZapiClient, local_zapi: FakeZapi, body: bytes, expected: PhoneExists
) -> None:
    local_zapi.then(answer(body))
    assert await client.phone_exists("5511999999999") == expected
    assert sent(local_zapi) == ("GET", "phone-exists/5511999999999", None)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"[]", "expected one result, got an array of 0 @ $"),
        (b'[{"exists":true},{"exists":false}]', "expected one result, got an array of 2 @ $"),
        (b'{"phone":"5511999999999"}', "required field missing @ $.exists"),
        (b'[{"exists":true,"phone":5}]', None),
        (b'[{"exists":true,"phone":[]}]', "expected a string, got array @ $[0].phone"),
    ],
)
async def test_phone_exists_malformed(
    client: ZapiClient, local_zapi: FakeZapi, body: bytes, problem: str | None
) -> None:
    local_zapi.then(answer(body))
    if problem is None:  # a number where text belongs is read as text
        assert (await client.phone_exists("5511999999999")).phone == "5"
        return
    with pytest.raises(ResponseFormatError) as info:
        await client.phone_exists("5511999999999")
    assert info.value.problem == problem


async def test_phone_exists_batch(client: ZapiClient, local_zapi: FakeZapi) -> None:
    local_zapi.then(
        answer(
            b'[{"exists":true,"inputPhone":"551199999999","outputPhone":"5511999999999",'
            b'"lid":"1@lid"},{"exists":false,"inputPhone":"5511888888888",'
            b'"outputPhone":"5511888888888","lid":null}]'
        )
    )
    checks = await client.phone_exists_batch(["551199999999", "5511888888888"])
    assert checks == [
        PhoneCheck(True, "551199999999", "5511999999999", "1@lid"),
        PhoneCheck(False, "5511888888888", "5511888888888", None),
    ]
    assert sent(local_zapi) == (
        "POST",
        "phone-exists-batch",
        {"phones": ["551199999999", "5511888888888"]},
    )


async def test_phone_exists_batch_chunks(client: ZapiClient, local_zapi: FakeZapi) -> None:
    def result(*phones: str):  # type: ignore[no-untyped-def]
        items = [{"exists": True, "inputPhone": p, "outputPhone": p, "lid": None} for p in phones]
        return answer(json.dumps(items).encode())

    phones = [f"55119999900{n:02d}" for n in range(5)]
    local_zapi.then(result(*phones[:2]), result(*phones[2:4]), result(phones[4]))
    checks = await client.phone_exists_batch(phones, chunk_size=2)
    assert [c.input_phone for c in checks] == phones
    assert [sent(local_zapi, i)[2] for i in range(3)] == [
        {"phones": phones[:2]},
        {"phones": phones[2:4]},
        {"phones": phones[4:]},
    ]


async def test_phone_exists_batch_checks_before_any_io(
    client: ZapiClient, local_zapi: FakeZapi
) -> None:
    with pytest.raises(ValidationError, match=r"^phones\[1\]: should be digits only"):
        await client.phone_exists_batch(["5511999999999", "120363019502650977-group"])
    with pytest.raises(ValidationError, match="not one string"):
        await client.phone_exists_batch("5511999999999")
    with pytest.raises(
        ValidationError, match=r"chunk_size: should be an integer in range \[1, 50000\]"
    ):
        await client.phone_exists_batch(["5511999999999"], chunk_size=50_001)
    assert await client.phone_exists_batch([]) == []
    assert local_zapi.requests == []


async def test_phone_exists_batch_with_a_short_answer(
    client: ZapiClient, local_zapi: FakeZapi
) -> None:
    local_zapi.then(answer(b'[{"exists":true}]'))
    with pytest.raises(ResponseFormatError, match="expected an array of 2 results"):
        await client.phone_exists_batch(["5511999999999", "5511888888888"])


# -- webhooks ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "endpoint"),
    [
        ("set_received_webhook", "update-webhook-received"),
        ("set_received_delivery_webhook", "update-webhook-received-delivery"),
        ("set_delivery_webhook", "update-webhook-delivery"),
        ("set_message_status_webhook", "update-webhook-message-status"),
        ("set_disconnected_webhook", "update-webhook-disconnected"),
        ("set_connected_webhook", "update-webhook-connected"),
        ("set_chat_presence_webhook", "update-webhook-chat-presence"),
    ],
)
async def test_each_webhook_setter_puts_the_url(
    client: ZapiClient, local_zapi: FakeZapi, method: str, endpoint: str
) -> None:
    local_zapi.then(answer(b"", content_type="text/plain"))
    await getattr(client, method)("https://bot.example/hook")
    assert sent(local_zapi) == ("PUT", endpoint, {"value": "https://bot.example/hook"})
    assert local_zapi.requests[-1]["headers"]["Content-Type"] == "application/json"


async def test_set_webhook_by_kind_name(client: ZapiClient, local_zapi: FakeZapi) -> None:
    local_zapi.then(answer(b'{"value":true}'))
    await client.set_webhook("message-status", "https://bot.example/s")
    assert sent(local_zapi) == (
        "PUT",
        "update-webhook-message-status",
        {"value": "https://bot.example/s"},
    )
    with pytest.raises(ValidationError, match="kind: should be one of received, received-delivery"):
        await client.set_webhook("status", "https://bot.example/s")


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://bot.example/hook", False),
        ("ftp://bot.example/hook", False),
        ("https://bot example/hook", False),
        ("http://127.0.0.1:8080/hook", True),
        ("http://localhost/hook", True),
    ],
)
async def test_webhook_urls_must_be_https(
    client: ZapiClient, local_zapi: FakeZapi, url: str, allowed: bool
) -> None:
    if allowed:
        local_zapi.then(answer(b'{"value":true}'))
        await client.set_connected_webhook(url)
        assert sent(local_zapi)[2] == {"value": url}
        return
    with pytest.raises(ValidationError) as info:
        await client.set_connected_webhook(url)
    assert info.value.field == "url"
    assert local_zapi.requests == []


async def test_set_every_webhook(client: ZapiClient, local_zapi: FakeZapi) -> None:
    local_zapi.then(answer(b'{"value":true}'), answer(b'{"value":true}'), answer(b""))
    assert await client.set_webhooks("https://bot.example/all") is True
    assert sent(local_zapi) == (
        "PUT",
        "update-every-webhooks",
        {"value": "https://bot.example/all"},
    )
    assert await client.set_webhooks("https://bot.example/all", notify_sent_by_me=False) is True
    assert sent(local_zapi)[2] == {"value": "https://bot.example/all", "notifySentByMe": False}
    with pytest.raises(ResponseFormatError):
        await client.set_webhooks("https://bot.example/all")


async def test_set_notify_sent_by_me(client: ZapiClient, local_zapi: FakeZapi) -> None:
    local_zapi.then(answer(b'{"value":true}'))
    assert await client.set_notify_sent_by_me(True) is True
    assert sent(local_zapi) == ("PUT", "update-notify-sent-by-me", {"notifySentByMe": True})
    with pytest.raises(ValidationError, match="enabled: should be True or False"):
        await client.set_notify_sent_by_me("yes")  # type: ignore[arg-type]


async def test_client_token_failure_on_a_setter(client: ZapiClient, local_zapi: FakeZapi) -> None:
    local_zapi.then(answer(b'{"error":"null not allowed"}', status=400))
    with pytest.raises(AuthenticationError) as info:
        await client.set_webhooks("https://bot.example/all")
    assert info.value.method == "PUT"
    assert info.value.endpoint == f"/instances/{INSTANCE}/token/***/update-every-webhooks"
    assert TOKEN not in str(info.value)
