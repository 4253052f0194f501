"""Reading and steering a campaign in Redis: :class:`Campaign` (status, results,
pause, resume, cancel, delete).

::

    campaign = Campaign(redis, "black-friday")
    print(await campaign.status())
    async for result in campaign.results():
        ...
"""

from __future__ import annotations

import heapq
import secrets
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

from ..errors import CampaignNotFoundError
from ..models.messages import SendResult
from ..wire import from_wire, message_from_envelope
from ..wire.codec import loads
from ._keys import REGISTRY, CampaignKeys
from ._partition import PartitionOps, outcome_json
from .records import CampaignResult, CampaignStatus

__all__ = ["Campaign", "drain_partition"]

#: Seconds a ``cancel()`` holds a partition's lease while it drains it.
CANCEL_LEASE_TTL = 60.0
_STATUSES = ("sent", "failed", "partial", "unknown", "unsent")
_RESULTS_CHUNK = 200


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def _decode_hash(raw: dict[Any, Any]) -> dict[str, str]:
    return {_text(k): _text(v) for k, v in raw.items()}


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
            if await ops.lease_one([p], CANCEL_LEASE_TTL) is not None:
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
    while (unread := await ops.read_next(partition)) is not None:
        await ops.record(unread, "unsent", unsent)


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
