"""Every setup call of ZapiClient against the real sandbox (issue 17)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.support.credentials import CLIENT_TOKEN, INSTANCE, TOKEN
from zapi_async import (
    DeviceInfo,
    PairingCode,
    PhoneCheck,
    PhoneExists,
    QrCode,
    ValidationError,
    WebhookKind,
    ZapiClient,
    ZapiHTTPError,
)
from zapi_async.cli.qr_render import png_pixels, qr_modules
from zapi_async.sandbox import ZapiSandbox

segno = pytest.importorskip("segno")

WHATSAPP = "5511999999999"


@pytest.fixture
async def sandbox() -> AsyncIterator[ZapiSandbox]:
    async with ZapiSandbox(
        INSTANCE, TOKEN, client_token=CLIENT_TOKEN, whatsapp_numbers={WHATSAPP}, connected=False
    ) as running:
        yield running


@pytest.fixture
async def zapi(sandbox: ZapiSandbox) -> AsyncIterator[ZapiClient]:
    async with ZapiClient.from_env(
        environ={
            "ZAPI_INSTANCE_ID": INSTANCE,
            "ZAPI_TOKEN": TOKEN,
            "ZAPI_CLIENT_TOKEN": CLIENT_TOKEN,
            "ZAPI_BASE_URL": sandbox.base_url,
        }
    ) as client:
        yield client


def modules(text: str) -> list[list[bool]]:
    return [[bool(cell) for cell in row] for row in segno.make(text, error="l", micro=False).matrix]


async def test_pairing_by_qr_code_then_connected(sandbox: ZapiSandbox, zapi: ZapiClient) -> None:
    qr = await zapi.qr_code()
    assert qr.png is not None
    assert not qr.connected
    assert qr_modules(png_pixels(qr.png)) == modules(sandbox.qr_codes[-1])
    image = await zapi.qr_code_image()
    assert image.png is not None
    assert image.png != qr.png
    assert qr_modules(png_pixels(image.png)) == modules(sandbox.qr_codes[-1])
    sandbox.connect()
    assert await zapi.qr_code() == QrCode(connected=True)
    assert await zapi.qr_code_image() == QrCode(connected=True)


async def test_phone_code(sandbox: ZapiSandbox, zapi: ZapiClient) -> None:
    code = await zapi.phone_code("5511900000000")
    assert code == PairingCode(sandbox.setup.pairing_codes[-1])
    sandbox.connect()
    with pytest.raises(ZapiHTTPError) as info:
        await zapi.phone_code("5511900000000")
    assert (info.value.status, info.value.error) == (409, "You are already connected.")


async def test_restart_restore_disconnect(sandbox: ZapiSandbox, zapi: ZapiClient) -> None:
    sandbox.connect()
    assert await zapi.restart() is True
    assert await zapi.restore_session() is True
    assert (await zapi.status()).connected
    await zapi.disconnect()
    assert not sandbox.connected
    status = await zapi.status()
    assert (status.connected, status.error) == (False, "You are not connected.")
    assert (await zapi.me()).connected is False


async def test_me_and_device(sandbox: ZapiSandbox, zapi: ZapiClient) -> None:
    info = await zapi.me()
    assert (info.id, info.token, info.connected) == (INSTANCE, TOKEN, False)
    assert TOKEN not in repr(info)
    assert set(info.webhook_urls().values()) == {None}
    assert await zapi.device() == DeviceInfo(
        phone="5511900000000",
        about="Hey there! I am using WhatsApp.",
        name="Sandbox",
        session_name="Z-API",
        device_model="Z-API",
        original_device="android",
        session_id=1,
        is_business=False,
    )


async def test_phone_exists_single_and_batch(zapi: ZapiClient) -> None:
    found = await zapi.phone_exists(WHATSAPP)
    assert (found.exists, found.phone) == (True, WHATSAPP)
    assert found.lid is not None
    assert found.lid.endswith("@lid")
    assert await zapi.phone_exists("5511888888888") == PhoneExists(False, "5511888888888")
    checks = await zapi.phone_exists_batch(
        ["551199999999", "5511888888888", WHATSAPP], chunk_size=2
    )
    assert [(c.exists, c.input_phone, c.output_phone) for c in checks] == [
        (True, "551199999999", WHATSAPP),
        (False, "5511888888888", "5511888888888"),
        (True, WHATSAPP, WHATSAPP),
    ]
    assert isinstance(checks[0], PhoneCheck)


async def test_webhook_setters_show_up_in_me(sandbox: ZapiSandbox, zapi: ZapiClient) -> None:
    assert await zapi.set_webhooks("https://bot.example/all", notify_sent_by_me=False) is True
    await zapi.set_message_status_webhook("https://bot.example/status")
    await zapi.set_webhook(WebhookKind.CHAT_PRESENCE, "https://bot.example/presence")
    await zapi.set_received_delivery_webhook("https://bot.example/received")
    urls = (await zapi.me()).webhook_urls()
    assert urls == {
        WebhookKind.RECEIVED: "https://bot.example/received",
        WebhookKind.RECEIVED_DELIVERY: "https://bot.example/received",
        WebhookKind.DELIVERY: "https://bot.example/all",
        WebhookKind.MESSAGE_STATUS: "https://bot.example/status",
        WebhookKind.DISCONNECTED: "https://bot.example/all",
        WebhookKind.CONNECTED: "https://bot.example/all",
        WebhookKind.CHAT_PRESENCE: "https://bot.example/presence",
    }
    assert await zapi.set_notify_sent_by_me(False) is True
    assert (await zapi.me()).receive_callback_sent_by_me is False
    for setter in (
        zapi.set_received_webhook,
        zapi.set_delivery_webhook,
        zapi.set_disconnected_webhook,
        zapi.set_connected_webhook,
        zapi.set_chat_presence_webhook,
    ):
        await setter(sandbox.base_url + "/local-hook")  # http:// to localhost is fine
    assert set(sandbox.webhook_urls.values()) == {
        sandbox.base_url + "/local-hook",
        "https://bot.example/status",
    }
    with pytest.raises(ValidationError, match="url: should start with https://"):
        await zapi.set_delivery_webhook("http://bot.example/x")
