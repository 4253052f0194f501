"""Creating a campaign: :func:`create_campaign` streams messages into Redis.

Creation writes the messages in batches (each batch one script, so it is written
entirely or not at all) and holds at most one batch in memory. Until the last
batch the campaign is ``creating`` and no worker touches it; if the creating
process dies, calling :func:`create_campaign` again with the same name, settings
and input resumes where it stopped (the input already written is checked against
a hash chain, so a different file is refused, not mixed in).
"""

from __future__ import annotations

import hashlib
import secrets
import zlib
from collections.abc import AsyncIterable, AsyncIterator, Iterable, Mapping
from datetime import date
from typing import Any

from ..errors import CampaignExistsError, SettingsError
from ..limits.pacing import PacingProfile
from ..models.messages import Message
from ..wire import message_to_envelope
from ..wire.codec import dumps
from ._keys import GROUP, INIT, REGISTRY, WRITE, CampaignKeys
from .records import CampaignItem, InstanceBudget
from .store import Campaign, _decode_hash, _text

__all__ = [
    "CREATION_LOCK_TTL",
    "DEFAULT_BATCH",
    "DEFAULT_PARTITIONS",
    "budget_from_json",
    "budget_to_json",
    "create_campaign",
    "partition_of",
    "profile_from_json",
    "profile_to_json",
]

#: Messages written per script call while creating.
DEFAULT_BATCH = 500
#: Partitions (streams) of a campaign, at least: per-recipient order holds within
#: one, and at most one send per partition is under way, so this caps concurrency.
DEFAULT_PARTITIONS = 32
#: Seconds the creation lock lives without a new batch.
CREATION_LOCK_TTL = 60.0


def partition_of(phone: str, partitions: int) -> int:
    """The partition of a recipient: the same in every process (CRC-32, not ``hash``)."""
    return zlib.crc32(phone.encode()) % partitions


def profile_to_json(profile: PacingProfile | None) -> dict[str, Any] | None:
    """A pacing profile as a JSON-ready dict."""
    if profile is None:
        return None
    return {
        "min_gap": profile.min_gap,
        "max_gap": profile.max_gap,
        "daily_cap": profile.daily_cap,
        "warmup_start": None if profile.warmup_start is None else profile.warmup_start.isoformat(),
        "warmup_initial": profile.warmup_initial,
        "warmup_growth": profile.warmup_growth,
    }


def profile_from_json(data: dict[str, Any] | None) -> PacingProfile | None:
    """The pacing profile :func:`profile_to_json` described."""
    if data is None:
        return None
    start = data.get("warmup_start")
    return PacingProfile(
        **{**data, "warmup_start": None if start is None else date.fromisoformat(start)}
    )


async def _aiter(items: Iterable[Any] | AsyncIterable[Any]) -> AsyncIterator[Any]:
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item


def budget_to_json(budget: InstanceBudget) -> dict[str, Any]:
    """An :class:`InstanceBudget` as a JSON-ready dict."""
    return {
        "rate": budget.rate,
        "burst": budget.burst,
        "profile": profile_to_json(budget.pacing),
    }


def budget_from_json(data: dict[str, Any]) -> InstanceBudget:
    """The :class:`InstanceBudget` :func:`budget_to_json` described."""
    return InstanceBudget(
        rate=data["rate"], burst=data["burst"], pacing=profile_from_json(data["profile"])
    )


def _settings(
    instances: Iterable[str],
    rate: float | None,
    burst: int,
    pacing: PacingProfile | None,
    partitions: int,
    *,
    budgets: Mapping[str, InstanceBudget] | None = None,
) -> dict[str, str]:
    names = list(instances)
    if not names or not all(isinstance(n, str) and n for n in names):
        raise SettingsError(
            f"create_campaign instances should be one or more names, but was {names!r}"
        )
    if rate is not None and not rate > 0:
        raise SettingsError(
            f"create_campaign rate should be > 0 requests/s or None, but was {rate!r}"
        )
    if burst < 1:
        raise SettingsError(f"create_campaign burst should be >= 1, but was {burst!r}")
    if partitions < 1:
        raise SettingsError(f"create_campaign partitions should be >= 1, but was {partitions!r}")
    own = dict(budgets or {})
    for instance, budget in own.items():
        if instance not in names:
            raise SettingsError(
                f"create_campaign budgets name {instance!r}, which is not one of the "
                f"instances {names!r}"
            )
        if not isinstance(budget, InstanceBudget):
            raise SettingsError(
                f"create_campaign budgets[{instance!r}] should be an InstanceBudget, "
                f"but was {budget!r}"
            )
    settings = {
        "instances": dumps(names).decode(),
        "rate": "" if rate is None else repr(float(rate)),
        "burst": str(burst),
        "profile": dumps(profile_to_json(pacing)).decode(),
        "partitions": str(partitions),
    }
    if own:  # only when given: campaigns made without budgets keep their settings
        budget_json = {n: budget_to_json(b) for n, b in sorted(own.items())}
        settings["budgets"] = dumps(budget_json).decode()
    return settings


