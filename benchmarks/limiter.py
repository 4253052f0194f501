"""Limiter accuracy: achieved vs configured rate, and the largest bursts.

Runs in-process against a no-op sink, on the real event-loop clock: ``waiters``
tasks call :meth:`RateLimiter.acquire` in a loop for ``seconds`` and every grant
time is kept. GCRA lets ``burst`` requests through at once, then one every
``1 / rate`` seconds, so the steady rate is ``(grants - burst) / (last - first)``.
"""

from __future__ import annotations

import asyncio
import statistics
from collections.abc import Sequence
from typing import Any

from zapi_async.limits.rate import RateLimiter

from .stats import spread

__all__ = ["max_in_window", "measure_limiter"]

#: Length of the windows the rate is also reported per (seconds; shorter runs use
#: a third of their length).
SUB_WINDOW = 5.0


def max_in_window(times: Sequence[float], width: float) -> int:
    """Most grants in any window ``[t, t + width)`` (``times`` sorted)."""
    best = start = 0
    for end, t in enumerate(times):
        while times[start] <= t - width:
            start += 1
        best = max(best, end - start + 1)
    return best


async def _grants(rate: float, burst: int, seconds: float, waiters: int) -> list[float]:
    limiter = RateLimiter(rate, burst)
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    grants: list[float] = []

    async def waiter() -> None:
        while True:
            await limiter.acquire()
            now = loop.time()
            if now >= end:
                return
            grants.append(now)

    await asyncio.gather(*(waiter() for _ in range(waiters)))
    grants.sort()
    return grants


def measure_limiter(rate: float, burst: int, seconds: float, waiters: int = 32) -> dict[str, Any]:
    """Run the limiter for ``seconds``; report achieved rate, error and bursts."""
    grants = asyncio.run(_grants(rate, burst, seconds, waiters))
    span = grants[-1] - grants[0] if len(grants) > 1 else 0.0
    achieved = (len(grants) - burst) / span if span > 0 else 0.0
    interval = 1.0 / rate
    width = SUB_WINDOW if seconds >= 3 * SUB_WINDOW else seconds / 3
    windows: list[float] = []
    start = grants[0] if grants else 0.0
    while start + width <= (grants[-1] if grants else 0.0):
        inside = sum(1 for t in grants if start <= t < start + width)
        windows.append(inside / width)
        start += width
    gaps = [b - a for a, b in zip(grants[burst:], grants[burst + 1 :], strict=False)]
    return {
        "configured_rate": rate,
        "burst": burst,
        "seconds": seconds,
        "waiters": waiters,
        "grants": len(grants),
        "achieved_rate": achieved,
        "error_percent": (achieved / rate - 1.0) * 100.0 if rate else 0.0,
        "rate_per_window": spread(windows),
        "window_seconds": width,
        "max_in_any_second": max_in_window(grants, 1.0),
        "allowed_in_any_second": int(rate) + burst,
        "max_in_half_interval": max_in_window(grants, interval / 2),
        "gap_ms": {
            "median": statistics.median(gaps) * 1000 if gaps else 0.0,
            "min": min(gaps) * 1000 if gaps else 0.0,
            "max": max(gaps) * 1000 if gaps else 0.0,
        },
    }
