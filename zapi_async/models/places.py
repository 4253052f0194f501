"""Location, contact cards and link previews.

>>> from zapi_async.wire import to_wire
>>> to_wire(LocationMessage("5511999999999", "Office", "Av. Paulista, 1000", -23.56, -46.65))
{'phone': '5511999999999', 'title': 'Office', 'address': 'Av. Paulista, 1000', 'latitude': '-23.56', 'longitude': '-46.65'}
>>> to_wire(ContactsMessage("5511999999999", [Contact("Ana", ["5544999999999"])]))
{'phone': '5511999999999', 'contacts': [{'name': 'Ana', 'phones': ['5544999999999']}]}
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, ClassVar, Literal, cast, get_args

import attrs

from ..errors import ValidationError
from ._checks import (
    check_choice,
    check_coordinate,
    check_delay,
    check_dial_number,
    check_http_url,
    check_media,
    check_optional_id,
    check_optional_text,
    check_recipient,
    check_text,
)

__all__ = [
    "Contact",
    "ContactMessage",
    "ContactsMessage",
    "LinkMessage",
    "LinkType",
    "LocationMessage",
]

#: Sizes of a link preview (``linkType``); Z-API's default is ``SMALL``.
LinkType = Literal["SMALL", "MEDIUM", "LARGE"]


def _degrees(value: str | float) -> str:
    # Z-API's examples send coordinates as strings; numbers keep their shortest form.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return repr(value) if isinstance(value, float) else str(value)
    return cast(str, value)  # anything else is refused by check_coordinate


def _tuple_of(value: Any) -> tuple[Any, ...]:
    # A lone value is one (checked) item; items are validated in __attrs_post_init__.
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        return (value,)
    return tuple(value)


def _phones(value: Iterable[str]) -> tuple[str, ...]:
    return _tuple_of(value)


def _contacts(value: Iterable[Contact]) -> tuple[Contact, ...]:
    return _tuple_of(value)


@attrs.frozen
class LocationMessage:
    """A map pin (``POST /send-location``).

    ``latitude`` / ``longitude`` are decimal degrees; numbers are accepted and sent
    as strings, as Z-API's examples do (``"-23.0696347"``). ``address`` is the
    comma-separated address shown under the ``title``.
    """

    endpoint: ClassVar[str] = "send-location"

    phone: str
    title: str
    address: str
    latitude: str = attrs.field(converter=_degrees)
    longitude: str = attrs.field(converter=_degrees)
    message_id: str | None = None
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        check_recipient("LocationMessage.phone", self.phone)
        check_text("LocationMessage.title", self.title)
        check_text("LocationMessage.address", self.address)
        check_coordinate("LocationMessage.latitude", self.latitude, 90)
        check_coordinate("LocationMessage.longitude", self.longitude, 180)
        check_optional_id("LocationMessage.message_id", self.message_id)
        check_delay("LocationMessage.delay_message", self.delay_message)


@attrs.frozen
class ContactMessage:
    """One contact card (``POST /send-contact``): ``contact_name`` and ``contact_phone``
    (digits, optional ``+``); ``contact_business_description`` is not shown on
    WhatsApp Web."""

    endpoint: ClassVar[str] = "send-contact"

    phone: str
    contact_name: str
    contact_phone: str
    contact_business_description: str | None = None
    message_id: str | None = None
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        check_recipient("ContactMessage.phone", self.phone)
        check_text("ContactMessage.contact_name", self.contact_name)
        check_dial_number("ContactMessage.contact_phone", self.contact_phone)
        check_optional_text(
            "ContactMessage.contact_business_description", self.contact_business_description
        )
        check_optional_id("ContactMessage.message_id", self.message_id)
        check_delay("ContactMessage.delay_message", self.delay_message)


@attrs.frozen
class Contact:
    """One card of a :class:`ContactsMessage`: a ``name``, one or more ``phones``."""

    name: str
    phones: tuple[str, ...] = attrs.field(converter=_phones)
    business_description: str | None = None

    def __attrs_post_init__(self) -> None:
        check_text("Contact.name", self.name)
        if not self.phones:
            raise ValidationError("Contact.phones", "should have at least one phone number")
        for index, number in enumerate(self.phones):
            check_dial_number(f"Contact.phones[{index}]", number)
        check_optional_text("Contact.business_description", self.business_description)


@attrs.frozen
class ContactsMessage:
    """Several contact cards in one message (``POST /send-contacts``)."""

    endpoint: ClassVar[str] = "send-contacts"

    phone: str
    contacts: tuple[Contact, ...] = attrs.field(converter=_contacts)
    message_id: str | None = None
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        check_recipient("ContactsMessage.phone", self.phone)
        if not self.contacts:
            raise ValidationError("ContactsMessage.contacts", "should have at least one contact")
        for index, contact in enumerate(self.contacts):
            if not isinstance(contact, Contact):
                raise ValidationError(
                    f"ContactsMessage.contacts[{index}]",
                    f"should be a Contact, but was {type(contact).__name__}",
                )
        check_optional_id("ContactsMessage.message_id", self.message_id)
        check_delay("ContactsMessage.delay_message", self.delay_message)


_LINK_TYPES: tuple[str, ...] = get_args(LinkType)


@attrs.frozen
class LinkMessage:
    """A text with a link preview (``POST /send-link``).

    ``message`` must **end with** ``link_url`` (Z-API's rule). ``image`` (URL or
    Base64), ``title`` and ``link_description`` fill the preview; ``link_type``
    (``SMALL``, ``MEDIUM``, ``LARGE``) sizes it. ``delay_typing``: 1..15 s of
    "typing..." first.
    """

    endpoint: ClassVar[str] = "send-link"

    phone: str
    message: str
    image: str
    link_url: str
    title: str
    link_description: str
    message_id: str | None = None
    delay_message: int | None = None
    delay_typing: int | None = None
    link_type: LinkType | None = None

    def __attrs_post_init__(self) -> None:
        check_recipient("LinkMessage.phone", self.phone)
        check_text("LinkMessage.message", self.message)
        check_media("LinkMessage.image", self.image, "image")
        check_http_url("LinkMessage.link_url", self.link_url)
        if not self.message.rstrip().endswith(self.link_url):
            raise ValidationError(
                "LinkMessage.message", f"should end with the link_url {self.link_url!r}"
            )
        check_text("LinkMessage.title", self.title)
        check_text("LinkMessage.link_description", self.link_description)
        check_optional_id("LinkMessage.message_id", self.message_id)
        check_delay("LinkMessage.delay_message", self.delay_message)
        check_delay("LinkMessage.delay_typing", self.delay_typing)
        if self.link_type is not None:
            check_choice("LinkMessage.link_type", self.link_type, _LINK_TYPES)
