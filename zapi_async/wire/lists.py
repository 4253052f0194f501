"""Nested shapes of the list messages: flat models, nested ``buttonList`` /
``optionList`` objects on the wire (and JSON paths that say so in errors)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs
from cattrs.errors import AttributeValidationNote, ClassValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ..models.lists import (
    ButtonListImageMessage,
    ButtonListMessage,
    ButtonListVideoMessage,
    OptionListMessage,
)
from .converter import converter, to_camel

__all__: list[str] = []

#: class -> (wire key of the nested object, fields that go inside it)
_NESTED: dict[type, tuple[str, tuple[str, ...]]] = {
    ButtonListMessage: ("buttonList", ("buttons",)),
    ButtonListImageMessage: ("buttonList", ("image", "buttons")),
    ButtonListVideoMessage: ("buttonList", ("video", "buttons")),
    OptionListMessage: ("optionList", ("title", "button_label", "options")),
}


def _renames(cls: type) -> dict[str, Any]:
    return {f.name: override(rename=to_camel(f.name)) for f in attrs.fields(cls)}


def _unstructure_nested(cls: type) -> Callable[[Any], dict[str, Any]]:
    wire_key, inner = _NESTED[cls]
    inner_keys = [to_camel(name) for name in inner]
    flat_fn: Callable[[Any], dict[str, Any]] = make_dict_unstructure_fn(
        cls, converter, _cattrs_omit_if_default=converter.omit_if_default, **_renames(cls)
    )

    def unstructure(obj: Any) -> dict[str, Any]:
        data: dict[str, Any] = flat_fn(obj)
        data[wire_key] = {key: data.pop(key) for key in inner_keys if key in data}
        return data

    return unstructure


def _noted(exc: Exception, name: str) -> Exception:
    """Tag ``exc`` with the wire key it happened under, the way cattrs does."""
    note = AttributeValidationNote(f"Structuring @ attribute {name}", name, dict)
    setattr(exc, "__notes__", [*getattr(exc, "__notes__", []), note])  # noqa: B010
    return exc


def _structure_nested(cls: type) -> Callable[[Any, type], Any]:
    wire_key, inner = _NESTED[cls]
    inner_keys = {to_camel(name) for name in inner}
    flat_fn: Callable[[Any, type], Any] = make_dict_structure_fn(cls, converter, **_renames(cls))

    def structure(data: Any, target: type) -> Any:
        if not isinstance(data, Mapping):
            raise TypeError(f"expected a JSON object, got {type(data).__name__}")
        nested = data.get(wire_key)
        if not isinstance(nested, Mapping):
            problem = KeyError(wire_key) if nested is None else TypeError("expected an object")
            raise ClassValidationError(
                f"While structuring {cls.__name__}", [_noted(problem, wire_key)], cls
            )
        flat = {k: v for k, v in data.items() if k != wire_key and k not in inner_keys}
        flat.update({k: v for k, v in nested.items() if k in inner_keys})
        try:
            return flat_fn(flat, target)
        except ClassValidationError as exc:
            # Report fields of the nested object under its key: $.buttonList.buttons[0].
            named, unnamed = exc.group_exceptions()
            inside = [sub for sub, note in named if note.name in inner]
            outside: list[Exception] = [sub for sub, note in named if note.name not in inner]
            if inside:
                group = ClassValidationError(f"While structuring {wire_key}", inside, cls)
                outside.append(_noted(group, wire_key))
            raise ClassValidationError(exc.message, [*outside, *unnamed], cls) from None

    return structure


converter.register_unstructure_hook_factory(lambda t: t in _NESTED, _unstructure_nested)
converter.register_structure_hook_factory(lambda t: t in _NESTED, _structure_nested)
