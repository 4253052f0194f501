"""The Redis calls on one campaign's partitions: leases, claiming, start marks, outcomes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..errors import ZapiError
from ..models.messages import SendResult
from ..wire import to_wire
from ..wire.codec import dumps
from ._keys import (
    GROUP,
    LEASE,
    READ,
    RECORD,
    RELEASE,
    RENEW,
    START,
    UNSTART,
    CampaignKeys,
)

__all__ = ["Entry", "PartitionOps", "describe", "outcome_json", "redis_errors"]

#: Entries claimed from a silent worker per XAUTOCLAIM call.
CLAIM_COUNT = 100


class Entry:
    """One stream entry: its id, partition, message index, envelope JSON and tag."""

    __slots__ = ("entry_id", "envelope", "index", "partition", "tag")

    def __init__(self, partition: int, entry_id: Any, fields: dict[Any, Any]) -> None:
        self.partition = partition
        self.entry_id = entry_id.decode() if isinstance(entry_id, bytes) else str(entry_id)
        self.index = int(fields[b"s"])
        self.envelope: bytes = fields[b"m"]
        tag = fields.get(b"t")
        self.tag = None if tag is None else tag.decode()


def outcome_json(
    status: str,
    worker: str,
    *,
    results: list[SendResult] | tuple[SendResult, ...] = (),
    error: BaseException | str | None = None,
    redact: Callable[[str], str] | None = None,
) -> bytes:
    """The stored outcome of one message (``redact`` hides secrets in the error text)."""
    data: dict[str, Any] = {"status": status, "worker": worker, "at": round(time.time(), 3)}
    if results:
        data["results"] = [to_wire(r) for r in results]
    if isinstance(error, BaseException):
        data["error"] = str(error) or type(error).__name__
        data["error_type"] = type(error).__name__
    elif error is not None:
        data["error"] = error
    if redact is not None and "error" in data:
        data["error"] = redact(data["error"])
    return dumps(data)


class PartitionOps:
    """Lease, claim and record on the partitions of one campaign, as ``worker``."""

    def __init__(self, redis: Any, keys: CampaignKeys, worker: str) -> None:
        self.redis = redis
        self.keys = keys
        self.worker = worker
        self._start = redis.register_script(START)
        self._record = redis.register_script(RECORD)
        self._lease = redis.register_script(LEASE)
        self._renew = redis.register_script(RENEW)
        self._release = redis.register_script(RELEASE)
        self._read = redis.register_script(READ)
        self._unstart = redis.register_script(UNSTART)

    async def lease_one(self, partitions: list[int], ttl: float) -> int | None:
        """Take the first free lease among ``partitions``; its partition, or ``None``."""
        if not partitions:
            return None
        keys = [self.keys.lease(p) for p in partitions]
        got = int(await self._lease(keys=keys, args=[self.worker, int(ttl * 1000)]))
        return partitions[got - 1] if got else None

    async def renew(self, partition: int, ttl: float) -> bool:
        """Extend our lease; False when it is no longer ours."""
        args = [self.worker, int(ttl * 1000)]
        return bool(int(await self._renew(keys=[self.keys.lease(partition)], args=args)))

    async def release(self, partition: int) -> None:
        """Give our lease back (entries read but not started stay pending for the next owner)."""
        await self._release(keys=[self.keys.lease(partition)], args=[self.worker])

    async def claim_pending(self, partition: int) -> list[Entry]:
        """Every entry other owners read and left unacknowledged, oldest first.

        Called right after taking the lease: its previous owner released it or went
        silent for the whole lease time, so its entries are reclaimed at once.
        """
        stream = self.keys.stream(partition)
        entries: list[Entry] = []
        cursor: Any = "0-0"
        while True:
            reply = await self.redis.xautoclaim(
                stream, GROUP, self.worker, 0, start_id=cursor, count=CLAIM_COUNT
            )
            cursor, claimed = reply[0], reply[1]
            entries.extend(Entry(partition, eid, f) for eid, f in claimed if f)
            if cursor in (b"0-0", "0-0") or not claimed:
                break
        entries.sort(key=lambda e: e.index)
        return entries

    async def read_next(self, partition: int) -> Entry | None:
        """Our oldest entry not acknowledged yet, else the next one nobody has read,
        else ``None`` (one script: a retried call whose reply was lost cannot skip
        an entry)."""
        reply = await self._read(keys=[self.keys.stream(partition)], args=[GROUP, self.worker])
        if not reply:
            return None
        entry_id, flat = reply
        return Entry(partition, entry_id, dict(zip(flat[::2], flat[1::2], strict=True)))

    async def start(self, entry: Entry) -> str:
        """Mark the attempt started, before the first request goes out.

        ``ok``; or why not: ``lease`` (lost it), ``paused``, ``cancelled``, ``done``
        (it has an outcome), ``started`` (another attempt began), ``gone``.
        """
        keys = [
            self.keys.meta,
            self.keys.lease(entry.partition),
            self.keys.outcome,
            self.keys.started,
            self.keys.counts,
        ]
        verdict = await self._start(keys=keys, args=[self.worker, entry.index])
        return verdict.decode() if isinstance(verdict, bytes) else str(verdict)

    async def unstart(self, entry: Entry) -> None:
        """Take back our start mark of an entry we did not send (the start call's
        reply was lost), unless an outcome was written meanwhile."""
        await self._unstart(
            keys=[self.keys.started, self.keys.outcome, self.keys.counts],
            args=[entry.index, self.worker],
        )

    async def record(
        self, entry: Entry, status: str, outcome: bytes, *, attempt: str = "", reclaimed: str = ""
    ) -> int:
        """Write ``entry``'s outcome and acknowledge it: 1 written, 0 one existed
        already, 2 ours replaced a reclaimer's ``unknown``."""
        keys = [
            self.keys.outcome,
            self.keys.started,
            self.keys.reclaimed,
            self.keys.counts,
            self.keys.left,
            self.keys.stream(entry.partition),
        ]
        args = [entry.index, status, outcome, attempt, entry.partition, GROUP, entry.entry_id]
        return int(await self._record(keys=keys, args=[*args, reclaimed]))

    async def settle_claimed(self, entry: Entry) -> bool:
        """Settle an entry claimed from another owner if it must not be sent:
        ack it when it has an outcome, record ``unknown`` when its attempt had
        started. True when settled; False: it never started, send it."""
        outcome, attempt = (
            await self.redis.hmget(self.keys.outcome, str(entry.index)),
            await self.redis.hget(self.keys.started, str(entry.index)),
        )
        if outcome[0] is not None:
            await self.record(entry, "unknown", b"")  # acks only: an outcome exists
            return True
        who = None if attempt is None else attempt.decode()
        if who is None or who == self.worker:  # never started, or started by us: not sent
            return False
        error = (
            f"worker {who} started sending this message and went silent before recording "
            "the outcome; it may or may not have been delivered (not resent)"
        )
        body = outcome_json("unknown", who, error=error)
        await self.record(entry, "unknown", body, reclaimed=who)
        return True


def describe(error: BaseException) -> str:
    """``Type: message`` of an error, for logs."""
    if isinstance(error, ZapiError):
        return f"{type(error).__name__}: {error}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def redis_errors() -> tuple[type[BaseException], ...]:
    """The errors of an unreachable (or hung) Redis."""
    from redis.exceptions import ConnectionError as RedisConnectionError  # noqa: PLC0415
    from redis.exceptions import TimeoutError as RedisTimeoutError  # noqa: PLC0415

    return (RedisConnectionError, RedisTimeoutError, OSError)
