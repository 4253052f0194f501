"""End to end: send the seed's REPLY message through the sandbox, press the button,
receive the webhook in an aiohttp app, reply through the client."""

from __future__ import annotations

from collections.abc import AsyncIterator

import attrs
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from zapi_async import ButtonActionsMessage, ReplyButton
from zapi_async.client import ZapiClient
from zapi_async.sandbox import ZapiSandbox
from zapi_async.webhooks import (
    MessageStatusCallback,
    ReceivedCallback,
    WebhookRouter,
    WebhookSecurity,
    make_aiohttp_app,
)

SECRET = "e2e-webhook-secret"
#: The seed page's "REPLY button (separate)" request body, as a model.
SEED_REPLY = ButtonActionsMessage(
    phone="551199999999",
    message="a message",
    title="if you want to add a title",
    footer="if you want to add a footer",
    image="https://app.z-api.io/logos/zapi-dark.png",
    buttons=[ReplyButton("Talk to an agent", id="3")],
)


@attrs.define
class Bot:
    """Everything the tests drive: the fake Z-API, the client, the router."""

    sandbox: ZapiSandbox
    zapi: ZapiClient
    router: WebhookRouter
    #: SendResult.message_id -> what the message was about (the bot's own storage).
    sent: dict[str, str] = attrs.field(factory=dict)


@pytest.fixture
async def bot() -> AsyncIterator[Bot]:
    async with (
        ZapiSandbox(client_token="ct-e2e") as sandbox,
        ZapiClient(
            sandbox.instance_id,
            sandbox.token,
            client_token=sandbox.client_token,
            base_url=sandbox.base_url,
        ) as zapi,
    ):
        router = WebhookRouter(client=zapi)
        app = web.Application()
        security = WebhookSecurity(secret=SECRET, instance_id=sandbox.instance_id)
        app.add_subapp("/zapi", make_aiohttp_app(router, security))
        server = TestServer(app, host="127.0.0.1")
        await server.start_server()
        try:
            sandbox.webhook_url = str(server.make_url(f"/zapi/{SECRET}"))
            yield Bot(sandbox, zapi, router)
        finally:
            await server.close()


def install_agent_handler(bot: Bot) -> None:
    @bot.router.on_button("3")
    async def talk_to_agent(event: ReceivedCallback, zapi: ZapiClient) -> None:
        topic = bot.sent.get(event.reference_message_id or "", "unknown")
        await zapi.send_text(
            event.phone, f"An agent will call you about {topic}.", message_id=event.message_id
        )


async def test_press_reply_button_and_answer(bot: Bot) -> None:
    install_agent_handler(bot)
    [result] = await bot.zapi.send_button_actions(SEED_REPLY)
    bot.sent[result.message_id] = "order 42"

    delivery = await bot.sandbox.press_button(result.message_id, "3")
    assert (delivery.status, delivery.text) == (200, '{"ok": true}')
    await bot.router.join()

    first, reply = bot.sandbox.messages
    assert first.endpoint == "send-button-actions"
    assert first.body["buttonActions"] == [
        {"id": "3", "type": "REPLY", "label": "Talk to an agent"}
    ]
    assert reply.endpoint == "send-text"
    assert reply.body == {
        "phone": "551199999999",
        "message": "An agent will call you about order 42.",
        "messageId": delivery.payload["messageId"],
    }
    assert reply.headers["Client-Token"] == "ct-e2e"


async def test_a_redelivered_press_is_answered_once(bot: Bot) -> None:
    install_agent_handler(bot)
    [result] = await bot.zapi.send_button_actions(SEED_REPLY)
    delivery = await bot.sandbox.press_button(result.message_id, "3")
    again = await bot.sandbox.webhooks.post(delivery.payload)
    assert again.status == 200
    await bot.router.join()
    assert [m.endpoint for m in bot.sandbox.messages] == ["send-button-actions", "send-text"]


async def test_status_webhooks_reach_status_handlers(bot: Bot) -> None:
    seen: list[tuple[str, tuple[str, ...]]] = []

    @bot.router.on_status("READ")
    async def read(event: MessageStatusCallback) -> None:
        seen.append((event.status, event.ids))

    [result] = await bot.zapi.send_button_actions(SEED_REPLY)
    await bot.sandbox.deliver_status(result.message_id, "RECEIVED")
    await bot.sandbox.deliver_status(result.message_id, "READ")
    await bot.router.join()
    assert seen == [("READ", (result.message_id,))]


async def test_forged_webhooks_without_the_secret_are_refused(bot: Bot) -> None:
    install_agent_handler(bot)
    [result] = await bot.zapi.send_button_actions(SEED_REPLY)
    url = bot.sandbox.webhook_url
    assert url is not None
    bot.sandbox.webhook_url = url.replace(SECRET, "guessed")
    delivery = await bot.sandbox.press_button(result.message_id, "3")
    assert (delivery.status, delivery.text) == (403, '{"error": "forbidden"}')
    await bot.router.join()
    assert [m.endpoint for m in bot.sandbox.messages] == ["send-button-actions"]
