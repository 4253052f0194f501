"""The project's configured :class:`cattrs.Converter` and its generic rules.

* Python ``snake_case`` fields become ``camelCase`` keys (``delay_message`` ->
  ``delayMessage``), with a few explicit renames (``buttons`` -> ``buttonActions``).
* Optional fields left at ``None`` are omitted, never sent as ``null``.
* Buttons carry their ``type`` tag (``CALL``, ``URL``, ``REPLY``); tuples become lists.
* Structuring (responses, webhooks) ignores unknown keys and refuses wrong types:
  a ``null`` where a string belongs is an error, not the string ``"None"``; ``"3"``
  or ``true`` is not an integer; a string is not an array.
* Structure failures become one :class:`WireFormatError` listing every problem with
  its JSON path in wire names (``expected a string, got null @ $.zaapId``).

The other modules of :mod:`zapi_async.wire` add the hooks of each model family
(nested list shapes, the server queue, webhook events) through :func:`register_renames`
and the converter's hook registration.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, MutableSequence, Sequence
from typing import Any, TypeVar, get_args, get_origin

import attrs
import cattrs
from cattrs.errors import (
    AttributeValidationNote,
    ClassValidationError,
    IterableValidationError,
    IterableValidationNote,
)
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ..errors import ValidationError, WireFormatError
from ..models.buttons import Button, CallButton, ReplyButton, UrlButton
from ..models.messages import ButtonActionsMessage, SendResult

__all__ = ["converter", "from_wire", "register_renames", "to_camel", "to_wire"]

T = TypeVar("T")

#: Wire names that are not the plain camelCase of the Python name, per class.
_RENAMES: dict[type, dict[str, str]] = {
    ButtonActionsMessage: {"buttons": "buttonActions"},
}
#: Classes whose every field is sent, even when ``None`` or equal to its default.
_ALWAYS_COMPLETE: set[type] = {SendResult}

_BUTTON_TAG = "type"
_BUTTON_CLASSES: dict[str, type[Button]] = {
    cls.kind: cls for cls in (CallButton, UrlButton, ReplyButton)
}
_BUTTON_TAGS: dict[type, str] = {cls: tag for tag, cls in _BUTTON_CLASSES.items()}


class _WireTypeError(TypeError):
    """A JSON value of the wrong type; its text is shown as is."""


class _WireValueError(ValueError):
    """A JSON value of the right type but not allowed; its text is shown as is."""


def to_camel(name: str) -> str:
    """``delay_message`` -> ``delayMessage``."""
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def register_renames(cls: type, renames: Mapping[str, str]) -> None:
    """Declare wire names for ``cls`` fields that are not their plain camelCase.

    ``renames`` maps Python field names to JSON keys, e.g. ``{"buttons":
    "buttonActions"}``; :func:`to_wire`, :func:`from_wire` and the JSON paths in
    :class:`WireFormatError` messages all use them. Call it right after defining
    ``cls`` (at import time): a class already embedded in another class's generated
    hook keeps its old names there.
    """
    _RENAMES[cls] = dict(renames)
    # Hooks generated before this call would keep the old names: drop the cached ones
    # (cattrs has no public call for this; registering any hook does it too).
    converter._unstructure_func.clear_cache()
    converter._structure_func.clear_cache()
    _button_unstructure_hooks.clear()


def _wire_name(cls: type, name: str) -> str:
    return _RENAMES.get(cls, {}).get(name) or to_camel(name)


def _json_type(value: object) -> str:
    """The JSON name of a decoded value's type, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "an array"
    return type(value).__name__


# The strict hooks also serve subclasses (``class Status(str, Enum)``): those get
# ``cl(value)``, as cattrs' own hook does, so enums still come back as enums.


def _strict_str(value: Any, cl: type) -> str:
    if not isinstance(value, str):
        raise _WireTypeError(f"expected a string, got {_json_type(value)}")
    return value if cl is str else cl(value)


def _strict_bool(value: Any, _: type) -> bool:
    if not isinstance(value, bool):
        raise _WireTypeError(f"expected true or false, got {_json_type(value)}")
    return value


def _strict_int(value: Any, cl: type) -> int:
    if isinstance(value, float):
        raise _WireTypeError(f"expected an integer, got {value!r}")
    if not isinstance(value, int) or isinstance(value, bool):
        raise _WireTypeError(f"expected an integer, got {_json_type(value)}")
    return value if cl is int else cl(value)


def _strict_float(value: Any, cl: type) -> float:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise _WireTypeError(f"expected a number, got {_json_type(value)}")
    return float(value) if cl is float else cl(value)


def _unstructure_factory(cls: type) -> Any:
    overrides: dict[str, Any] = {
        f.name: override(rename=_wire_name(cls, f.name)) for f in attrs.fields(cls)
    }
    omit = cls not in _ALWAYS_COMPLETE
    unstructure: Callable[[Any], dict[str, Any]] = make_dict_unstructure_fn(
        cls, converter, _cattrs_omit_if_default=omit, **overrides
    )
    tag = _BUTTON_TAGS.get(cls)
    if tag is None:
        return unstructure

    def unstructure_tagged(obj: Any) -> dict[str, Any]:
        data: dict[str, Any] = unstructure(obj)
        data[_BUTTON_TAG] = tag
        return data

    return unstructure_tagged


def _structure_factory(cls: type) -> Any:
    overrides: dict[str, Any] = {
        f.name: override(rename=_wire_name(cls, f.name)) for f in attrs.fields(cls)
    }
    structure: Callable[[Any, type], Any] = make_dict_structure_fn(cls, converter, **overrides)

    def structure_object(value: Any, cl: type) -> Any:
        if not isinstance(value, Mapping):
            raise _WireTypeError(f"expected an object, got {_json_type(value)}")
        return structure(value, cl)

    return structure_object


