"""Carousels (``POST /send-carousel``): a text and swipeable cards with buttons.

Each :class:`CarouselCard` has a text, an image and optionally CALL/URL/REPLY
buttons (the same :class:`~zapi_async.CallButton` / :class:`~zapi_async.UrlButton`
/ :class:`~zapi_async.ReplyButton` as action-button messages).

Button mixing on cards: Z-API's send-button-actions page says sending CALL, URL
and REPLY buttons *together* breaks WhatsApp Web; the carousel page says nothing
of it and its own example puts a URL and a REPLY button on one card. So
:class:`CarouselPolicy` refuses a card with all three kinds by default, allows
Z-API's URL+REPLY example, and can be made as strict as the splitter
(``reply_apart=True``). Cards are never split: a card that breaks the policy
raises :class:`~zapi_async.ValidationError` naming it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

import attrs

from ..errors import ValidationError
from ._checks import check_delay, check_media, check_recipient, check_text
from .buttons import Button, CallButton, ReplyButton, UrlButton

__all__ = ["CarouselCard", "CarouselMessage", "CarouselPolicy", "check_carousel"]

_BUTTON_TYPES = (CallButton, UrlButton, ReplyButton)


def _tuple_of(value: Any) -> tuple[Any, ...]:
    # A lone value is one (checked) item; items are validated in __attrs_post_init__.
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return (value,)
    return tuple(value)


def _buttons(value: Iterable[Button]) -> tuple[Button, ...]:
    return _tuple_of(value)


def _cards(value: Iterable[CarouselCard]) -> tuple[CarouselCard, ...]:
    return _tuple_of(value)


@attrs.frozen
class CarouselCard:
    """One card: ``text``, ``image`` (http(s) URL or Base64) and optional ``buttons``.

    Button ids must be unique within the card.
    """

    text: str
    image: str
    buttons: tuple[Button, ...] = attrs.field(default=(), converter=_buttons)

    def __attrs_post_init__(self) -> None:
        check_text("CarouselCard.text", self.text)
        check_media("CarouselCard.image", self.image, "image")
        seen: set[str] = set()
        for index, button in enumerate(self.buttons):
            if not isinstance(button, _BUTTON_TYPES):
                raise ValidationError(
                    f"CarouselCard.buttons[{index}]",
                    "should be a CallButton, UrlButton or ReplyButton, "
                    f"but was {type(button).__name__}",
                )
            if button.id is not None:
                if button.id in seen:
                    raise ValidationError(
                        f"CarouselCard.buttons[{index}].id",
                        f"should be unique within the card, but {button.id!r} is repeated",
                    )
                seen.add(button.id)


@attrs.frozen
class CarouselMessage:
    """A carousel (``POST /send-carousel``): ``message`` above the ``carousel`` cards.

    ``delay_message``: 1..15 s Z-API waits before sending the next message. The
    client checks the cards against its :class:`CarouselPolicy` before sending.
    """

    endpoint: ClassVar[str] = "send-carousel"

    phone: str
    message: str
    carousel: tuple[CarouselCard, ...] = attrs.field(converter=_cards)
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        check_recipient("CarouselMessage.phone", self.phone)
        check_text("CarouselMessage.message", self.message)
        if not self.carousel:
            raise ValidationError("CarouselMessage.carousel", "should have at least one card")
        for index, card in enumerate(self.carousel):
            if not isinstance(card, CarouselCard):
                raise ValidationError(
                    f"CarouselMessage.carousel[{index}]",
                    f"should be a CarouselCard, but was {type(card).__name__}",
                )
        check_delay("CarouselMessage.delay_message", self.delay_message)


def _positive_or_none(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise ValidationError(
            f"CarouselPolicy.{attribute.name}",
            f"should be a positive integer or None, but was {value!r}",
        )


def _bool(instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if not isinstance(value, bool):
        raise ValidationError(
            f"CarouselPolicy.{attribute.name}", f"should be True or False, but was {value!r}"
        )


@attrs.frozen(kw_only=True)
class CarouselPolicy:
    """What each card of a carousel must respect (``None``: no limit).

    * ``reply_apart`` (default ``False``): refuse REPLY buttons on a card that also
      has CALL or URL buttons (the splitter's rule for action buttons). Off by
      default because Z-API's own carousel example mixes URL and REPLY.
    * A card with CALL, URL *and* REPLY buttons is always refused: that is the
      combination Z-API documents as breaking WhatsApp Web.
    * ``max_cards``, ``max_buttons_per_card``: caps (Z-API documents none;
      :meth:`meta` has Meta's).
    """

    reply_apart: bool = attrs.field(default=False, validator=_bool)
    max_cards: int | None = attrs.field(default=None, validator=_positive_or_none)
    max_buttons_per_card: int | None = attrs.field(default=None, validator=_positive_or_none)

    @classmethod
    def meta(cls) -> CarouselPolicy:
        """Meta's carousel limits: at most 10 cards and 2 buttons per card."""
        return cls(max_cards=10, max_buttons_per_card=2)


def check_carousel(message: CarouselMessage, policy: CarouselPolicy = CarouselPolicy()) -> None:
    """Raise :class:`~zapi_async.ValidationError` if a card breaks ``policy``.

    >>> card = CarouselCard("Shoes", "https://example.com/s.png", [
    ...     CallButton("Call", phone="+5511999999999"), UrlButton("Site", url="https://z-api.io"),
    ...     ReplyButton("More", id="more")])
    >>> check_carousel(CarouselMessage("5511999999999", "Our picks", [card]))
    Traceback (most recent call last):
    ...
    zapi_async.errors.ValidationError: CarouselMessage.carousel[0].buttons: should not mix CALL, URL and REPLY buttons on one card (WhatsApp Web fails on that mix); cards are not split: move the REPLY buttons to another card
    """  # noqa: E501
    if policy.max_cards is not None and len(message.carousel) > policy.max_cards:
        raise ValidationError(
            "CarouselMessage.carousel",
            f"should have at most {policy.max_cards} cards, but has {len(message.carousel)}",
        )
    for index, card in enumerate(message.carousel):
        field = f"CarouselMessage.carousel[{index}].buttons"
        cap = policy.max_buttons_per_card
        if cap is not None and len(card.buttons) > cap:
            raise ValidationError(
                field, f"should have at most {cap} buttons per card, but has {len(card.buttons)}"
            )
        kinds = {button.kind for button in card.buttons}
        if kinds == {"CALL", "URL", "REPLY"}:
            raise ValidationError(
                field,
                "should not mix CALL, URL and REPLY buttons on one card (WhatsApp Web fails "
                "on that mix); cards are not split: move the REPLY buttons to another card",
            )
        if policy.reply_apart and "REPLY" in kinds and kinds & {"CALL", "URL"}:
            raise ValidationError(
                field,
                "should not mix REPLY buttons with CALL/URL buttons (CarouselPolicy."
                "reply_apart); cards are not split: move the REPLY buttons to another card",
            )
