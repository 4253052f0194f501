"""Model cost: messages per second through build + validate + split + ``to_wire``.

No I/O: this is the CPU the library spends on a message before the HTTP request.
Two shapes: ``compliant`` (CALL + URL, one request) and ``mixed`` (CALL + URL +
REPLY, which :func:`~zapi_async.split` turns into two requests). Each stage is
also timed alone so the docs can say where the time goes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from zapi_async import ButtonActionsMessage
from zapi_async.splitter import split
from zapi_async.wire import to_wire

from .payload import compliant_message, mixed_message
from .stats import spread

__all__ = ["SHAPES", "measure_model_cost"]

#: Message shapes by name.
SHAPES: dict[str, Callable[[int], ButtonActionsMessage]] = {
    "compliant": compliant_message,
    "mixed": mixed_message,
}
#: Distinct prebuilt messages cycled through when timing ``split`` / ``to_wire`` alone.
_POOL = 1000


def _pipeline(make: Callable[[int], ButtonActionsMessage], n: int) -> float:
    started = time.perf_counter()
    for i in range(n):
        for part in split(make(i)):
            to_wire(part)
    return time.perf_counter() - started


def _build(make: Callable[[int], ButtonActionsMessage], n: int) -> float:
    started = time.perf_counter()
    for i in range(n):
        make(i)
    return time.perf_counter() - started


def _split(make: Callable[[int], ButtonActionsMessage], n: int) -> float:
    pool = [make(i) for i in range(_POOL)]
    started = time.perf_counter()
    for i in range(n):
        split(pool[i % _POOL])
    return time.perf_counter() - started


def _to_wire(make: Callable[[int], ButtonActionsMessage], n: int) -> float:
    pool = [part for i in range(_POOL) for part in split(make(i))]
    per_message = len(pool) / _POOL
    count = int(n * per_message)
    started = time.perf_counter()
    for i in range(count):
        to_wire(pool[i % len(pool)])
    return time.perf_counter() - started


_STAGES: dict[str, Callable[[Callable[[int], ButtonActionsMessage], int], float]] = {
    "pipeline": _pipeline,
    "build": _build,
    "split": _split,
    "to_wire": _to_wire,
}


def measure_model_cost(messages: int, repeats: int) -> list[dict[str, Any]]:
    """Per shape and stage: messages/s (median and spread of ``repeats`` runs) and µs.

    ``to_wire`` is timed per message too (a mixed message has two parts).
    """
    rows: list[dict[str, Any]] = []
    for shape, make in SHAPES.items():
        parts = len(split(make(0)))
        for stage, timed in _STAGES.items():
            rates = [messages / timed(make, messages) for _ in range(repeats)]
            summary = spread(rates)
            rows.append(
                {
                    "shape": shape,
                    "parts": parts,
                    "stage": stage,
                    "messages": messages,
                    "messages_per_s": summary,
                    "us_per_message": 1e6 / summary["median"],
                }
            )
    return rows
