"""Dropping webhooks delivered twice.

Gateways re-send a webhook when they are unsure it arrived, so the same button press
can reach you twice. :class:`~zapi_async.webhooks.WebhookRouter` asks a
:class:`DedupStore` whether each event's key (see ``WebhookEvent.dedup_key``) is new
before running handlers. The default, :class:`InMemoryDedupStore`, serves one
process; several processes behind a load balancer need a shared store such as
:class:`RedisDedupStore`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, runtime_checkable

from ..errors import SettingsError

__all__ = ["DEFAULT_DEDUP_TTL", "DedupStore", "InMemoryDedupStore", "RedisDedupStore"]

#: Seconds a key is remembered by default (Z-API re-sends within minutes).
DEFAULT_DEDUP_TTL = 3600.0
#: Keys the in-memory store keeps by default.
DEFAULT_DEDUP_SIZE = 10_000


@runtime_checkable
class DedupStore(Protocol):
    """Remembers event keys for a while.

    ``first_seen(key)`` must be an atomic check-and-set: it records ``key`` and
    returns ``True`` only for the first call within the store's TTL, so that of two
    concurrent deliveries exactly one is handled.
    """

    async def first_seen(self, key: str) -> bool:
        """Record ``key``; ``True`` if it was not recorded within the TTL."""
        ...


class InMemoryDedupStore:
    """A bounded in-process :class:`DedupStore` with a TTL.

    Keeps at most ``max_size`` keys (default 10 000), evicting the oldest first,
    each for ``ttl`` seconds (default 3600) measured by ``clock`` (default
    :func:`time.monotonic`; inject a fake clock in tests)::

        store = InMemoryDedupStore(max_size=1000, ttl=600)
        assert await store.first_seen("received:I:M1")
        assert not await store.first_seen("received:I:M1")

    Safe for concurrent use within one event loop (``first_seen`` never awaits).
    """

    __slots__ = ("_clock", "_expiry", "max_size", "ttl")

    def __init__(
        self,
        *,
        max_size: int = DEFAULT_DEDUP_SIZE,
        ttl: float = DEFAULT_DEDUP_TTL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if isinstance(max_size, bool) or not isinstance(max_size, int) or max_size < 1:
            raise SettingsError(
                f"InMemoryDedupStore.max_size should be an integer >= 1, but was {max_size!r}"
            )
        if isinstance(ttl, bool) or not isinstance(ttl, (int, float)) or ttl <= 0:
            raise SettingsError(f"InMemoryDedupStore.ttl should be > 0 seconds, but was {ttl!r}")
        self.max_size = max_size
        self.ttl = float(ttl)
        self._clock = clock
        # key -> expiry time; insertion order equals expiry order (one TTL for all).
        self._expiry: OrderedDict[str, float] = OrderedDict()

    def __len__(self) -> int:
        """Number of keys currently remembered (expired ones may linger until purged)."""
        return len(self._expiry)

    async def first_seen(self, key: str) -> bool:
        """Record ``key``; ``True`` if it was not recorded within the TTL."""
        now = self._clock()
        while self._expiry:
            oldest, expires = next(iter(self._expiry.items()))
            if expires > now:
                break
            del self._expiry[oldest]
        if key in self._expiry:
            return False
        self._expiry[key] = now + self.ttl
        while len(self._expiry) > self.max_size:
            self._expiry.popitem(last=False)
        return True


class _RedisLike(Protocol):
    def set(self, name: str, value: str, *, ex: int, nx: bool) -> Awaitable[Any]: ...


class RedisDedupStore:
    """A :class:`DedupStore` shared through Redis (``SET key 1 NX EX ttl``).

    ``redis`` is a ``redis.asyncio.Redis`` client (or anything with the same
    ``set`` coroutine); it is borrowed, never closed here. Keys are prefixed with
    ``prefix`` (default ``"zapi_async:webhook:"``) and expire after ``ttl`` whole
    seconds (default 3600)::

        from redis.asyncio import Redis
        store = RedisDedupStore(Redis.from_url("redis://localhost"), ttl=600)
    """

    __slots__ = ("_redis", "prefix", "ttl")

    def __init__(
        self,
        redis: _RedisLike,
        *,
        ttl: int = int(DEFAULT_DEDUP_TTL),
        prefix: str = "zapi_async:webhook:",
    ) -> None:
        if isinstance(ttl, bool) or not isinstance(ttl, int) or ttl < 1:
            raise SettingsError(
                f"RedisDedupStore.ttl should be whole seconds >= 1, but was {ttl!r}"
            )
        self._redis = redis
        self.ttl = ttl
        self.prefix = prefix

    async def first_seen(self, key: str) -> bool:
        """Record ``key``; ``True`` if Redis did not hold it yet."""
        return bool(await self._redis.set(self.prefix + key, "1", ex=self.ttl, nx=True))
