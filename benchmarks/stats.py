"""Summaries of repeated measurements: median and spread, latency percentiles."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

__all__ = ["Spread", "percentile", "spread"]

#: ``{"median": ..., "min": ..., "max": ..., "runs": n}``.
Spread = dict[str, float]


def spread(values: Sequence[float]) -> Spread:
    """Median, min and max of repeated runs (``nan`` when there are none)."""
    if not values:
        return {"median": math.nan, "min": math.nan, "max": math.nan, "runs": 0}
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "runs": len(values),
    }


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """The ``q`` quantile (0..1) of already sorted values, nearest-rank method."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(q * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]
