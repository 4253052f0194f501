"""The button bot of ``aiohttp_bot.py``, in a FastAPI application.

Needs the ``fastapi`` extra and an ASGI server: ``pip install 'zapi-async[fastapi]' uvicorn``.

Try it without a Z-API account::

    python examples/fastapi_bot.py --sandbox

Run it for real (ZAPI_INSTANCE_ID, ZAPI_TOKEN, ZAPI_CLIENT_TOKEN and WEBHOOK_SECRET
in the environment; ZAPI_BASE_URL points it at ``zapi-async sandbox`` instead)::

    uvicorn --factory examples.fastapi_bot:app_from_env --port 8000

and register ``https://<your host>/zapi/<WEBHOOK_SECRET>`` as the webhook. uvicorn's
access log prints each request's path, secret included; ``app_from_env`` installs a
:class:`~zapi_async.webhooks.SecretLogFilter` so it shows ``/zapi/***`` (or pass
``--no-access-log``).
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn
from fastapi import FastAPI

from zapi_async import ButtonActionsMessage, ReplyButton, UrlButton, ZapiClient
from zapi_async.sandbox import ZapiSandbox
from zapi_async.webhooks import (
    ReceivedCallback,
    SecretLogFilter,
    WebhookRouter,
    WebhookSecurity,
    make_fastapi_router,
)

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


# --8<-- [start:app]
def build_router(zapi: ZapiClient | None = None) -> WebhookRouter:
    """The bot's behaviour: one answer per REPLY button (``router.client`` replies)."""
    router = WebhookRouter(client=zapi)

    @router.on_button()
    async def answer(event: ReceivedCallback, zapi: ZapiClient) -> None:
        assert event.button_reply is not None  # on_button() only passes button presses
        text = ANSWERS.get(event.button_reply.button_id or "", "Sorry, I did not get that.")
        await zapi.send_text(event.phone, text)

    return router


def build_app(router: WebhookRouter, *, secret: str, instance_id: str, **options: Any) -> FastAPI:
    """A FastAPI app receiving Z-API webhooks at ``/zapi/<secret>``."""
    app = FastAPI(**options)
    app.state.router = router
    security = WebhookSecurity(secret=secret, instance_id=instance_id)
    app.include_router(make_fastapi_router(router, security, path="/zapi"))
    return app


def app_from_env() -> FastAPI:
    """The production app: credentials from the environment, one client per process
    (opened and closed by the app's lifespan), the secret kept out of access logs."""
    instance_id = os.environ["ZAPI_INSTANCE_ID"]
    secret = os.environ["WEBHOOK_SECRET"]
    router = build_router()  # no client yet: the lifespan gives it one
    SecretLogFilter(secret).install()  # uvicorn's access log shows /zapi/***

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # The client (and its connection pool) lives as long as the server.
        async with ZapiClient.from_env() as zapi:  # ZAPI_* from the environment
            router.client = zapi
            yield

    return build_app(router, secret=secret, instance_id=instance_id, lifespan=lifespan)


# --8<-- [end:app]


async def try_in_sandbox(phone: str = "5511999999999") -> list[dict[str, Any]]:
    """Send the menu, press "Track my order" on the fake Z-API, return what was sent."""
    secret = "sandbox-webhook-secret"
    async with (
        ZapiSandbox() as sandbox,
        ZapiClient(sandbox.instance_id, sandbox.token, base_url=sandbox.base_url) as zapi,
    ):
        router = build_router(zapi)
        app = build_app(router, secret=secret, instance_id=sandbox.instance_id)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)  # requests wait here until uvicorn accepts them
        port = sock.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
        serving = asyncio.create_task(server.serve(sockets=[sock]))
        try:
            sandbox.webhook_url = f"http://127.0.0.1:{port}/zapi/{secret}"
            sent = await zapi.send_button_actions(menu(phone))
            await sandbox.press_button(sent[-1].message_id, "order")  # the user taps it
            await router.join()  # wait for the answer (tests and demos only)
        finally:
            server.should_exit = True
            await serving  # runs the app's shutdown, which closes the router
            sock.close()
        return [message.body for message in sandbox.messages]


if __name__ == "__main__":
    if "--sandbox" not in sys.argv[1:]:
        sys.exit("usage: python examples/fastapi_bot.py --sandbox (or run it with uvicorn)")
    for body in asyncio.run(try_in_sandbox()):
        print(body)
