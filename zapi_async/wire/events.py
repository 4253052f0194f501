"""Webhook events: each event class structured from Z-API's keys, dispatched on
``type`` (case-insensitively), with ``raw`` and ``content`` filled from the payload.

A ``ReceivedCallback``'s content objects are structured one by one: an object that
does not fit its class (a type Z-API changed) is logged and kept raw in ``content``
instead of turning the whole event into an ``UnknownEvent``. A numeric
``messageId`` (some notifications) becomes its string, and a single
``notificationParameters`` value (not an array) a one-item tuple.

After this module is imported ``converter.structure(data, WebhookEvent)`` also
dispatches on ``type``; :func:`structure_event` never raises on content.
"""

from __future__ import annotations

import logging
import types
from collections.abc import Callable, Mapping
from typing import Any, Union, cast, get_args, get_origin

import attrs
from cattrs.gen import make_dict_structure_fn, override

from ..errors import WireFormatError
from ..models import content as _content
from ..models import content_business as _business
from ..models.events import EVENT_TYPES, AnyEvent, ReceivedCallback, UnknownEvent, WebhookEvent
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
_DERIVED = frozenset({"raw", "content", "_sender"})
_CONTENT_CLASSES = frozenset(
    getattr(module, name)
    for module in (_content, _business)
    for name in module.__all__
    if attrs.has(getattr(module, name))
)
_MODELS = frozenset({*_CONTENT_CLASSES, *EVENT_TYPES.values()})
_EVENT_TYPES_FOLDED = {tag.casefold(): cls for tag, cls in EVENT_TYPES.items()}


def _content_fields() -> dict[str, tuple[str, Any]]:
    """ReceivedCallback field -> (JSON key, content class) for every content object."""
    found: dict[str, tuple[str, Any]] = {}
    for field in attrs.fields(ReceivedCallback):
        args = [a for a in get_args(field.type) if a is not type(None)]
        if len(args) == 1 and args[0] in _CONTENT_CLASSES:
            wire = _RENAMES[ReceivedCallback].get(field.name, to_camel(field.name))
            found[field.name] = (wire, args[0])
    return found


for _model in (*_CONTENT_CLASSES, ReceivedCallback):
    attrs.resolve_types(_model)  # field.type holds the classes, not their names
_CONTENT = _content_fields()
#: ReceivedCallback keys that are typed objects, not "other content".
_TYPED_CONTENT = frozenset(wire for wire, _ in _CONTENT.values())


def _structure_factory(cls: type) -> Callable[[Any, type], Any]:
    overrides: dict[str, Any] = {}
    for field in attrs.fields(cls):
        if field.name in _DERIVED or (cls is ReceivedCallback and field.name in _CONTENT):
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
        given = {k: v for k, v in data.items() if v is not None}
        if target is ReceivedCallback:
            return _structure_received(given, data, base)
        obj = base(_fix_text(given) if target is _content.TextContent else given, target)
        return attrs.evolve(obj, raw=dict(data)) if has_raw else obj

    return structure


def _fix_text(data: dict[str, Any]) -> dict[str, Any]:
    # One of Z-API's examples spells it "descritpion".
    if "description" not in data and "descritpion" in data:
        return {**data, "description": data["descritpion"]}
    return data


def _structure_received(
    given: dict[str, Any], data: Mapping[str, Any], base: Callable[..., Any]
) -> ReceivedCallback:
    message_id = given.get("messageId")
    if isinstance(message_id, int) and not isinstance(message_id, bool):
        given["messageId"] = str(message_id)
    parameters = given.get("notificationParameters")
    if parameters is not None and not isinstance(parameters, list):
        given["notificationParameters"] = [parameters]  # e.g. a bare group name
    typed: dict[str, Any] = {}
    untyped: dict[str, Any] = {}
    for name, (wire, content_cls) in _CONTENT.items():
        value = given.get(wire)
        if value is None:
            continue
        try:
            typed[name] = from_wire(value, content_cls)
        except WireFormatError as exc:
            logger.warning("webhook content %s did not fit its model, kept raw: %s", wire, exc)
            untyped[wire] = value
    untyped.update(
        (k, v) for k, v in data.items() if isinstance(v, dict) and k not in _TYPED_CONTENT
    )
    obj: ReceivedCallback = base(given, ReceivedCallback)
    return attrs.evolve(obj, raw=dict(data), content=untyped, **typed)


def _is_scalar_union(type_: Any) -> bool:
    origin = get_origin(type_)
    if origin is not Union and origin is not types.UnionType:
        return False
    members = [a for a in get_args(type_) if a is not type(None)]
    return len(members) > 1 and all(m in (str, int, float) for m in members)


def _scalar_union_factory(type_: Any) -> Callable[[Any, type], Any]:
    members = tuple(a for a in get_args(type_) if a is not type(None))
    wording = {str: "a string", int: "an integer", float: "a number"}
    names = " or ".join(wording[m] for m in members)

    def structure(value: Any, _: type) -> Any:
        # Kept as Z-API sent it, when it is one of the allowed JSON types.
        if isinstance(value, members) and not isinstance(value, bool):
            return value
        if value is None and type(None) in get_args(type_):
            return None
        raise TypeError(f"expected {names}")

    return structure


converter.register_structure_hook_factory(lambda cls: cls in _MODELS, _structure_factory)
converter.register_structure_hook_factory(_is_scalar_union, _scalar_union_factory)
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
