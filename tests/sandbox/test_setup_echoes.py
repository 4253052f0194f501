""" "Notify sent by me" is one setting in the sandbox: the constructor, the attribute
and Z-API's setter endpoints all switch the echoes of accepted sends, which go to the
received webhook's URL (issues 15 and 17 together)."""

from __future__ import annotations

import aiohttp

from tests.support.credentials import CLIENT_TOKEN, INSTANCE, PHONE, TOKEN
from tests.support.receiver import Receiver
from zapi_async.sandbox import ZapiSandbox

from .conftest import call


async def send_text(http: aiohttp.ClientSession, sandbox: ZapiSandbox, message: str) -> str:
    status, body = await call(
        http, sandbox, "POST", "send-text", json={"phone": PHONE, "message": message}
    )
    assert status == 200
    return str(body["messageId"])


async def test_the_setter_endpoint_switches_echoes_to_the_received_url(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, receiver: Receiver
) -> None:
    assert sandbox.webhook_url is None
    put = {"value": receiver.url}
    assert await call(http, sandbox, "PUT", "update-webhook-received", json=put) == (
        200,
        {"value": True},
    )
    await send_text(http, sandbox, "before")
    assert await sandbox.flush_webhooks() == []  # off by default, like Z-API

    on = {"notifySentByMe": True}
    assert (await call(http, sandbox, "PUT", "update-notify-sent-by-me", json=on))[0] == 200
    assert sandbox.notify_sent_by_me is True
    message_id = await send_text(http, sandbox, "echoed")
    [echo] = await sandbox.flush_webhooks()
    assert (echo.url, echo.status) == (receiver.url, 200)
    [body] = receiver.bodies
    assert (body["type"], body["phone"], body["messageId"]) == (
        "ReceivedCallback",
        PHONE,
        message_id,
    )
    assert (body["fromMe"], body["fromApi"], body["text"]) == (True, True, {"message": "echoed"})

    off = {"notifySentByMe": False}
    assert (await call(http, sandbox, "PUT", "update-notify-sent-by-me", json=off))[0] == 200
    await send_text(http, sandbox, "after")
    assert len(await sandbox.flush_webhooks()) == 1
    assert len(receiver.bodies) == 1


async def test_the_attribute_and_constructor_are_what_get_me_reports(
    http: aiohttp.ClientSession,
) -> None:
    async with ZapiSandbox(
        INSTANCE, TOKEN, client_token=CLIENT_TOKEN, notify_sent_by_me=True
    ) as sandbox:
        assert (await call(http, sandbox, "GET", "me"))[1]["receiveCallbackSentByMe"] is True
        sandbox.notify_sent_by_me = False
        assert (await call(http, sandbox, "GET", "me"))[1]["receiveCallbackSentByMe"] is False
