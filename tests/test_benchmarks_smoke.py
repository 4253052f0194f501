"""Smoke test of the benchmark suite: every section runs on tiny sizes.

Checks the shape of the results document and that ratios and targets are
computed; never timing thresholds (this machine's speed is not under test).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import attrs
import pytest

from benchmarks.limiter import max_in_window
from benchmarks.load import CONTENDERS
from benchmarks.report import markdown_tables, text_table
from benchmarks.run import QUICK, SCHEMA, main, run_plan, write_results
from benchmarks.stats import percentile, spread

TINY = attrs.evolve(
    QUICK,
    name="tiny",
    concurrencies=(1, 4),
    repeats=1,
    warmup=0.05,
    duration=0.15,
    model_messages=50,
    model_repeats=1,
    limiter_rate=200.0,
    limiter_burst=5,
    limiter_seconds=0.3,
    memory_messages=60,
    memory_concurrency=4,
    memory_warmup=10,
)
SPREAD_KEYS = {"median", "min", "max", "runs"}


def _is_spread(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == SPREAD_KEYS


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return run_plan(TINY)


def test_document_header(results: dict[str, Any]) -> None:
    assert results["schema"] == SCHEMA
    assert results["mode"] == "tiny"
    machine = results["machine"]
    assert {"cpu_model", "cpu_count", "python", "packages"} <= set(machine)
    assert set(machine["packages"]) >= {"aiohttp", "httpx", "attrs", "cattrs"}
    assert results["server"]["kind"] == "sandbox"
    assert results["server"]["process"] == "separate"


def test_throughput_rows_and_ratios(results: dict[str, Any]) -> None:
    rows = results["throughput"]
    assert [(r["contender"], r["concurrency"]) for r in rows] == [
        (name, c) for c in (1, 4) for name in CONTENDERS
    ]
    for row in rows:
        for key in ("throughput", "cpu_us_per_request", "server_cpu_share", "p50_ms", "p99_ms"):
            assert _is_spread(row[key]), key
            assert row[key]["runs"] == 1
        assert row["errors"] == 0
        assert row["requests"] > 0
        assert isinstance(row["ratio"], float)
        assert isinstance(row["cpu_ratio"], float)
        if row["contender"] == "aiohttp":
            assert row["ratio"] == 1.0
            assert row["cpu_ratio"] == 1.0
        else:
            expected = row["throughput"]["median"] / next(
                r["throughput"]["median"]
                for r in rows
                if r["contender"] == "aiohttp" and r["concurrency"] == row["concurrency"]
            )
            assert row["ratio"] == pytest.approx(expected)


def test_model_cost_rows(results: dict[str, Any]) -> None:
    rows = results["model_cost"]
    assert [(r["shape"], r["stage"]) for r in rows] == [
        (shape, stage)
        for shape in ("compliant", "mixed")
        for stage in ("pipeline", "build", "split", "to_wire")
    ]
    assert {r["shape"]: r["parts"] for r in rows} == {"compliant": 1, "mixed": 2}
    for row in rows:
        assert _is_spread(row["messages_per_s"])
        assert row["messages_per_s"]["median"] > 0
        assert row["us_per_message"] == pytest.approx(1e6 / row["messages_per_s"]["median"])


def test_limiter_section(results: dict[str, Any]) -> None:
    limiter = results["limiter"]
    assert limiter["configured_rate"] == 200.0
    assert limiter["burst"] == 5
    assert limiter["grants"] > limiter["burst"]
    assert math.isfinite(limiter["error_percent"])
    assert limiter["allowed_in_any_second"] == 205
    assert limiter["max_in_half_interval"] >= 1


def test_memory_section(results: dict[str, Any]) -> None:
    memory = results["memory"]
    assert memory["messages"] == 60
    assert memory["sent"] == 60
    assert memory["failed"] == 0
    assert memory["rss_peak_mib"] >= memory["rss_start_mib"] > 0
    assert memory["growth_mib"] == pytest.approx(memory["rss_peak_mib"] - memory["rss_start_mib"])


def test_targets_all_evaluated(results: dict[str, Any]) -> None:
    targets = results["targets"]
    assert len(targets) == 10
    for target in targets:
        assert set(target) == {"name", "target", "measured", "met"}
    # Concurrency 1 ran; 8 and 64 did not: those targets say so instead of guessing.
    assert isinstance(targets[0]["met"], bool)
    assert [t["met"] for t in targets[1:6]] == [None] * 5
    assert all(isinstance(t["met"], bool) for t in targets[6:])


def test_written_files(results: dict[str, Any], tmp_path: Path) -> None:
    written = write_results(results, tmp_path)
    assert [p.name for p in written] == ["bench-tiny.json", "bench-tiny.md", "bench-tiny.svg"]
    document = json.loads(written[0].read_text())  # strict JSON: no NaN
    assert document["schema"] == SCHEMA
    assert written[2].read_text().startswith("<svg ")
    assert "| `zapi_client` | 4 |" in written[1].read_text()
    assert "zapi_client" in text_table(results["throughput"])
    assert "| target | goal | measured | met |" in markdown_tables(results)


def test_main_quick_model_only(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--quick", "--only", "model", "--out", str(tmp_path)]) == 0
    document = json.loads((tmp_path / "bench-quick.json").read_text())
    assert document["mode"] == "quick"
    assert "throughput" not in document
    assert "| compliant | 1 | pipeline |" in capsys.readouterr().out


def test_helpers() -> None:
    assert max_in_window([0.0, 0.1, 0.2, 1.0, 1.05], 0.5) == 3
    assert max_in_window([0.0, 0.5, 1.0], 0.5) == 1
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.99) == 4.0
    assert spread([3.0, 1.0, 2.0]) == {"median": 2.0, "min": 1.0, "max": 3.0, "runs": 3}
    assert math.isnan(spread([])["median"])


@pytest.mark.parametrize("kind", ["client", "prebuilt", "send_many"])
def test_the_overhead_harness_sends_through_the_real_client(kind: str) -> None:
    from benchmarks.overhead import run
    from zapi_async.http.transport import Transport

    real = Transport._round_trip
    assert run(kind, 25) == 25
    assert Transport._round_trip is real  # patched only for the run
