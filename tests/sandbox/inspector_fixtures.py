"""Fixtures of the inspector tests: a real webhook receiver, an inspected sandbox, a browser.

Import the fixtures you use into the test module (``from .inspector_fixtures import
...``). The browser is Debian's Chromium driven by Playwright; when neither can be
had the browser fixtures skip with the reason.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

import aiohttp
import pytest
from aiohttp import web

from zapi_async import ButtonActionsMessage, CallButton, ReplyButton, UrlButton, ZapiClient
from zapi_async.sandbox import ZapiSandbox

if TYPE_CHECKING:
    from playwright.async_api import Browser, Page

INSTANCE = "3C0FFEE0SANDBOXINSTANCE"
TOKEN = "SECRET-INSPECTOR-TOKEN-77aa"
CLIENT_TOKEN = "SECRET-INSPECTOR-CLIENT-TOKEN-0f3c"
PHONE = "5511999999999"
#: Seconds a test waits for something that should happen at once (a bound, not a sleep).
WAIT = 10.0
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
#: The control API's path on the inspector's port (without the leading slash).
API = "_sandbox/api"

Payload = dict[str, Any]


class WebhookReceiver:
    """A real aiohttp server a bot would run: it records every webhook POSTed to it."""

    def __init__(self) -> None:
        self.payloads: list[Payload] = []
        #: The status answered (set it to make deliveries fail).
        self.status = 200
        self._arrived = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.url = ""

    async def _hook(self, request: web.Request) -> web.Response:
        self.payloads.append(await request.json())
        self._arrived.set()
        return web.json_response({"ok": self.status < 400}, status=self.status)

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_post("/hooks/zapi", self._hook)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/hooks/zapi"

    async def close(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_for(self, predicate: Callable[[Payload], bool]) -> Payload:
        """The first webhook matching ``predicate``, waiting (on arrivals) up to :data:`WAIT`."""

        async def first() -> Payload:
            while True:
                for payload in self.payloads:
                    if predicate(payload):
                        return payload
                self._arrived.clear()
                await self._arrived.wait()

        return await asyncio.wait_for(first(), WAIT)


@pytest.fixture
async def receiver() -> AsyncIterator[WebhookReceiver]:
    """A running webhook receiver."""
    running = WebhookReceiver()
    await running.start()
    yield running
    await running.close()


@pytest.fixture
async def inspected(receiver: WebhookReceiver) -> AsyncIterator[ZapiSandbox]:
    """A sandbox with its inspector on, sending webhooks to ``receiver``."""
    sandbox = ZapiSandbox(
        INSTANCE,
        TOKEN,
        client_token=CLIENT_TOKEN,
        seed=5,
        webhook_url=receiver.url,
        inspector=True,
    )
    async with sandbox:
        yield sandbox


@pytest.fixture
async def control_http() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain HTTP session for the control API (no Origin header, like a script)."""
    async with aiohttp.ClientSession() as session:
        yield session


def find_chromium() -> str | None:
    """Debian's Chromium (or ``$CHROMIUM``), if installed."""
    given = os.environ.get("CHROMIUM")
    if given and os.access(given, os.X_OK):
        return given
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return next((c for c in CHROMIUM_CANDIDATES if os.access(c, os.X_OK)), None)


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Chromium through Playwright, or a skip saying why there is none."""
    try:
        from playwright.async_api import Error, async_playwright
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[dev]')")
    executable = find_chromium()
    if executable is None:
        pytest.skip("no Chromium found (run scripts/install-chromium.sh, or set $CHROMIUM)")
    args = ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []
    async with async_playwright() as playwright:
        try:
            launched = await playwright.chromium.launch(executable_path=executable, args=args)
        except Error as exc:
            pytest.skip(f"Chromium at {executable} did not start: {exc.message.splitlines()[0]}")
        try:
            yield launched
        finally:
            await launched.close()


@pytest.fixture
async def page(browser: Browser, inspected: ZapiSandbox) -> AsyncIterator[Page]:
    """A browser tab showing ``inspected``'s inspector; page errors fail the test."""
    context = await browser.new_context(viewport={"width": 1100, "height": 760})
    tab = await context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    await tab.goto(inspected.inspector_url)
    yield tab
    await context.close()
    assert errors == [], errors


async def post(
    http: aiohttp.ClientSession, sandbox: ZapiSandbox, action: str, body: Any, **kwargs: Any
) -> tuple[int, Any]:
    """POST ``body`` to the control API's ``action``; return ``(status, JSON answer)``."""
    async with http.post(f"{sandbox.inspector_url}{API}/{action}", json=body, **kwargs) as r:
        return r.status, await r.json()


async def state(http: aiohttp.ClientSession, sandbox: ZapiSandbox, chat: str = PHONE) -> Any:
    """The inspector's state, with ``chat``'s messages."""
    async with http.get(f"{sandbox.inspector_url}{API}/state", params={"chat": chat}) as r:
        assert r.status == 200
        return await r.json()


async def send_mixed(sandbox: ZapiSandbox) -> list[str]:
    """CALL + URL + REPLY through the real client: two messages (the splitter's work);
    returns their message ids."""
    async with ZapiClient(
        sandbox.instance_id, sandbox.token, client_token=CLIENT_TOKEN, base_url=sandbox.base_url
    ) as zapi:
        results = await zapi.send_button_actions(
            ButtonActionsMessage(
                phone=PHONE,
                message="How can we help?",
                buttons=[
                    CallButton("Call us", phone="+554498398733"),
                    UrlButton("Website", url="https://z-api.io"),
                    ReplyButton("Talk to an agent", id="agent"),
                ],
            )
        )
    return [result.message_id for result in results]
