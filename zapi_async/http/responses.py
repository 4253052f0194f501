"""Reading Z-API's answers: body decoding, ``Retry-After``, and the one function
that maps a response status to an exception of the :mod:`zapi_async.errors` tree."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from ..errors import (
    AuthenticationError,
    MethodNotAllowedError,
    RateLimitedError,
    SendRefusedError,
    ServerError,
    UnsupportedMediaTypeError,
    ZapiHTTPError,
)
from ..wire.codec import loads, loads_string_object, nesting_within
from .redaction import Redactor

__all__ = [
    "MAX_JSON_DEPTH",
    "decode_body",
    "error_for_status",
    "parse_retry_after",
    "refusal_in_send_body",
]


# Error texts Z-API uses for a missing or wrong Client-Token (the status is 400 there).
_CLIENT_TOKEN_ERRORS = ("null not allowed", "client-token", "client token")

# Deeper JSON is kept as text: redaction and structuring recurse once per level, and
# Z-API's bodies are a few levels deep.
MAX_JSON_DEPTH = 100
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_BINARY_TYPES = ("image/", "application/octet-stream")


def error_text(body: Any) -> str | None:
    """Z-API's human-readable error from a decoded body (``error`` or ``message``)."""
    if isinstance(body, Mapping):
        for key in ("error", "message"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
        return None
    if isinstance(body, str) and body.strip():
        text = " ".join(body.split())
        return text[:200]
    return None


def decode_body(raw: bytes, content_type: str) -> Any:
    """JSON when the body is JSON (whatever the header says), ``bytes`` for an image
    or ``application/octet-stream`` (``GET qr-code`` answers a PNG), else the text.

    A leading UTF-8 byte order mark is ignored; JSON nested deeper than
    ``MAX_JSON_DEPTH`` is returned as text.
    """
    # The usual answer: a small JSON object (so not a PNG), no BOM, too short to nest
    # too deep; a send's answer is a flat object of strings.
    small_object = raw[:1] == b"{" and len(raw) < 2 * MAX_JSON_DEPTH
    if small_object and content_type == "application/json":
        flat = loads_string_object(raw)
        if flat is not None:
            return flat
    if raw.startswith(_PNG_SIGNATURE) or content_type.startswith(_BINARY_TYPES):
        return raw
    if small_object:
        try:
            return loads(raw.decode())
        except (ValueError, RecursionError):  # not UTF-8 or not JSON: the general path
            pass
    text = raw.decode("utf-8-sig", errors="replace")
    stripped = text.lstrip()
    if "json" in content_type or stripped.startswith(("{", "[")):
        try:
            value = loads(text)
        except (ValueError, RecursionError):
            return text
        # Nesting deeper than the limit takes at least two characters a level, so
        # the usual small answers skip the walk.
        if len(text) < 2 * MAX_JSON_DEPTH or nesting_within(value, MAX_JSON_DEPTH):
            return value
        return text
    return text


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        pass
    else:  # "inf" or "nan" is no usable delay
        return max(0.0, seconds) if math.isfinite(seconds) else None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _is_client_token_failure(text: str | None) -> bool:
    lowered = (text or "").lower()
    return any(marker in lowered for marker in _CLIENT_TOKEN_ERRORS)


def error_for_status(
    status: int,
    body: Any,
    *,
    endpoint: str,
    method: str,
    headers: Mapping[str, str],
    redact: Redactor,
) -> ZapiHTTPError | None:
    """The exception for a response, or ``None`` for a success (2xx)."""
    if 200 <= status < 300:
        return None
    body = redact.deep(body)
    text = error_text(body)
    common: dict[str, Any] = {"endpoint": endpoint, "method": method, "error": text, "body": body}
    if status == 405:
        return MethodNotAllowedError(status, **common)
    if status == 415:
        return UnsupportedMediaTypeError(status, **common)
    if status == 429:
        return RateLimitedError(
            status, retry_after=parse_retry_after(headers.get("Retry-After")), **common
        )
    if status >= 500:
        return ServerError(status, **common)
    # Z-API answers a missing or wrong Client-Token with a 400 and a telling text;
    # another 4xx merely mentioning it (a 404 page, a 422 echoing a field) is not an
    # authentication failure, which would stop a whole campaign.
    if status in (401, 403) or (status == 400 and _is_client_token_failure(text)):
        return AuthenticationError(status, **common)
    return ZapiHTTPError(status, **common)


def refusal_in_send_body(
    body: Any, *, endpoint: str, method: str, redact: Redactor
) -> SendRefusedError | None:
    """The error for a send whose 2xx body is ``{"error": ...}``, else ``None``.

    Only for sends: other endpoints legitimately answer 200 with an ``error`` key
    (``GET /status`` says ``"You are not connected."`` there).
    """
    if not isinstance(body, Mapping):
        return None
    text = body.get("error")
    if text is None or text is False or text == "":
        return None
    body = redact.deep(body)
    detail = error_text(body) or redact(str(text))
    return SendRefusedError(200, endpoint=endpoint, method=method, error=detail, body=body)
