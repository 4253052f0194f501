"""Quick-reply button lists and option lists.

* :class:`ButtonListMessage` (``POST /send-button-list``), with the image and video
  variants :class:`ButtonListImageMessage` (``send-button-list-image``) and
  :class:`ButtonListVideoMessage` (``send-button-list-video``); :func:`button_list`
  picks the right one for you.
* :class:`OptionListMessage` (``POST /send-option-list``): a button that opens a
  list of options.

The Python objects are flat; on the wire the buttons (and the image or video) sit in
a nested ``buttonList`` object, the list settings in ``optionList``::

    >>> from zapi_async.wire import to_wire
    >>> to_wire(ButtonListMessage("5511999999999", "Is Z-API good?",
    ...                           [ListButton("Great", id="1"), ListButton("Excellent")]))
    {'phone': '5511999999999', 'message': 'Is Z-API good?', 'buttonList': {'buttons': [{'label': 'Great', 'id': '1'}, {'label': 'Excellent'}]}}
"""  # noqa: E501

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar, Union

import attrs
from cattrs.errors import AttributeValidationNote, ClassValidationError
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from ._checks import (
    check_delay,
    check_http_url,
    check_image,
    check_optional_id,
    check_optional_text,
    check_recipient,
    check_text,
    not_a_string,
)
from .errors import ValidationError
from .wire import converter, to_camel

__all__ = [
    "AnyButtonList",
    "ButtonListImageMessage",
    "ButtonListMessage",
    "ButtonListVideoMessage",
    "ListButton",
    "ListOption",
    "OptionListMessage",
    "button_list",
]

_BASE64 = re.compile(r"[A-Za-z0-9+/\r\n]+={0,2}")
_VIDEO_DATA_URI = re.compile(r"data:video/[A-Za-z0-9.+-]+;base64,")


@attrs.frozen
class ListButton:
    """One quick-reply button of a button list.

    ``label`` is the text on the button; ``id`` comes back as ``buttonId`` in the
    reply webhook when the button is pressed (Z-API generates one when omitted).
    """

    label: str
    id: str | None = None

    def __attrs_post_init__(self) -> None:
        check_text("ListButton.label", self.label)
        check_optional_id("ListButton.id", self.id)


@attrs.frozen
class ListOption:
    """One row of an option list.

    ``title`` is what the user sees, ``description`` an optional second line, ``id``
    comes back as ``selectedRowId`` in the webhook when the row is picked.
    """

    title: str
    description: str | None = None
    id: str | None = None

    def __attrs_post_init__(self) -> None:
        check_text("ListOption.title", self.title)
        check_optional_text("ListOption.description", self.description)
        check_optional_id("ListOption.id", self.id)


def _tuple_of(value: Any) -> tuple[Any, ...]:
    # Validation of the items happens in __attrs_post_init__, with the field name.
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return (value,) if value is not None else ()
    return tuple(value)


def _as_buttons(value: Iterable[ListButton]) -> tuple[ListButton, ...]:
    return _tuple_of(value)


def _as_options(value: Iterable[ListOption]) -> tuple[ListOption, ...]:
    return _tuple_of(value)


def _check_items(field: str, items: tuple[Any, ...], kind: type, noun: str) -> None:
    if not items:
        raise ValidationError(field, f"should have at least one {noun}")
    seen: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, kind):
            raise ValidationError(
                f"{field}[{index}]",
                f"should be a {kind.__name__}, but was {type(item).__name__}",
            )
        item_id = getattr(item, "id", None)
        if item_id is not None:
            if item_id in seen:
                raise ValidationError(
                    f"{field}[{index}].id",
                    f"should be unique within the message, but {item_id!r} is repeated",
                )
            seen.add(item_id)


def _check_button_list(owner: str, phone: object, message: object, buttons: Any) -> None:
    check_recipient(f"{owner}.phone", phone)
    check_text(f"{owner}.message", message)
    _check_items(f"{owner}.buttons", buttons, ListButton, "button")


def _check_video(field: str, value: object) -> None:
    """An http(s) video URL, a ``data:video/...;base64,`` URI or raw Base64."""
    if not isinstance(value, str):
        raise not_a_string(field, value)
    if value.startswith(("http://", "https://")):
        check_http_url(field, value)
        return
    payload = value
    match = _VIDEO_DATA_URI.match(value)
    if match:
        payload = value[match.end() :]
    elif value.startswith("data:"):
        raise ValidationError(field, "a data URI should look like 'data:video/mp4;base64,<data>'")
    if not payload or not _BASE64.fullmatch(payload):
        shown = value if len(value) <= 40 else value[:40] + "…"
        raise ValidationError(
            field,
            "should be an http(s) URL, Base64 data or a data:video/...;base64, URI, "
            f"but was {shown!r}",
        )


