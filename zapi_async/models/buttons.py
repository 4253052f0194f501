"""The three action-button kinds of Z-API's ``send-button-actions``.

Buttons are frozen, slotted attrs classes validated at construction::

    >>> CallButton("Call us", phone="+554498398733", id="1")
    CallButton(label='Call us', phone='+554498398733', id='1')
    >>> UrlButton.copy_code("123456").url
    'https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=123456'

They know nothing of JSON: :mod:`zapi_async.wire` turns them into
``{"id": ..., "type": "CALL", "phone": ..., "label": ...}``.
"""

from __future__ import annotations

from typing import ClassVar, Literal, Union
from urllib.parse import quote

import attrs

from ._checks import check_dial_number, check_http_url, check_optional_id, check_text

__all__ = ["Button", "ButtonKind", "CallButton", "ReplyButton", "UrlButton"]

ButtonKind = Literal["CALL", "URL", "REPLY"]

#: WhatsApp's special link that turns a URL button into a "copy code" button.
COPY_CODE_URL = "https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code="
#: Label WhatsApp clients commonly show on a copy-code button.
DEFAULT_COPY_CODE_LABEL = "Copy code"


@attrs.frozen
class CallButton:
    """A button that starts a phone call to ``phone`` (digits, optional leading ``+``)."""

    kind: ClassVar[ButtonKind] = "CALL"

    label: str
    phone: str
    id: str | None = None

    def __attrs_post_init__(self) -> None:
        check_text("CallButton.label", self.label)
        check_dial_number("CallButton.phone", self.phone)
        check_optional_id("CallButton.id", self.id)


@attrs.frozen
class UrlButton:
    """A button that opens ``url`` (must start with ``http://`` or ``https://``)."""

    kind: ClassVar[ButtonKind] = "URL"

    label: str
    url: str
    id: str | None = None

    def __attrs_post_init__(self) -> None:
        check_text("UrlButton.label", self.label)
        check_http_url("UrlButton.url", self.url)
        check_optional_id("UrlButton.id", self.id)

    @classmethod
    def copy_code(
        cls, code: str, *, label: str = DEFAULT_COPY_CODE_LABEL, id: str | None = None
    ) -> UrlButton:
        """A URL button that WhatsApp shows as "copy code" (e.g. for one-time passwords).

        ``code`` is URL-encoded into WhatsApp's copy-code link.
        """
        check_text("UrlButton.copy_code.code", code)
        return cls(label=label, url=COPY_CODE_URL + quote(code, safe=""), id=id)

    @property
    def is_copy_code(self) -> bool:
        """Whether this is a WhatsApp copy-code button."""
        return self.url.startswith(COPY_CODE_URL)


@attrs.frozen
class ReplyButton:
    """A quick-reply button; pressing it sends ``label`` back, with ``id`` as ``buttonId``."""

    kind: ClassVar[ButtonKind] = "REPLY"

    label: str
    id: str | None = None

    def __attrs_post_init__(self) -> None:
        check_text("ReplyButton.label", self.label)
        check_optional_id("ReplyButton.id", self.id)


#: Any action button.
Button = Union[CallButton, UrlButton, ReplyButton]  # noqa: UP007 (cattrs needs a Union object)
