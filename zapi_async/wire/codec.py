"""JSON text <-> Python values, the one place that calls the :mod:`json` module for
Z-API's documents (requests, answers, webhooks)."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["JSONDecodeError", "dumps", "loads", "nesting_within"]

#: Raised by :func:`loads` for text that is not JSON (a ``ValueError``).
JSONDecodeError = json.JSONDecodeError


def dumps(payload: Any) -> bytes:
    """Compact UTF-8 JSON, as Z-API's examples send it (non-ASCII kept as is)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def loads(text: str | bytes) -> Any:
    """The value of a JSON document (:data:`JSONDecodeError` when it is not JSON)."""
    return json.loads(text)


def nesting_within(value: Any, limit: int) -> bool:
    """Whether decoded JSON nests at most ``limit`` containers deep (no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            if depth > limit:
                return False
            stack.extend((child, depth + 1) for child in item)
    return True
