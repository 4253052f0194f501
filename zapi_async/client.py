"""``ZapiClient``: one pooled aiohttp session per Z-API instance.

::

    async with ZapiClient(instance_id, token, client_token=ct) as zapi:
        results = await zapi.send_button_actions(message)

The client owns (or borrows) one :class:`aiohttp.ClientSession`, turns models into
Z-API's JSON, applies the limiter and the :class:`~zapi_async.RetryPolicy`, and maps
every failure to the :mod:`zapi_async.errors` tree. The instance token and the
Client-Token never appear in its repr, logs or exceptions.
"""

from __future__ import annotations

import asyncio
import enum
import json
import logging
import math
from collections.abc import AsyncGenerator, AsyncIterable, Callable, Iterable, Sequence
from types import TracebackType
from typing import Any, TypeVar

import aiohttp

from . import splitter
from ._checks import check_text
from ._http import (
    REDACTED,
    Progress,
    Redactor,
    connection_trace,
    decode_body,
    error_for_status,
    needs_trace,
)
from ._instance_api import InstanceAPI
from .bulk import send_many
from .config import DEFAULT_BASE_URL, PoolLimits, Timeouts
from .errors import (
    ClientClosedError,
    DeliveryUnknownError,
    PartialSendError,
    RateLimitedError,
    ResponseFormatError,
    ZapiConnectionError,
    ZapiError,
)
from .messages import ButtonActionsMessage, Message, SendResult
from .outcomes import Outcome
from .pacing import PacedLimiter, PacingProfile
from .ratelimit import ChainedLimiter, Limiter, Unlimited
from .retry import RetryPolicy
from .splitter import ButtonPolicy, check_compliant
from .wire import to_wire

__all__ = ["RetryObserver", "ZapiClient"]

logger = logging.getLogger("zapi_async")

M = TypeVar("M", bound=Message)

#: Called before each retry with the error, the try number that failed and the delay.
RetryObserver = Callable[[ZapiError, int, float], None]

# Failures that happen before a single byte of the request is written.
_NOT_SENT_ERRORS = (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError)


class _State(enum.Enum):
    UNOPENED = "unopened"
    OPEN = "open"
    CLOSED = "closed"


