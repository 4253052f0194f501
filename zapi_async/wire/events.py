"""Webhook events: each event class structured from Z-API's keys, dispatched on
``type`` (case-insensitively), with ``raw`` and ``content`` filled from the payload.

After this module is imported ``converter.structure(data, WebhookEvent)`` also
dispatches on ``type``; :func:`structure_event` never raises on content.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, cast

import attrs
from cattrs.gen import make_dict_structure_fn, override

from ..errors import WireFormatError
from ..models.events import (
    EVENT_TYPES,
    AnyEvent,
    ButtonReply,
    ListReply,
    ReceivedCallback,
    TextContent,
    UnknownEvent,
    WebhookEvent,
)
from .converter import converter, from_wire, register_renames, to_camel

__all__ = ["structure_event"]

logger = logging.getLogger("zapi_async.webhooks")

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