def _with_note(exc: Exception, note: str) -> Exception:
    """Attach a cattrs path note the way cattrs does (``add_note`` is Python 3.11+)."""
    setattr(exc, "__notes__", [*getattr(exc, "__notes__", []), note])  # noqa: B010
    return exc


def _is_array(type_: Any) -> bool:
    origin = get_origin(type_)
    if origin is tuple:
        args = get_args(type_)
        return len(args) == 2 and args[1] is Ellipsis  # tuple[X, ...] only
    return origin in (list, Sequence, MutableSequence)


def _array_factory(type_: Any) -> Any:
    item_type = get_args(type_)[0]
    container = tuple if get_origin(type_) is tuple else list

    def structure_array(value: Any, _: type) -> Any:
        if not isinstance(value, list):
            raise _WireTypeError(f"expected an array, got {_json_type(value)}")
        hook = converter.get_structure_hook(item_type)
        items: list[Any] = []
        problems: list[Exception] = []
        for index, item in enumerate(value):
            try:
                items.append(hook(item, item_type))
            except Exception as exc:
                note = IterableValidationNote(f"Structuring item @ {index}", index, item_type)
                problems.append(_with_note(exc, note))
        if problems:
            raise IterableValidationError(f"While structuring {type_!r}", problems, type_)
        return container(items)

    return structure_array


_button_unstructure_hooks: dict[type, Callable[[Any], Any]] = {}


def _unstructure_button(obj: Any) -> Any:
    hook = _button_unstructure_hooks.get(obj.__class__)
    if hook is None:
        hook = _button_unstructure_hooks[obj.__class__] = converter.get_unstructure_hook(
            obj.__class__
        )
    return hook(obj)


def _structure_button(value: Any, _: type) -> Button:
    if not isinstance(value, Mapping):
        raise _WireTypeError(f"expected an object, got {_json_type(value)}")
    tag = value.get(_BUTTON_TAG)
    cls = _BUTTON_CLASSES.get(tag) if isinstance(tag, str) else None
    if cls is None:
        problem = "required field missing" if tag is None else f"unknown button type {tag!r}"
        exc = _WireValueError(f"{problem}, expected one of CALL, URL, REPLY")
        note = AttributeValidationNote("Structuring a button @ type", _BUTTON_TAG, str)
        raise ClassValidationError("While structuring a button", [_with_note(exc, note)], dict)
    return converter.structure(value, cls)


def _build_converter() -> cattrs.Converter:
    conv = cattrs.Converter(omit_if_default=True)
    conv.register_unstructure_hook_factory(attrs.has, _unstructure_factory)
    conv.register_structure_hook_factory(attrs.has, _structure_factory)
    conv.register_structure_hook_factory(_is_array, _array_factory)
    conv.register_structure_hook(str, _strict_str)
    conv.register_structure_hook(bool, _strict_bool)
    conv.register_structure_hook(int, _strict_int)
    conv.register_structure_hook(float, _strict_float)
    # JSON arrays are lists; our frozen models hold tuples.
    conv.register_unstructure_hook(tuple, lambda value: [conv.unstructure(v) for v in value])
    # The union dispatches on each button's class, whose own hook adds the tag.
    conv.register_unstructure_hook(Button, _unstructure_button)
    conv.register_structure_hook(Button, _structure_button)
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


def _problems(exc: BaseException, path: str) -> list[str]:
    """Each failure under ``exc`` as ``"<what> @ <JSON path>"``, in wire names."""
    if isinstance(exc, WireFormatError):  # a hand-written hook's, paths from its own "$"
        return [problem.replace(" @ $", f" @ {path}", 1) for problem in exc.errors]
    if isinstance(exc, IterableValidationError):
        with_index, without = exc.group_exceptions()
        found = [p for sub, n in with_index for p in _problems(sub, f"{path}[{n.index!r}]")]
        return found + [p for sub in without for p in _problems(sub, path)]
    if isinstance(exc, ClassValidationError):
        with_name, without = exc.group_exceptions()
        found = [
            p for sub, n in with_name for p in _problems(sub, f"{path}.{_key(exc.cl, n.name)}")
        ]
        return found + [p for sub in without for p in _problems(sub, path)]
    return [f"{_describe(exc)} @ {path}"]


def _key(cls: type, name: str) -> str:
    """The JSON key of field ``name`` of ``cls`` (cattrs reports Python names)."""
    if attrs.has(cls) and name in attrs.fields_dict(cls):
        return _wire_name(cls, name)
    return name


def _describe(exc: BaseException) -> str:
    if isinstance(exc, (_WireTypeError, _WireValueError, ValidationError)):
        return str(exc)
    if isinstance(exc, KeyError):
        return "required field missing"
    return f"invalid value ({type(exc).__name__}: {exc})"


def from_wire(data: Any, cls: type[T]) -> T:
    """Build ``cls`` from decoded JSON, ignoring unknown keys.

    Raises :class:`WireFormatError` (a ``ValueError``) listing each problem with its
    JSON path in wire names, e.g. ``required field missing @ $.messageId`` or
    ``expected a string, got a number @ $.buttonActions[0].phone``. Values that
    break a model's own rules (an empty label) are reported the same way.

    >>> from zapi_async import SendResult
    >>> from_wire({"zaapId": "Z1", "messageId": "M1", "extra": 1}, SendResult)
    SendResult(zaap_id='Z1', message_id='M1', id='M1')
    """
    try:
        return converter.structure(data, cls)
    except (cattrs.BaseValidationError, TypeError, ValueError, KeyError) as exc:
        raise WireFormatError(*_problems(exc, "$")) from None