class ZapiClient(InstanceAPI):
    """Async client for one Z-API instance.

    ``instance_id`` and ``token`` identify the instance; ``client_token`` is the
    account's security token, sent as the ``Client-Token`` header when given.
    ``base_url`` points elsewhere (a proxy, or :class:`~zapi_async.ZapiSandbox`).

    Pass ``session=`` to borrow an existing :class:`aiohttp.ClientSession` (it is
    never closed by the client); otherwise one is created on first use, inside the
    running loop, with a connector tuned by ``pool`` and closed by :meth:`close` or
    ``async with``. ``limiter`` paces every HTTP request (default: unlimited, but
    a 429 still pauses all concurrent requests of this client); ``policy`` decides
    how button messages are split.
    """

    def __init__(
        self,
        instance_id: str,
        token: str,
        *,
        client_token: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        session: aiohttp.ClientSession | None = None,
        pool: PoolLimits = PoolLimits(),
        timeouts: Timeouts = Timeouts(),
        retry: RetryPolicy = RetryPolicy(),
        policy: ButtonPolicy = ButtonPolicy(),
        limiter: Limiter | None = None,
    ) -> None:
        check_text("ZapiClient.instance_id", instance_id)
        check_text("ZapiClient.token", token)
        if client_token is not None:
            check_text("ZapiClient.client_token", client_token)
        if not base_url.startswith(("http://", "https://")):
            raise ValueError(
                f"ZapiClient.base_url should start with http(s)://, but was {base_url!r}"
            )
        self.instance_id = instance_id
        self.base_url = base_url.rstrip("/")
        self.pool = pool
        self.timeouts = timeouts
        self.retry = retry
        self.policy = policy
        self.limiter: Limiter = limiter if limiter is not None else Unlimited()
        self._token = token
        self._redact = Redactor([token, client_token])
        self._url_prefix = f"{self.base_url}/instances/{instance_id}/token/{token}/"
        self._display_prefix = f"/instances/{instance_id}/token/{REDACTED}/"
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if client_token is not None:
            self._headers["Client-Token"] = client_token
        self._session = session
        self._owns_session = session is None
        self._pacers: dict[PacingProfile, PacedLimiter] = {}
        self._traced = False
        self._state = _State.UNOPENED

    def __repr__(self) -> str:
        return (
            f"ZapiClient(instance_id={self.instance_id!r}, base_url={self.base_url!r}, "
            f"state={self._state.value!r})"
        )

    # -- lifecycle ---------------------------------------------------------------------

    async def __aenter__(self) -> ZapiClient:
        self._open_session()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._state is _State.CLOSED

    async def close(self) -> None:
        """Close the session if the client created it. Idempotent."""
        session, self._state = self._session, _State.CLOSED
        if self._owns_session and session is not None and not session.closed:
            await session.close()

    def _open_session(self) -> aiohttp.ClientSession:
        if self._state is _State.CLOSED:
            raise ClientClosedError("this ZapiClient is closed; create a new one")
        if self._session is None:
            connector = aiohttp.TCPConnector(
                limit=self.pool.max_connections,
                limit_per_host=self.pool.max_connections_per_host,
                keepalive_timeout=self.pool.keepalive_timeout,
                ttl_dns_cache=self.pool.dns_cache_ttl,
            )
            timeout = aiohttp.ClientTimeout(
                total=self.timeouts.total,
                connect=self.timeouts.connect,
                sock_read=self.timeouts.read,
            )
            # Tracing costs ~10% CPU per request: only when a total timeout could
            # expire while waiting for a pooled connection (see _http.needs_trace).
            self._traced = needs_trace(self.timeouts)
            traces = [connection_trace()] if self._traced else None
            self._session = aiohttp.ClientSession(
                connector=connector, timeout=timeout, trace_configs=traces
            )
        self._state = _State.OPEN
        return self._session

    # -- sending -------------------------------------------------------------------------

    def plan(self, message: Message, *, split: bool = True) -> list[Message]:
        """The requests :meth:`send` would make for ``message``, without sending.

        Button messages are split per the client's ``policy`` (or, with
        ``split=False``, checked and refused with :class:`~zapi_async.ValidationError`
        when they do not comply).
        """
        if isinstance(message, ButtonActionsMessage):
            if split:
                return list(splitter.split(message, self.policy))
            check_compliant(message, self.policy)
        return [message]

    async def send(self, message: Message, *, split: bool = True) -> list[SendResult]:
        """Send any message model; returns one :class:`SendResult` per request made.

        Parts of a split message go out in order, each only after the previous one
        succeeded. If a later part fails, :class:`~zapi_async.PartialSendError` holds
        the results of the parts already sent; if the first fails, its own error is
        raised (nothing was sent).
        """
        return await self.send_parts(self.plan(message, split=split))

    async def send_button_actions(
        self, message: ButtonActionsMessage, *, split: bool = True
    ) -> list[SendResult]:
        """Send a message with action buttons, split into compliant parts by default.

        With ``split=False`` a non-compliant message raises
        :class:`~zapi_async.ValidationError` before any network I/O.
        """
        return await self.send(message, split=split)

    async def send_parts(
        self,
        parts: Sequence[Message],
        *,
        limiter: Limiter | None = None,
        on_retry: RetryObserver | None = None,
    ) -> list[SendResult]:
        """Send already planned parts in order (see :meth:`plan`).

        ``limiter`` overrides the client's for these requests; ``on_retry`` observes
        each retry (used by :class:`~zapi_async.SendQueue` for its statistics).
        """
        results: list[SendResult] = []
        for index, part in enumerate(parts):
            try:
                body = await self._request(
                    "POST", part.endpoint, to_wire(part), limiter=limiter, on_retry=on_retry
                )
                results.append(self._send_result(part.endpoint, body))
            except ZapiError as exc:
                if not results:
                    raise
                raise PartialSendError(results, index, len(parts), exc) from exc
        return results

    def pacer(self, profile: PacingProfile) -> PacedLimiter:
        """The :class:`~zapi_async.PacedLimiter` applying ``profile`` to this instance.

        One per profile and client, so the daily cap and the warm-up count every
        queue and ``send_many`` run of this client, not each run afresh.
        """
        pacer = self._pacers.get(profile)
        if pacer is None:
            pacer = self._pacers[profile] = PacedLimiter(profile)
        return pacer

    def _send_result(self, endpoint: str, body: Any) -> SendResult:
        return self._structure(body, SendResult, endpoint)

    def _format_error(self, endpoint: str, problem: str, body: Any) -> ResponseFormatError:
        return ResponseFormatError(
            self._display(endpoint), self._redact(problem), self._redact.deep(body)
        )

    def send_many(
        self,
        messages: Iterable[M] | AsyncIterable[M],
        *,
        rate: float | None = None,
        burst: int = 1,
        concurrency: int = 8,
        ordered: bool = False,
        limiter: Limiter | None = None,
        pacing: PacingProfile | None = None,
        check_status: bool = False,
        status_every: int = 200,
    ) -> AsyncGenerator[Outcome[M], None]:
        """Send any number of messages concurrently; yield one outcome per input.

        See :func:`zapi_async.bulk.send_many` for the details.
        """
        return send_many(
            self,
            messages,
            rate=rate,
            burst=burst,
            concurrency=concurrency,
            ordered=ordered,
            limiter=limiter,
            pacing=pacing,
            check_status=check_status,
            status_every=status_every,
        )

    async def request(self, method: str, endpoint: str, json: Any = None) -> Any:
        """Call any Z-API endpoint; returns the decoded JSON body.

        ``endpoint`` is the path after the token (``"status"``, ``"queue/count"``).
        Errors, retries, pacing and redaction are the same as for :meth:`send`.
        """
        return await self._request(method.upper(), endpoint.lstrip("/"), json)

    # -- one choke point for HTTP ------------------------------------------------------------

    def _display(self, endpoint: str) -> str:
        return self._redact(self._display_prefix + endpoint)

    async def _request(
        self,
        method: str,
        endpoint: str,
        payload: Any,
        *,
        limiter: Limiter | None = None,
        on_retry: RetryObserver | None = None,
    ) -> Any:
        # The client's own limiter always applies (its pauses hold every sender of
        # the instance); a per-call limiter comes on top of it.
        limiter = self.limiter if limiter is None else ChainedLimiter(self.limiter, limiter)
        body = None if payload is None else _dumps(payload)
        loop = asyncio.get_running_loop()
        started = loop.time()
        queued = 0.0  # time spent waiting for the limiter: not retry time
        attempt = 0
        while True:
            attempt += 1
            before = loop.time()
            await limiter.acquire()
            queued += loop.time() - before
            try:
                return await self._attempt(method, endpoint, body)
            except ZapiError as exc:
                delay = self.retry.next_delay(attempt, exc, loop.time() - started - queued)
                if isinstance(exc, RateLimitedError):
                    # Every sender of this instance holds off, not just this one.
                    await limiter.pause(self._pause_after(exc, delay))
                if delay is None:
                    raise
                logger.info(
                    "retrying %s %s in %.2fs after try %d: %s",
                    method,
                    self._display(endpoint),
                    delay,
                    attempt,
                    exc,
                )
                if on_retry is not None:
                    on_retry(exc, attempt, delay)
                await self.retry.sleep(delay)

    def _pause_after(self, error: RateLimitedError, delay: float | None) -> float:
        """How long a 429 holds every sender: ``Retry-After`` (capped like the retry
        delay, so a huge or bogus header cannot stall the limiter), else the backoff."""
        if error.retry_after is not None and math.isfinite(error.retry_after):
            return min(error.retry_after, self.retry.max_retry_after)
        return delay if delay is not None else self.retry.backoff(2)

    async def _attempt(self, method: str, endpoint: str, body: bytes | None) -> Any:
        session = self._open_session()
        display = self._display(endpoint)
        failure: ZapiError | None = None
        # Only a traced session (ours) reports getting a connection.
        progress = Progress() if self._traced else None
        try:
            # Redirects are not followed: aiohttp would turn a POST into a GET on
            # 301/302 (reporting a send that never happened) and forward Client-Token
            # to whatever host the Location names.
            async with session.request(
                method,
                self._url_prefix + endpoint,
                data=body,
                headers=self._headers,
                allow_redirects=False,
                trace_request_ctx=progress,
            ) as response:
                raw = await response.read()
                status, headers = response.status, response.headers
                content_type = response.content_type
        except _NOT_SENT_ERRORS as exc:
            failure = ZapiConnectionError(display, self._describe(exc))
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            if progress is not None and not progress.connected:
                # E.g. the total timeout expired while waiting for a pooled connection.
                failure = ZapiConnectionError(display, self._describe(exc, "before connecting"))
            else:
                failure = DeliveryUnknownError(display, self._describe(exc))
        if failure is not None:
            # Raised outside the except block: aiohttp's exception (which may carry
            # the tokenised URL) is not chained as __context__.
            logger.warning("%s", failure)
            raise failure
        decoded = decode_body(raw, content_type)
        error = error_for_status(
            status, decoded, endpoint=display, method=method, headers=headers, redact=self._redact
        )
        logger.debug("%s %s -> HTTP %d", method, display, status)
        if error is not None:
            raise error
        return decoded

    def _describe(self, exc: BaseException, default: str = "no detail") -> str:
        detail = str(exc) or default
        return self._redact(f"{type(exc).__name__}: {detail}")


def _dumps(payload: Any) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
