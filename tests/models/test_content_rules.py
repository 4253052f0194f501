# ruff: noqa: E501  (tables of documented bodies read best one per line)
"""Content messages refuse bad input at construction, naming the field and the rule."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from zapi_async import CallButton, ReplyButton, UrlButton, ValidationError
from zapi_async.models import (
    CarouselCard,
    CarouselMessage,
    CarouselPolicy,
    Contact,
    ContactsMessage,
    DeleteMessage,
    DocumentMessage,
    Event,
    EventMessage,
    EventResponseMessage,
    GifMessage,
    ImageMessage,
    LinkMessage,
    LocationMessage,
    PinMessage,
    PollMessage,
    PollVoteMessage,
    ReactionMessage,
    StickerMessage,
    check_carousel,
)

P = "5511999999999"
IMG = "https://x.io/a.png"

BAD: list[tuple[str, Callable[[], Any], str, str]] = [
    ("image-not-media", lambda: ImageMessage(P, "ftp://x.io/a.png"), "ImageMessage.image", "should be an http(s) URL, Base64"),
    ("image-video-uri", lambda: ImageMessage(P, "data:video/mp4;base64,AAAA"), "ImageMessage.image", "data:image/png;base64"),
    ("image-view-once", lambda: ImageMessage(P, IMG, view_once=1), "ImageMessage.view_once", "True or False"),  # type: ignore[arg-type]
    ("image-phone", lambda: ImageMessage("+55 11 99999-9999", IMG), "ImageMessage.phone", "'5511999999999'"),
    ("image-delay", lambda: ImageMessage(P, IMG, delay_message=16), "ImageMessage.delay_message", "[1, 15]"),
    ("gif-image", lambda: GifMessage(P, "data:image/gif;base64,AAAA"), "GifMessage.gif", "data:video/mp4"),
    ("sticker-empty", lambda: StickerMessage(P, IMG, sticker_author=" "), "StickerMessage.sticker_author", "empty"),
    ("document-slash", lambda: DocumentMessage(P, IMG, "pdf/../x"), "DocumentMessage.extension", "letters or digits"),
    ("document-dot", lambda: DocumentMessage(P, IMG, ".pdf"), "DocumentMessage.extension", "without a dot"),
    ("document-any-type", lambda: DocumentMessage(P, "data:text/plain;base64,aGk=", "txt").document[:10], "", ""),
    ("latitude-range", lambda: LocationMessage(P, "T", "A", "91", "0"), "LocationMessage.latitude", "[-90, 90]"),
    ("longitude-text", lambda: LocationMessage(P, "T", "A", "0", "east"), "LocationMessage.longitude", "decimal degrees"),
    ("latitude-bool", lambda: LocationMessage(P, "T", "A", True, "0"), "LocationMessage.latitude", "should be a string"),
    ("contact-no-phone", lambda: Contact("Ana", []), "Contact.phones", "at least one"),
    ("contact-bad-phone", lambda: Contact("Ana", ["abc"]), "Contact.phones[0]", "8-15 digits"),
    ("contacts-not-contact", lambda: ContactsMessage(P, [{"name": "Ana"}]), "ContactsMessage.contacts[0]", "should be a Contact"),  # type: ignore[list-item]
    ("link-end", lambda: LinkMessage(P, "https://z-api.io is great", IMG, "https://z-api.io", "Z", "d"), "LinkMessage.message", "should end with the link_url"),
    ("link-type", lambda: LinkMessage(P, "https://z-api.io", IMG, "https://z-api.io", "Z", "d", link_type="HUGE"), "LinkMessage.link_type", "SMALL, MEDIUM, LARGE"),  # type: ignore[arg-type]
    ("reaction-empty", lambda: ReactionMessage(P, "", "M1"), "ReactionMessage.reaction", "empty"),
    ("reaction-target", lambda: ReactionMessage(P, "👍", None), "ReactionMessage.message_id", "should be a string"),  # type: ignore[arg-type]
    ("poll-empty", lambda: PollMessage(P, "Q", []), "PollMessage.options", "at least one"),
    ("poll-repeat", lambda: PollMessage(P, "Q", ["a", "a"]), "PollMessage.options[1]", "repeats"),
    ("poll-max", lambda: PollMessage(P, "Q", ["a", "b"], max_options=3), "PollMessage.max_options", "[1, 2]"),
    ("vote-empty", lambda: PollVoteMessage(P, "M", []), "PollVoteMessage.poll_vote", "at least one"),
    ("event-private", lambda: EventMessage(P, Event("E", "2024-01-01T10:00:00")), "EventMessage.phone", "group id"),
    ("event-call", lambda: Event("E", "2024-01-01", call_link_type="phone"), "Event.call_link_type", "voice, video"),  # type: ignore[arg-type]
    ("event-response", lambda: EventResponseMessage(P, "E1", "MAYBE"), "EventResponseMessage.event_response", "GOING, NOT_GOING"),  # type: ignore[arg-type]
    ("pin-duration", lambda: PinMessage(P, "M1", pin_message_duration="1_year"), "PinMessage.pin_message_duration", "24_hours"),  # type: ignore[arg-type]
    ("delete-owner", lambda: DeleteMessage(P, "M1", "yes"), "DeleteMessage.owner", "True or False"),  # type: ignore[arg-type]
    ("card-image", lambda: CarouselCard("t", "not an image"), "CarouselCard.image", "http(s) URL"),
    ("card-ids", lambda: CarouselCard("t", IMG, [ReplyButton("a", id="1"), ReplyButton("b", id="1")]), "CarouselCard.buttons[1].id", "unique within the card"),
    ("carousel-empty", lambda: CarouselMessage(P, "m", []), "CarouselMessage.carousel", "at least one card"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "build", "field", "rule"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_names_field_and_rule(
    case: str, build: Callable[[], Any], field: str, rule: str
) -> None:
    if not field:  # a case that must pass
        build()
        return
    with pytest.raises(ValidationError) as caught:
        build()
    assert caught.value.field == field
    assert rule in caught.value.rule


def _card(*buttons: Any) -> CarouselCard:
    return CarouselCard("t", IMG, list(buttons))


CALL = CallButton("Call", phone="+5511999999999")
URL = UrlButton("Site", url="https://z-api.io")
REPLY = ReplyButton("More", id="more")


def test_carousel_policy_refuses_all_three_kinds_on_one_card() -> None:
    message = CarouselMessage(P, "m", [_card(URL, REPLY), _card(CALL, URL, REPLY)])
    with pytest.raises(ValidationError) as caught:
        check_carousel(message)
    assert caught.value.field == "CarouselMessage.carousel[1].buttons"
    assert "should not mix CALL, URL and REPLY" in caught.value.rule
    assert "cards are not split" in caught.value.rule


def test_carousel_policy_allows_zapis_url_and_reply_example_unless_reply_apart() -> None:
    message = CarouselMessage(P, "m", [_card(URL, REPLY)])
    check_carousel(message)  # Z-API's own example
    with pytest.raises(ValidationError, match=r"carousel\[0\].buttons: should not mix REPLY"):
        check_carousel(message, CarouselPolicy(reply_apart=True))
    check_carousel(
        CarouselMessage(P, "m", [_card(CALL, URL), _card(REPLY)]), CarouselPolicy(reply_apart=True)
    )


def test_carousel_policy_caps() -> None:
    many = CarouselMessage(P, "m", [_card()] * 11)
    with pytest.raises(ValidationError, match="at most 10 cards, but has 11"):
        check_carousel(many, CarouselPolicy.meta())
    with pytest.raises(
        ValidationError, match=r"carousel\[0\].buttons: should have at most 2 buttons"
    ):
        check_carousel(
            CarouselMessage(P, "m", [_card(URL, REPLY, ReplyButton("x", id="x"))]),
            CarouselPolicy.meta(),
        )
    with pytest.raises(ValidationError, match=r"CarouselPolicy\.max_cards"):
        CarouselPolicy(max_cards=0)
