"""Framework-neutral request handling shared by the aiohttp and FastAPI adapters.

Each adapter checks the secret and the declared size, reads the body with the limit,
then calls :func:`accept` and turns the :class:`Reply` into its own response.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterable

import attrs

from ..errors import RouterBusyError, RouterClosedError, WebhookError
from .parsing import parse_webhook
from .router import WebhookRouter
from .security import WebhookSecurity

logger = logging.getLogger("zapi_async.webhooks")


@attrs.frozen
class Reply:
    """HTTP status and JSON body to answer with."""

    status: int
    body: dict[str, object]


ACCEPTED = Reply(200, {"ok": True})
FORBIDDEN = Reply(403, {"error": "forbidden"})
TOO_LARGE = Reply(413, {"error": "request body too large"})
CLOSED = Reply(503, {"error": "shutting down, retry later"})
BUSY = Reply(503, {"error": "too many webhooks being handled, retry later"})


def check_request(
    security: WebhookSecurity,
    *,
    header_secret: str | None,
    path_secret: str | None,
    content_length: int | None,
    header_token: str | None = None,
) -> Reply | None:
    """A refusal before the body is read, or ``None`` to go on."""
    if not security.secret_ok(header=header_secret, path_segment=path_secret):
        logger.warning("webhook refused: missing or wrong secret")
        return FORBIDDEN
    if not security.token_ok(header_token):
        logger.warning("webhook refused: missing or wrong %s header", security.token_header)
        return FORBIDDEN
    if content_length is not None and content_length > security.max_body_bytes:
        logger.warning("webhook refused: declared body of %d bytes is too large", content_length)
        return TOO_LARGE
    return None


async def read_limited(chunks: AsyncIterable[bytes], limit: int) -> bytes | None:
    """The body, or ``None`` as soon as it grows past ``limit`` bytes."""
    body = bytearray()
    async for chunk in chunks:
        body += chunk
        if len(body) > limit:
            logger.warning("webhook refused: body larger than %d bytes", limit)
            return None
    return bytes(body)


def accept(router: WebhookRouter, security: WebhookSecurity, body: bytes) -> Reply:
    """Parse ``body``, check its instance and hand the event to ``router.submit``."""
    try:
        event = parse_webhook(body)
    except WebhookError as exc:
        logger.warning("webhook refused: %s", exc)
        return Reply(400, {"error": str(exc)})
    if not security.instance_ok(event.raw):
        logger.warning("webhook refused: unexpected instanceId")
        return FORBIDDEN
    try:
        router.submit(event)
    except RouterClosedError:
        return CLOSED
    except RouterBusyError as exc:
        logger.warning("webhook refused: %s", exc)
        return BUSY
    return ACCEPTED
