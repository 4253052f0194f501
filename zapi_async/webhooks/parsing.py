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

Importing this module registers structure hooks for the event classes on the
project's converter (:data:`zapi_async.wire.converter`); afterwards
``converter.structure(data, WebhookEvent)`` also dispatches on ``type``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from typing import Any, cast

import attrs
from cattrs.gen import make_dict_structure_fn, override

from ..errors import WebhookError
from ..wire import WireFormatError, converter, from_wire, register_renames, to_camel
from .events import (
    EVENT_TYPES,
    AnyEvent,
    ButtonReply,
    ListReply,
    ReceivedCallback,
    TextContent,
    UnknownEvent,
    WebhookEvent,
)

__all__ = ["parse_webhook", "structure_event"]

logger = logging.getLogger("zapi_async.webhooks")

# --- converter wiring ---------------------------------------------------------------

_RENAMES: dict[type, dict[str, str]] = {
    ReceivedCallback: {
        "button_reply": "buttonsResponseMessage",
        "list_reply": "listResponseMessage",
    },
}
for _cls, _renames in _RENAMES.items():
    register_renames(_cls, _renames)  # so WireFormatError paths use the wire names too
#: Fields filled from the payload after structuring, never read from a key.
_DERIVED = frozenset({"raw", "content"})
_MODELS = frozenset({ButtonReply, ListReply, TextContent, *EVENT_TYPES.values()})
_EVENT_TYPES_FOLDED = {tag.casefold(): cls for tag, cls in EVENT_TYPES.items()}
#: ReceivedCallback keys that are modelled objects, not "other content".
_TYPED_CONTENT = frozenset(_RENAMES[ReceivedCallback].values()) | {"text"}


def _structure_factory(cls: type) -> Callable[[Any, type], Any]:
    overrides: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if field.name in _DERIVED:
            overrides[field.name] = override(omit=True)
        else:
            wire = _RENAMES.get(cls, {}).get(field.name, to_camel(field.name))
            overrides[field.name] = override(rename=wire)
    base: Callable[[Mapping[str, Any], Any], Any] = make_dict_structure_fn(
        cls, converter, **overrides
    )
    has_raw = any(field.name == "raw" for field in attrs.fields(cls))

    def structure(data: Any, target: type) -> Any:
        if not isinstance(data, Mapping):
            raise TypeError(f"expected an object, got {type(data).__name__}")
        # null means "not given": the field's default applies.
        obj = base({k: v for k, v in data.items() if v is not None}, target)
        if not has_raw:
            return obj
        extra: dict[str, Any] = {"raw": dict(data)}
        if target is ReceivedCallback:
            extra["content"] = {
                k: v for k, v in data.items() if isinstance(v, dict) and k not in _TYPED_CONTENT
            }
        return attrs.evolve(obj, **extra)

    return structure


converter.register_structure_hook_factory(lambda cls: cls in _MODELS, _structure_factory)
converter.register_structure_hook_func(
    lambda cls: cls is WebhookEvent, lambda data, _: structure_event(data)
)


def structure_event(data: Mapping[str, Any]) -> AnyEvent:
    """Turn a decoded webhook object into its typed event (never raises on content).

    An unknown or missing ``type`` gives an :class:`UnknownEvent`; so does a known
    type whose fields do not fit (its ``error`` lists the problems, logged at
    WARNING on ``zapi_async.webhooks`` without payload values).
    """
    tag = data.get("type")
    instance_id = data.get("instanceId")
    instance = instance_id if isinstance(instance_id, str) else None
    # Z-API's own docs also spell some tags differently ("ReceivedCallBack").
    cls = _EVENT_TYPES_FOLDED.get(tag.casefold()) if isinstance(tag, str) else None
    if cls is None:
        return UnknownEvent(instance_id=instance, raw=dict(data))
    try:
        return cast(AnyEvent, from_wire(data, cls))
    except WireFormatError as exc:
        problem = str(exc)
    logger.warning("webhook %s did not fit its model, kept as UnknownEvent: %s", tag, problem)
    return UnknownEvent(instance_id=instance, raw=dict(data), error=problem)


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
            body = json.loads(body)
        except json.JSONDecodeError as exc:
            raise WebhookError(
                f"webhook body is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from None
    if not isinstance(body, Mapping):
        raise WebhookError(f"webhook body must be a JSON object, got {_json_kind(body)}")
    return structure_event(body)


def _json_kind(value: Any) -> str:
    kinds = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    for kind, name in kinds.items():
        if isinstance(value, kind):
            return name
    return "a number" if isinstance(value, (int, float)) else type(value).__name__
