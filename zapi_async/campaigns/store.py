"""Creating a campaign in Redis and reading it back: :func:`create_campaign`,
:class:`Campaign` (status, results, pause, resume, cancel, delete).

::

    redis = Redis.from_url("redis://localhost:6379/0")
    await create_campaign(redis, "black-friday", messages, instances=["main"], rate=20)
    campaign = Campaign(redis, "black-friday")
    print(await campaign.status())

Creation streams the messages into Redis in batches (each batch one MULTI/EXEC,
so it is written entirely or not at all) and holds at most one batch in memory.
Until the last batch the campaign is ``creating`` and no worker touches it; if the
creating process dies, calling :func:`create_campaign` again with the same name,
settings and input resumes where it stopped (the input already written is checked
against a hash chain, so a different file is refused, not mixed in).
"""

from __future__ import annotations

import hashlib
import heapq
import secrets
import zlib
from collections import deque
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from datetime import date
from typing import Any

from ..errors import CampaignExistsError, CampaignNotFoundError, SettingsError
from ..limits.pacing import PacingProfile
from ..models.messages import Message, SendResult
from ..wire import from_wire, message_from_envelope, message_to_envelope
from ..wire.codec import dumps, loads
from ._keys import GROUP, REGISTRY, WRITE, CampaignKeys
from ._partition import PartitionOps, outcome_json
from .records import CampaignItem, CampaignResult, CampaignStatus

__all__ = [
    "DEFAULT_BATCH",
    "DEFAULT_PARTITIONS",
    "Campaign",
    "create_campaign",
    "drain_partition",
    "partition_of",
    "profile_from_json",
    "profile_to_json",
]

#: Messages written per MULTI/EXEC while creating.
DEFAULT_BATCH = 500
#: Partitions (streams) of a campaign, at least: per-recipient order holds within
#: one, and at most one send per partition is under way, so this caps concurrency.
DEFAULT_PARTITIONS = 32
#: Seconds the creation lock lives without a new batch.
CREATION_LOCK_TTL = 60.0
_STATUSES = ("sent", "failed", "partial", "unknown", "unsent")
_RESULTS_CHUNK = 200


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


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _decode_hash(raw: dict[Any, Any]) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in raw.items()}


async def _aiter(items: Iterable[Any] | AsyncIterable[Any]) -> AsyncIterator[Any]:
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item


class Campaign:
    """One campaign in Redis, by name (``redis`` is borrowed, never closed here)."""

    def __init__(self, redis: Any, name: str) -> None:
        self.redis = redis
        self.keys = CampaignKeys(name)
        self.name = name

    def __repr__(self) -> str:
        return f"Campaign({self.name!r})"

    async def meta(self) -> dict[str, str]:
        """The campaign's settings and state; :class:`CampaignNotFoundError` if none."""
        meta = _decode_hash(await self.redis.hgetall(self.keys.meta))
        if not meta:
            raise CampaignNotFoundError(f"no campaign named {self.name!r} in this Redis")
        return meta

    async def status(self) -> CampaignStatus:
        """The counters now."""
        meta = await self.meta()
        counts = {
            k: int(v) for k, v in _decode_hash(await self.redis.hgetall(self.keys.counts)).items()
        }
        total = int(meta.get("total") or meta.get("written") or 0)
        done = {status: counts.get(status, 0) for status in _STATUSES}
        in_flight = counts.get("in_flight", 0)
        return CampaignStatus(
            name=self.name,
            state=meta["state"],
            total=total,
            pending=max(0, total - sum(done.values()) - in_flight),
            in_flight=in_flight,
            partitions=int(meta["partitions"]),
            instances=tuple(loads(meta["instances"])),
            **done,
        )

    async def _set_state(self, state: str, allowed: tuple[str, ...]) -> str:
        meta = await self.meta()
        if meta["state"] not in allowed:
            return meta["state"]
        await self.redis.hset(self.keys.meta, "state", state)
        return state

    async def pause(self) -> str:
        """Stop workers starting sends (those under way finish); returns the state."""
        return await self._set_state("paused", ("ready", "paused"))

    async def resume(self) -> str:
        """Let workers send again after :meth:`pause`; returns the state."""
        return await self._set_state("ready", ("ready", "paused"))

    async def cancel(self) -> str:
        """Send nothing more; returns the state (``cancelled``).

        Sends under way finish. Every message not started yet gets ``unsent``: here,
        for the partitions no worker holds, and by their workers for the others.
        """
        meta = await self.meta()
        total = meta.get("total") or meta.get("written", "0")
        await self.redis.hset(self.keys.meta, mapping={"state": "cancelled", "total": total})
        ops = PartitionOps(self.redis, self.keys, "cancel-" + secrets.token_hex(4))
        left = _decode_hash(await self.redis.hgetall(self.keys.left))
        for p in range(int(meta["partitions"])):
            if int(left.get(str(p), "0")) <= 0:
                continue
            if await ops.lease_one([p], CREATION_LOCK_TTL) is not None:
                try:
                    await drain_partition(ops, p)
                finally:
                    await ops.release(p)
        return "cancelled"

    async def delete(self) -> None:
        """Remove every key of the campaign from Redis."""
        meta = await self.meta()
        await self.redis.delete(
            *self.keys.all(int(meta["partitions"])), self.keys.base + ":creating"
        )
        await self.redis.srem(REGISTRY, self.name)

    async def results(self) -> AsyncIterator[CampaignResult]:
        """Every message in input order with its outcome (or ``pending``/``in_flight``).

        Reads the partitions in chunks and merges them: memory stays flat.
        """
        meta = await self.meta()
        count = int(meta["partitions"])
        streams = [self.keys.stream(p) for p in range(count)]
        cursors = ["-"] * count
        buffers: list[deque[tuple[int, dict[Any, Any]]]] = [deque() for _ in streams]
        heap: list[tuple[int, int]] = []

        async def refill(p: int) -> None:
            start = cursors[p] if cursors[p] == "-" else "(" + cursors[p]
            entries = await self.redis.xrange(streams[p], start, "+", count=_RESULTS_CHUNK)
            if entries:
                cursors[p] = _text(entries[-1][0])
                buffers[p].extend((int(fields[b"s"]), fields) for _, fields in entries)
                heapq.heappush(heap, (buffers[p][0][0], p))

        for p in range(count):
            await refill(p)
        taken: list[tuple[int, dict[Any, Any]]] = []
        while heap:
            _, p = heapq.heappop(heap)
            taken.append(buffers[p].popleft())
            if buffers[p]:
                heapq.heappush(heap, (buffers[p][0][0], p))
            else:
                await refill(p)
            if len(taken) >= _RESULTS_CHUNK or not heap:
                for result in await self._resolve(taken):
                    yield result
                taken = []

    async def _resolve(self, taken: list[tuple[int, dict[Any, Any]]]) -> list[CampaignResult]:
        names = [str(index) for index, _ in taken]
        outcomes = await self.redis.hmget(self.keys.outcome, names)
        started = await self.redis.hmget(self.keys.started, names)
        return [
            _result(index, fields, outcome, attempt)
            for (index, fields), outcome, attempt in zip(taken, outcomes, started, strict=True)
        ]


