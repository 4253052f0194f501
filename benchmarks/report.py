"""Targets from issue 8, the console table and the Markdown tables for the docs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["evaluate_targets", "markdown_tables", "text_table"]

#: The concurrency the HTTP targets are stated at.
TARGET_CONCURRENCY = 64


def _row(rows: Sequence[dict[str, Any]], contender: str, concurrency: int) -> dict[str, Any] | None:
    for row in rows:
        if row["contender"] == contender and row["concurrency"] == concurrency:
            return row
    return None


def _target(name: str, goal: str, measured: float | None, met: bool | None) -> dict[str, Any]:
    return {"name": name, "target": goal, "measured": measured, "met": met}


def evaluate_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with the measured value and whether it was met (``None``: not run)."""
    rows = results.get("throughput") or []
    targets = []
    # Issue 21's targets: req/s ratios to raw aiohttp, and client CPU per request.
    goals = [("zapi_client", 1, 0.90), ("zapi_client", 8, 0.90)]
    goals += [("zapi_client", TARGET_CONCURRENCY, 0.95), ("send_many", TARGET_CONCURRENCY, 0.90)]
    for contender, concurrency, goal in goals:
        row = _row(rows, contender, concurrency)
        ratio = row["ratio"] if row else None
        targets.append(
            _target(
                f"{contender} req/s vs raw aiohttp at concurrency {concurrency}",
                f">= {goal:.2f}x",
                ratio,
                None if ratio is None else ratio >= goal,
            )
        )
    row = _row(rows, "zapi_client", TARGET_CONCURRENCY)
    # cpu_ratio is raw CPU over ours: ours <= 1.10x raw means cpu_ratio >= 1/1.10.
    cpu = 1 / row["cpu_ratio"] if row and row["cpu_ratio"] else None
    targets.append(
        _target(
            f"zapi_client client CPU per request vs raw aiohttp at {TARGET_CONCURRENCY}",
            "<= 1.10x",
            cpu,
            None if cpu is None else cpu <= 1.10,
        )
    )
    ours, httpx = (_row(rows, n, TARGET_CONCURRENCY) for n in ("zapi_client", "httpx"))
    versus = (
        ours["throughput"]["median"] / httpx["throughput"]["median"]
        if ours and httpx and httpx["throughput"]["median"] > 0
        else None
    )
    targets.append(
        _target(
            f"zapi_client req/s vs httpx at concurrency {TARGET_CONCURRENCY}",
            ">= 10x",
            versus,
            None if versus is None else versus >= 10,
        )
    )
    for shape, goal in (("compliant", 200_000), ("mixed", 80_000)):
        model = [
            r
            for r in results.get("model_cost") or []
            if r["shape"] == shape and r["stage"] == "pipeline"
        ]
        speed = model[0]["messages_per_s"]["median"] if model else None
        targets.append(
            _target(
                f"model cost, build+validate+split+to_wire ({shape} message)",
                f">= {goal} messages/s",
                speed,
                None if speed is None else speed >= goal,
            )
        )
    limiter = results.get("limiter")
    error = limiter["error_percent"] if limiter else None
    targets.append(
        _target(
            "limiter achieved vs configured rate",
            "within ±2%",
            error,
            None if error is None else abs(error) <= 2.0,
        )
    )
    memory = results.get("memory")
    growth = memory["growth_mib"] if memory else None
    targets.append(
        _target(
            f"RSS growth across a {memory['messages'] if memory else '?'}-message send_many",
            "< 20 MiB",
            growth,
            None if growth is None else growth < 20.0,
        )
    )
    return targets


def _fmt_spread(spread: dict[str, float], digits: int = 0) -> str:
    return (
        f"{spread['median']:,.{digits}f} ({spread['min']:,.{digits}f}-{spread['max']:,.{digits}f})"
    )


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}x"


def text_table(rows: Sequence[dict[str, Any]]) -> str:
    """The throughput rows as an aligned plain-text table."""
    header = (
        f"{'contender':<15} {'conc':>4} {'req/s median (min-max)':>26} {'ratio':>6} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'CPU µs/req':>10} {'cpu ratio':>9} "
        f"{'server CPU':>10} {'errors':>6}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        lines.append(
            f"{row['contender']:<15} {row['concurrency']:>4} "
            f"{_fmt_spread(row['throughput']):>26} {_ratio(row['ratio']):>6} "
            f"{row['p50_ms']['median']:>8.2f} {row['p95_ms']['median']:>8.2f} "
            f"{row['p99_ms']['median']:>8.2f} {row['cpu_us_per_request']['median']:>10.0f} "
            f"{_ratio(row['cpu_ratio']):>9} {row['server_cpu_share']['median']:>9.0%} "
            f"{row['errors']:>6}"
        )
    return "\n".join(lines)


