"""Quick-reply button lists and option lists.

* :class:`ButtonListMessage` (``POST /send-button-list``), with the image and video
  variants :class:`ButtonListImageMessage` and :class:`ButtonListVideoMessage`, which
  post to the same ``send-button-list`` with ``buttonList.image`` / ``buttonList.video``
  (Z-API's request examples and Postman collection; "send-button-list-image" is only
  the name of a docs page); :func:`button_list` picks the right one for you.
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

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Union

import attrs

from ..errors import ValidationError
from ._checks import (
    check_delay,
    check_image,
    check_media,
    check_optional_id,
    check_optional_text,
    check_recipient,
    check_text,
)

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
    """An image with a caption and quick-reply buttons (``POST /send-button-list``,
    the image in ``buttonList.image``).

    Like :class:`ButtonListMessage`, plus ``image``: an http(s) URL, Base64 data or
    a ``data:image/...;base64,`` URI.
    """

    endpoint: ClassVar[str] = "send-button-list"

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
    """A video with a caption and quick-reply buttons (``POST /send-button-list``,
    the video in ``buttonList.video``).

    Like :class:`ButtonListMessage`, plus ``video``: an http(s) URL, Base64 data or
    a ``data:video/...;base64,`` URI.
    """

    endpoint: ClassVar[str] = "send-button-list"

    phone: str
    message: str
    buttons: tuple[ListButton, ...] = attrs.field(converter=_as_buttons)
    video: str
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        _check_button_list("ButtonListVideoMessage", self.phone, self.message, self.buttons)
        check_media("ButtonListVideoMessage.video", self.video, "video")
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
