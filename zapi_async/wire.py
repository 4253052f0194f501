"""The one place that knows Z-API's JSON: a configured :class:`cattrs.Converter`.

* Python ``snake_case`` fields become ``camelCase`` keys (``delay_message`` ->
  ``delayMessage``), with a few explicit renames (``buttons`` -> ``buttonActions``).
* Optional fields left at ``None`` are omitted, never sent as ``null``.
* Buttons carry their ``type`` tag (``CALL``, ``URL``, ``REPLY``).
* Structuring (responses, webhooks) ignores unknown keys and refuses wrong types:
  a ``null`` where a string belongs is an error, not the string ``"None"``.

Other modules register their classes' renames through :func:`register_renames`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override
from cattrs.strategies import configure_tagged_union

from .buttons import Button, CallButton, ReplyButton, UrlButton
from .messages import ButtonActionsMessage, SendResult

__all__ = ["WireFormatError", "converter", "from_wire", "register_renames", "to_wire"]

T = TypeVar("T")

#: Wire names that are not the plain camelCase of the Python name, per class.
_RENAMES: dict[type, dict[str, str]] = {
    ButtonActionsMessage: {"buttons": "buttonActions"},
}
#: Classes whose every field is sent, even when ``None`` or equal to its default.
_ALWAYS_COMPLETE: set[type] = {SendResult}


_BUTTON_TAGS: dict[type, str] = {cls: cls.kind for cls in (CallButton, UrlButton, ReplyButton)}


class WireFormatError(ValueError):
    """A JSON document that does not fit the class it should become."""


def to_camel(name: str) -> str:
    """``delay_message`` -> ``delayMessage``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def register_renames(cls: type, renames: Mapping[str, str]) -> None:
    """Declare wire names for ``cls`` fields that are not their plain camelCase."""
    _RENAMES[cls] = dict(renames)


def _wire_name(cls: type, field: attrs.Attribute[Any]) -> str:
    return _RENAMES.get(cls, {}).get(field.name) or to_camel(field.name)


def _strict_str(value: Any, _: type) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {type(value).__name__}")
    return value


def _strict_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"expected true or false, got {type(value).__name__}")
    return value


def _build_converter() -> cattrs.Converter:
    conv = cattrs.Converter(omit_if_default=True)

    def unstructure_factory(cls: type) -> Any:
        overrides: dict[str, Any] = {
            f.name: override(rename=_wire_name(cls, f)) for f in attrs.fields(cls)
        }
        omit = cls not in _ALWAYS_COMPLETE
        return make_dict_unstructure_fn(cls, conv, _cattrs_omit_if_default=omit, **overrides)

    def structure_factory(cls: type) -> Any:
        overrides: dict[str, Any] = {
            f.name: override(rename=_wire_name(cls, f)) for f in attrs.fields(cls)
        }
        return make_dict_structure_fn(cls, conv, **overrides)

    conv.register_unstructure_hook_factory(attrs.has, unstructure_factory)
    conv.register_structure_hook_factory(attrs.has, structure_factory)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(bool, _strict_bool)
    # JSON arrays are lists; our frozen models hold tuples.
    conv.register_unstructure_hook(tuple, lambda value: [conv.unstructure(v) for v in value])
    configure_tagged_union(Button, conv, tag_name="type", tag_generator=_BUTTON_TAGS.__getitem__)
    return conv


#: The project's configured converter. Prefer :func:`to_wire` / :func:`from_wire`.
converter = _build_converter()


def to_wire(obj: Any) -> dict[str, Any]:
    """The JSON object (as a dict) Z-API expects for a model instance.

    >>> from zapi_async import ReplyButton, ButtonActionsMessage
    >>> wire = to_wire(ButtonActionsMessage("551199999999", "hi", [ReplyButton("Yes", id="y")]))
    >>> wire["buttonActions"]
    [{'label': 'Yes', 'id': 'y', 'type': 'REPLY'}]
    >>> sorted(wire)
    ['buttonActions', 'message', 'phone']
    """
    data = converter.unstructure(obj)
    if not isinstance(data, dict):
        raise TypeError(f"{type(obj).__name__} does not map to a JSON object")
    return data


def from_wire(data: Any, cls: type[T]) -> T:
    """Build ``cls`` from decoded JSON, ignoring unknown keys.

    Raises :class:`WireFormatError` (a ``ValueError``) whose message lists each
    problem with its JSON path, e.g. ``required field missing @ $.messageId``.
    """
    try:
        return converter.structure(data, cls)
    except cattrs.BaseValidationError as exc:
        raise WireFormatError("; ".join(cattrs.transform_error(exc))) from None
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise WireFormatError(f"{exc} @ $") from None
