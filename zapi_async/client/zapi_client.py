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

from collections.abc import AsyncGenerator, AsyncIterable, Iterable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import aiohttp

from .. import environment, splitter
from ..config import DEFAULT_BASE_URL, PoolLimits, Timeouts
from ..errors import ConfigurationError, PartialSendError, SettingsError, ZapiError
from ..http.responses import refusal_in_send_body
from ..http.retry import AttemptObserver, RetryObserver, RetryPolicy, request_with_retries
from ..http.transport import Transport, check_credentials
from ..limits.pacing import PacedLimiter, PacingProfile
from ..limits.rate import ChainedLimiter, Limiter, Unlimited
from ..models.carousel import CarouselMessage, CarouselPolicy, check_carousel
from ..models.messages import ButtonActionsMessage, Message, SendResult
from ..sending.bulk import send_many
from ..sending.outcomes import Outcome
from ..splitter import ButtonPolicy, check_compliant
from ..wire import to_wire
from .actions import MessageActions
from .content_sends import ContentSends
from .instance_calls import InstanceCalls
from .media import MediaDownloads
from .named_sends import NamedSends
from .setup_calls import SetupCalls

__all__ = ["RetryObserver", "ZapiClient"]

M = TypeVar("M", bound=Message)


#: ``from_env`` keyword -> the variable it stands in for.
_ENV_OVERRIDES = {
    "instance_id": environment.ENV_INSTANCE_ID,
    "token": environment.ENV_TOKEN,
    "client_token": environment.ENV_CLIENT_TOKEN,
    "base_url": environment.ENV_BASE_URL,
}


