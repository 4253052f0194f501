"""Throughput section: every contender at every concurrency, repeated, summarised.

Runs are interleaved (repeat 1 of every cell, then repeat 2, ...) so slow drift of
a shared machine spreads over all contenders instead of hitting one. Each cell
reports median and min..max of req/s, latency percentiles (per run, then the
median across runs), client CPU µs per request and the server process's CPU share.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from .load import CONTENDERS, LoadSettings, RunSample, run_contender
from .server import ServerKind, ServerProcess
from .stats import percentile, spread

__all__ = ["BASELINE", "measure_throughput", "summarise_cell"]

#: The contender every ratio is taken against.
BASELINE = "aiohttp"
_PERCENTILES = {"p50": 0.50, "p95": 0.95, "p99": 0.99}


def _process_cpu(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` (0.0 where /proc is missing)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def summarise_cell(
    contender: str, concurrency: int, samples: Sequence[RunSample], server_share: Sequence[float]
) -> dict[str, Any]:
    """One table row from the runs of one (contender, concurrency) cell."""
    row: dict[str, Any] = {
        "contender": contender,
        "concurrency": concurrency,
        "throughput": spread([s.throughput for s in samples]),
        "cpu_us_per_request": spread([s.cpu_us_per_request for s in samples]),
        "server_cpu_share": spread(list(server_share)),
        "requests": sum(s.requests for s in samples),
        "errors": sum(s.errors for s in samples),
    }
    for name, q in _PERCENTILES.items():
        row[f"{name}_ms"] = spread([percentile(s.latencies, q) * 1000 for s in samples])
    return row


def _add_ratios(rows: list[dict[str, Any]]) -> None:
    """``ratio``: median req/s over the baseline's; ``cpu_ratio``: baseline CPU over ours."""
    baseline = {r["concurrency"]: r for r in rows if r["contender"] == BASELINE}
    for row in rows:
        base = baseline.get(row["concurrency"])
        if base is None:
            row["ratio"] = row["cpu_ratio"] = None
            continue
        row["ratio"] = row["throughput"]["median"] / base["throughput"]["median"]
        row["cpu_ratio"] = (
            base["cpu_us_per_request"]["median"] / row["cpu_us_per_request"]["median"]
        )


def measure_throughput(
    *,
    server: ServerKind,
    concurrencies: Sequence[int],
    repeats: int,
    warmup: float,
    duration: float,
    rate: float,
    contenders: Sequence[str] = tuple(CONTENDERS),
    server_cpu: int | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> list[dict[str, Any]]:
    """Run every cell ``repeats`` times against one server process; return the rows."""
    samples: dict[tuple[str, int], list[RunSample]] = {}
    shares: dict[tuple[str, int], list[float]] = {}
    with ServerProcess(server, cpu=server_cpu) as process:
        pid = process.pid
        for repeat in range(repeats):
            for concurrency in concurrencies:
                for name in contenders:
                    settings = LoadSettings(
                        concurrency=concurrency, warmup=warmup, duration=duration, rate=rate
                    )
                    cpu_before, wall_before = _process_cpu(pid), time.perf_counter()
                    sample = run_contender(name, process.base_url, settings)
                    wall = time.perf_counter() - wall_before
                    share = (_process_cpu(pid) - cpu_before) / wall if wall > 0 else 0.0
                    samples.setdefault((name, concurrency), []).append(sample)
                    shares.setdefault((name, concurrency), []).append(share)
                    progress(
                        f"run {repeat + 1}/{repeats} c={concurrency:<3} {name:<15} "
                        f"{sample.throughput:8.0f} req/s  {sample.cpu_us_per_request:6.0f} µs "
                        f"CPU/req  errors {sample.errors}"
                    )
    rows = [
        summarise_cell(name, concurrency, samples[(name, concurrency)], shares[(name, concurrency)])
        for concurrency in concurrencies
        for name in contenders
    ]
    _add_ratios(rows)
    return rows
