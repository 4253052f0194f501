"""When and how long to wait before retrying a failed request.

:class:`RetryPolicy` is a frozen value object; the client asks it two questions
after each failure: *may this be retried?* and *how long to wait?*::

    >>> policy = RetryPolicy(max_attempts=3, backoff_base=0.5, jitter=0.0)
    >>> policy.delay_before(attempt=2, error=ServerError(503, endpoint="/x"))
    1.0

What is retried by default, and why:

* connection failures before the request was sent (:class:`ZapiConnectionError`):
  Z-API never saw it;
* HTTP 429 (:class:`RateLimitedError`), waiting ``Retry-After`` when given;
* HTTP 502, 503 and 504: a gateway or an overloaded server that did not process it
  (a 504 is a gateway giving up: in rare cases Z-API may still have processed the
  request; leave 504 out of ``retry_statuses`` if even a rare duplicate is too many).

Not retried by default: :class:`DeliveryUnknownError` (a timeout or disconnect after
the body may have reached Z-API). A retry could deliver the WhatsApp message twice,
and a duplicate message is worse for a recipient than a reported failure. Opt in with
``retry_delivery_unknown=True`` only if duplicates are acceptable.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from collections.abc import Awaitable, Callable
from typing import Any

import attrs

from ..errors import (
    DeliveryUnknownError,
    RateLimitedError,
    ServerError,
    SettingsError,
    ZapiConnectionError,
    ZapiError,
)
from ..limits.rate import Limiter, Unlimited
from ..wire.codec import dumps
from .transport import Transport

__all__ = ["AttemptObserver", "RetryObserver", "RetryPolicy", "request_with_retries"]


def _at_least(minimum: float) -> Callable[[object, attrs.Attribute[Any], Any], None]:
    def check(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        # `not value >= minimum` also refuses NaN.
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= minimum:
            raise SettingsError(
                f"RetryPolicy.{attribute.name} should be a number >= {minimum}, but was {value!r}"
            )

    return check


@attrs.frozen(kw_only=True)
class RetryPolicy:
    """Bounded exponential backoff with jitter.

    * ``max_attempts``: tries in total, the first included (default 4; 1 = never retry).
    * ``max_elapsed``: seconds after the first try beyond which no retry starts
      (default 30). Time spent waiting for the rate limiter, and a 429's
      ``Retry-After`` wait, are not counted: a 429 pauses every sender and its own
      message is retried after that same pause (attempts left permitting), however
      long the pause is up to ``max_retry_after``.
    * ``backoff_base``: seconds before the first retry; doubles each retry
      (default 0.5), capped at ``backoff_max`` (default 8).
    * ``jitter``: fraction of each delay drawn at random (default 0.5: a delay of
      2 s becomes 1..2 s), so many clients do not retry in lockstep.
    * ``retry_statuses``: HTTP statuses retried (default 502, 503, 504).
    * ``retry_rate_limited``: retry 429 (default True), after ``Retry-After`` (capped
      at ``max_retry_after`` seconds, default 120) or the backoff when absent.
    * ``retry_delivery_unknown``: retry ambiguous failures (default False; see module
      docs).
    * ``sleep`` / ``random``: injectable for tests.
    """

    max_attempts: int = attrs.field(default=4, validator=_at_least(1))
    max_elapsed: float = attrs.field(default=30.0, validator=_at_least(0))
    backoff_base: float = attrs.field(default=0.5, validator=_at_least(0))
    backoff_max: float = attrs.field(default=8.0, validator=_at_least(0))
    jitter: float = attrs.field(default=0.5, validator=_at_least(0))
    retry_statuses: frozenset[int] = attrs.field(
        default=frozenset({502, 503, 504}), converter=frozenset
    )
    retry_rate_limited: bool = True
    max_retry_after: float = attrs.field(default=120.0, validator=_at_least(0))
    retry_delivery_unknown: bool = False
    sleep: Callable[[float], Awaitable[None]] = attrs.field(default=asyncio.sleep, repr=False)
    random: Callable[[], float] = attrs.field(default=random.random, repr=False)

    @classmethod
    def never(cls) -> RetryPolicy:
        """A policy that makes exactly one attempt."""
        return cls(max_attempts=1)

    def is_retryable(self, error: ZapiError) -> bool:
        """Whether ``error`` is of a kind this policy retries (attempt limits aside)."""
        if isinstance(error, ZapiConnectionError):
            return True
        if isinstance(error, RateLimitedError):
            return self.retry_rate_limited
        if isinstance(error, ServerError):
            return error.status in self.retry_statuses
        if isinstance(error, DeliveryUnknownError):
            return self.retry_delivery_unknown
        return False

    def backoff(self, attempt: int) -> float:
        """Jittered exponential delay before try number ``attempt`` (2 = first retry)."""
        delay = min(self.backoff_max, self.backoff_base * 2 ** max(0, attempt - 2))
        jitter = min(1.0, self.jitter)
        return float(delay * (1 - jitter * self.random()))

    def delay_before(self, attempt: int, error: ZapiError) -> float:
        """Seconds to wait before try number ``attempt`` after ``error``."""
        if isinstance(error, RateLimitedError) and error.retry_after is not None:
            return min(error.retry_after, self.max_retry_after)
        return self.backoff(attempt)

    def next_delay(self, attempt: int, error: ZapiError, elapsed: float) -> float | None:
        """Delay before retrying after failed try ``attempt``, or ``None`` to give up.

        ``elapsed`` is the time in seconds since the first try started.
        """
        if attempt >= self.max_attempts or not self.is_retryable(error):
            return None
        delay = self.delay_before(attempt + 1, error)
        # A 429 wait is the server's pause, not retry time: it holds every sender,
        # so the message that met it is retried after it instead of being dropped.
        if not isinstance(error, RateLimitedError) and elapsed + delay > self.max_elapsed:
            return None
        return delay


logger = logging.getLogger("zapi_async")

#: Called before each retry with the error, the try number that failed and the delay.
RetryObserver = Callable[[ZapiError, int, float], None]
#: Called just before each try's request goes out (after the limiter let it through).
AttemptObserver = Callable[[], None]


async def request_with_retries(
    transport: Transport,
    method: str,
    endpoint: str,
    payload: Any,
    *,
    limiter: Limiter,
    retry: RetryPolicy,
    on_retry: RetryObserver | None = None,
    on_attempt: AttemptObserver | None = None,
) -> Any:
    """One logical request: ``limiter`` before each try, ``retry`` between tries;
    ``on_attempt`` is told when a try is about to go out (before that, nothing was sent).

    A 429 pauses ``limiter`` (every sender of the instance), for ``Retry-After``
    capped at ``retry.max_retry_after``, or the backoff. Time spent waiting for the
    limiter, and 429 waits, do not count against ``retry.max_elapsed``.
    """
    body = None if payload is None else dumps(payload)
    loop = asyncio.get_running_loop()
    started = loop.time()
    queued = 0.0  # time spent waiting for the limiter: not retry time
    attempt = 0
    while True:
        attempt += 1
        # No limiter configured and no 429 pause in force: nothing to wait for.
        if type(limiter) is not Unlimited or limiter.pausing():
            before = loop.time()
            await limiter.acquire()
            queued += loop.time() - before
        if on_attempt is not None:
            on_attempt()
        try:
            return await transport.exchange(method, endpoint, body)
        except ZapiError as exc:
            delay = retry.next_delay(attempt, exc, loop.time() - started - queued)
            if isinstance(exc, RateLimitedError):
                await limiter.pause(_pause_after(retry, exc, delay))
            if delay is None:
                raise
            logger.info(
                "retrying %s %s in %.2fs after try %d: %s",
                method,
                transport.display(endpoint),
                delay,
                attempt,
                exc,
            )
            if on_retry is not None:
                on_retry(exc, attempt, delay)
            before = loop.time()
            await retry.sleep(delay)
            if isinstance(exc, RateLimitedError):
                queued += loop.time() - before


def _pause_after(retry: RetryPolicy, error: RateLimitedError, delay: float | None) -> float:
    """How long a 429 holds every sender: ``Retry-After`` (capped like the retry
    delay, so a huge or bogus header cannot stall the limiter), else the backoff."""
    if error.retry_after is not None and math.isfinite(error.retry_after):
        return min(error.retry_after, retry.max_retry_after)
    return delay if delay is not None else retry.backoff(2)