class ZapiClient(
    NamedSends, ContentSends, MessageActions, MediaDownloads, InstanceCalls, SetupCalls
):
    """Async client for one Z-API instance.

    ``instance_id`` and ``token`` identify the instance; ``client_token`` is the
    account's security token, sent as the ``Client-Token`` header when given.
    ``base_url`` points elsewhere (a proxy, or :class:`~zapi_async.ZapiSandbox`).

    Pass ``session=`` to borrow an existing :class:`aiohttp.ClientSession` (it is
    never closed by the client); otherwise one is created on first use, inside the
    running loop, with a connector tuned by ``pool`` and closed by :meth:`close` or
    ``async with``. ``limiter`` paces every HTTP request (default: unlimited, but
    a 429 still pauses all concurrent requests of this client); ``policy`` decides
    how button messages are split; ``carousel_policy`` what carousel cards may
    carry (cards are checked, never split).
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
        carousel_policy: CarouselPolicy = CarouselPolicy(),
    ) -> None:
        check_credentials(instance_id, token, client_token)
        if not base_url.startswith(("http://", "https://")):
            raise SettingsError(
                f"ZapiClient.base_url should start with http(s)://, but was {base_url!r}"
            )
        self.instance_id = instance_id
        self.base_url = base_url.rstrip("/")
        self.pool = pool
        self.timeouts = timeouts
        self.retry = retry
        self.policy = policy
        self.carousel_policy = carousel_policy
        self.limiter: Limiter = limiter if limiter is not None else Unlimited()
        self._transport = Transport(
            base_url=self.base_url,
            instance_id=instance_id,
            token=token,
            client_token=client_token,
            session=session,
            pool=pool,
            timeouts=timeouts,
        )
        self._pacers: dict[PacingProfile, PacedLimiter] = {}

    @classmethod
    def from_env(
        cls,
        *,
        environ: Mapping[str, str] | None = None,
        credentials_file: str | Path | None = None,
        **overrides: Any,
    ) -> ZapiClient:
        """A client configured from ``ZAPI_INSTANCE_ID``, ``ZAPI_TOKEN``,
        ``ZAPI_CLIENT_TOKEN`` and ``ZAPI_BASE_URL``, with the CLI's rules::

            async with ZapiClient.from_env() as zapi:
                await zapi.send_text("5511999999999", "hi")

        ``environ`` defaults to :data:`os.environ`; ``credentials_file`` is a file
        like the CLI's ``--credentials FILE`` (its values win over the
        environment's). ``overrides`` are constructor keywords: ``instance_id``,
        ``token``, ``client_token`` and ``base_url`` replace their variable (a
        variable given this way need not be set), the rest (``pool``, ``retry``,
        ``session``...) go to :class:`ZapiClient` as they are.

        Raises :class:`~zapi_async.ConfigurationError` (a ``ValueError``) naming
        each missing variable, or the malformed one (a token's value is never shown).
        """
        given: dict[str, str | None] = {}
        for keyword, variable in _ENV_OVERRIDES.items():
            if keyword in overrides:
                value = overrides.pop(keyword)
                if value is not None and not isinstance(value, str):
                    raise ConfigurationError(
                        variable, f"{keyword} should be a string, but was {type(value).__name__}"
                    )
                given[variable] = value
        file = Path(credentials_file) if credentials_file is not None else None
        found = environment.load_credentials(environ, file=file, overrides=given)
        return cls(
            found.instance_id,
            found.token,
            client_token=found.client_token,
            base_url=found.base_url,
            **overrides,
        )

    def __repr__(self) -> str:
        return (
            f"ZapiClient(instance_id={self.instance_id!r}, base_url={self.base_url!r}, "
            f"state={self._transport.state!r})"
        )

    # -- lifecycle ---------------------------------------------------------------------

    async def __aenter__(self) -> ZapiClient:
        self._transport.open_session()
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
        return self._transport.closed

    async def close(self) -> None:
        """Close the session if the client created it. Idempotent."""
        await self._transport.close()

    # -- sending -------------------------------------------------------------------------

    def plan(self, message: Message, *, split: bool = True) -> list[Message]:
        """The requests :meth:`send` would make for ``message``, without sending.

        Button messages are split per the client's ``policy`` (or, with
        ``split=False``, checked and refused with :class:`~zapi_async.ValidationError`
        when they do not comply). Carousels are checked against ``carousel_policy``
        and refused the same way (never split).
        """
        if isinstance(message, CarouselMessage):
            check_carousel(message, self.carousel_policy)
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
        raised (nothing was sent). A 200 answer carrying ``{"error": ...}`` raises
        :class:`~zapi_async.SendRefusedError`, never a half-filled result.
        """
        return await self.send_parts(self.plan(message, split=split))

    async def send_button_actions(
        self, message: ButtonActionsMessage, *, split: bool = True
    ) -> list[SendResult]:
        """Send a message with action buttons, split into compliant parts by default.

        With ``split=False`` a non-compliant message raises
        :class:`~zapi_async.ValidationError` before any network I/O.
        """
        return await self.send_parts(self.plan(message, split=split))

    async def send_parts(
        self,
        parts: Sequence[Message],
        *,
        limiter: Limiter | None = None,
        on_retry: RetryObserver | None = None,
        on_attempt: AttemptObserver | None = None,
    ) -> list[SendResult]:
        """Send already planned parts in order (see :meth:`plan`).

        ``limiter`` comes on top of the client's for these requests; ``on_retry``
        observes each retry and ``on_attempt`` each request about to go out (used by
        :class:`~zapi_async.SendQueue` for its statistics and its "maybe sent" rule).
        """
        results: list[SendResult] = []
        chained = self._limiter_for(limiter)
        transport = self._transport
        for index, part in enumerate(parts):
            endpoint = part.endpoint
            try:
                body = await request_with_retries(
                    transport,
                    "POST",
                    endpoint,
                    to_wire(part),
                    limiter=chained,
                    retry=self.retry,
                    on_retry=on_retry,
                    on_attempt=on_attempt,
                )
                answer = self._send_answer(body, endpoint)
                del body  # the raw answer stays out of the traceback's frame locals
                if not isinstance(answer, SendResult):
                    raise answer
                results.append(answer)
            except ZapiError as exc:
                if not results:
                    raise
                raise PartialSendError(results, index, len(parts), exc) from exc
        return results

    def _send_answer(self, body: Any, endpoint: str) -> SendResult | ZapiError:
        """A send's 2xx answer as a :class:`SendResult`, or the (redacted) error to raise:
        a 200 carrying ``{"error": ...}`` or an answer of another shape."""
        if body.__class__ is not dict or "error" in body:
            transport = self._transport
            refusal = refusal_in_send_body(
                body, endpoint=transport.display(endpoint), method="POST", redact=transport.redact
            )
            if refusal is not None:
                return refusal
        return self._try_structure(body, SendResult, endpoint)

    def pacer(self, profile: PacingProfile) -> PacedLimiter:
        """The :class:`~zapi_async.PacedLimiter` applying ``profile`` to this instance.

        One per profile and client, so the daily cap and the warm-up count every
        queue and ``send_many`` run of this client, not each run afresh.
        """
        pacer = self._pacers.get(profile)
        if pacer is None:
            pacer = self._pacers[profile] = PacedLimiter(profile)
        return pacer

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

        See :func:`zapi_async.sending.bulk.send_many` for the details.
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
        """Call any Z-API endpoint; returns the decoded JSON body (``bytes`` for an
        image or ``application/octet-stream`` answer, text for other non-JSON ones).

        ``endpoint`` is the path after the token (``"status"``, ``"queue/count"``).
        Errors, retries, pacing and redaction are the same as for :meth:`send`.
        """
        return await self._call(method.upper(), endpoint.lstrip("/"), json)

    async def _call(
        self,
        method: str,
        endpoint: str,
        payload: Any,
        *,
        limiter: Limiter | None = None,
        on_retry: RetryObserver | None = None,
    ) -> Any:
        return await request_with_retries(
            self._transport,
            method,
            endpoint,
            payload,
            limiter=self._limiter_for(limiter),
            retry=self.retry,
            on_retry=on_retry,
        )

    def _limiter_for(self, limiter: Limiter | None) -> Limiter:
        # The client's own limiter always applies (its pauses hold every sender of
        # the instance); a per-call limiter comes on top of it.
        return self.limiter if limiter is None else ChainedLimiter(self.limiter, limiter)
