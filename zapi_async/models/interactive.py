"""Reactions, polls and group events.

>>> from zapi_async.wire import to_wire
>>> to_wire(PollMessage("5511999999999", "Best API?", ["Z-API", "Others"], max_options=1))
{'phone': '5511999999999', 'message': 'Best API?', 'poll': [{'name': 'Z-API'}, {'name': 'Others'}], 'pollMaxOptions': 1}
>>> to_wire(ReactionMessage("5511999999999", "❤️", "3EB0C431C26A"))
{'phone': '5511999999999', 'reaction': '❤️', 'messageId': '3EB0C431C26A'}
"""  # noqa: E501

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any, ClassVar, Literal, get_args

import attrs

from ..errors import ValidationError
from ._checks import (
    check_choice,
    check_delay,
    check_optional_bool,
    check_optional_text,
    check_recipient,
    check_text,
    not_a_string,
)

__all__ = [
    "CallLinkType",
    "EditEventMessage",
    "Event",
    "EventMessage",
    "EventResponse",
    "EventResponseMessage",
    "PollMessage",
    "PollVoteMessage",
    "ReactionMessage",
    "RemoveReactionMessage",
]

#: ``callLinkType`` of an event: a voice or a video call link.
CallLinkType = Literal["voice", "video"]
#: An answer to an event invitation.
EventResponse = Literal["GOING", "NOT_GOING"]

_CALL_LINK_TYPES: tuple[str, ...] = get_args(CallLinkType)
_EVENT_RESPONSES: tuple[str, ...] = get_args(EventResponse)
_GROUP = re.compile(r"[0-9]{6,30}-(?:group|[0-9]{6,14})")


def _names(value: Iterable[str]) -> tuple[str, ...]:
    # A lone string is one (refused) item, not its characters; items are checked later.
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable):
        return (value,)
    return tuple(value)


def _check_names(field: str, names: tuple[Any, ...]) -> None:
    if not names:
        raise ValidationError(field, "should have at least one option")
    seen: set[str] = set()
    for index, name in enumerate(names):
        check_text(f"{field}[{index}]", name)
        if name in seen:
            raise ValidationError(f"{field}[{index}]", f"repeats the option {name!r}")
        seen.add(name)


def _check_target(owner: str, phone: object, message_id: object) -> None:
    check_recipient(f"{owner}.phone", phone)
    if not isinstance(message_id, str):
        raise not_a_string(f"{owner}.message_id", message_id)
    check_text(f"{owner}.message_id", message_id)


@attrs.frozen
class ReactionMessage:
    """React with one emoji to a message, sent or received (``POST /send-reaction``).

    ``message_id`` is the message reacted to (required here).
    """

    endpoint: ClassVar[str] = "send-reaction"

    phone: str
    reaction: str
    message_id: str
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        _check_target("ReactionMessage", self.phone, self.message_id)
        check_text("ReactionMessage.reaction", self.reaction)
        check_delay("ReactionMessage.delay_message", self.delay_message)


@attrs.frozen
class RemoveReactionMessage:
    """Remove your reaction from ``message_id`` (``POST /send-remove-reaction``)."""

    endpoint: ClassVar[str] = "send-remove-reaction"

    phone: str
    message_id: str
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        _check_target("RemoveReactionMessage", self.phone, self.message_id)
        check_delay("RemoveReactionMessage.delay_message", self.delay_message)


@attrs.frozen
class PollMessage:
    """A poll (``POST /send-poll``).

    ``message`` is the question, ``options`` the answers (strings, sent as ``poll:
    [{"name": ...}]``); ``max_options`` (sent as ``pollMaxOptions``) is how many a
    person may pick: ``1`` for single choice, left out for any number.
    """

    endpoint: ClassVar[str] = "send-poll"

    phone: str
    message: str
    options: tuple[str, ...] = attrs.field(converter=_names)
    max_options: int | None = None
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        check_recipient("PollMessage.phone", self.phone)
        check_text("PollMessage.message", self.message)
        _check_names("PollMessage.options", self.options)
        if self.max_options is not None:
            count = self.max_options
            if not isinstance(count, int) or isinstance(count, bool):
                raise ValidationError(
                    "PollMessage.max_options", f"should be an integer, but was {count!r}"
                )
            if not 1 <= count <= len(self.options):
                raise ValidationError(
                    "PollMessage.max_options",
                    f"should be in range [1, {len(self.options)}] (the number of options), "
                    f"but was {count}",
                )
        check_delay("PollMessage.delay_message", self.delay_message)