def _md(headers: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cells) + " |" for cells in body]
    return "\n".join(lines)


def _measured(target: dict[str, Any]) -> str:
    value = target["measured"]
    if value is None:
        return "not run"
    if "x" in target["target"]:
        return f"{value:.2f}x"
    if "%" in target["target"]:
        return f"{value:+.2f}%"
    if "MiB" in target["target"]:
        return f"{value:.1f} MiB"
    return f"{value:,.0f}"


def markdown_tables(results: dict[str, Any]) -> str:
    """Markdown for docs/performance.md: throughput, model cost, limiter, memory, targets."""
    parts = []
    rows = results.get("throughput") or []
    if rows:
        parts.append(
            _md(
                [
                    "contender",
                    "concurrency",
                    "req/s median (min-max)",
                    "x aiohttp",
                    "p50 ms",
                    "p95 ms",
                    "p99 ms",
                    "client CPU µs/req",
                    "CPU x aiohttp",
                    "server CPU",
                ],
                [
                    [
                        f"`{r['contender']}`",
                        str(r["concurrency"]),
                        _fmt_spread(r["throughput"]),
                        _ratio(r["ratio"]),
                        f"{r['p50_ms']['median']:.2f}",
                        f"{r['p95_ms']['median']:.2f}",
                        f"{r['p99_ms']['median']:.2f}",
                        f"{r['cpu_us_per_request']['median']:.0f}",
                        _ratio(r["cpu_ratio"]),
                        f"{r['server_cpu_share']['median']:.0%}",
                    ]
                    for r in rows
                ],
            )
        )
    model = results.get("model_cost") or []
    if model:
        parts.append(
            _md(
                ["shape", "requests", "stage", "messages/s median (min-max)", "µs/message"],
                [
                    [
                        r["shape"],
                        str(r["parts"]),
                        r["stage"],
                        _fmt_spread(r["messages_per_s"]),
                        f"{r['us_per_message']:.1f}",
                    ]
                    for r in model
                ],
            )
        )
    limiter = results.get("limiter")
    if limiter:
        parts.append(
            _md(
                [
                    "configured",
                    "burst",
                    "seconds",
                    "achieved",
                    "error",
                    "per-window rate",
                    "max in any 1 s (allowed)",
                    "max within half an interval",
                ],
                [
                    [
                        f"{limiter['configured_rate']:g}/s",
                        str(limiter["burst"]),
                        f"{limiter['seconds']:g}",
                        f"{limiter['achieved_rate']:.2f}/s",
                        f"{limiter['error_percent']:+.2f}%",
                        _fmt_spread(limiter["rate_per_window"], 2),
                        f"{limiter['max_in_any_second']} ({limiter['allowed_in_any_second']})",
                        str(limiter["max_in_half_interval"]),
                    ]
                ],
            )
        )
    memory = results.get("memory")
    if memory:
        parts.append(
            _md(
                [
                    "messages",
                    "concurrency",
                    "RSS start",
                    "RSS peak",
                    "RSS end",
                    "growth",
                    "messages/s",
                ],
                [
                    [
                        f"{memory['messages']:,}",
                        str(memory["concurrency"]),
                        f"{memory['rss_start_mib']:.1f} MiB",
                        f"{memory['rss_peak_mib']:.1f} MiB",
                        f"{memory['rss_end_mib']:.1f} MiB",
                        f"{memory['growth_mib']:.1f} MiB",
                        f"{memory['messages_per_s']:,.0f}",
                    ]
                ],
            )
        )
    targets = results.get("targets") or []
    if targets:
        parts.append(
            _md(
                ["target", "goal", "measured", "met"],
                [
                    [
                        t["name"],
                        t["target"],
                        _measured(t),
                        {True: "yes", False: "**no**", None: "-"}[t["met"]],
                    ]
                    for t in targets
                ],
            )
        )
    return "\n\n".join(parts) + "\n"
