"""A WhatsApp bot that answers button presses, in an aiohttp application.

It sends a menu with action buttons; when someone taps a REPLY button, Z-API POSTs
a webhook to this app and the bot answers.

Try it without a Z-API account, in one process (the bundled fake Z-API)::

    python examples/aiohttp_bot.py --sandbox

Against ``zapi-async sandbox`` (press the buttons yourself in its inspector page;
the README's "A bot in the sandbox" walks through it)::

    zapi-async sandbox --webhook-url http://127.0.0.1:8000/zapi/my-webhook-secret
    # in another terminal:
    export ZAPI_INSTANCE_ID=SANDBOX ZAPI_TOKEN=sandbox-token ZAPI_BASE_URL=http://127.0.0.1:8080
    export WEBHOOK_SECRET=my-webhook-secret PORT=8000
    python examples/aiohttp_bot.py --send-menu 5511999999999

Run it for real::

    export ZAPI_INSTANCE_ID=... ZAPI_TOKEN=... ZAPI_CLIENT_TOKEN=...
    export WEBHOOK_SECRET="$(python -c 'import secrets; print(secrets.token_urlsafe(32))')"
    python examples/aiohttp_bot.py            # listens on port 8080 (PORT to change)

then register ``https://<your host>/zapi/<WEBHOOK_SECRET>`` as the instance's
"on message received" webhook in the Z-API panel (serve it over HTTPS).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from typing import Any

from aiohttp import web

from zapi_async import ButtonActionsMessage, ReplyButton, UrlButton, ZapiClient
from zapi_async.sandbox import ZapiSandbox
from zapi_async.webhooks import (
    ReceivedCallback,
    WebhookRouter,
    WebhookSecurity,
    make_aiohttp_app,
)

#: Where the WebhookRouter is kept in the application (for tests and shutdown).
ROUTER = web.AppKey("router", WebhookRouter)

ANSWERS = {
    "order": "Your order #1042 left our warehouse this morning.",
    "agent": "Thanks! An agent will call you within 10 minutes.",
}


def menu(phone: str) -> ButtonActionsMessage:
    """The bot's menu. The URL button and the REPLY buttons go out as two messages."""
    return ButtonActionsMessage(
        phone=phone,
        message="Hi! What can we do for you?",
        footer="Acme Store",
        buttons=[
            UrlButton("Our website", url="https://z-api.io"),
            ReplyButton("Track my order", id="order"),
            ReplyButton("Talk to an agent", id="agent"),
        ],
    )


def build_router(zapi: ZapiClient) -> WebhookRouter:
    """The bot's behaviour: one answer per REPLY button."""
    router = WebhookRouter(client=zapi)

    @router.on_button()
    async def answer(event: ReceivedCallback, zapi: ZapiClient) -> None:
        assert event.button_reply is not None  # on_button() only passes button presses
        text = ANSWERS.get(event.button_reply.button_id or "", "Sorry, I did not get that.")
        await zapi.send_text(event.phone, text)

    return router


def build_app(zapi: ZapiClient, *, secret: str, instance_id: str) -> web.Application:
    """An aiohttp app receiving Z-API webhooks at ``/zapi/<secret>``."""
    router = build_router(zapi)
    app = web.Application()
    app[ROUTER] = router
    security = WebhookSecurity(secret=secret, instance_id=instance_id)
    app.add_subapp("/zapi", make_aiohttp_app(router, security))
    return app


async def _start(app: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None)  # the secret is in the path: no access log
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner, runner.addresses[0][1]


async def try_in_sandbox(phone: str = "5511999999999") -> list[dict[str, Any]]:
    """Send the menu, press "Talk to an agent" on the fake Z-API, return what was sent."""
    secret = "sandbox-webhook-secret"
    async with (
        ZapiSandbox() as sandbox,
        ZapiClient(sandbox.instance_id, sandbox.token, base_url=sandbox.base_url) as zapi,
    ):
        app = build_app(zapi, secret=secret, instance_id=sandbox.instance_id)
        runner, port = await _start(app, "127.0.0.1", 0)
        try:
            sandbox.webhook_url = f"http://127.0.0.1:{port}/zapi/{secret}"
            sent = await zapi.send_button_actions(menu(phone))  # two messages
            await sandbox.press_button(sent[-1].message_id, "agent")  # the user taps it
            await app[ROUTER].join()  # wait for the answer (tests and demos only)
        finally:
            await runner.cleanup()  # also closes the router
        return [message.body for message in sandbox.messages]


async def serve(send_menu_to: str | None = None, *, ready: asyncio.Event | None = None) -> None:
    """Run the bot with credentials from the environment (``ZAPI_BASE_URL``, when
    set, points it at a sandbox); ``send_menu_to``: send the menu to that phone
    once listening. ``ready`` is set then (for tests)."""
    async with ZapiClient.from_env() as zapi:
        app = build_app(zapi, secret=os.environ["WEBHOOK_SECRET"], instance_id=zapi.instance_id)
        host = os.environ.get("HOST", "0.0.0.0")
        runner, port = await _start(app, host, int(os.environ.get("PORT", "8080")))
        print(f"bot listening on port {port}; Ctrl+C to stop", flush=True)
        try:
            if send_menu_to is not None:
                sent = await zapi.send_button_actions(menu(send_menu_to))
                ids = ", ".join(result.message_id for result in sent)
                print(f"menu sent to {send_menu_to} as {len(sent)} messages: {ids}", flush=True)
            if ready is not None:
                ready.set()
            await asyncio.Event().wait()
        finally:
            await runner.cleanup()


def main(argv: list[str]) -> None:
    """``--sandbox``: a self-contained demo; otherwise serve (``--send-menu PHONE``
    sends the menu first)."""
    if "--sandbox" in argv:
        for body in asyncio.run(try_in_sandbox()):
            print(body)
        return
    phone = argv[argv.index("--send-menu") + 1] if "--send-menu" in argv else None
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve(phone))


if __name__ == "__main__":
    main(sys.argv[1:])
