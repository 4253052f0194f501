"""Webhooks sent by the sandbox, received by a tiny aiohttp app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import attrs
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.support.credentials import CLIENT_TOKEN, INSTANCE, PHONE, TOKEN
from zapi_async.sandbox import (
    SandboxError,
    UnknownButtonError,
    UnknownMessageError,
    ZapiSandbox,
)
from zapi_async.sandbox.webhook_sender import lid_for, redact_url

from .conftest import actions, call

NOW = 1_700_000_000.123
MOMMENT = 1_700_000_000_123


@attrs.define
class Receiver:
    """Collects webhook bodies; answers ``status``."""

    server: TestServer
    received: list[dict[str, Any]] = attrs.Factory(list)
    headers: list[dict[str, str]] = attrs.Factory(list)
    status: int = 200

    @property
    def url(self) -> str:
        return str(self.server.make_url("/webhook"))


RECEIVER: web.AppKey[Receiver] = web.AppKey("receiver")


async def _collect(request: web.Request) -> web.Response:
    receiver = request.app[RECEIVER]
    receiver.received.append(await request.json())
    receiver.headers.append(dict(request.headers))
    return web.json_response({"ok": True}, status=receiver.status)


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    app = web.Application()
    app.router.add_post("/webhook", _collect)
    server = TestServer(app)
    state = Receiver(server)
    app[RECEIVER] = state
    await server.start_server()
    try:
        yield state
    finally:
        await server.close()


@pytest.fixture
async def hooked(receiver: Receiver) -> AsyncIterator[ZapiSandbox]:
    async with ZapiSandbox(
        INSTANCE,
        TOKEN,
        client_token=CLIENT_TOKEN,
        webhook_url=receiver.url,
        wall_clock=lambda: NOW,
        connected_phone="5511900001111",
    ) as sandbox:
        yield sandbox


REPLIES = actions(
    buttonActions=[
        {"id": "agent", "type": "REPLY", "label": "Talk to an agent"},
        {"id": "bye", "type": "REPLY", "label": "Bye"},
    ]
)


async def _send(http: aiohttp.ClientSession, sandbox: ZapiSandbox, endpoint: str, body: Any) -> str:
    status, answer = await call(http, sandbox, "POST", endpoint, body)
    assert status == 200, answer
    return str(answer["messageId"])


def _received(**content: Any) -> dict[str, Any]:
    """The ReceivedCallback every test expects, minus the generated messageId."""
    return {
        "isStatusReply": False,
        "chatLid": lid_for(PHONE),
        "senderLid": lid_for(PHONE),
        "connectedPhone": "5511900001111",
        "waitingMessage": False,
        "isEdit": False,
        "isGroup": False,
        "isNewsletter": False,
        "instanceId": INSTANCE,
        "phone": PHONE,
        "fromMe": False,
        "momment": MOMMENT,
        "status": "RECEIVED",
        "chatName": "Sandbox User",
        "senderPhoto": None,
        "senderName": "Sandbox User",
        "participantPhone": None,
        "participantLid": None,
        "photo": None,
        "broadcast": False,
        "forwarded": False,
        "type": "ReceivedCallback",
        "fromApi": False,
        **content,
    }


async def test_press_button_posts_a_received_callback(
    hooked: ZapiSandbox, receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    message_id = await _send(http, hooked, "send-button-actions", REPLIES)
    delivery = await hooked.press_button(message_id, "agent")

    [payload] = receiver.received
    assert payload["messageId"] not in (message_id, "")
    assert {k: v for k, v in payload.items() if k != "messageId"} == _received(
        referenceMessageId=message_id,
        buttonsResponseMessage={"buttonId": "agent", "message": "Talk to an agent"},
    )
    assert receiver.headers[0]["Content-Type"] == "application/json"
    assert delivery.ok
    assert delivery.status == 200
    assert delivery.payload == payload
    assert delivery.url == receiver.url


async def test_press_button_on_a_button_list(
    hooked: ZapiSandbox, receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    body = {
        "phone": PHONE,
        "message": "Pick",
        "buttonList": {"buttons": [{"id": "y", "label": "Yes"}, {"id": "n", "label": "No"}]},
    }
    message_id = await _send(http, hooked, "send-button-list", body)
    await hooked.press_button(message_id, "n")
    assert receiver.received[0]["buttonsResponseMessage"] == {"buttonId": "n", "message": "No"}


async def test_select_option(
    hooked: ZapiSandbox, receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    body = {
        "phone": PHONE,
        "message": "Menu",
        "optionList": {
            "title": "Food",
            "buttonLabel": "Open",
            "options": [{"id": "p", "title": "Pizza", "description": "Cheese"}],
        },
    }
    message_id = await _send(http, hooked, "send-option-list", body)
    await hooked.select_option(message_id, "p")
    assert receiver.received[0]["listResponseMessage"] == {
        "message": "Cheese",
        "title": "Pizza",
        "selectedRowId": "p",
    }
    assert receiver.received[0]["referenceMessageId"] == message_id
    with pytest.raises(UnknownButtonError, match=r"no option with id 'x' \(ids: \['p'\]\)"):
        await hooked.select_option(message_id, "x")


async def test_text_reply_status_and_delivery(
    hooked: ZapiSandbox, receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    message_id = await _send(http, hooked, "send-text", {"phone": PHONE, "message": "Hi"})
    record = hooked.find(message_id)
    assert record is not None

    await hooked.send_text_reply(PHONE, "Hello back", reference_message_id=message_id)
    await hooked.deliver_status(message_id, "READ")
    await hooked.deliver_delivery(message_id)

    text, status, delivery = receiver.received
    assert text["text"] == {"message": "Hello back"}
    assert text["referenceMessageId"] == message_id
    assert status == {
        "instanceId": INSTANCE,
        "status": "READ",
        "ids": [message_id],
        "momment": MOMMENT,
        "phoneDevice": 0,
        "phone": PHONE,
        "isGroup": False,
        "type": "MessageStatusCallback",
    }
    assert delivery == {
        "phone": PHONE,
        "zaapId": record.zaap_id,
        "messageId": message_id,
        "momment": MOMMENT,
        "type": "DeliveryCallback",
        "instanceId": INSTANCE,
    }


async def test_a_failed_delivery_carries_the_error(
    hooked: ZapiSandbox, receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    message_id = await _send(http, hooked, "send-text", {"phone": PHONE, "message": "Hi"})
    record = hooked.find(message_id)
    assert record is not None
    await hooked.webhooks.deliver_delivery(
        message_id,
        error="The message was not sent due to a likely shadow ban",
        error_code="SHADOW_BAN",
    )
    assert receiver.received == [
        {
            "phone": PHONE,
            "messageId": message_id,
            "instanceId": INSTANCE,
            "zaapId": record.zaap_id,
            "momment": MOMMENT,
            "type": "DeliveryCallback",
            "error": "The message was not sent due to a likely shadow ban",
            "errorCode": "SHADOW_BAN",
        }
    ]


async def test_group_press_names_the_participant(
    hooked: ZapiSandbox, receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    group = "120363019502650977-group"
    message_id = await _send(http, hooked, "send-button-actions", {**REPLIES, "phone": group})
    await hooked.press_button(message_id, "bye", participant_phone="5521988887777")
    payload = receiver.received[0]
    assert (payload["phone"], payload["isGroup"], payload["participantPhone"]) == (
        group,
        True,
        "5521988887777",
    )


async def test_clear_errors_for_bad_ids(hooked: ZapiSandbox, http: aiohttp.ClientSession) -> None:
    with pytest.raises(UnknownMessageError, match="no message with id 'NOPE' was accepted"):
        await hooked.press_button("NOPE", "agent")
    message_id = await _send(http, hooked, "send-button-actions", REPLIES)
    with pytest.raises(
        UnknownButtonError,
        match=r"has no button with id 'x' \(pressable ids: \['agent', 'bye'\]\)",
    ):
        await hooked.press_button(message_id, "x")
    call_url = await _send(http, hooked, "send-button-actions", actions())
    with pytest.raises(UnknownButtonError, match="'1' is a CALL button"):
        await hooked.press_button(call_url, "1")
    text = await _send(http, hooked, "send-text", {"phone": PHONE, "message": "Hi"})
    with pytest.raises(UnknownButtonError, match=r"\(send-text\) has no buttons"):
        await hooked.press_button(text, "1")
    with pytest.raises(SandboxError, match="status should be one of SENT, RECEIVED"):
        await hooked.deliver_status(text, "DELIVERED")


async def test_queued_messages_cannot_be_answered_yet(
    hooked: ZapiSandbox, receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    hooked.disconnect()
    message_id = await _send(http, hooked, "send-button-actions", REPLIES)
    with pytest.raises(SandboxError, match="is queued, not sent"):
        await hooked.press_button(message_id, "agent")
    hooked.connect()
    await hooked.press_button(message_id, "agent")
    assert len(receiver.received) == 1


async def test_receiver_errors_are_reported_not_raised(
    hooked: ZapiSandbox, receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    receiver.status = 500
    message_id = await _send(http, hooked, "send-button-actions", REPLIES)
    delivery = await hooked.press_button(message_id, "agent")
    assert (delivery.status, delivery.ok, delivery.text) == (500, False, '{"ok": true}')


async def test_webhook_url_is_required(
    sandbox: ZapiSandbox, receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    message_id = await _send(http, sandbox, "send-button-actions", REPLIES)
    with pytest.raises(SandboxError, match=r"no webhook URL: set sandbox\.webhook_url first"):
        await sandbox.press_button(message_id, "agent")
    sandbox.webhook_url = receiver.url
    assert sandbox.webhook_url == receiver.url
    assert (await sandbox.press_button(message_id, "agent")).ok


async def test_reply_buttons_without_ids_are_pressed_by_position(
    hooked: ZapiSandbox, receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    body = actions(
        buttonActions=[
            {"type": "REPLY", "label": "Yes"},
            {"id": "maybe", "type": "REPLY", "label": "Maybe"},
            {"type": "REPLY", "label": "No"},
        ]
    )
    message_id = await _send(http, hooked, "send-button-actions", body)
    record = hooked.find(message_id)
    assert record is not None
    # Positions count every REPLY button; a button's own id wins over its position.
    assert record.button_ids == ["1", "maybe", "3"]
    await hooked.press_button(message_id, "3")
    await hooked.press_button(message_id, "1")
    await hooked.press_button(message_id, "maybe")
    assert [p["buttonsResponseMessage"] for p in receiver.received] == [
        {"buttonId": "3", "message": "No"},
        {"buttonId": "1", "message": "Yes"},
        {"buttonId": "maybe", "message": "Maybe"},
    ]
    with pytest.raises(
        UnknownButtonError,
        match=r"has no button with id '2' \(pressable ids: \['1', 'maybe', '3'\]\)",
    ):
        await hooked.press_button(message_id, "2")


async def test_button_list_and_call_url_ids(
    hooked: ZapiSandbox, receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    listed = {
        "phone": PHONE,
        "message": "Pick",
        "buttonList": {"buttons": [{"label": "Yes"}, {"label": "No"}]},
    }
    list_id = await _send(http, hooked, "send-button-list", listed)
    list_record = hooked.find(list_id)
    assert list_record is not None
    assert list_record.button_ids == ["1", "2"]
    await hooked.press_button(list_id, "2")
    assert receiver.received[0]["buttonsResponseMessage"] == {"buttonId": "2", "message": "No"}

    no_ids = actions(
        buttonActions=[
            {"type": "CALL", "phone": "554498398733", "label": "Call us"},
            {"type": "URL", "url": "https://z-api.io", "label": "Website"},
        ]
    )
    call_url = await _send(http, hooked, "send-button-actions", no_ids)
    call_record = hooked.find(call_url)
    assert call_record is not None
    assert call_record.button_ids == []  # CALL/URL buttons send no webhook
    assert [given for given, _ in call_record.buttons] == [None, None]
    with pytest.raises(UnknownButtonError, match=r"no button with id '1' \(pressable ids: \[\]\)"):
        await hooked.press_button(call_url, "1")
    text = await _send(http, hooked, "send-text", {"phone": PHONE, "message": "Hi"})
    text_record = hooked.find(text)
    assert text_record is not None
    assert (text_record.buttons, text_record.button_ids) == ([], [])


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("https://bot.example/zapi/s3cr3t", "https://bot.example/zapi/***"),
        ("https://bot.example/zapi/s3cr3t/", "https://bot.example/zapi/***/"),
        ("https://bot.example/hook?key=s3cr3t&x=1", "https://bot.example/***?***"),
        ("http://user:s3cr3t@127.0.0.1:8080/a/s3cr3t#frag", "http://***@127.0.0.1:8080/a/***"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ],
)
def test_redact_url(url: str, shown: str) -> None:
    assert redact_url(url) == shown


async def test_delivery_repr_hides_the_secret_part_of_the_url(
    receiver: Receiver, http: aiohttp.ClientSession
) -> None:
    secret_url = receiver.url + "?key=s3cr3t-path-key"
    async with ZapiSandbox(
        INSTANCE, TOKEN, client_token=CLIENT_TOKEN, webhook_url=secret_url
    ) as sandbox:
        message_id = await _send(http, sandbox, "send-button-actions", REPLIES)
        delivery = await sandbox.press_button(message_id, "agent")
    assert delivery.url == secret_url  # the attribute keeps the real target
    base = receiver.url.rsplit("/", 1)[0]
    assert repr(delivery).startswith(f"WebhookDelivery(url='{base}/***?***', payload={{")
    assert "webhook" not in repr(delivery)
    assert "s3cr3t" not in repr(delivery)
