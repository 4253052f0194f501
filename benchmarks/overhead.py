"""The client's own cost per request, without the network: instruction counts.

Timings on a shared machine move with whatever else runs on it; the number of CPU
instructions a piece of code executes does not (much). This module sends ``N``
messages through the real client with :meth:`Transport._round_trip` answering at
once with a canned ``{zaapId, messageId, id}`` body, so everything but aiohttp and
the socket runs: building the message, validation, ``split``, ``to_wire``, JSON
encoding, the retry loop, decoding, ``SendResult``, and for ``send_many`` the
queue.

::

    python -m benchmarks.overhead client 1000          # just run it
    python -m benchmarks.overhead --callgrind client   # instructions per request

``--callgrind`` runs the same job twice under ``valgrind --tool=callgrind`` (with
1,000 and 6,000 requests, ``PYTHONHASHSEED=0``) and prints the difference divided
by 5,000: the per-request cost, start-up excluded. Kinds: ``client`` (a message
built per request, as the HTTP benchmark does), ``prebuilt`` (one message sent
again and again), ``send_many`` (concurrency 1, messages built in the generator).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from zapi_async import ZapiClient
from zapi_async.http.transport import Transport

from .load import _client
from .payload import compliant_message

__all__ = ["KINDS", "callgrind_per_request", "run"]

_ANSWER = (
    b'{"zaapId": "0000000000000000000000000000000A", '
    b'"messageId": "0000000000000000000A", "id": "0000000000000000000A"}'
)


async def _answer_at_once(
    self: Transport, method: str, endpoint: str, body: Any, display: str
) -> Any:
    return 200, {}, "application/json", _ANSWER


async def _client_kind(zapi: ZapiClient, n: int) -> int:
    for i in range(n):
        await zapi.send_button_actions(compliant_message(i))
    return n


async def _prebuilt_kind(zapi: ZapiClient, n: int) -> int:
    message = compliant_message(0)
    for _ in range(n):
        await zapi.send_button_actions(message)
    return n


async def _send_many_kind(zapi: ZapiClient, n: int) -> int:
    sent = 0
    messages = (compliant_message(i) for i in range(n))
    async for outcome in zapi.send_many(messages, concurrency=1):
        sent += outcome.ok
    return sent


#: What each kind runs ``n`` times; returns how many messages were sent.
KINDS: dict[str, Callable[[ZapiClient, int], Awaitable[int]]] = {
    "client": _client_kind,
    "prebuilt": _prebuilt_kind,
    "send_many": _send_many_kind,
}


def run(kind: str, n: int) -> int:
    """Send ``n`` messages of ``kind`` with the round trip answered in-process
    (:class:`Transport` is patched for the duration of the call)."""

    async def main() -> int:
        async with _client("http://127.0.0.1:9") as zapi:  # never connected to
            return await KINDS[kind](zapi, n)

    real = Transport._round_trip
    Transport._round_trip = _answer_at_once  # type: ignore[method-assign]
    try:
        return asyncio.run(main())
    finally:
        Transport._round_trip = real  # type: ignore[method-assign]


def _instructions(kind: str, n: int) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null"]
    command += [sys.executable, "-m", "benchmarks.overhead", kind, str(n)]
    env = dict(os.environ, PYTHONHASHSEED="0")
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def callgrind_per_request(kind: str, low: int = 1000, high: int = 6000) -> int:
    """Instructions per request of ``kind`` (needs valgrind)."""
    if shutil.which("valgrind") is None:
        raise RuntimeError("valgrind is not installed (apt-get install valgrind)")
    return (_instructions(kind, high) - _instructions(kind, low)) // (high - low)


def main(argv: list[str] | None = None) -> None:
    """``python -m benchmarks.overhead [--callgrind] KIND [N]``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("kind", choices=sorted(KINDS))
    parser.add_argument("n", type=int, nargs="?", default=1000)
    parser.add_argument("--callgrind", action="store_true", help="instructions per request")
    args = parser.parse_args(argv)
    if args.callgrind:
        print(f"{args.kind}: {callgrind_per_request(args.kind):,} instructions per request")
    else:
        print(f"{args.kind}: {run(args.kind, args.n)} sent")


if __name__ == "__main__":
    main()
