"""Workers: any number of processes, on any number of machines, sending campaigns.

::

    await run_worker("redis://redis.internal:6379/0", concurrency=8)

A worker takes the lease of one partition per slot (``concurrency`` slots), claims
the entries a previous owner left (XAUTOCLAIM) and reads new ones (XREADGROUP),
one at a time, so messages to one recipient go out in input order whoever sends
them. For each message it marks the attempt started in Redis *before* the first
request goes out (after the shared rate limiter let it through) and records the
outcome after, in one script that also acknowledges the entry.

A dead worker's partitions are taken over after ``idle_timeout`` seconds: entries
whose attempt never started are sent, those whose attempt had started become
``unknown`` (never resent). ``stop()`` finishes the sends started and gives the
rest back. See docs/multiprocess.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
import socket
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any, Literal

from ..errors import DailyCapReachedError, LimiterUnavailableError, PartialSendError, ZapiError
from ..limits.rate import ChainedLimiter
from ..models.messages import SendResult
from ..sending.outcomes import classify
from ..wire import message_from_envelope
from ..wire.codec import loads
from ._attempt import NotStarted, StartMark, WorkerCampaign, WorkerStats
from ._instances import CredentialsSource, Instances
from ._keys import REGISTRY, CampaignKeys
from ._partition import Entry, PartitionOps, describe, outcome_json, redis_errors
from .create import budget_from_json, profile_from_json
from .records import InstanceCredentials
from .store import _decode_hash, drain_partition

__all__ = ["DEFAULT_IDLE_TIMEOUT", "CredentialsSource", "Worker"]

logger = logging.getLogger("zapi_async.campaigns")

#: Seconds without a lease renewal after which a worker's partitions are taken over.
DEFAULT_IDLE_TIMEOUT = 30.0
#: Messages a slot sends from one partition before giving it back (fair sharing).
DEFAULT_BATCH = 20


class Worker:
    """One worker process's share of every campaign in ``redis``.

    * ``redis``: a ``redis.asyncio.Redis`` (borrowed).
    * ``credentials``: instance name -> :class:`InstanceCredentials` (a mapping or a
      function; default :func:`credentials_from_env`). Partitions of instances it
      has no credentials for are left to other workers.
    * ``concurrency``: partitions worked on at once (default 4).
    * ``idle_timeout``: lease time in seconds (default 30): how long a dead worker's
      partitions wait before another worker takes them over.
    * ``poll_interval``: seconds between looks for work when there is none (0.5).
    * ``exit_when_idle``: return once no campaign has work left for this worker
      (paused campaigns count as idle); default: run until :meth:`stop`.
    * ``campaigns``: only these campaign names (default: every one).
    """

    def __init__(
        self,
        redis: Any,
        *,
        credentials: Mapping[str, InstanceCredentials] | CredentialsSource | None = None,
        concurrency: int = 4,
        idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
        poll_interval: float = 0.5,
        exit_when_idle: bool = False,
        campaigns: Iterable[str] | None = None,
        batch: int = DEFAULT_BATCH,
        retry_delay: float = 0.25,
        max_retry_delay: float = 5.0,
        worker_id: str | None = None,
    ) -> None:
        self.redis = redis
        self.concurrency = concurrency
        self.idle_timeout = idle_timeout
        self.poll_interval = poll_interval
        self.exit_when_idle = exit_when_idle
        self.only = None if campaigns is None else set(campaigns)
        self.batch = batch
        self.retry_delay = retry_delay
        self.max_retry_delay = max_retry_delay
        self.id = worker_id or f"{socket.gethostname()}-{secrets.token_hex(4)}"
        self.stats = WorkerStats(self.id)
        self.stopping = False
        self._stop = asyncio.Event()
        self._errors = redis_errors()
        self._campaigns: dict[str, WorkerCampaign] = {}
        self._instances = Instances(redis, credentials, self.id)
        self._held: set[tuple[str, int, int]] = set()  # campaign, partition, slot
        self._down = False

    def stop(self) -> None:
        """Finish sends already started, withdraw the rest, give the leases back."""
        if not self.stopping:
            logger.info("worker %s stopping: finishing the sends under way", self.id)
        self.stopping = True
        self._stop.set()

    async def run(self) -> WorkerStats:
        """Work until :meth:`stop` (or, with ``exit_when_idle``, until nothing is left)."""
        renewer = asyncio.create_task(self._renew_leases(), name=f"zapi-campaign-renew-{self.id}")
        try:
            await asyncio.gather(*(self._slot(n) for n in range(self.concurrency)))
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer
            await self._instances.close()
        return self.stats

    # -- finding work ----------------------------------------------------------------

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._stop.wait(), seconds)

    async def _slot(self, slot: int) -> None:
        delay = self.retry_delay
        while not self.stopping:
            try:
                picked = await self._pick(slot)
                self._redis_back()
                delay = self.retry_delay
                if picked is None:
                    if self.exit_when_idle:
                        return
                    await self._sleep(self.poll_interval)
                elif picked is False:
                    await self._sleep(self.poll_interval)
                else:
                    campaign, partition = picked
                    await self._work(campaign, partition, slot)
            except self._errors as exc:
                self._redis_gone(exc)
                await self._sleep(delay)
                delay = min(delay * 2, self.max_retry_delay)

    async def _campaign(self, name: str) -> WorkerCampaign | None:
        known = self._campaigns.get(name)
        meta = _decode_hash(await self.redis.hgetall(CampaignKeys(name).meta))
        if not meta:
            self._campaigns.pop(name, None)
            return None
        if known is None:
            keys = CampaignKeys(name)
            known = self._campaigns[name] = WorkerCampaign(
                keys=keys,
                redis=self.redis,
                worker=self.id,
                partitions=int(meta["partitions"]),
                instances=list(loads(meta["instances"])),
                rate=float(meta["rate"]) if meta.get("rate") else None,
                burst=int(meta.get("burst") or 1),
                profile=profile_from_json(loads(meta.get("profile") or "null")),
                budgets={
                    name: budget_from_json(data)
                    for name, data in loads(meta.get("budgets") or "{}").items()
                },
            )
        known.state = meta["state"]
        return known

    async def _pick(self, slot: int) -> tuple[WorkerCampaign, int] | Literal[False] | None:
        """A campaign and a partition whose lease we took; False: work exists but
        none is free now; None: no work left for this worker."""
        names = [
            n.decode() if isinstance(n, bytes) else n for n in await self.redis.smembers(REGISTRY)
        ]
        random.shuffle(names)
        busy = False
        now = asyncio.get_running_loop().time()
        held = {(name, partition) for name, partition, _ in self._held}
        for name in names:
            if self.only is not None and name not in self.only:
                continue
            campaign = await self._campaign(name)
            if campaign is None or campaign.state in ("creating", "paused"):
                continue
            left = _decode_hash(await self.redis.hgetall(campaign.keys.left))
            usable = [
                p
                for p in range(campaign.partitions)
                if int(left.get(str(p), "0")) > 0
                and (campaign.state == "cancelled" or self._can_send(campaign, p, now))
            ]
            if not usable:
                continue
            busy = True
            free = [p for p in usable if (name, p) not in held]
            random.shuffle(free)
            got = await campaign.ops_for(slot).lease_one(free, self.idle_timeout)
            if got is not None:
                return campaign, got
        return False if busy else None

    def _can_send(self, campaign: WorkerCampaign, partition: int, now: float) -> bool:
        return self._instances.usable(campaign.instances[partition % len(campaign.instances)], now)

    async def _renew_leases(self) -> None:
        while True:
            await asyncio.sleep(self.idle_timeout / 3)
            for name, partition, slot in list(self._held):
                campaign = self._campaigns.get(name)
                if campaign is None:
                    continue
                try:
                    if not await campaign.ops_for(slot).renew(partition, self.idle_timeout):
                        logger.warning(
                            "worker %s lost the lease of %s partition %d", self.id, name, partition
                        )
                except self._errors as exc:
                    self._redis_gone(exc)

    # -- working a partition ---------------------------------------------------------

    async def _work(self, campaign: WorkerCampaign, partition: int, slot: int) -> None:
        held = (campaign.keys.name, partition, slot)
        ops = campaign.ops_for(slot)
        self._held.add(held)
        try:
            if campaign.state == "cancelled":
                await drain_partition(ops, partition)
                return
            for entry in await ops.claim_pending(partition):
                if await ops.settle_claimed(entry):
                    self.stats.reclaimed += 1
                    continue
                if not await self._send(campaign, ops, entry):
                    return
            for _ in range(self.batch):
                if self.stopping:
                    return
                unread = await ops.read_next(partition)
                if unread is None or not await self._send(campaign, ops, unread):
                    return
        finally:
            self._held.discard(held)
            with contextlib.suppress(*self._errors):
                await ops.release(partition)

    async def _send(self, campaign: WorkerCampaign, ops: PartitionOps, entry: Entry) -> bool:
        """Send one entry and record its outcome; False: leave the partition now
        (the entry stays pending for whoever owns it next)."""
        instance = campaign.instances[entry.partition % len(campaign.instances)]
        client = self._instances.client(instance)
        if client is None:
            return False
        redact = self._instances.redactor(instance)
        try:
            parts = client.plan(message_from_envelope(loads(entry.envelope)))
        except ZapiError as exc:
            await self._record(ops, entry, redact, "failed", error=exc)
            return True
        mark = StartMark(ops, entry, self)
        limiter = ChainedLimiter(*self._instances.limiters(campaign, instance, client), mark)
        task = asyncio.ensure_future(client.send_parts(parts, limiter=limiter))
        stopped = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
            if not task.done() and not (mark.started or mark.marking):
                task.cancel()  # still waiting for the limiter: nothing went out
            results: list[SendResult] = await task
        except asyncio.CancelledError:
            if not mark.started:
                if task.cancelled():
                    return False
                raise
            raise
        except NotStarted as refused:
            if refused.verdict in ("done", "cancelled"):
                await self._record(ops, entry, redact, "unsent", error="the campaign was cancelled")
                return True
            return False
        except (DailyCapReachedError, LimiterUnavailableError) as exc:
            if mark.started:
                await self._record(ops, entry, redact, classify(exc), error=exc)
                return True
            self._instances.hold_back(instance, exc, self.max_retry_delay)
            return False
        except ZapiError as exc:
            sent = list(exc.sent) if isinstance(exc, PartialSendError) else []
            await self._record(ops, entry, redact, classify(exc), results=sent, error=exc)
            return True
        except Exception as exc:
            if not mark.started:
                if mark.uncertain:
                    await self._retry(ops.unstart, entry)
                raise
            # Its text is logged and stored without the instance's secrets (no traceback).
            logger.error(
                "unexpected error sending message %d: %s", entry.index, redact(describe(exc))
            )
            # A request went out (mark.started): it may have been delivered.
            await self._record(ops, entry, redact, "unknown", error=exc)
            return True
        finally:
            stopped.cancel()
        await self._record(ops, entry, redact, "sent", results=results)
        return True

    async def _record(
        self,
        ops: PartitionOps,
        entry: Entry,
        redact: Callable[[str], str],
        status: str,
        *,
        results: list[Any] | None = None,
        error: BaseException | str | None = None,
    ) -> None:
        body = outcome_json(status, ops.worker, results=results or [], error=error, redact=redact)
        # An outcome seen is never dropped: wait for Redis as long as it takes.
        await self._retry(ops.record, entry, status, body, attempt=ops.worker)
        self.stats.recorded[status] = self.stats.recorded.get(status, 0) + 1

    # -- Redis outages ---------------------------------------------------------------

    async def _retry(self, call: Callable[..., Awaitable[Any]], *args: Any, **kwargs: Any) -> Any:
        """``call`` until Redis answers (backing off), however long that takes."""
        delay = self.retry_delay
        while True:
            try:
                result = await call(*args, **kwargs)
            except self._errors as exc:
                self._redis_gone(exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_retry_delay)
            else:
                self._redis_back()
                return result

    def _redis_gone(self, error: BaseException) -> None:
        if not self._down:
            self._down = True
            self.stats.redis_outages += 1
            text = "worker %s: Redis unreachable (%s); pausing and retrying, nothing is lost"
            logger.warning(text, self.id, describe(error))

    def _redis_back(self) -> None:
        if self._down:
            self._down = False
            logger.warning("worker %s: Redis reachable again; resuming", self.id)
