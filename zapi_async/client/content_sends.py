"""Named send helpers for content messages: ``send_image(...)``, ``send_poll(...)``…

Each helper takes a message of its kind alone, or exactly the fields of that
model's constructor. The helpers are generated from the models (one line each),
so their signatures cannot drift from the constructors: ``inspect.signature`` and
type checkers both see the constructor's parameters.
"""

from __future__ import annotations

from ..models.carousel import CarouselMessage
from ..models.interactive import (
    EditEventMessage,
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
from ..models.places import ContactMessage, ContactsMessage, LinkMessage, LocationMessage
from .base import ClientCalls
from .send_helper import SendHelper

__all__ = ["ContentSends"]


class ContentSends(ClientCalls):
    """``send_image``, ``send_audio``, ``send_video``, ``send_ptv``, ``send_gif``,
    ``send_sticker``, ``send_document``, ``send_location``, ``send_contact``,
    ``send_contacts``, ``send_link``, ``send_reaction``, ``send_remove_reaction``,
    ``send_poll``, ``send_poll_vote``, ``send_event``, ``send_edit_event``,
    ``send_event_response`` and ``send_carousel``."""

    __slots__ = ()

    send_image = SendHelper(ImageMessage)
    send_audio = SendHelper(AudioMessage)
    send_video = SendHelper(VideoMessage)
    send_ptv = SendHelper(PtvMessage)
    send_gif = SendHelper(GifMessage)
    send_sticker = SendHelper(StickerMessage)
    send_document = SendHelper(DocumentMessage)
    send_location = SendHelper(LocationMessage)
    send_contact = SendHelper(ContactMessage)
    send_contacts = SendHelper(ContactsMessage)
    send_link = SendHelper(LinkMessage)
    send_reaction = SendHelper(ReactionMessage)
    send_remove_reaction = SendHelper(RemoveReactionMessage)
    send_poll = SendHelper(PollMessage)
    send_poll_vote = SendHelper(PollVoteMessage)
    send_event = SendHelper(EventMessage)
    send_edit_event = SendHelper(EditEventMessage)
    send_event_response = SendHelper(EventResponseMessage)
    send_carousel = SendHelper(CarouselMessage)
