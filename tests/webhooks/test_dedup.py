"""The dedup stores: first-seen semantics, TTL, size bound, Redis wiring."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from zapi_async.webhooks import DedupStore, InMemoryDedupStore, RedisDedupStore


class FakeClock:
    """A clock the test moves by hand (seconds)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_first_seen_is_true_once() -> None:
    store = InMemoryDedupStore()
    assert await store.first_seen("a") is True
    assert await store.first_seen("a") is False
    assert await store.first_seen("b") is True
    assert len(store) == 2


async def test_keys_expire_after_the_ttl() -> None:
    clock = FakeClock()
    store = InMemoryDedupStore(ttl=60, clock=clock)
    assert await store.first_seen("a")
    clock.now += 59.9
    assert not await store.first_seen("a")  # a duplicate does not extend the TTL
    clock.now += 0.1
    assert await store.first_seen("a")
    assert len(store) == 1


async def test_expired_keys_are_purged_oldest_first() -> None:
    clock = FakeClock()
    store = InMemoryDedupStore(ttl=10, clock=clock)
    for key in "abc":
        await store.first_seen(key)
        clock.now += 4
    # now = 1012: "a" (expired at 1010) goes, "b" (1014) and "c" (1018) stay.
    assert await store.first_seen("d")
    assert len(store) == 3
    assert not await store.first_seen("b")


async def test_size_is_bounded_evicting_the_oldest() -> None:
    store = InMemoryDedupStore(max_size=2)
    for key in "abc":
        assert await store.first_seen(key)
    assert len(store) == 2
    assert not await store.first_seen("c")
    assert not await store.first_seen("b")
    assert await store.first_seen("a")  # evicted, so new again


async def test_concurrent_duplicates_yield_exactly_one_winner() -> None:
    store = InMemoryDedupStore()
    results = await asyncio.gather(*(store.first_seen("same") for _ in range(20)))
    assert results.count(True) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_size": 0}, "InMemoryDedupStore.max_size should be an integer >= 1, but was 0"),
        ({"max_size": True}, "InMemoryDedupStore.max_size should be an integer >= 1, but was True"),
        ({"ttl": 0}, "InMemoryDedupStore.ttl should be > 0 seconds, but was 0"),
        ({"ttl": "1"}, "InMemoryDedupStore.ttl should be > 0 seconds, but was '1'"),
    ],
)
def test_in_memory_store_validates(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(") + "$"):
        InMemoryDedupStore(**kwargs)


class FakeRedis:
    """Records SET calls and implements NX like Redis does."""

    def __init__(self) -> None:
        self.data: dict[str, str] = {}
        self.calls: list[tuple[str, str, int, bool]] = []

    async def set(self, name: str, value: str, *, ex: int, nx: bool) -> bool | None:
        self.calls.append((name, value, ex, nx))
        if nx and name in self.data:
            return None
        self.data[name] = value
        return True


async def test_redis_store_uses_set_nx_ex() -> None:
    redis = FakeRedis()
    store = RedisDedupStore(redis, ttl=600)
    assert await store.first_seen("received:I:M1") is True
    assert await store.first_seen("received:I:M1") is False
    assert redis.calls == [
        ("zapi_async:webhook:received:I:M1", "1", 600, True),
        ("zapi_async:webhook:received:I:M1", "1", 600, True),
    ]


async def test_redis_store_prefix_and_default_ttl() -> None:
    redis = FakeRedis()
    store = RedisDedupStore(redis, prefix="bot1:")
    await store.first_seen("k")
    assert redis.calls == [("bot1:k", "1", 3600, True)]


@pytest.mark.parametrize("ttl", [0, 1.5, True])
def test_redis_store_validates_ttl(ttl: Any) -> None:
    with pytest.raises(ValueError, match=r"RedisDedupStore\.ttl should be whole seconds >= 1"):
        RedisDedupStore(FakeRedis(), ttl=ttl)


def test_both_stores_satisfy_the_protocol() -> None:
    assert isinstance(InMemoryDedupStore(), DedupStore)
    assert isinstance(RedisDedupStore(FakeRedis()), DedupStore)
