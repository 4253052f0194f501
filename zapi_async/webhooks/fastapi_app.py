"""Receiving Z-API webhooks in a FastAPI application (needs the ``fastapi`` extra).

::

    app = FastAPI()
    app.include_router(
        make_fastapi_router(router, WebhookSecurity(secret="s3cr3t"), path="/zapi")
    )
    # Z-API webhook URL: https://bot.example.com/zapi/s3cr3t

The endpoint answers at once (200 ``{"ok": true}``) and runs handlers in the
router's background tasks; 400/403/413 answers never reach handlers. The returned
``APIRouter`` carries a lifespan that closes the router on shutdown (FastAPI merges
router lifespans into the app's since 0.112; with older versions call
``await router.aclose()`` from your own lifespan).

This is the only module that imports FastAPI; ``zapi_async.webhooks`` imports it
lazily, so the rest of the library works without FastAPI installed.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from . import handling
from .router import DEFAULT_CLOSE_TIMEOUT, WebhookRouter
from .security import WebhookSecurity

__all__ = ["make_fastapi_router"]


def _respond(reply: handling.Reply) -> Response:
    return JSONResponse(reply.body, status_code=reply.status)


def _content_length(request: Request) -> int | None:
    value = request.headers.get("content-length")
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def make_fastapi_router(
    router: WebhookRouter,
    security: WebhookSecurity | None = None,
    *,
    path: str = "/zapi/webhook",
    close_timeout: float = DEFAULT_CLOSE_TIMEOUT,
) -> APIRouter:
    """An ``APIRouter`` with ``POST {path}`` (and ``POST {path}/{secret}`` when a
    secret is set) feeding ``router``, guarded by ``security``.

    ``path`` defaults to ``"/zapi/webhook"``. Default ``security``:
    ``WebhookSecurity()`` (1 MiB limit, no other checks). On app shutdown the
    router is closed with ``close_timeout`` seconds (default 10) for running
    handlers.
    """
    config = security if security is not None else WebhookSecurity()
    path = "/" + path.strip("/")

    @asynccontextmanager
    async def lifespan(_: Any) -> AsyncIterator[None]:
        yield
        await router.aclose(close_timeout)

    api = APIRouter(lifespan=lifespan)

    async def receive_zapi_webhook(request: Request) -> Response:
        refusal = handling.check_request(
            config,
            header_secret=request.headers.get(config.secret_header),
            path_secret=request.path_params.get("secret"),
            header_token=request.headers.get(config.token_header),
            content_length=_content_length(request),
        )
        if refusal is not None:
            return _respond(refusal)
        body = await handling.read_limited(request.stream(), config.max_body_bytes)
        if body is None:
            return _respond(handling.TOO_LARGE)
        return _respond(handling.accept(router, config, body))

    # A plain Starlette route: the raw body is ours to read with a size limit.
    api.add_route(path, receive_zapi_webhook, methods=["POST"], include_in_schema=False)
    if config.secret is not None:
        api.add_route(
            path + "/{secret}", receive_zapi_webhook, methods=["POST"], include_in_schema=False
        )
    return api
