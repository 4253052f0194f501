"""One HTTP exchange with one Z-API instance: the pooled session, the instance's
URLs and headers, secret redaction, and the one place that touches aiohttp errors.

:class:`Transport` knows nothing of messages, limiters or retries: it sends bytes
to ``/instances/{id}/token/{token}/{endpoint}`` and returns the decoded answer, or
raises an error of the :mod:`zapi_async.errors` tree (with the token redacted).
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import re
from collections.abc import Mapping
from typing import Any

import aiohttp
from multidict import CIMultiDict
from yarl import URL

from ..config import PoolLimits, Timeouts
from ..errors import (
    ClientClosedError,
    DeliveryUnknownError,
    ResponseFormatError,
    ValidationError,
    ZapiConnectionError,
    ZapiError,
)
from .deadline import Deadline, Deadlines, MarkingConnector, cancelled_itself
from .redaction import REDACTED, Redactor
from .responses import decode_body, error_for_status

__all__ = [
    "ConnectionProgress",
    "Transport",
    "check_credentials",
    "connection_trace",
    "needs_trace",
]

logger = logging.getLogger("zapi_async")

# Failures that happen before a single byte of the request is written.
_NOT_SENT_ERRORS = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)
_NO_DEADLINE = contextlib.nullcontext()
# Endpoints whose URL and display path are kept (paths with ids are not all kept).
_CACHED_ENDPOINTS = 256


# Z-API's instance ids and tokens are letters and digits (upper-case hex and
# alphanumerics); '-' and '_' are allowed too. Anything else ('/', '.', '#', '%', '?',
# spaces) would change the URL's path, cut it short or escape redaction.
_PATH_SECRET = re.compile(r"[A-Za-z0-9_-]{1,128}")
# A header value: printable ASCII without spaces (no line breaks: no header injection).
_HEADER_SECRET = re.compile(r"[!-~]{1,256}")


def check_credentials(instance_id: object, token: object, client_token: object) -> None:
    """Refuse an instance id, token or Client-Token outside Z-API's alphabet with a
    :class:`~zapi_async.ValidationError`; the secrets' values are never shown."""
    if not isinstance(instance_id, str) or not _PATH_SECRET.fullmatch(instance_id):
        shown = repr(instance_id) if isinstance(instance_id, str) else type(instance_id).__name__
        raise ValidationError(
            "ZapiClient.instance_id",
            "should be Z-API's instance id: 1-128 letters, digits, '-' or '_', "
            f"but was {shown[:80]}",
        )
    if not isinstance(token, str) or not _PATH_SECRET.fullmatch(token):
        raise ValidationError(
            "ZapiClient.token",
            "should be Z-API's instance token: 1-128 letters, digits, '-' or '_' "
            "(the value is not shown)",
        )
    if client_token is not None and (
        not isinstance(client_token, str) or not _HEADER_SECRET.fullmatch(client_token)
    ):
        raise ValidationError(
            "ZapiClient.client_token",
            "should be the account's Client-Token: 1-256 printable ASCII characters "
            "without spaces (the value is not shown)",
        )


class ConnectionProgress:
    """Per-attempt marker: set once aiohttp hands the request a connection."""

    __slots__ = ("connected",)

    def __init__(self) -> None:
        self.connected = False


async def _on_connection(session: aiohttp.ClientSession, context: Any, params: Any) -> None:
    marker = context.trace_request_ctx
    if isinstance(marker, ConnectionProgress):
        marker.connected = True


def connection_trace() -> aiohttp.TraceConfig:
    """Notes when a request gets a connection (new or pooled): before that, nothing
    can have been sent, even if the *total* timeout expires while waiting for one."""
    trace = aiohttp.TraceConfig()
    trace.on_connection_create_end.append(_on_connection)
    trace.on_connection_reuseconn.append(_on_connection)
    return trace


def needs_trace(timeouts: Timeouts) -> bool:
    """Whether the *total* timeout could expire while a request waits for a pooled
    connection. aiohttp's ``connect`` timeout covers that wait and raises its own
    error (nothing sent); only when it is missing or not shorter than ``total`` can
    a plain timeout leave us unsure whether anything was sent."""
    if timeouts.total is None:
        return False
    return timeouts.connect is None or timeouts.connect >= timeouts.total


