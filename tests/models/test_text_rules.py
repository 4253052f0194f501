"""Text WhatsApp cannot show (or JSON cannot encode) is refused at construction, in
every model: lone surrogates, control characters, bidi controls, invisible-only text,
whitespace-only ids, over-long texts (issue 19, items 1 and 13)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from zapi_async import (
    CarouselCard,
    ContactMessage,
    DocumentMessage,
    Event,
    ImageMessage,
    LinkMessage,
    LocationMessage,
    PollMessage,
    ReactionMessage,
    ReplyButton,
    TextMessage,
    UrlButton,
    ValidationError,
)
from zapi_async.models._checks import MAX_TEXT_LENGTH

PHONE = "5511999999999"
URL = "https://example.com/a.png"

#: Each model's text field, built with the given value.
MAKERS: dict[str, Callable[[str], object]] = {
    "TextMessage.message": lambda v: TextMessage(PHONE, v),
    "UrlButton.copy_code.code": UrlButton.copy_code,
    "UrlButton.label": lambda v: UrlButton(v, url=URL),
    "ReplyButton.label": ReplyButton,
    "ImageMessage.caption": lambda v: ImageMessage(PHONE, URL, caption=v),
    "DocumentMessage.file_name": lambda v: DocumentMessage(PHONE, URL, "pdf", file_name=v),
    "LocationMessage.title": lambda v: LocationMessage(PHONE, v, "Rua 1", "-23.5", "-46.6"),
    "ContactMessage.contact_name": lambda v: ContactMessage(PHONE, v, "5511988887777"),
    "LinkMessage.title": lambda v: LinkMessage(PHONE, "see " + URL, URL, URL, v, "desc"),
    "ReactionMessage.reaction": lambda v: ReactionMessage(PHONE, v, "3EB0ABC"),
    "PollMessage.message": lambda v: PollMessage(PHONE, v, ["a", "b"]),
    "PollMessage.options[0]": lambda v: PollMessage(PHONE, "Q?", [v, "b"]),
    "Event.name": lambda v: Event(v, "2026-12-24T20:00:00Z"),
    "CarouselCard.text": lambda v: CarouselCard(v, URL),
}

BAD = {
    "lone surrogate": ("hi \ud83d", "lone surrogate"),
    "NUL": ("a\x00b", "control character '\\x00'"),
    "ESC": ("\x1b[31mred", "control character '\\x1b'"),
    "DEL": ("a\x7f", "control character '\\x7f'"),
    "right-to-left override": ("abc\u202egnp.exe", "bidi control character '\\u202e'"),
    "zero-width only": ("\u200b\u200d\ufeff", "should not be only invisible characters"),
    "too long": ("x" * (MAX_TEXT_LENGTH + 1), f"at most {MAX_TEXT_LENGTH} characters"),
}


@pytest.mark.parametrize("field", sorted(MAKERS))
@pytest.mark.parametrize("case", sorted(BAD))
def test_every_text_field_refuses(field: str, case: str) -> None:
    value, rule = BAD[case]
    with pytest.raises(ValidationError) as info:
        MAKERS[field](value)
    assert info.value.field.endswith(field.rsplit(".", 1)[-1]) or field in info.value.field
    assert rule in info.value.rule
    assert len(str(info.value)) < 300  # a 64 KiB text is not echoed back


@pytest.mark.parametrize("field", sorted(MAKERS))
def test_every_text_field_takes_real_text(field: str) -> None:
    MAKERS[field]("Olá 👋 مرحبا\n\u05e9\u05dc\u05d5\u05dd\t✓")


def test_a_text_at_the_cap_is_taken() -> None:
    assert len(TextMessage(PHONE, "x" * MAX_TEXT_LENGTH).message) == MAX_TEXT_LENGTH


@pytest.mark.parametrize("value", [" ", "\t", "\u3000"])
def test_whitespace_only_ids_are_refused(value: str) -> None:
    rule = "TextMessage.message_id: should not be only"
    with pytest.raises(ValidationError, match=re.escape(rule)):
        TextMessage(PHONE, "hi", message_id=value)


@pytest.mark.parametrize(
    "url", ["https://example.com/\x00a", "https://example.com/\x1b", URL + "\u202e"]
)
def test_control_characters_in_urls_are_refused(url: str) -> None:
    with pytest.raises(ValidationError, match=re.escape("UrlButton.url: should not contain")):
        UrlButton("Go", url=url)


def test_a_surrogate_in_base64_media_is_refused() -> None:
    rule = "ImageMessage.image: should be valid Unicode"
    with pytest.raises(ValidationError, match=re.escape(rule)):
        ImageMessage(PHONE, "iVBO\ud83d")
