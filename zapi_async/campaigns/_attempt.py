"""One attempt to send one entry: the start mark (the last limiter before the POST),
and what a worker knows of a campaign."""

from __future__ import annotations

from typing import Any, Protocol

import attrs

from ..limits.pacing import PacingProfile
from ._keys import CampaignKeys
from ._partition import Entry, PartitionOps
from .records import InstanceBudget


class StopSignal(Protocol):
    """What a start mark asks of its worker: whether it is stopping."""

    @property
    def stopping(self) -> bool: ...


__all__ = ["NotStarted", "StartMark", "WorkerCampaign", "WorkerStats"]


@attrs.define
class WorkerStats:
    """What one worker did: outcomes it recorded by status, ``reclaimed`` entries it
    took over from silent workers, ``redis_outages`` it waited out."""

    worker: str
    recorded: dict[str, int] = attrs.Factory(dict)
    reclaimed: int = 0
    redis_outages: int = 0


class NotStarted(Exception):
    """The start mark was refused: the message was not sent."""

    def __init__(self, verdict: str) -> None:
        super().__init__(verdict)
        self.verdict = verdict


class StartMark:
    """The last limiter before a request: marks the attempt started in Redis, once."""

    __slots__ = ("entry", "marking", "ops", "started", "uncertain", "worker")

    def __init__(self, ops: PartitionOps, entry: Entry, worker: StopSignal) -> None:
        self.ops = ops
        self.entry = entry
        self.worker = worker
        self.started = False
        self.marking = False
        #: The start call failed on the way: Redis may hold our mark (we sent nothing).
        self.uncertain = False

    async def acquire(self) -> None:
        if self.started:
            return
        if self.worker.stopping:
            raise NotStarted("stopping")
        self.marking = True
        try:
            verdict = await self.ops.start(self.entry)
        except BaseException:
            self.uncertain = True
            raise
        finally:
            self.marking = False
        if verdict != "ok":
            raise NotStarted(verdict)
        self.started = True

    async def pause(self, seconds: float) -> None:
        return None


@attrs.define
class WorkerCampaign:
    keys: CampaignKeys
    redis: Any
    worker: str
    partitions: int
    instances: list[str]
    rate: float | None
    burst: int
    profile: PacingProfile | None
    #: Instances with a budget of their own (``InstanceBudget``) instead of the above.
    budgets: dict[str, InstanceBudget] = attrs.Factory(dict)
    state: str = "ready"
    ops: dict[int, PartitionOps] = attrs.Factory(dict)

    def budget_for(self, instance: str) -> InstanceBudget:
        """The rate, burst and pacing that ``instance`` sends under in this campaign."""
        own = self.budgets.get(instance)
        if own is not None:
            return own
        return InstanceBudget(rate=self.rate, burst=self.burst, pacing=self.profile)

    def ops_for(self, slot: int) -> PartitionOps:
        """The Redis calls as slot ``slot``: its own consumer, lease owner and attempt id."""
        ops = self.ops.get(slot)
        if ops is None:
            ops = self.ops[slot] = PartitionOps(self.redis, self.keys, f"{self.worker}/{slot}")
        return ops
