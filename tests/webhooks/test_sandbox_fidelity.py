"""Issue 15 end to end: the sandbox speaks the shapes Z-API sends (LID contacts, send
echoes, calls, waiting messages, the ``z-api-token`` header) and a bot built on
WebhookRouter handles them."""

from __future__ import annotations

from collections.abc import AsyncIterator

import attrs
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from zapi_async import ZapiClient
from zapi_async.sandbox import SandboxError, ZapiSandbox
from zapi_async.webhooks import (
    MessageKind,
    ReceivedCallback,
    WebhookEvent,
    WebhookRouter,
    WebhookSecurity,
    make_aiohttp_app,
)

PHONE = "5511987654321"


@attrs.define
class Bot:
    sandbox: ZapiSandbox
    zapi: ZapiClient
    router: WebhookRouter
    seen: list[ReceivedCallback] = attrs.Factory(list)


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    async with (
        ZapiSandbox(seed=7, notify_sent_by_me=True) as sandbox,
        ZapiClient(sandbox.instance_id, sandbox.token, base_url=sandbox.base_url) as zapi,
    ):
        router = WebhookRouter(client=zapi)
        state = Bot(sandbox, zapi, router)

        @router.on_event(ReceivedCallback, continue_=True)
        async def record(event: ReceivedCallback) -> None:
            state.seen.append(event)

        security = WebhookSecurity(instance_id=sandbox.instance_id, instance_token=sandbox.token)
        app = web.Application()
        app.add_subapp("/zapi", make_aiohttp_app(router, security))
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        try:
            sandbox.webhook_url = str(server.make_url("/zapi/"))
            yield state
        finally:
            await server.close()


async def test_a_lid_contact_is_answered_at_its_lid(bot: Bot) -> None:
    @bot.router.on_text
    async def echo(event: ReceivedCallback) -> None:
        await event.reply_text(f"you said {event.text.message}")  # type: ignore[union-attr]

    lid = bot.sandbox.lid_for(PHONE)
    assert lid.endswith("@lid")
    assert len(lid) == len("@lid") + 15
    assert bot.sandbox.lid_for(PHONE) == lid  # stable per contact
    delivery = await bot.sandbox.send_text_reply(PHONE, "hi", as_lid=True)
    assert delivery.status == 200
    await bot.router.join()
    [incoming] = bot.seen
    assert (incoming.phone, incoming.chat_lid, incoming.sender_lid) == (lid, lid, lid)
    [answer] = bot.sandbox.messages_to(lid)
    assert answer.body == {"phone": lid, "message": "you said hi", "messageId": incoming.message_id}


async def test_the_same_contact_by_number_carries_its_lid(bot: Bot) -> None:
    await bot.sandbox.send_text_reply(PHONE, "hello")
    await bot.router.join()
    [incoming] = bot.seen
    assert (incoming.phone, incoming.chat_lid) == (PHONE, bot.sandbox.lid_for(PHONE))


async def test_our_sends_echo_back_and_are_skipped_by_message_handlers(bot: Bot) -> None:
    answered: list[str] = []

    @bot.router.on_message
    async def any_message(event: ReceivedCallback) -> None:
        answered.append(event.phone)

    sent = await bot.zapi.send_text(PHONE, "promo")
    [echo] = await bot.sandbox.flush_webhooks()
    await bot.router.join()
    assert echo.ok
    assert echo.payload["messageId"] == sent.message_id
    assert (echo.payload["fromMe"], echo.payload["fromApi"]) == (True, True)
    assert echo.payload["text"] == {"message": "promo"}
    [event] = bot.seen
    assert (event.is_own, event.kind, event.message_id) == (True, MessageKind.TEXT, sent.message_id)
    assert answered == []  # no reply loop


async def test_no_echo_unless_notify_sent_by_me(bot: Bot) -> None:
    bot.sandbox.notify_sent_by_me = False
    await bot.zapi.send_text(PHONE, "quiet")
    assert await bot.sandbox.flush_webhooks() == []


async def test_queued_sends_echo_when_the_phone_reconnects(bot: Bot) -> None:
    bot.sandbox.disconnect()
    sent = await bot.zapi.send_text(PHONE, "later")
    assert await bot.sandbox.flush_webhooks() == []
    bot.sandbox.connect()
    [echo] = await bot.sandbox.flush_webhooks()
    assert echo.payload["messageId"] == sent.message_id


async def test_a_missed_call_reaches_the_notification_handler(bot: Bot) -> None:
    answered: list[str] = []

    @bot.router.on_message
    async def any_message(event: ReceivedCallback) -> None:
        raise AssertionError("a call is not a message")

    @bot.router.on_notification("CALL_MISSED_VOICE")
    async def missed(event: ReceivedCallback) -> None:
        await event.reply_text("Sorry we missed your call")
        answered.append(event.call_id or "")

    ringing = await bot.sandbox.incoming_call(PHONE)
    call_id = ringing.payload["callId"]
    await bot.sandbox.incoming_call(PHONE, missed=True, call_id=call_id)
    await bot.router.join()
    assert [e.notification for e in bot.seen] == ["CALL_VOICE", "CALL_MISSED_VOICE"]
    assert answered == [call_id]
    assert ringing.payload["notificationParameters"] == []
    [reply] = bot.sandbox.messages_to(PHONE)
    assert reply.body == {"phone": PHONE, "message": "Sorry we missed your call"}


async def test_a_ringing_video_call_is_not_documented(bot: Bot) -> None:
    with pytest.raises(SandboxError, match="use missed=True"):
        await bot.sandbox.incoming_call(PHONE, video=True)
    delivery = await bot.sandbox.incoming_call(PHONE, video=True, missed=True)
    assert delivery.payload["notification"] == "CALL_MISSED_VIDEO"


async def test_waiting_messages_and_other_notifications(bot: Bot) -> None:
    @bot.router.on_message
    async def any_message(event: WebhookEvent) -> None:
        raise AssertionError("neither is a message")

    await bot.sandbox.waiting_message(PHONE, view_once=True)
    await bot.sandbox.send_notification(
        "120363019502650977-group",
        "GROUP_PARTICIPANT_ADD",
        ["5511900003333"],
        participant_phone=PHONE,
    )
    await bot.sandbox.send_notification(
        PHONE, "PROFILE_NAME_UPDATED", extra={"profileName": "New name"}, from_me=True
    )
    await bot.router.join()
    waiting, added, profile = bot.seen
    assert (waiting.kind, waiting.waiting_message, waiting.view_once) == (
        MessageKind.WAITING,
        True,
        True,
    )
    assert (added.is_group, added.notification_parameters, added.participant_phone) == (
        True,
        ("5511900003333",),
        PHONE,
    )
    assert (profile.profile_name, profile.from_me) == ("New name", True)


async def test_webhooks_without_the_right_token_header_are_refused(bot: Bot) -> None:
    assert bot.sandbox.webhook_url is not None
    forged = await bot.sandbox.webhooks.post(
        {"type": "ReceivedCallback", "instanceId": bot.sandbox.instance_id, "phone": PHONE},
        url=bot.sandbox.webhook_url,
    )
    assert forged.status == 200  # the sandbox itself sends the right z-api-token
    bot.sandbox.webhooks._token = "not-the-token"
    refused = await bot.sandbox.send_text_reply(PHONE, "forged")
    assert (refused.status, refused.text) == (403, '{"error": "forbidden"}')
    bot.sandbox.webhooks._token = None
    missing = await bot.sandbox.send_text_reply(PHONE, "no header")
    assert missing.status == 403
