"""Parsing webhook bodies: :func:`parse_webhook` and the converter hooks behind it.

Z-API POSTs one JSON object per event, tagged by its ``type`` key::

    >>> event = parse_webhook(b'''{"type": "ReceivedCallback", "instanceId": "I1",
    ...   "messageId": "M2", "phone": "5511999999999", "momment": 1700000000000,
    ...   "referenceMessageId": "M1",
    ...   "buttonsResponseMessage": {"buttonId": "agent", "message": "Talk to an agent"}}''')
    >>> event.button_id, event.reference_message_id
    ('agent', 'M1')
    >>> event.moment.isoformat()
    '2023-11-14T22:13:20+00:00'

Parsing is tolerant: unknown keys are ignored, ``null`` counts as "missing" (the
field's default applies), status strings Z-API adds later are kept as they come.
A payload whose ``type`` is unknown, missing, or whose fields do not fit becomes an
:class:`~zapi_async.webhooks.UnknownEvent` holding the raw dict. Only a body that is
not a JSON object raises :class:`~zapi_async.errors.WebhookError`.

The event classes live in :mod:`zapi_async.models.events`; their JSON hooks in
:mod:`zapi_async.wire.events`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import WebhookError
from ..models.events import AnyEvent
from ..wire import structure_event
from ..wire.codec import JSONDecodeError, loads, nesting_within

__all__ = ["MAX_WEBHOOK_DEPTH", "parse_webhook", "structure_event"]

#: Deepest nesting of objects and arrays a webhook body may have. Z-API's events are
#: a few levels deep; deeper bodies are refused (400) before anything recurses.
MAX_WEBHOOK_DEPTH = 64


def parse_webhook(body: bytes | bytearray | str | Mapping[str, Any]) -> AnyEvent:
    """Parse a webhook request body (raw bytes, text, or an already decoded dict).

    Raises :class:`~zapi_async.errors.WebhookError` (a ``ValueError``) when the
    body is not UTF-8, not JSON, or not a JSON object. Anything that is an object
    parses: see :func:`structure_event`.
    """
    if isinstance(body, (bytes, bytearray)):
        try:
            body = bytes(body).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise WebhookError(f"webhook body is not UTF-8 text: {exc.reason}") from None
    if isinstance(body, str):
        try:
            body = loads(body)
        except JSONDecodeError as exc:
            raise WebhookError(
                f"webhook body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from None
        except RecursionError:
            raise WebhookError(
                f"webhook body nests deeper than {MAX_WEBHOOK_DEPTH} levels"
            ) from None
        except ValueError as exc:  # e.g. an integer of more than 4,300 digits
            raise WebhookError(f"webhook body is not usable JSON: {exc}") from None
    if not isinstance(body, Mapping):
        raise WebhookError(f"webhook body must be a JSON object, got {_json_kind(body)}")
    if not nesting_within(body, MAX_WEBHOOK_DEPTH):
        raise WebhookError(f"webhook body nests deeper than {MAX_WEBHOOK_DEPTH} levels")
    return structure_event(body)


def _json_kind(value: Any) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    for kind, name in kinds.items():
        if isinstance(value, kind):
            return name
    return "a number" if isinstance(value, (int, float)) else type(value).__name__
