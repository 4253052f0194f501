"""A bulk campaign from a CSV file, with the library (the ``zapi-async bulk``
command does the same from the terminal, with a results file and ``--resume``).

``campaign.csv`` is a ``zapi-async bulk`` file (columns ``phone``, ``message``,
``footer``, ``buttons``): each row becomes a personalised message with two REPLY
buttons. The file is read lazily, so memory stays flat for any number of rows;
sends are rate limited; every row gets exactly one outcome. The same file works with
the command: ``zapi-async bulk examples/campaign.csv --rate 5``.

Try it without a Z-API account::

    python examples/bulk_campaign.py --sandbox

Run it for real (ZAPI_INSTANCE_ID, ZAPI_TOKEN and ZAPI_CLIENT_TOKEN in the
environment)::

    python examples/bulk_campaign.py [path/to/file.csv]
"""

from __future__ import annotations

import asyncio
import csv
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from zapi_async import (
    ButtonActionsMessage,
    ReplyButton,
    ZapiClient,
    normalize_phone,
)
from zapi_async.sandbox import ZapiSandbox

CAMPAIGN = Path(__file__).with_name("campaign.csv")


def reply_buttons(cell: str) -> list[ReplyButton]:
    """``reply:ID=LABEL;reply:ID=LABEL`` (the bulk file's form for REPLY buttons)."""
    buttons = []
    for spec in filter(None, cell.split(";")):
        kind, _, rest = spec.partition(":")
        button_id, _, label = rest.partition("=")
        if kind != "reply" or not label:
            raise ValueError(f"not a reply:ID=LABEL button: {spec!r}")
        buttons.append(ReplyButton(label, id=button_id))
    return buttons


def messages(path: Path) -> Iterator[ButtonActionsMessage]:
    """One message per row, read lazily; bad rows are reported and skipped."""
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), 2):
            try:
                yield ButtonActionsMessage(
                    # Numbers typed by people ("+55 11 99000-0009") are cleaned on purpose.
                    phone=normalize_phone(row["phone"]),
                    message=row["message"],
                    footer=row["footer"] or None,
                    buttons=reply_buttons(row["buttons"]),
                )
            except ValueError as exc:  # ValidationError included
                print(f"line {line}: skipped: {exc}")


async def run_campaign(
    zapi: ZapiClient, path: Path = CAMPAIGN, *, rate: float = 5.0
) -> Counter[str]:
    """Send every row of ``path`` at ``rate`` messages per second; print failures;
    return the count of each outcome (``sent``, ``failed``, ``unknown``...)."""
    statuses: Counter[str] = Counter()
    async for outcome in zapi.send_many(messages(path), rate=rate, burst=2, concurrency=4):
        statuses[outcome.status] += 1
        if not outcome.ok:
            print(f"message {outcome.index + 1}: {outcome.status}: {outcome.error}")
    return statuses


async def main(
    path: Path = CAMPAIGN, *, base_url: str | None = None, rate: float = 5.0
) -> Counter[str]:
    """Run the campaign with credentials from the environment.

    ``base_url`` (or ``ZAPI_BASE_URL``) points the client elsewhere, e.g. a sandbox.
    """
    client = ZapiClient.from_env(base_url=base_url) if base_url else ZapiClient.from_env()
    async with client as zapi:
        statuses = await run_campaign(zapi, path, rate=rate)
    print(dict(statuses))
    return statuses


async def try_in_sandbox(rate: float = 5.0) -> Counter[str]:
    """The campaign against the bundled fake Z-API, with one 503 to show a retry."""
    async with (
        ZapiSandbox() as sandbox,
        ZapiClient(sandbox.instance_id, sandbox.token, base_url=sandbox.base_url) as zapi,
    ):
        sandbox.fail_next(1, status=503)  # retried automatically
        statuses = await run_campaign(zapi, rate=rate)
        print(f"{len(sandbox.messages)} messages accepted: {dict(statuses)}")
        return statuses


if __name__ == "__main__":
    if "--sandbox" in sys.argv[1:]:
        asyncio.run(try_in_sandbox())
    else:
        asyncio.run(main(Path(sys.argv[1]) if len(sys.argv) > 1 else CAMPAIGN))
