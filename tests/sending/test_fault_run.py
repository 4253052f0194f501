"""10,000 messages through send_many against a faulty sandbox: every input gets exactly
one outcome, nothing is sent twice, and each outcome tells the truth.

The run's accounting table (outcomes, acceptances, injected faults) is a report
section of the test, not printed in the middle of pytest's output: see it with
``pytest -rA tests/sending/test_fault_run.py`` (the "Captured fault run accounting"
section under PASSES), or in the failure report.
"""

from __future__ import annotations

import logging
import random
from collections import Counter
from collections.abc import Mapping
from typing import Any

import pytest

from zapi_async import ButtonActionsMessage, ReplyButton, ZapiClient
from zapi_async.http.retry import RetryPolicy
from zapi_async.sandbox import FaultPlan, ZapiSandbox
from zapi_async.sending.outcomes import Outcome

MESSAGES = 10_000
RECIPIENTS = 400


def spiky_latency(rng: random.Random) -> float:
    return 0.02 if rng.random() < 0.005 else 0.0


def campaign() -> list[ButtonActionsMessage]:
    return [
        ButtonActionsMessage(
            phone=f"5511{900000000 + i % RECIPIENTS}",
            message=f"campaign message #{i}",
            buttons=[ReplyButton("Stop", id="stop")],
        )
        for i in range(MESSAGES)
    ]


def accounting(
    by_status: Mapping[Any, int],
    accepted: Mapping[Any, int],
    faults: Mapping[Any, int],
) -> str:
    """The run's table, for the test's report."""
    lines = [f"inputs              {MESSAGES:>6}"]
    for status in ("sent", "failed", "unknown", "partial", "unsent"):
        lines.append(f"outcome {status:<11} {by_status.get(status, 0):>6}")
    lines.append(f"accepted by sandbox {sum(accepted.values()):>6}")
    for fault in ("error", "rate_limit", "drop_before", "drop_after"):
        lines.append(f"injected {fault:<10} {faults.get(fault, 0):>6}")
    return "\n".join(lines) + "\n"


@pytest.mark.slow
async def test_fault_run_accounts_for_every_message(
    request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="zapi_async")  # hundreds of expected warnings
    plan = FaultPlan(
        error_rate=0.10,
        error_status=503,
        rate_limit_rate=0.05,
        retry_after=0.001,
        drop_rate=0.02,
        drop_after_accept_ratio=0.5,
        latency=spiky_latency,
    )
    retry = RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_max=0.004)
    messages = campaign()
    async with ZapiSandbox(seed=2026) as sandbox:
        sandbox.fault_plan = plan
        async with ZapiClient(
            sandbox.instance_id, sandbox.token, base_url=sandbox.base_url, retry=retry
        ) as zapi:
            outcomes: list[Outcome[ButtonActionsMessage]] = [
                outcome async for outcome in zapi.send_many(iter(messages), concurrency=32)
            ]
        accepted = Counter(record.text for record in sandbox.messages)
        records = {record.text: record for record in sandbox.messages}
        faults = Counter(request.fault for request in sandbox.requests)

    # Every input has exactly one outcome, carrying the input it belongs to.
    assert sorted(o.index for o in outcomes) == list(range(MESSAGES))
    assert all(o.item is messages[o.index] for o in outcomes)
    # Nothing was accepted twice.
    assert max(accepted.values()) == 1
    by_status = Counter(o.status for o in outcomes)
    for outcome in outcomes:
        text = outcome.item.message
        if outcome.status == "sent":
            assert accepted[text] == 1
            assert [r.message_id for r in outcome.results] == [records[text].message_id]
        elif outcome.status == "failed":
            assert accepted[text] == 0, f"reported failed but was accepted: {text}"
            assert outcome.error is not None
        else:
            assert outcome.status == "unknown", outcome
    # "unknown" exactly where a connection dropped after the body went out: drops are
    # never retried, so each drop is one unknown outcome, and the sandbox accepted
    # exactly those whose drop came after acceptance.
    unknown = [o for o in outcomes if o.status == "unknown"]
    assert len(unknown) == faults["drop_before"] + faults["drop_after"]
    assert sum(accepted[o.item.message] for o in unknown) == faults["drop_after"]
    assert faults["error"] > 0
    assert faults["rate_limit"] > 0
    assert faults["drop_after"] > 0

    request.node.add_report_section(
        "call", "fault run accounting", accounting(by_status, accepted, faults)
    )
    assert by_status["sent"] + by_status["failed"] + by_status["unknown"] == MESSAGES
