"""Receiving Z-API webhooks in an aiohttp application.

Mount a sub-application::

    app = web.Application()
    app.add_subapp("/zapi", make_aiohttp_app(router, WebhookSecurity(secret="s3cr3t")))
    # Z-API webhook URL: https://bot.example.com/zapi/s3cr3t

or add the handler to your own route (include ``{secret}`` in the path to use a
path secret)::

    app.router.add_post("/hooks/zapi/{secret}", make_aiohttp_handler(router, security))
    app.on_shutdown.append(lambda _: router.aclose())

The handler answers at once (200 ``{"ok": true}``) and runs handlers in the
router's background tasks; 400/403/413 answers never reach handlers.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from . import handling
from .router import DEFAULT_CLOSE_TIMEOUT, WebhookRouter
from .security import WebhookSecurity

__all__ = ["make_aiohttp_app", "make_aiohttp_handler"]

#: Bytes read from the request stream at a time.
_CHUNK = 64 * 1024


def _respond(reply: handling.Reply) -> web.Response:
    return web.json_response(reply.body, status=reply.status)


def make_aiohttp_handler(
    router: WebhookRouter, security: WebhookSecurity | None = None
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """An aiohttp request handler feeding ``router``, guarded by ``security``.

    A ``{secret}`` variable in the route path is compared with
    ``security.secret``, as is the ``security.secret_header`` header.
    Default ``security``: ``WebhookSecurity()`` (1 MiB limit, no other checks).
    """
    config = security if security is not None else WebhookSecurity()

    async def handle_zapi_webhook(request: web.Request) -> web.StreamResponse:
        refusal = handling.check_request(
            config,
            header_secret=request.headers.get(config.secret_header),
            path_secret=request.match_info.get("secret"),
            header_token=request.headers.get(config.token_header),
            content_length=request.content_length,
        )
        if refusal is not None:
            return _respond(refusal)
        body = await handling.read_limited(
            request.content.iter_chunked(_CHUNK), config.max_body_bytes
        )
        if body is None:
            return _respond(handling.TOO_LARGE)
        return _respond(handling.accept(router, config, body))

    return handle_zapi_webhook


def make_aiohttp_app(
    router: WebhookRouter,
    security: WebhookSecurity | None = None,
    *,
    close_timeout: float = DEFAULT_CLOSE_TIMEOUT,
) -> web.Application:
    """An aiohttp application receiving webhooks at its root (``/zapi`` and ``/zapi/``
    once mounted with ``parent.add_subapp("/zapi", ...)``) and, when a secret is set,
    at ``/{secret}`` below it. It can also run on its own.

    On shutdown it calls ``router.aclose(close_timeout)`` (default 10 seconds):
    running handlers get that long to finish, then are cancelled.
    """
    config = security if security is not None else WebhookSecurity()
    handler = make_aiohttp_handler(router, config)
    app = web.Application(client_max_size=config.max_body_bytes)
    app.router.add_post("", handler)
    app.router.add_post("/", handler)
    if config.secret is not None:
        app.router.add_post("/{secret}", handler)

    async def close_router(_: web.Application) -> None:
        await router.aclose(close_timeout)

    app.on_shutdown.append(close_router)
    return app