class _State(enum.Enum):
    UNOPENED = "unopened"
    OPEN = "open"
    CLOSED = "closed"


class Transport:
    """The session and URLs of one Z-API instance (see the module docstring).

    ``session`` is borrowed (never closed here) when given; otherwise one is created
    on first use, inside the running loop, and closed by :meth:`close`.
    """

    __slots__ = (
        "_deadlines",
        "_display_prefix",
        "_displays",
        "_headers",
        "_loop",
        "_owns_session",
        "_session",
        "_state",
        "_traced",
        "_url_prefix",
        "_urls",
        "pool",
        "redact",
        "timeouts",
    )

    def __init__(
        self,
        *,
        base_url: str,
        instance_id: str,
        token: str,
        client_token: str | None,
        session: aiohttp.ClientSession | None,
        pool: PoolLimits,
        timeouts: Timeouts,
    ) -> None:
        check_credentials(instance_id, token, client_token)
        self.pool = pool
        self.timeouts = timeouts
        self.redact = Redactor([token, client_token])
        self._loop: asyncio.AbstractEventLoop | None = None
        self._url_prefix = f"{base_url}/instances/{instance_id}/token/{token}/"
        self._display_prefix = f"/instances/{instance_id}/token/{REDACTED}/"
        self._headers = CIMultiDict(
            {"Content-Type": "application/json", "Accept": "application/json"}
        )
        if client_token is not None:
            self._headers["Client-Token"] = client_token
        self._session = session
        self._owns_session = session is None
        self._traced = False
        self._deadlines: Deadlines | None = None
        self._urls: dict[str, URL] = {}
        self._displays: dict[str, str] = {}
        self._state = _State.UNOPENED

    @property
    def state(self) -> str:
        """``"unopened"``, ``"open"`` or ``"closed"``."""
        return self._state.value

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._state is _State.CLOSED

    async def close(self) -> None:
        """Close the session if this transport created it. Idempotent."""
        session, self._state = self._session, _State.CLOSED
        if self._owns_session and session is not None and not session.closed:
            await session.close()

    def open_session(self) -> aiohttp.ClientSession:
        """The session, created on first use; :class:`ClientClosedError` after close."""
        if self._state is _State.CLOSED:
            raise ClientClosedError("this ZapiClient is closed; create a new one")
        loop = asyncio.get_running_loop()
        if self._loop is None:
            self._loop = loop
        elif self._loop is not loop:
            raise ClientClosedError(
                "this ZapiClient was opened in another event loop; a client (and its "
                "session) works in one loop only: create one client per loop"
            )
        if self._session is not None and self._session.closed:
            raise ClientClosedError(
                "the aiohttp session given as session= was closed by its owner; nothing was sent"
            )
        if self._session is None:
            connector = MarkingConnector(
                limit=self.pool.max_connections,
                limit_per_host=self.pool.max_connections_per_host,
                keepalive_timeout=self.pool.keepalive_timeout,
                ttl_dns_cache=self.pool.dns_cache_ttl,
            )
            # `read` and `total` are one Deadline per request (see _round_trip); aiohttp
            # keeps `connect`, which only arms a timer when the pool has no connection.
            # The connector reports getting a connection: no aiohttp trace is needed.
            timeout = aiohttp.ClientTimeout(total=None, connect=self.timeouts.connect)
            self._session = aiohttp.ClientSession(connector=connector, timeout=timeout)
            deadlines = Deadlines(self.timeouts.read, self.timeouts.total)
            self._deadlines = deadlines if deadlines.enabled else None
        self._state = _State.OPEN
        return self._session

    def display(self, endpoint: str) -> str:
        """The endpoint's path with the token hidden, for messages and logs."""
        shown = self._displays.get(endpoint)
        if shown is None:
            shown = self.redact(self._display_prefix + endpoint)
            if len(self._displays) < _CACHED_ENDPOINTS:
                self._displays[endpoint] = shown
        return shown

    def _url(self, endpoint: str) -> URL:
        # Parsed once per endpoint (aiohttp would parse the string on every request).
        url = self._urls.get(endpoint)
        if url is None:
            url = URL(self._url_prefix + endpoint)
            if len(self._urls) < _CACHED_ENDPOINTS:
                self._urls[endpoint] = url
        return url

    def format_error(self, endpoint: str, problem: str, body: Any) -> ResponseFormatError:
        """The error for a 2xx answer that is not the documented shape (redacted)."""
        return ResponseFormatError(
            self.display(endpoint), self.redact(problem), self.redact.deep(body)
        )

    async def exchange(self, method: str, endpoint: str, body: bytes | None) -> Any:
        """One request; the decoded answer of a 2xx, else the mapped error.

        No local of this frame holds the token or the full URL when it raises (error
        reporters such as Sentry capture frame locals): the aiohttp response lives
        only inside :meth:`_round_trip`, which never lets an exception through.
        """
        display = self.display(endpoint)
        outcome = await self._round_trip(method, endpoint, body, display)
        if isinstance(outcome, ZapiError):
            logger.warning("%s", outcome)
            raise outcome
        status, headers, content_type, raw = outcome
        del outcome
        decoded = decode_body(raw, content_type)
        del raw  # a body may echo the token (a 404 naming the path): not a frame local
        error = error_for_status(
            status, decoded, endpoint=display, method=method, headers=headers, redact=self.redact
        )
        del headers  # a redirect's Location may name the tokenised URL
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s %s -> HTTP %d", method, display, status)
        if error is not None:
            del decoded
            raise error
        return decoded

    async def _round_trip(
        self, method: str, endpoint: str, body: bytes | None, display: str
    ) -> tuple[int, Mapping[str, str], str, bytes] | ZapiError:
        """The answer's status, headers, type and body, or the error to raise (returned,
        not raised, so aiohttp's objects and exceptions stay out of tracebacks)."""
        session = self.open_session()
        # Our own session's read and total timeouts (a borrowed one keeps its own).
        deadlines = self._deadlines
        deadline = deadlines.start() if deadlines is not None else None
        try:
            with deadline or _NO_DEADLINE:
                # Redirects are not followed: aiohttp would turn a POST into a GET on
                # 301/302 (reporting a send that never happened) and forward
                # Client-Token to whatever host the Location names.
                async with session.request(
                    method,
                    self._url(endpoint),
                    data=body,
                    headers=self._headers,
                    allow_redirects=False,
                ) as response:
                    raw = await response.read()
                    return response.status, response.headers.copy(), response.content_type, raw
        except _NOT_SENT_ERRORS as exc:
            return ZapiConnectionError(display, self._describe(exc))
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            return DeliveryUnknownError(display, self._describe(exc))
        except asyncio.CancelledError:
            if deadline is not None and deadline.expired():
                return self._timed_out(display, deadline)
            if cancelled_itself() or not (self.closed or session.closed):
                raise
            # aiohttp cancels requests waiting for a pooled connection when the
            # session closes: the caller was not cancelled, the client was closed.
            return ClientClosedError(
                f"the client was closed while {method} {display} waited for a connection; "
                "nothing was sent"
            )
        except RuntimeError as exc:  # aiohttp's "Session is closed"
            if not (self.closed or session.closed):
                raise
            return ClientClosedError(f"the session was closed during {method} {display}: {exc}")

    def _timed_out(self, display: str, deadline: Deadline) -> ZapiError:
        if deadline.connected_at is None:
            # E.g. the total timeout expired while waiting for a pooled connection.
            return ZapiConnectionError(display, "TimeoutError: before connecting")
        if deadline.total_expired():
            detail = f"no complete answer within the total timeout ({self.timeouts.total:g} s)"
        else:
            detail = f"no complete answer within the read timeout ({self.timeouts.read:g} s)"
        return DeliveryUnknownError(display, f"TimeoutError: {detail}")

    def _describe(self, exc: BaseException, default: str = "no detail") -> str:
        detail = str(exc) or default
        return self.redact(f"{type(exc).__name__}: {detail}")