async def drain_partition(ops: PartitionOps, partition: int) -> None:
    """On a cancelled campaign (lease held): settle every entry of ``partition``
    without sending: ``unsent`` if never started, ``unknown`` if it had started."""
    unsent = outcome_json("unsent", ops.worker, error="the campaign was cancelled")
    for entry in await ops.claim_pending(partition):
        if not await ops.settle_claimed(entry):
            await ops.record(entry, "unsent", unsent)
    while (entry := await ops.read_next(partition)) is not None:
        await ops.record(entry, "unsent", unsent)


def _result(index: int, fields: dict[Any, Any], outcome: Any, attempt: Any) -> CampaignResult:
    message = message_from_envelope(loads(fields[b"m"]))
    tag = _text(fields[b"t"]) if b"t" in fields else None
    if outcome is None:
        status = "pending" if attempt is None else "in_flight"
        worker = None if attempt is None else _text(attempt)
        return CampaignResult(index=index, tag=tag, message=message, status=status, worker=worker)
    data = loads(outcome)
    return CampaignResult(
        index=index,
        tag=tag,
        message=message,
        status=data["status"],
        results=tuple(from_wire(r, SendResult) for r in data.get("results", [])),
        error=data.get("error"),
        error_type=data.get("error_type"),
        worker=data.get("worker"),
    )


def _settings(
    instances: Iterable[str],
    rate: float | None,
    burst: int,
    pacing: PacingProfile | None,
    partitions: int,
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
    return {
        "instances": dumps(names).decode(),
        "rate": "" if rate is None else repr(float(rate)),
        "burst": str(burst),
        "profile": dumps(profile_to_json(pacing)).decode(),
        "partitions": str(partitions),
    }


async def create_campaign(
    redis: Any,
    name: str,
    messages: Iterable[Message | CampaignItem] | AsyncIterable[Message | CampaignItem],
    *,
    instances: Iterable[str] = ("default",),
    rate: float | None = None,
    burst: int = 1,
    pacing: PacingProfile | None = None,
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
    * ``pacing``: a :class:`~zapi_async.PacingProfile` applied per instance by each worker.
    * ``partitions``: streams (default max(32, 4 per instance)).

    Raises :class:`CampaignExistsError` if the name is taken by a finished creation,
    other settings, other input, or a creation running elsewhere.
    """
    keys = CampaignKeys(name)
    names = list(instances)
    parts = partitions or max(DEFAULT_PARTITIONS, 4 * len(names))
    settings = _settings(names, rate, burst, pacing, parts)
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
            async with redis.pipeline(transaction=True) as pipe:
                pipe.hset(
                    keys.meta,
                    mapping={**settings, "state": "creating", "written": "0", "digest": ""},
                )
                pipe.sadd(REGISTRY, name)
                await pipe.execute()
            for p in range(parts):
                try:
                    await redis.xgroup_create(keys.stream(p), GROUP, id="0", mkstream=True)
                except Exception as exc:  # BUSYGROUP: made by an earlier, interrupted creation
                    if "BUSYGROUP" not in str(exc):
                        raise
            meta = {"written": "0", "digest": ""}
        await _write(
            redis,
            keys,
            messages,
            parts,
            int(meta["written"]),
            meta["digest"],
            lock,
            token,
            batch,
            ttl,
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
