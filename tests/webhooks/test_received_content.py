"""Issue 16 (receiving): every content object Z-API documents becomes a typed, frozen
value on the event, field by field, under the snake_case of its JSON key."""

from __future__ import annotations

import re
from typing import Any

import attrs
import pytest

from zapi_async.webhooks import (
    AudioContent,
    ImageContent,
    LocationContent,
    MessageKind,
    PollOption,
    PollVoteContent,
    ReactionContent,
    ReceivedCallback,
    ReferencedMessage,
    parse_webhook,
)

from ._docs_corpus import doc_names, load_doc

#: Golden payload -> the kind its content makes it.
KINDS = {
    "audio": MessageKind.AUDIO,
    "broadcast_list_send": MessageKind.TEXT,
    "buttons_message_image": MessageKind.BUTTONS_MESSAGE,
    "buttons_message_video": MessageKind.BUTTONS_MESSAGE,
    "carousel": MessageKind.CAROUSEL_MESSAGE,
    "contact": MessageKind.CONTACT,
    "document": MessageKind.DOCUMENT,
    "event": MessageKind.EVENT,
    "event_response": MessageKind.EVENT_RESPONSE,
    "hydrated_template_document": MessageKind.HYDRATED_TEMPLATE,
    "hydrated_template_image": MessageKind.HYDRATED_TEMPLATE,
    "hydrated_template_location": MessageKind.HYDRATED_TEMPLATE,
    "hydrated_template_otp": MessageKind.HYDRATED_TEMPLATE,
    "hydrated_template_text": MessageKind.HYDRATED_TEMPLATE,
    "hydrated_template_video": MessageKind.HYDRATED_TEMPLATE,
    "image": MessageKind.IMAGE,
    "location": MessageKind.LOCATION,
    "newsletter_admin_invite": MessageKind.NEWSLETTER_ADMIN_INVITE,
    "order": MessageKind.ORDER,
    "pin_message": MessageKind.PIN_MESSAGE,
    "pix_key": MessageKind.PIX_KEY_MESSAGE,
    "poll": MessageKind.POLL,
    "poll_vote": MessageKind.POLL_VOTE,
    "product": MessageKind.PRODUCT,
    "reaction": MessageKind.REACTION,
    "reaction_removed": MessageKind.REACTION,
    "request_payment": MessageKind.REQUEST_PAYMENT,
    "review_and_pay": MessageKind.REVIEW_AND_PAY,
    "review_order": MessageKind.REVIEW_ORDER,
    "send_payment": MessageKind.SEND_PAYMENT,
    "status_reply": MessageKind.TEXT,
    "sticker": MessageKind.STICKER,
    "text_ad": MessageKind.TEXT,
    "text_api_echo": MessageKind.TEXT,
    "text_descritpion": MessageKind.TEXT,
    "text_edited": MessageKind.TEXT,
    "text_lid_only": MessageKind.TEXT,
    "text_preview": MessageKind.TEXT,
    "video": MessageKind.VIDEO,
    "video_gif": MessageKind.VIDEO,
    "video_ptv": MessageKind.VIDEO,
}
NOTIFICATIONS = {
    "call_missed_voice",
    "call_voice",
    "chat_label_association",
    "group_link_admin_only",
    "membership_invite_link",
    "membership_non_admin_add",
    "membership_revoked",
    "newsletter_admin_demote",
    "newsletter_admin_promote",
    "payment_declined",
    "profile_name_updated",
    "profile_picture_updated",
}


def snake(key: str) -> str:
    """Z-API's camelCase key as the attribute name (``vCard`` -> ``v_card``)."""
    return re.sub(r"(?<!^)([A-Z])", r"_\1", key).lower()


def assert_mirrors(typed: Any, raw: dict[str, Any], path: str) -> None:
    """Every key of Z-API's object is an attribute with Z-API's value, recursively."""
    assert typed is not None, path
    assert attrs.has(type(typed)), path
    for key, value in raw.items():
        name = "description" if key == "descritpion" else snake(key)
        where = f"{path}.{key}"
        assert hasattr(typed, name), where
        attr = getattr(typed, name)
        if isinstance(value, dict):
            assert_mirrors(attr, value, where)
        elif isinstance(value, list):
            assert len(attr) == len(value), where
            for index, (got, want) in enumerate(zip(attr, value, strict=True)):
                if isinstance(want, dict):
                    assert_mirrors(got, want, f"{where}[{index}]")
                else:
                    assert got == want, f"{where}[{index}]"
        else:
            assert attr == value, where
            assert type(attr) in (type(value), float), where


def test_the_corpus_covers_every_documented_shape() -> None:
    assert set(doc_names()) == set(KINDS) | NOTIFICATIONS | {"waiting_message"}


