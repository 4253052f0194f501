"""The inspector's web server: the page, its assets, live updates and the control API.

It runs on its own port, as its own :class:`aiohttp.web.Application`, so the fake
Z-API's surface (``/instances/...``) is exactly what it was. Routes::

    GET  /                      the page (index.html)
    GET  /_sandbox/static/NAME  its CSS and JavaScript (packaged with the wheel)
    GET  /_sandbox/events       server-sent events: "change" whenever anything changed
    *    /_sandbox/api/...      the JSON control API (see :mod:`.control`)

**Who may call it.** The control API can make the sandbox POST to a URL, so it
refuses requests a web page on another origin could make: a POST must be
``Content-Type: application/json`` (plain HTML forms cannot send that, and
``fetch`` needs a CORS preflight the inspector never grants), and requests with
an ``Origin`` other than the inspector's own or a ``Sec-Fetch-Site`` other than
``same-origin``/``none`` are answered 403. While bound to a loopback address the
``Host`` header must name a loopback host too (no DNS rebinding). Scripts and the
CLI send neither header and pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import ipaddress
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .actions import PersonActions
from .control import API_PREFIX, ControlApi
from .state import InspectorState

if TYPE_CHECKING:
    from ..zapi_sandbox import ZapiSandbox

__all__ = ["EVENTS_PATH", "STATIC_PREFIX", "Inspector"]

STATIC_PREFIX = "/_sandbox/static"
EVENTS_PATH = "/_sandbox/events"
#: Seconds between keep-alive comments on an idle event stream.
KEEPALIVE_SECONDS = 15.0
#: Seconds in-flight requests get when the inspector stops.
SHUTDOWN_TIMEOUT = 0.5
_ASSETS = {
    "inspector.css": "text/css",
    "dom.js": "text/javascript",
    "messages.js": "text/javascript",
    "inspector.js": "text/javascript",
}
_LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "[::1]"})
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
        "img-src 'self' http: https: data:; media-src 'self' http: https: data:; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _is_loopback(host: str) -> bool:
    if host in _LOOPBACK_NAMES:
        return True
    with contextlib.suppress(ValueError):
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    return False


def _asset(name: str) -> bytes:
    return (resources.files(__package__) / "static" / name).read_bytes()


class _Hub:
    """Wakes every open event stream when something changed (coalescing bursts)."""

    def __init__(self) -> None:
        self._streams: set[asyncio.Event] = set()
        self.closing = False

    def notify(self) -> None:
        for event in self._streams:
            event.set()

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[asyncio.Event]:
        event = asyncio.Event()
        event.set()  # the first "change" makes the page load
        self._streams.add(event)
        try:
            yield event
        finally:
            self._streams.discard(event)

    def close(self) -> None:
        self.closing = True
        self.notify()


class Inspector:
    """The inspector page and control API of one :class:`ZapiSandbox`, on its own port.

    ``ZapiSandbox(inspector=True)`` makes and starts one; :attr:`url` is what
    ``sandbox.inspector_url`` returns.
    """

    def __init__(self, sandbox: ZapiSandbox) -> None:
        self.sandbox = sandbox
        self.actions = PersonActions(sandbox)
        self.state = InspectorState(sandbox, self.actions)
        self._hub = _Hub()
        self._runner: web.AppRunner | None = None
        self._loopback = True
        self.url: str | None = None

    async def start(self, host: str, port: int) -> str:
        """Listen on ``host:port`` (port 0: a free one); return the page's URL."""
        if self._runner is not None:
            raise RuntimeError("the inspector is already running")
        self._hub = _Hub()
        app = web.Application(middlewares=[self._guard])
        app.router.add_get("/", self._index)
        app.router.add_get(STATIC_PREFIX + "/{name}", self._static)
        app.router.add_get(EVENTS_PATH, self._events)
        ControlApi(self.sandbox, self.actions, self.state).add_routes(app)
        options: dict[str, Any] = {"access_log": None}
        if "shutdown_timeout" in inspect.signature(web.BaseRunner.__init__).parameters:
            options["shutdown_timeout"] = SHUTDOWN_TIMEOUT
        runner = web.AppRunner(app, **options)
        await runner.setup()
        try:
            await web.TCPSite(runner, host, port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._loopback = _is_loopback(host)
        self.sandbox.log.watchers.append(self._hub.notify)
        self.sandbox.webhooks.listeners.append(self.state.record)
        bound_host, bound_port = runner.addresses[0][:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        self.url = f"http://{shown}:{bound_port}/"
        return self.url

    def clear(self) -> None:
        """Forget the webhook log and the chats started from the page."""
        self.state.clear()
        self.actions.started.clear()

    async def close(self) -> None:
        """Stop serving (open event streams end first). Safe to call twice."""
        if self._runner is None:
            return
        runner, self._runner = self._runner, None
        self._hub.close()
        with contextlib.suppress(ValueError):
            self.sandbox.log.watchers.remove(self._hub.notify)
        with contextlib.suppress(ValueError):
            self.sandbox.webhooks.listeners.remove(self.state.record)
        await runner.cleanup()

    # -- security -----------------------------------------------------------------------

    def _refusal(self, request: web.Request) -> str | None:
        host = request.host.rsplit(":", 1)[0] if not request.host.endswith("]") else request.host
        if self._loopback and not _is_loopback(host):
            return f"Host {request.host!r} is not a loopback name"
        path = request.path
        if not path.startswith((API_PREFIX, EVENTS_PATH)):
            return None
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"http://{request.host}":
            return "requests from other origins are refused"
        site = request.headers.get("Sec-Fetch-Site")
        if site is not None and site not in ("same-origin", "none"):
            return "cross-site requests are refused"
        if request.method not in ("GET", "HEAD") and request.content_type != "application/json":
            return "send the body as JSON with Content-Type: application/json"
        return None

    @web.middleware
    async def _guard(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        refusal = self._refusal(request)
        if refusal is not None:
            status = 415 if refusal.startswith("send the body") else 403
            response: web.StreamResponse = web.json_response({"error": refusal}, status=status)
        else:
            response = await handler(request)
        if not response.prepared:
            response.headers.update(_SECURITY_HEADERS)
        return response

    # -- page ---------------------------------------------------------------------------

    async def _index(self, request: web.Request) -> web.Response:
        return web.Response(body=_asset("index.html"), content_type="text/html", charset="utf-8")

    async def _static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in _ASSETS:
            raise web.HTTPNotFound()
        return web.Response(body=_asset(name), content_type=_ASSETS[name], charset="utf-8")

    async def _events(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "X-Accel-Buffering": "no"}
        )
        response.headers.update(_SECURITY_HEADERS)
        await response.prepare(request)
        async with self._hub.subscribe() as changed:
            with contextlib.suppress(ConnectionError):
                while not self._hub.closing:
                    try:
                        await asyncio.wait_for(changed.wait(), KEEPALIVE_SECONDS)
                    except asyncio.TimeoutError:
                        await response.write(b": keep-alive\n\n")
                        continue
                    changed.clear()
                    if self._hub.closing:
                        break
                    await response.write(b"event: change\ndata: {}\n\n")
        return response
