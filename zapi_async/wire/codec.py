"""JSON text <-> Python values, the one place that calls the :mod:`json` module for
Z-API's documents (requests, answers, webhooks).

With the ``fast-json`` extra (``pip install zapi_async[fast-json]``, i.e. orjson)
installed, request bodies are encoded by orjson, about ten times faster: the same
compact UTF-8 bytes for every JSON document. What orjson refuses (integers beyond 64
bits, non-string keys) falls back to the standard library. The one difference:
NaN and infinities, which JSON has no spelling for, become ``null`` (the standard
library writes ``NaN``, which Z-API cannot parse either). Decoding uses the standard
library, except for the usual answer to a send, a flat object of strings, which
:func:`loads_string_object` reads with orjson (the same result either way).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

__all__ = [
    "FAST_JSON",
    "JSONDecodeError",
    "dumps",
    "loads",
    "loads_string_object",
    "nesting_within",
]

#: Raised by :func:`loads` for text that is not JSON (a ``ValueError``).
JSONDecodeError = json.JSONDecodeError

# Built once: ``json.dumps`` with options builds a new encoder on every call.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_decode = json.JSONDecoder().decode

_orjson_dumps: Callable[[Any], bytes] | None
_orjson_loads: Callable[[bytes], Any] | None
try:
    import orjson
except ImportError:  # the extra is not installed
    _orjson_dumps = _orjson_loads = None
else:
    _orjson_dumps, _orjson_loads = orjson.dumps, orjson.loads

#: Whether request bodies are encoded by orjson (the ``fast-json`` extra).
FAST_JSON = _orjson_dumps is not None


def _std_dumps(payload: Any) -> bytes:
    return _encode(payload).encode()


def _fast_dumps(payload: Any) -> bytes:
    try:
        return _orjson_dumps(payload)  # type: ignore[misc]
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return _std_dumps(payload)


#: Compact UTF-8 JSON, as Z-API's examples send it (non-ASCII kept as is).
dumps: Callable[[Any], bytes] = _fast_dumps if FAST_JSON else _std_dumps


def loads(text: str | bytes) -> Any:
    """The value of a JSON document (:data:`JSONDecodeError` when it is not JSON)."""
    if isinstance(text, str):
        return _decode(text)
    return json.loads(text)


def loads_string_object(raw: bytes) -> dict[str, str] | None:
    """``raw`` decoded when it is a JSON object whose values are all strings (a send's
    answer, ``{"zaapId": ..., "messageId": ..., "id": ...}``), else ``None``.

    Only with the ``fast-json`` extra (orjson); without it always ``None``. Such an
    object decodes the same with either library: they differ only on numbers (orjson
    turns integers beyond 64 bits into floats, and refuses NaN), on lone surrogates
    and a byte order mark (orjson refuses them: ``None`` here), none of which a
    string-only object accepted here can hold.
    """
    if _orjson_loads is None:
        return None
    try:
        value = _orjson_loads(raw)
    except JSONDecodeError:  # orjson's error is a json.JSONDecodeError
        return None
    if value.__class__ is not dict:
        return None
    for item in value.values():
        if item.__class__ is not str:
            return None
    return value


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