@pytest.mark.parametrize("name", sorted(KINDS))
def test_every_content_object_is_typed_field_by_field(name: str) -> None:
    payload = load_doc(name)
    event = parse_webhook(payload)
    assert isinstance(event, ReceivedCallback)
    assert event.kind is KINDS[name]
    objects = {k: v for k, v in payload.items() if isinstance(v, dict)}
    assert objects, name
    for key, value in objects.items():
        assert_mirrors(getattr(event, snake(key)), value, f"$.{key}")
    assert event.content == {}  # nothing left untyped
    assert event.raw == payload


def test_image_fields() -> None:
    event = parse_webhook(load_doc("image"))
    assert isinstance(event, ReceivedCallback)
    assert event.image == ImageContent(
        image_url="https://storage.z-api.io/i/a.jpeg",
        thumbnail_url="https://storage.z-api.io/i/a-thumb.jpeg",
        caption="",
        mime_type="image/jpeg",
        download_error=None,
        width=600,
        height=315,
        view_once=True,
    )
    assert event.image.caption == ""  # Z-API's empty strings are kept as sent


def test_audio_fields() -> None:
    event = parse_webhook(load_doc("audio"))
    assert isinstance(event, ReceivedCallback)
    assert event.audio == AudioContent(
        audio_url="https://storage.z-api.io/a/v.ogg",
        mime_type="audio/ogg; codecs=opus",
        ptt=True,
        seconds=10,
        view_once=True,
    )


def test_reaction_and_the_message_it_references() -> None:
    event = parse_webhook(load_doc("reaction"))
    assert isinstance(event, ReceivedCallback)
    assert event.reaction == ReactionContent(
        value="❤️",
        time=1651878681150,
        reaction_by="5511987654321",
        referenced_message=ReferencedMessage(
            message_id="3EB0796DC6B777C0C7CD", from_me=True, phone="5511987654321"
        ),
    )
    removed = parse_webhook(load_doc("reaction_removed"))
    assert isinstance(removed, ReceivedCallback)
    assert removed.reaction is not None
    assert removed.reaction.value == ""


def test_poll_vote_in_a_group() -> None:
    event = parse_webhook(load_doc("poll_vote"))
    assert isinstance(event, ReceivedCallback)
    assert event.poll_vote == PollVoteContent(
        poll_message_id="3EB0F00D00000000POLL", options=(PollOption(name="Friday"),)
    )
    assert (event.is_group, event.participant_phone) == (True, "5511987654321")


def test_location_keeps_empty_strings_and_numbers() -> None:
    event = parse_webhook(load_doc("location"))
    assert isinstance(event, ReceivedCallback)
    assert event.location == LocationContent(
        latitude=-23.5489, longitude=-46.6388, address="", url=""
    )


def test_the_descritpion_typo_is_read_as_description() -> None:
    event = parse_webhook(load_doc("text_descritpion"))
    assert isinstance(event, ReceivedCallback)
    assert event.text is not None
    assert event.text.description == "spelt as in one Z-API example"


def test_document_page_count_is_kept_as_sent() -> None:
    base = load_doc("document")
    as_text = parse_webhook({**base, "document": {**base["document"], "pageCount": "3"}})
    assert isinstance(as_text, ReceivedCallback)
    assert as_text.document is not None
    assert as_text.document.page_count == "3"


def test_template_and_carousel_nesting() -> None:
    otp = parse_webhook(load_doc("hydrated_template_otp"))
    assert isinstance(otp, ReceivedCallback)
    assert otp.hydrated_template is not None
    [button] = otp.hydrated_template.hydrated_buttons
    assert button.url_button is not None
    assert button.url_button.url.endswith("otp_type=COPY_CODE&code=481516")  # type: ignore[union-attr]
    carousel = parse_webhook(load_doc("carousel"))
    assert isinstance(carousel, ReceivedCallback)
    assert carousel.carousel_message is not None
    [card] = carousel.carousel_message.cards
    assert card.header is not None
    assert card.header.image is not None
    assert card.header.image.width == 1600
    assert card.hydrated_buttons[1].quick_reply_button is not None
    assert card.hydrated_buttons[1].quick_reply_button.id == "basic"
    assert (carousel.from_me, carousel.from_api, carousel.is_own) == (True, True, True)


def test_content_values_are_frozen() -> None:
    event = parse_webhook(load_doc("image"))
    assert isinstance(event, ReceivedCallback)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        event.image.caption = "changed"  # type: ignore[misc,union-attr]


def test_an_unknown_content_kind_still_parses_and_stays_raw() -> None:
    event = parse_webhook({**load_doc("image"), "image": None, "hologram": {"depth": 3}})
    assert isinstance(event, ReceivedCallback)
    assert event.kind is MessageKind.OTHER
    assert event.content == {"hologram": {"depth": 3}}