async def create_campaign(
    redis: Any,
    name: str,
    messages: Iterable[Message | CampaignItem] | AsyncIterable[Message | CampaignItem],
    *,
    instances: Iterable[str] = ("default",),
    rate: float | None = None,
    burst: int = 1,
    pacing: PacingProfile | None = None,
    budgets: Mapping[str, InstanceBudget] | None = None,
    partitions: int | None = None,
    batch: int = DEFAULT_BATCH,
) -> Campaign:
    """Write ``messages`` into Redis as campaign ``name``; returns the :class:`Campaign`.

    * ``messages``: any iterable or async iterable of messages (or
      :class:`CampaignItem` for a tag), read once, lazily, ``batch`` at a time.
    * ``instances``: names of the Z-API instances to send through (workers look
      their credentials up by name: never stored in Redis). Each recipient is
      bound to one partition and each partition to one instance.
    * ``rate``/``burst``: requests per second per instance, shared by every worker
      (:class:`~zapi_async.RedisRateLimiter`); ``None``: no limit.
    * ``pacing``: a :class:`~zapi_async.PacingProfile` per instance, shared by every
      worker (:class:`~zapi_async.RedisPacer`).
    * ``budgets``: instance name -> :class:`InstanceBudget`, that instance's own
      ``rate``/``burst``/``pacing`` instead of the campaign's (the others keep those).
    * ``partitions``: streams (default max(32, 4 per instance)).

    Raises :class:`CampaignExistsError` if the name is taken by a finished creation,
    other settings, other input, or a creation running elsewhere.
    """
    keys = CampaignKeys(name)
    names = list(instances)
    parts = partitions or max(DEFAULT_PARTITIONS, 4 * len(names))
    settings = _settings(names, rate, burst, pacing, parts, budgets=budgets)
    lock = keys.base + ":creating"
    token = secrets.token_hex(8)
    ttl = int(CREATION_LOCK_TTL * 1000)
    if not await redis.set(lock, token, nx=True, px=ttl):
        raise CampaignExistsError(f"campaign {name!r} is being created by another process")
    try:
        meta = _decode_hash(await redis.hgetall(keys.meta))
        if meta:
            if meta["state"] != "creating":
                raise CampaignExistsError(f"a campaign named {name!r} exists already")
            if {k: meta.get(k) for k in settings} != settings:
                raise CampaignExistsError(
                    f"campaign {name!r} was being created with other settings; "
                    "resume it with the same ones or pick another name"
                )
        else:
            fields = {**settings, "state": "creating", "written": "0", "digest": ""}
            streams = [keys.stream(p) for p in range(parts)]
            init = redis.register_script(INIT)
            await init(
                keys=[keys.meta, *streams],
                args=[GROUP, *(x for pair in fields.items() for x in pair)],
            )
            meta = {"written": "0", "digest": ""}
        # Workers look for campaigns here (they skip those still being created).
        await redis.sadd(REGISTRY, name)
        await _write(
            redis,
            keys,
            messages,
            parts=parts,
            written=int(meta["written"]),
            digest=meta["digest"],
            lock=lock,
            token=token,
            batch=batch,
            ttl=ttl,
        )
    finally:
        await redis.eval(
            "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end",
            1,
            lock,
            token,
        )
    return Campaign(redis, name)


async def _write(
    redis: Any,
    keys: CampaignKeys,
    messages: Any,
    *,
    parts: int,
    written: int,
    digest: str,
    lock: str,
    token: str,
    batch: int,
    ttl: int,
) -> None:
    chain = ""
    index = 0
    written_before = written
    pending: list[tuple[int, int, bytes, str | None]] = []

    script = redis.register_script(WRITE)

    async def flush() -> None:
        nonlocal pending, written_before
        streams = sorted({p for _, p, _, _ in pending})
        position = {p: n for n, p in enumerate(streams, 4)}
        args: list[Any] = [token, written_before, index, chain, ttl]
        for seq, p, envelope, tag in pending:
            args += [position[p], p, seq, envelope, tag or ""]
        keys_ = [lock, keys.meta, keys.left, *(keys.stream(p) for p in streams)]
        verdict = _text(await script(keys=keys_, args=args))
        if verdict == "lock":
            raise CampaignExistsError(f"lost the creation lock of campaign {keys.name!r}")
        pending, written_before = [], index

    async for item in _aiter(messages):
        message, tag = (item.message, item.tag) if isinstance(item, CampaignItem) else (item, None)
        envelope = dumps(message_to_envelope(message))
        chain = hashlib.sha256(chain.encode() + envelope).hexdigest()
        index += 1
        if index <= written:
            if index == written and chain != digest:
                raise CampaignExistsError(
                    f"the input differs from the one campaign {keys.name!r} was being created from"
                )
            continue
        pending.append((index - 1, partition_of(message.phone, parts), envelope, tag))
        if len(pending) >= batch:
            await flush()
    if index < written:
        raise CampaignExistsError(
            f"the input is shorter than the part of campaign {keys.name!r} already written"
        )
    if pending:
        await flush()
    await redis.hset(
        keys.meta, mapping={"state": "ready", "total": str(index), "written": str(index)}
    )