@attrs.frozen
class ButtonListMessage:
    """A text with quick-reply buttons (``POST /send-button-list``).

    ``phone`` is the recipient (digits only, or a group id), ``message`` the text
    (must not be empty), ``buttons`` one or more :class:`ListButton` (ids, when
    given, must be unique); ``delay_message`` is 1..15 seconds Z-API waits before
    sending the next message.
    """

    endpoint: ClassVar[str] = "send-button-list"

    phone: str
    message: str
    buttons: tuple[ListButton, ...] = attrs.field(converter=_as_buttons)
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        _check_button_list("ButtonListMessage", self.phone, self.message, self.buttons)
        check_delay("ButtonListMessage.delay_message", self.delay_message)


@attrs.frozen
class ButtonListImageMessage:
    """An image with a caption and quick-reply buttons (``POST /send-button-list-image``).

    Like :class:`ButtonListMessage`, plus ``image``: an http(s) URL, Base64 data or
    a ``data:image/...;base64,`` URI.
    """

    endpoint: ClassVar[str] = "send-button-list-image"

    phone: str
    message: str
    buttons: tuple[ListButton, ...] = attrs.field(converter=_as_buttons)
    image: str
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        _check_button_list("ButtonListImageMessage", self.phone, self.message, self.buttons)
        if self.image is None:
            raise ValidationError("ButtonListImageMessage.image", "is required")
        check_image("ButtonListImageMessage.image", self.image)
        check_delay("ButtonListImageMessage.delay_message", self.delay_message)


@attrs.frozen
class ButtonListVideoMessage:
    """A video with a caption and quick-reply buttons (``POST /send-button-list-video``).

    Like :class:`ButtonListMessage`, plus ``video``: an http(s) URL, Base64 data or
    a ``data:video/...;base64,`` URI.
    """

    endpoint: ClassVar[str] = "send-button-list-video"

    phone: str
    message: str
    buttons: tuple[ListButton, ...] = attrs.field(converter=_as_buttons)
    video: str
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        _check_button_list("ButtonListVideoMessage", self.phone, self.message, self.buttons)
        _check_video("ButtonListVideoMessage.video", self.video)
        check_delay("ButtonListVideoMessage.delay_message", self.delay_message)


#: Any of the three button-list messages.
AnyButtonList = Union[ButtonListMessage, ButtonListImageMessage, ButtonListVideoMessage]  # noqa: UP007


def button_list(
    phone: str,
    message: str,
    buttons: Iterable[ListButton],
    *,
    image: str | None = None,
    video: str | None = None,
    delay_message: int | None = None,
) -> AnyButtonList:
    """The button-list message for what is given: plain, with ``image`` or with ``video``.

        >>> button_list("5511999999999", "Pick one", [ListButton("A")], image="https://x.io/a.png")
        ... # doctest: +ELLIPSIS
        ButtonListImageMessage(phone='5511999999999', ..., image='https://x.io/a.png', ...)

    Giving both ``image`` and ``video`` raises :class:`~zapi_async.ValidationError`.
    """
    if image is not None and video is not None:
        raise ValidationError("ButtonListMessage.video", "give image or video, not both")
    if image is not None:
        return ButtonListImageMessage(phone, message, buttons, image, delay_message)
    if video is not None:
        return ButtonListVideoMessage(phone, message, buttons, video, delay_message)
    return ButtonListMessage(phone, message, buttons, delay_message)


@attrs.frozen
class OptionListMessage:
    """A text with a button that opens a list of options (``POST /send-option-list``).

    ``title`` heads the opened list, ``button_label`` is the text on the button that
    opens it, ``options`` one or more :class:`ListOption` (ids, when given, must be
    unique). WhatsApp no longer shows option lists in groups.
    """

    endpoint: ClassVar[str] = "send-option-list"

    phone: str
    message: str
    title: str
    button_label: str
    options: tuple[ListOption, ...] = attrs.field(converter=_as_options)
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        check_recipient("OptionListMessage.phone", self.phone)
        check_text("OptionListMessage.message", self.message)
        check_text("OptionListMessage.title", self.title)
        check_text("OptionListMessage.button_label", self.button_label)
        _check_items("OptionListMessage.options", self.options, ListOption, "option")
        check_delay("OptionListMessage.delay_message", self.delay_message)


# --- wire form: some fields travel inside a nested object ---------------------------

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
