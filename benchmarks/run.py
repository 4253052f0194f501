"""Run the benchmark suite: ``python -m benchmarks.run [--quick]`` (``make bench``).

Sections, in order: ``model`` (model cost), ``limiter`` (accuracy), ``http``
(throughput and latency of every contender) and ``memory`` (RSS across a long
``send_many``). The full run takes about five minutes on a 2-core machine and
writes ``benchmarks/results/bench-full.{json,svg,md}``; ``--quick`` takes about
half a minute and writes to a temporary folder unless ``--out`` is given.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from .chart import throughput_svg
from .limiter import measure_limiter
from .load import CONTENDERS, POOL_SIZE
from .machine import describe_machine, load_average
from .model_cost import measure_model_cost
from .report import evaluate_targets, markdown_tables, text_table
from .server import ServerKind, ServerProcess
from .throughput import measure_throughput

__all__ = ["FULL", "QUICK", "SECTIONS", "Plan", "main", "run_plan"]

SECTIONS = ("model", "limiter", "http", "memory")
RESULTS_DIR = Path(__file__).resolve().parent / "results"
SCHEMA = "zapi_async-bench/1"


@attrs.frozen(kw_only=True)
class Plan:
    """Sizes of one suite run (seconds, counts)."""

    name: str
    concurrencies: tuple[int, ...]
    repeats: int
    warmup: float
    duration: float
    rate: float
    model_messages: int
    model_repeats: int
    limiter_rate: float
    limiter_burst: int
    limiter_seconds: float
    memory_messages: int
    memory_concurrency: int
    memory_warmup: int


FULL = Plan(
    name="full",
    concurrencies=(1, 8, 64, 256),
    repeats=3,
    warmup=0.3,
    duration=1.2,
    rate=500.0,
    model_messages=20_000,
    model_repeats=5,
    limiter_rate=100.0,
    limiter_burst=10,
    limiter_seconds=30.0,
    memory_messages=100_000,
    memory_concurrency=64,
    memory_warmup=1000,
)
QUICK = attrs.evolve(
    FULL,
    name="quick",
    concurrencies=(1, 64),
    warmup=0.1,
    duration=0.3,
    model_messages=2000,
    model_repeats=3,
    limiter_seconds=3.0,
    memory_messages=3000,
    memory_warmup=200,
)


def _log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _memory(plan: Plan, server: ServerKind, server_cpu: int | None) -> dict[str, Any]:
    with ServerProcess(server, cpu=server_cpu) as process:
        command = [
            sys.executable,
            "-m",
            "benchmarks.memory",
            "--base-url",
            process.base_url,
            "--messages",
            str(plan.memory_messages),
            "--concurrency",
            str(plan.memory_concurrency),
            "--warmup",
            str(plan.memory_warmup),
        ]
        done = subprocess.run(
            command,
            cwd=RESULTS_DIR.parent.parent,
            capture_output=True,
            text=True,
            check=True,
        )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_plan(
    plan: Plan,
    *,
    sections: Sequence[str] = SECTIONS,
    server: ServerKind = "sandbox",
    pin: bool = False,
    contenders: Sequence[str] = tuple(CONTENDERS),
) -> dict[str, Any]:
    """Run the chosen sections; return the results document (see docs/performance.md)."""
    server_cpu = 1 if pin and (os.cpu_count() or 1) > 1 else None
    if pin and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    started = time.perf_counter()
    results: dict[str, Any] = {
        "schema": SCHEMA,
        "mode": plan.name,
        "created": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "machine": describe_machine(),
        "plan": attrs.asdict(plan),
        "server": {
            "kind": server,
            "process": "separate",
            "pinned": pin,
            "pool_size": POOL_SIZE,
        },
    }
    if "model" in sections:
        _log("model cost ...")
        results["model_cost"] = measure_model_cost(plan.model_messages, plan.model_repeats)
    if "limiter" in sections:
        _log(f"limiter accuracy ({plan.limiter_seconds:g} s) ...")
        results["limiter"] = measure_limiter(
            plan.limiter_rate, plan.limiter_burst, plan.limiter_seconds
        )
    if "http" in sections:
        _log("HTTP throughput ...")
        results["throughput"] = measure_throughput(
            server=server,
            concurrencies=plan.concurrencies,
            repeats=plan.repeats,
            warmup=plan.warmup,
            duration=plan.duration,
            rate=plan.rate,
            contenders=contenders,
            server_cpu=server_cpu,
            progress=_log,
        )
    if "memory" in sections:
        _log(f"memory across {plan.memory_messages:,} messages ...")
        results["memory"] = _memory(plan, server, server_cpu)
    results["targets"] = evaluate_targets(results)
    results["machine"]["load_average_at_end"] = load_average()
    results["seconds"] = time.perf_counter() - started
    return results


def _json_safe(value: Any) -> Any:
    """``value`` with NaN and infinities replaced by ``None`` (strict JSON)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


#: Where the docs page (docs/performance.md) expects the published chart.
DOCS_CHART = Path(__file__).resolve().parent.parent / "docs" / "img" / "throughput.svg"


def write_results(results: dict[str, Any], out: Path) -> list[Path]:
    """Write ``bench-<mode>.json``, ``.md`` and (with HTTP results) ``.svg`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    stem = out / f"bench-{results['mode']}"
    written = [stem.with_suffix(".json"), stem.with_suffix(".md")]
    written[0].write_text(json.dumps(_json_safe(results), indent=1, allow_nan=False) + "\n")
    written[1].write_text(markdown_tables(results))
    if results.get("throughput"):
        machine = results["machine"]
        title = (
            f"send-button-actions against the {results['server']['kind']} "
            f"({machine['cpu_model']}, {machine['cpu_count']} cores)"
        )
        svg = stem.with_suffix(".svg")
        svg.write_text(throughput_svg(results["throughput"], title))
        written.append(svg)
    return written


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point; returns the exit code."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short smoke run")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=list(SECTIONS))
    parser.add_argument("--server", choices=["sandbox", "minimal"], default="sandbox")
    parser.add_argument("--pin", action="store_true", help="pin client to CPU 0, server to 1")
    parser.add_argument("--out", type=Path, default=None, help="folder for the results")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    out = args.out or (Path(tempfile.gettempdir()) / "zapi-bench" if args.quick else RESULTS_DIR)
    results = run_plan(plan, sections=args.only, server=args.server, pin=args.pin)
    if results.get("throughput"):
        print(text_table(results["throughput"]))
    print(markdown_tables({k: v for k, v in results.items() if k != "throughput"}))
    written = write_results(results, out)
    if out == RESULTS_DIR and not args.quick:
        # The docs show the chart of the published run.
        for path in written:
            if path.suffix == ".svg":
                DOCS_CHART.write_text(path.read_text())
                written.append(DOCS_CHART)
                break
    for path in written:
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
