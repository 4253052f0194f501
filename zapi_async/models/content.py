"""Typed content objects of an incoming message (a ``ReceivedCallback``).

Each class mirrors one object Z-API puts in the webhook, under the snake_case of its
JSON keys and with Z-API's values (``imageUrl`` -> ``image_url``, ``vCard`` ->
``v_card``; ``""`` stays ``""``). Every field is optional: Z-API leaves many out.
The event holds each one under the snake_case of its JSON key (``event.image``,
``event.poll_vote``); commerce, template and ad objects are in
:mod:`zapi_async.models.content_business`.

* :class:`TextContent` (``text``), :class:`ImageContent`, :class:`AudioContent`,
  :class:`VideoContent` (PTV and GIF arrive as ``video`` too, with no flag),
  :class:`DocumentContent`, :class:`StickerContent`, :class:`LocationContent`,
  :class:`ContactContent`;
* :class:`ReactionContent`, :class:`PinMessageContent`, :class:`EventResponseContent`
  with the :class:`ReferencedMessage` they point at;
* :class:`PollContent`, :class:`PollVoteContent` (:class:`PollOption`);
* :class:`EventContent` (a group event), :class:`ButtonReply`, :class:`ListReply`.
"""

from __future__ import annotations

import attrs

__all__ = [
    "AudioContent",
    "ButtonReply",
    "ContactContent",
    "DocumentContent",
    "EventContent",
    "EventLocation",
    "EventResponseContent",
    "ImageContent",
    "ListReply",
    "LocationContent",
    "PinMessageContent",
    "PollContent",
    "PollOption",
    "PollVoteContent",
    "ReactionContent",
    "ReferencedMessage",
    "StickerContent",
    "TextContent",
    "VideoContent",
]


@attrs.frozen(kw_only=True)
class ButtonReply:
    """A REPLY-button press (``buttonsResponseMessage``).

    ``button_id`` is the ``id`` you gave the :class:`~zapi_async.ReplyButton`;
    ``message`` is the button's label as the user saw it.
    """

    button_id: str | None = None
    message: str | None = None


@attrs.frozen(kw_only=True)
class ListReply:
    """A pick from an option list (``listResponseMessage``).

    ``selected_row_id`` is the option's ``id``; ``title`` and ``message`` its texts.
    """

    message: str | None = None
    title: str | None = None
    selected_row_id: str | None = None


@attrs.frozen(kw_only=True)
class TextContent:
    """A text message (``text``): ``message`` is the text.

    ``description``, ``title``, ``url`` and ``thumbnail_url`` are set when WhatsApp
    attached a preview (a link, a catalogue, a group invite, an ad). One Z-API
    example spells the key ``descritpion``; it is read as ``description`` too.
    """

    message: str | None = None
    description: str | None = None
    title: str | None = None
    url: str | None = None
    thumbnail_url: str | None = None


@attrs.frozen(kw_only=True)
class ImageContent:
    """An image (``image``, also a template or carousel header).

    ``download_error`` is Z-API's text when it could not fetch the file; media URLs
    expire after 30 days. ``width``/``height`` are pixels.
    """

    image_url: str | None = None
    thumbnail_url: str | None = None
    caption: str | None = None
    mime_type: str | None = None
    download_error: str | None = None
    width: int | None = None
    height: int | None = None
    view_once: bool | None = None


@attrs.frozen(kw_only=True)
class AudioContent:
    """An audio (``audio``): ``ptt`` is true for a voice note, ``seconds`` its length."""

    audio_url: str | None = None
    mime_type: str | None = None
    ptt: bool | None = None
    seconds: int | None = None
    view_once: bool | None = None


@attrs.frozen(kw_only=True)
class VideoContent:
    """A video (``video``). PTVs (round video notes) and GIFs arrive in this shape too."""

    video_url: str | None = None
    caption: str | None = None
    mime_type: str | None = None
    seconds: int | None = None
    width: int | None = None
    height: int | None = None
    view_once: bool | None = None