@attrs.frozen
class PollVoteMessage:
    """Vote in a poll (``POST /send-poll-vote``): ``poll_message_id`` is the poll's
    ``messageId``; ``poll_vote`` the option names picked (one or more).

    Z-API's page heading says ``/send-poll``; its URL and request sample say
    ``/send-poll-vote``, which is what we use.
    """

    endpoint: ClassVar[str] = "send-poll-vote"

    phone: str
    poll_message_id: str
    poll_vote: tuple[str, ...] = attrs.field(converter=_names)

    def __attrs_post_init__(self) -> None:
        _check_target("PollVoteMessage", self.phone, self.poll_message_id)
        _check_names("PollVoteMessage.poll_vote", self.poll_vote)


def _date_time(value: str | datetime) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.isoformat(timespec="milliseconds")
        utc = value.astimezone(timezone.utc).isoformat(timespec="milliseconds")
        return utc.replace("+00:00", "Z")
    return value


@attrs.frozen
class Event:
    """The event of an :class:`EventMessage` or :class:`EditEventMessage`.

    * ``name``; ``date_time`` (sent as ``dateTime``): a :class:`~datetime.datetime`
      (aware ones are sent in UTC, ``2024-04-29T08:30:53.309Z`` as in Z-API's
      example) or a string sent as is.
    * ``canceled`` (default ``False``); ``description``; ``time_zone`` (``"UTC-3"``);
      ``location``: a place name (sent as ``location: {"name": ...}``);
      ``call_link_type``: ``"voice"`` or ``"video"``.
    """

    name: str
    date_time: str = attrs.field(converter=_date_time)
    canceled: bool = False
    description: str | None = None
    time_zone: str | None = None
    location: str | None = None
    call_link_type: CallLinkType | None = None

    def __attrs_post_init__(self) -> None:
        check_text("Event.name", self.name)
        check_text("Event.date_time", self.date_time)
        check_optional_bool("Event.canceled", self.canceled)
        check_optional_text("Event.description", self.description)
        check_optional_text("Event.time_zone", self.time_zone)
        check_optional_text("Event.location", self.location)
        if self.call_link_type is not None:
            check_choice("Event.call_link_type", self.call_link_type, _CALL_LINK_TYPES)


def _check_event(owner: str, phone: object, event: object) -> None:
    check_recipient(f"{owner}.phone", phone)
    if not isinstance(phone, str) or not _GROUP.fullmatch(phone):
        raise ValidationError(
            f"{owner}.phone",
            f"should be a group id (events are for groups only), but was {phone!r}",
        )
    if not isinstance(event, Event):
        raise ValidationError(
            f"{owner}.event", f"should be an Event, but was {type(event).__name__}"
        )


@attrs.frozen
class EventMessage:
    """An event invitation in a group (``POST /send-event``); ``phone`` must be a group id."""

    endpoint: ClassVar[str] = "send-event"

    phone: str
    event: Event

    def __attrs_post_init__(self) -> None:
        _check_event("EventMessage", self.phone, self.event)


@attrs.frozen
class EditEventMessage:
    """Edit an event sent earlier (``POST /send-edit-event``): ``event_message_id`` is
    its ``messageId``. Send every field again: Z-API may drop the ones left out."""

    endpoint: ClassVar[str] = "send-edit-event"

    phone: str
    event_message_id: str
    event: Event

    def __attrs_post_init__(self) -> None:
        _check_event("EditEventMessage", self.phone, self.event)
        check_text("EditEventMessage.event_message_id", self.event_message_id)


@attrs.frozen
class EventResponseMessage:
    """Answer an event invitation (``POST /send-event-response``): ``event_response``
    is ``"GOING"`` or ``"NOT_GOING"``. Not allowed on your own events."""

    endpoint: ClassVar[str] = "send-event-response"

    phone: str
    event_message_id: str
    event_response: EventResponse

    def __attrs_post_init__(self) -> None:
        check_recipient("EventResponseMessage.phone", self.phone)
        check_text("EventResponseMessage.event_message_id", self.event_message_id)
        check_choice("EventResponseMessage.event_response", self.event_response, _EVENT_RESPONSES)
