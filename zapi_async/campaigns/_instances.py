"""What one worker holds per Z-API instance: its client (from credentials found by
name), the shared limiters of each campaign sending through it, the secrets to
hide from what it writes, and whether it is held back (a daily cap, Redis away)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from typing import Any

from ..client import ZapiClient
from ..errors import DailyCapReachedError
from ..http.redaction import Redactor
from ..limits.rate import Limiter
from ..limits.redis_limiter import RedisRateLimiter
from ..limits.redis_pacer import RedisPacer
from ._attempt import WorkerCampaign
from ._partition import describe
from .records import InstanceCredentials, credentials_from_env

__all__ = ["DAILY_CAP_RETRY", "CredentialsSource", "Instances"]

logger = logging.getLogger("zapi_async.campaigns")

#: Names an instance -> its credentials (``None``: this worker cannot send for it).
CredentialsSource = Callable[[str], "InstanceCredentials | None"]
#: Seconds an instance whose daily cap is used up waits before it is tried again.
DAILY_CAP_RETRY = 60.0


def _no_secrets(text: str) -> str:
    return text


class Instances:
    """The instances one worker sends through, by campaign instance name."""

    def __init__(
        self,
        redis: Any,
        credentials: Mapping[str, InstanceCredentials] | CredentialsSource | None,
        worker: str,
    ) -> None:
        self.redis = redis
        self.worker = worker
        if credentials is None:
            self._credentials: CredentialsSource = credentials_from_env
        elif isinstance(credentials, Mapping):
            self._credentials = credentials.get
        else:
            self._credentials = credentials
        self._clients: dict[str, ZapiClient | None] = {}
        self._redactors: dict[str, Redactor] = {}
        self._limiters: dict[tuple[str, str], list[Limiter]] = {}
        self._held_back: dict[str, float] = {}  # instance name -> loop time to retry at

    def client(self, instance: str) -> ZapiClient | None:
        """The client of ``instance`` (made on first use), ``None`` without credentials."""
        if instance not in self._clients:
            credentials = self._credentials(instance)
            if credentials is None:
                logger.warning(
                    "worker %s has no credentials for instance %r", self.worker, instance
                )
                self._clients[instance] = None
            else:
                self._redactors[instance] = Redactor([credentials.token, credentials.client_token])
                self._clients[instance] = ZapiClient(
                    credentials.instance_id,
                    credentials.token,
                    client_token=credentials.client_token,
                    base_url=credentials.base_url,
                )
        return self._clients[instance]

    def usable(self, instance: str, now: float) -> bool:
        """Whether this worker can send through ``instance`` now."""
        if self._held_back.get(instance, 0.0) > now:
            return False
        return self.client(instance) is not None

    def redactor(self, instance: str) -> Callable[[str], str]:
        """Hides ``instance``'s token and Client-Token in a text."""
        return self._redactors.get(instance, _no_secrets)

    def limiters(
        self, campaign: WorkerCampaign, instance: str, client: ZapiClient
    ) -> list[Limiter]:
        """The campaign's shared budget for ``instance`` (its own
        :class:`~zapi_async.campaigns.InstanceBudget`, else the campaign's): its rate,
        then its pacing, both in Redis so every worker on every machine draws from them."""
        key = (instance, campaign.keys.name)
        limiters = self._limiters.get(key)
        if limiters is None:
            limiters = []
            budget = campaign.budget_for(instance)
            if budget.rate is not None:
                limiters.append(
                    RedisRateLimiter(
                        self.redis, client.instance_id, rate=budget.rate, burst=budget.burst
                    )
                )
            if budget.pacing is not None:
                limiters.append(RedisPacer(self.redis, client.instance_id, profile=budget.pacing))
            self._limiters[key] = limiters
        return limiters

    def hold_back(self, instance: str, error: BaseException, retry: float) -> None:
        """Send nothing through ``instance`` for a while (``retry`` seconds, or
        :data:`DAILY_CAP_RETRY` after a daily cap)."""
        wait = DAILY_CAP_RETRY if isinstance(error, DailyCapReachedError) else retry
        text = self.redactor(instance)(describe(error))
        logger.warning("instance %r held back for %.0fs: %s", instance, wait, text)
        self._held_back[instance] = asyncio.get_running_loop().time() + wait

    async def close(self) -> None:
        """Close every client."""
        for client in self._clients.values():
            if client is not None:
                await client.close()