@attrs.frozen(kw_only=True)
class DocumentContent:
    """A document (``document``). ``page_count`` is a number in Z-API's examples and a
    string in its field table: kept as sent."""

    document_url: str | None = None
    mime_type: str | None = None
    title: str | None = None
    file_name: str | None = None
    page_count: int | str | None = None
    thumbnail_url: str | None = None
    caption: str | None = None


@attrs.frozen(kw_only=True)
class StickerContent:
    """A sticker (``sticker``), usually ``image/webp``."""

    sticker_url: str | None = None
    mime_type: str | None = None


@attrs.frozen(kw_only=True)
class LocationContent:
    """A location (``location``): ``latitude``/``longitude`` in degrees (numbers here,
    unlike the strings ``send-location`` takes); ``address``/``url`` are often ``""``."""

    latitude: float | None = None
    longitude: float | None = None
    name: str | None = None
    address: str | None = None
    url: str | None = None
    thumbnail_url: str | None = None


@attrs.frozen(kw_only=True)
class ContactContent:
    """A shared contact (``contact``): its ``display_name``, ``v_card`` text and ``phones``."""

    display_name: str | None = None
    v_card: str | None = None
    phones: tuple[str, ...] = ()


@attrs.frozen(kw_only=True)
class ReferencedMessage:
    """The message a reaction, pin or event response points at.

    ``phone`` is its chat, ``participant`` its sender in a group (else ``None``).
    """

    message_id: str | None = None
    from_me: bool | None = None
    phone: str | None = None
    participant: str | None = None


@attrs.frozen(kw_only=True)
class ReactionContent:
    """A reaction (``reaction``): ``value`` is the emoji, ``""`` when it was removed;
    ``time`` epoch milliseconds; ``reaction_by`` who reacted."""

    value: str | None = None
    time: int | None = None
    reaction_by: str | None = None
    referenced_message: ReferencedMessage | None = None


@attrs.frozen(kw_only=True)
class PollOption:
    """One option of a poll or of a poll vote: its ``name``."""

    name: str | None = None


@attrs.frozen(kw_only=True)
class PollContent:
    """A poll (``poll``): ``poll_max_options`` is the most votes per person (0: any)."""

    question: str | None = None
    poll_max_options: int | None = None
    options: tuple[PollOption, ...] = ()


@attrs.frozen(kw_only=True)
class PollVoteContent:
    """A vote (``pollVote``) on the poll ``poll_message_id``: the ``options`` chosen.

    In groups the event's ``participant_phone`` is the voter.
    """

    poll_message_id: str | None = None
    options: tuple[PollOption, ...] = ()


@attrs.frozen(kw_only=True)
class EventLocation:
    """Where a group event takes place (``event.location``); often empty."""

    name: str | None = None


@attrs.frozen(kw_only=True)
class EventContent:
    """A group event (``event``): ``schedule_time`` is epoch **seconds** in Z-API's
    example; ``join_link`` the call link, if any."""

    name: str | None = None
    description: str | None = None
    canceled: bool | None = None
    join_link: str | None = None
    schedule_time: int | None = None
    location: EventLocation | None = None


@attrs.frozen(kw_only=True)
class EventResponseContent:
    """An answer to a group event (``eventResponse``): ``response`` is ``GOING`` or
    ``NOT_GOING``, ``time`` epoch milliseconds."""

    response: str | None = None
    response_from: str | None = None
    time: int | None = None
    referenced_message: ReferencedMessage | None = None


@attrs.frozen(kw_only=True)
class PinMessageContent:
    """A message was pinned or unpinned (``pinMessage``): ``action`` is ``pin`` or
    ``unpin``, ``pin_duration_in_secs`` e.g. 604800 (7 days)."""

    action: str | None = None
    pin_duration_in_secs: int | None = None
    referenced_message: ReferencedMessage | None = None
