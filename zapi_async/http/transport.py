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
from typing import Any

import aiohttp
from multidict import CIMultiDict
from yarl import URL

from ..config import PoolLimits, Timeouts
from ..errors import (
    ClientClosedError,
    DeliveryUnknownError,
    ResponseFormatError,
    ZapiConnectionError,
    ZapiError,
)
from .deadline import Deadline, MarkingConnector
from .redaction import REDACTED, Redactor
from .responses import decode_body, error_for_status

__all__ = ["Transport"]

logger = logging.getLogger("zapi_async")

# Failures that happen before a single byte of the request is written.
_NOT_SENT_ERRORS = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)
_NO_DEADLINE = contextlib.nullcontext()
# Endpoints whose URL and display path are kept (paths with ids are not all kept).
_CACHED_ENDPOINTS = 256


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
        "_display_prefix",
        "_displays",
        "_headers",
        "_owns_session",
        "_session",
        "_state",
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
        self.pool = pool
        self.timeouts = timeouts
        self.redact = Redactor([token, client_token])
        self._url_prefix = f"{base_url}/instances/{instance_id}/token/{token}/"
        self._display_prefix = f"/instances/{instance_id}/token/{REDACTED}/"
        self._headers = CIMultiDict(
            {"Content-Type": "application/json", "Accept": "application/json"}
        )
        if client_token is not None:
            self._headers["Client-Token"] = client_token
        self._session = session
        self._owns_session = session is None
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
        if self._session is None:
            connector = MarkingConnector(
                limit=self.pool.max_connections,
                limit_per_host=self.pool.max_connections_per_host,
                keepalive_timeout=self.pool.keepalive_timeout,
                ttl_dns_cache=self.pool.dns_cache_ttl,
            )
            # `read` and `total` are one Deadline per request (see exchange); aiohttp
            # keeps `connect`, which only arms a timer when the pool has no connection.
            timeout = aiohttp.ClientTimeout(total=None, connect=self.timeouts.connect)
            self._session = aiohttp.ClientSession(connector=connector, timeout=timeout)
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
        """One request; the decoded answer of a 2xx, else the mapped error."""
        session = self.open_session()
        display = self.display(endpoint)
        failure: ZapiError | None = None
        # Our own session's read and total timeouts (a borrowed one keeps its own).
        deadline = Deadline(self.timeouts.read, self.timeouts.total) if self._owns_session else None
        with deadline or _NO_DEADLINE:
            try:
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
                    status, headers = response.status, response.headers
                    content_type = response.content_type
            except _NOT_SENT_ERRORS as exc:
                failure = ZapiConnectionError(display, self._describe(exc))
            except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
                failure = DeliveryUnknownError(display, self._describe(exc))
            except asyncio.CancelledError:
                if deadline is None or not deadline.expired():
                    raise
                failure = self._timed_out(display, deadline)
        if failure is not None:
            # Raised outside the except block: aiohttp's exception (which may carry
            # the tokenised URL) is not chained as __context__.
            logger.warning("%s", failure)
            raise failure
        decoded = decode_body(raw, content_type)
        if not 200 <= status < 300:
            error = error_for_status(
                status,
                decoded,
                endpoint=display,
                method=method,
                headers=headers,
                redact=self.redact,
            )
            if error is not None:
                raise error
        if logger.isEnabledFor(logging.DEBUG):
            logger.debug("%s %s -> HTTP %d", method, display, status)
        return decoded

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
