"""Campaigns across processes and machines, kept in Redis (Streams with consumer groups).

::

    from redis.asyncio import Redis
    from zapi_async.campaigns import Campaign, create_campaign, run_worker

    redis = Redis.from_url("redis://redis.internal:6379/0")
    await create_campaign(redis, "black-friday", messages, instances=["main"], rate=20)
    # on every machine, any number of times:
    await run_worker("redis://redis.internal:6379/0", concurrency=8)
    # anywhere:
    print(await Campaign(redis, "black-friday").status())

Credentials are never stored in Redis: a campaign names its instances and each
worker looks their credentials up in its own environment
(:func:`credentials_from_env`) or in what it is given. Needs the ``redis`` extra
(``pip install 'zapi-async[redis]'``). See docs/multiprocess.md ("Campaigns at scale").
"""

from ._attempt import WorkerStats
from .create import create_campaign, partition_of
from .records import (
    CampaignItem,
    CampaignResult,
    CampaignStatus,
    InstanceBudget,
    InstanceCredentials,
    credentials_from_env,
)
from .run import run_worker
from .store import Campaign
from .worker import DEFAULT_IDLE_TIMEOUT, Worker

__all__ = [
    "DEFAULT_IDLE_TIMEOUT",
    "Campaign",
    "CampaignItem",
    "CampaignResult",
    "CampaignStatus",
    "InstanceBudget",
    "InstanceCredentials",
    "Worker",
    "WorkerStats",
    "create_campaign",
    "credentials_from_env",
    "partition_of",
    "run_worker",
]
