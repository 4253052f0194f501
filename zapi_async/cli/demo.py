"""The demo behind ``make demo``: the whole library against the embedded fake Z-API.

No account needed. It starts a :class:`~zapi_async.sandbox.ZapiSandbox`, sends the
seed page's three buttons (which WhatsApp Web cannot show in one message) and shows
the two compliant messages that went out, then runs a small bulk send through a
faulty sandbox and prints what happened to every message.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import Callable

from ..client import ZapiClient
from ..models.buttons import CallButton, ReplyButton, UrlButton
from ..models.messages import ButtonActionsMessage
from ..sandbox import FaultPlan, ZapiSandbox

__all__ = ["run_demo"]

BULK_SIZE = 300
BULK_RATE = 200.0


def seed_message() -> ButtonActionsMessage:
    """The seed page's example, with all three button kinds in one message."""
    return ButtonActionsMessage(
        phone="551199999999",
        message="a message",
        title="if you want to add a title",
        footer="if you want to add a footer",
        image="https://app.z-api.io/logos/zapi-dark.png",
        buttons=[
            CallButton("Contact us", phone="554498398733", id="1"),
            UrlButton("Visit our website", url="https://z-api.io", id="2"),
            ReplyButton("Talk to an agent", id="3"),
        ],
    )


async def run_demo(out: Callable[[str], None] = print) -> None:
    """Run the demo, writing human-readable lines to ``out``."""
    async with ZapiSandbox(seed=7) as sandbox:
        out(f"Fake Z-API running at {sandbox.base_url}")
        async with ZapiClient(
            sandbox.instance_id, sandbox.token, base_url=sandbox.base_url
        ) as zapi:
            await _send_seed(zapi, sandbox, out)
            await _bulk(zapi, sandbox, out)


async def _send_seed(zapi: ZapiClient, sandbox: ZapiSandbox, out: Callable[[str], None]) -> None:
    message = seed_message()
    kinds = ", ".join(b.kind for b in message.buttons)
    out(f"\n1. Sending one message with {kinds} buttons (not allowed together by WhatsApp Web)")
    results = await zapi.send_button_actions(message)
    out(f"   The client split it into {len(results)} compliant messages:")
    for number, (result, record) in enumerate(zip(results, sandbox.messages, strict=True), 1):
        out(f"\n   message {number}: messageId={result.message_id} zaapId={result.zaap_id}")
        for line in json.dumps(record.body, indent=2, ensure_ascii=False).splitlines():
            out(f"     {line}")


async def _bulk(zapi: ZapiClient, sandbox: ZapiSandbox, out: Callable[[str], None]) -> None:
    out(
        f"\n2. Bulk send: {BULK_SIZE} messages to 30 recipients at {BULK_RATE:g} msg/s, "
        "with the fake Z-API failing on purpose\n   (8% HTTP 503, 4% HTTP 429, 2% dropped "
        "connections)"
    )
    sandbox.reset()
    sandbox.fault_plan = FaultPlan(
        error_rate=0.08, error_status=503, rate_limit_rate=0.04, retry_after=0.05, drop_rate=0.02
    )
    messages = (
        ButtonActionsMessage(
            phone=f"55119{80000000 + i % 30}",
            message=f"Hello #{i}: want to hear about our offer?",
            buttons=[ReplyButton("Yes", id="yes"), ReplyButton("No thanks", id="no")],
        )
        for i in range(BULK_SIZE)
    )
    loop = asyncio.get_running_loop()
    started = loop.time()
    statuses: Counter[str] = Counter()
    async for outcome in zapi.send_many(messages, rate=BULK_RATE, burst=10, concurrency=16):
        statuses[outcome.status] += 1
    elapsed = loop.time() - started
    retried = sum(1 for r in sandbox.requests if r.fault in ("error", "rate_limit"))
    out(f"   done in {elapsed:.1f}s; every message has exactly one outcome:")
    for status in ("sent", "failed", "unknown"):
        out(f"     {status:<8} {statuses[status]:>4}")
    out(f"   {retried} failed attempts (503/429) were retried automatically;")
    out(
        "   'unknown' = the connection dropped after the message may have reached Z-API:"
        " never retried blindly, to avoid duplicates."
    )
    duplicates = sandbox.duplicates()
    out(f"   messages the fake Z-API received twice: {len(duplicates)}")


def main() -> None:
    """Entry point for ``python -m zapi_async demo``."""
    asyncio.run(run_demo())
