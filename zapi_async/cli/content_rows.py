"""Bulk rows with a ``type``: every content message from one CSV line or JSONL object.

The ``type`` names the message (``image``, ``document``, ``poll``… see
:data:`TYPES`); the other columns / keys are that model's constructor arguments,
snake_case (``caption``, ``file_name``, ``delay_message``). In CSV every cell is
text: numbers and ``true``/``false`` are parsed, lists (``options``, ``phones``,
``poll_vote``) are ``;``-separated, and nested values (``contacts``, ``event``,
``carousel``) are JSON. In JSONL the values are JSON as they are. Empty CSV cells
are left out, so one file may mix types.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..errors import ValidationError
from ..models.actions import PinMessage
from ..models.buttons import Button
from ..models.carousel import CarouselCard, CarouselMessage
from ..models.interactive import (
    EditEventMessage,
    Event,
    EventMessage,
    EventResponseMessage,
    PollMessage,
    PollVoteMessage,
    ReactionMessage,
    RemoveReactionMessage,
)
from ..models.media import (
    AudioMessage,
    DocumentMessage,
    GifMessage,
    ImageMessage,
    PtvMessage,
    StickerMessage,
    VideoMessage,
)
from ..models.messages import Message
from ..models.places import Contact, ContactMessage, ContactsMessage, LinkMessage, LocationMessage
from .input_files import decode_json

__all__ = ["LEGACY_TYPES", "TYPED_COLUMNS", "TYPES", "CellProblem", "build_typed"]

#: ``type`` value -> message class.
TYPES: dict[str, type] = {
    "image": ImageMessage,
    "audio": AudioMessage,
    "video": VideoMessage,
    "ptv": PtvMessage,
    "gif": GifMessage,
    "sticker": StickerMessage,
    "document": DocumentMessage,
    "location": LocationMessage,
    "contact": ContactMessage,
    "contacts": ContactsMessage,
    "link": LinkMessage,
    "reaction": ReactionMessage,
    "remove_reaction": RemoveReactionMessage,
    "poll": PollMessage,
    "poll_vote": PollVoteMessage,
    "event": EventMessage,
    "edit_event": EditEventMessage,
    "event_response": EventResponseMessage,
    "carousel": CarouselMessage,
    "pin": PinMessage,
}
#: ``type`` values read by the original text/button columns.
LEGACY_TYPES = ("text", "buttons")
#: Every column a typed row may use (besides ``type``).
TYPED_COLUMNS: frozenset[str] = frozenset(
    field.name for cls in TYPES.values() for field in attrs.fields(cls)
)


class CellProblem(ValueError):
    """A cell that cannot become its field: ``field`` and ``problem``."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


def _json(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    decoded, problem = decode_json(value)
    if problem is not None:
        raise CellProblem(name, f"should be JSON: {problem.removeprefix('not valid JSON: ')}")
    return decoded


def _objects(name: str, value: Any, build: Any) -> list[Any]:
    items = _json(name, value)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise CellProblem(name, "should be a list of objects")
    try:
        return [build(**item) for item in items]
    except TypeError as exc:
        raise CellProblem(name, str(exc)) from None


#: Turns a ``buttons`` value (the CLI's string syntax or a list of objects) into buttons.
ButtonParser = Callable[[Any], list[Button]]


def _convert(name: str, annotation: str, value: Any, csv: bool, buttons: ButtonParser) -> Any:
    if name == "contacts":
        return _objects(name, value, Contact)
    if name == "carousel":

        def card(**fields: Any) -> CarouselCard:
            return CarouselCard(buttons=buttons(fields.pop("buttons", [])), **fields)

        return _objects(name, value, card)
    if name == "event":
        event = _json(name, value)
        if not isinstance(event, dict):
            raise CellProblem(name, "should be an object of the event's fields")
        try:
            return Event(**event)
        except TypeError as exc:
            raise CellProblem(name, str(exc)) from None
    if not csv:
        return value
    if "tuple[str" in annotation:
        return [part.strip() for part in value.split(";") if part.strip()]
    if annotation.startswith("int"):
        try:
            return int(value)
        except ValueError:
            raise CellProblem(name, f"should be a whole number, but was {value!r}") from None
    if annotation.startswith("bool"):
        lowered = value.lower()
        if lowered not in ("true", "false", "yes", "no", "1", "0"):
            raise CellProblem(name, f"should be true or false, but was {value!r}")
        return lowered in ("true", "yes", "1")
    return value


def build_typed(
    kind: str, values: Mapping[str, Any], *, csv: bool, buttons: ButtonParser
) -> Message:
    """The message of ``type`` ``kind`` from a row's other values (``buttons`` parses
    the buttons of carousel cards).

    Raises :class:`CellProblem` naming the column for anything that does not fit.
    """
    cls = TYPES.get(kind)
    if cls is None:
        known = ", ".join([*LEGACY_TYPES, *TYPES])
        raise CellProblem("type", f"unknown type {kind!r} (expected one of {known})")
    fields = {field.name: field for field in attrs.fields(cls)}
    arguments: dict[str, Any] = {}
    for name, value in values.items():
        if name == "type" or value is None or (csv and value == ""):
            continue
        if name not in fields:
            raise CellProblem(name, f"is not a field of type {kind!r}")
        try:
            arguments[name] = _convert(name, str(fields[name].type), value, csv, buttons)
        except (ValidationError, ValueError) as exc:
            if isinstance(exc, CellProblem):
                raise
            raise CellProblem(name, str(exc)) from None
    missing = [
        name
        for name, field in fields.items()
        if field.default is attrs.NOTHING and name not in arguments
    ]
    if missing:
        raise CellProblem(missing[0], f"required for type {kind!r}, but empty")
    try:
        return cls(**arguments)  # type: ignore[no-any-return]
    except ValidationError as exc:
        name = exc.field.split(".", 1)[-1].split("[", 1)[0].split(".", 1)[0]
        raise CellProblem(name if name in fields else "-", exc.rule) from None
    except TypeError as exc:
        raise CellProblem("-", str(exc)) from None
