"""Copy buttons: a one-time code (``send-button-otp``) and a PIX key (``send-button-pix``).

>>> from zapi_async.wire import to_wire
>>> to_wire(OtpButtonMessage("5511999999999", "Your code:", "123456"))
{'phone': '5511999999999', 'message': 'Your code:', 'code': '123456'}
>>> to_wire(PixButtonMessage("5511999999999", "12345678900", "CPF"))
{'phone': '5511999999999', 'pixKey': '12345678900', 'type': 'CPF'}
"""

from __future__ import annotations

import re
from typing import ClassVar, Literal, get_args

import attrs

from ..errors import ValidationError
from ._checks import check_delay, check_image, check_optional_text, check_recipient, check_text

__all__ = ["OtpButtonMessage", "PixButtonMessage", "PixKeyType"]

#: The kinds of PIX key Z-API accepts in ``type``.
PixKeyType = Literal["CPF", "CNPJ", "PHONE", "EMAIL", "EVP"]

_PIX_KEY_TYPES: tuple[str, ...] = get_args(PixKeyType)
#: What each kind of key must look like, and how to say so.
_PIX_KEY_FORMATS: dict[str, tuple[re.Pattern[str], str]] = {
    "CPF": (re.compile(r"[0-9]{11}"), "11 digits, no punctuation (e.g. '12345678900')"),
    "CNPJ": (re.compile(r"[0-9]{14}"), "14 digits, no punctuation (e.g. '12345678000190')"),
    "PHONE": (
        re.compile(r"\+?[0-9]{8,15}"),
        "a phone number with country and area code, digits only (e.g. '5511999999999')",
    ),
    "EMAIL": (
        re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+"),
        "an e-mail address (e.g. 'pay@example.com')",
    ),
    "EVP": (
        re.compile(r"[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}"),
        "a random key in UUID form (e.g. '123e4567-e89b-12d3-a456-426614174000')",
    ),
}


@attrs.frozen
class OtpButtonMessage:
    """A text with a button that copies ``code`` (``POST /send-button-otp``).

    ``phone`` is the recipient (digits only, or a group id), ``message`` the text
    shown above the button, ``code`` the value copied when the button is pressed.
    Optional: ``image`` (http(s) URL or Base64) and ``button_text`` (sent as
    ``buttonText``; Z-API's default is "Copiar código") and ``delay_message``
    (1..15 seconds Z-API waits before sending the next message).
    """

    endpoint: ClassVar[str] = "send-button-otp"

    phone: str
    message: str
    code: str
    image: str | None = None
    button_text: str | None = None
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        check_recipient("OtpButtonMessage.phone", self.phone)
        check_text("OtpButtonMessage.message", self.message)
        check_text("OtpButtonMessage.code", self.code)
        check_image("OtpButtonMessage.image", self.image)
        check_optional_text("OtpButtonMessage.button_text", self.button_text)
        check_delay("OtpButtonMessage.delay_message", self.delay_message)


@attrs.frozen
class PixButtonMessage:
    """A PIX payment key with a copy button (``POST /send-button-pix``).

    ``pix_key`` (sent as ``pixKey``) is the key copied when the button is pressed;
    ``type`` says which kind of key it is and must match it:

    * ``"CPF"``: 11 digits; ``"CNPJ"``: 14 digits (no dots, dashes or slashes);
    * ``"PHONE"``: digits with country and area code (optional leading ``+``);
    * ``"EMAIL"``: an e-mail address; ``"EVP"``: a random key (UUID).

    ``merchant_name`` (sent as ``merchantName``) titles the button; Z-API's
    default is "Pix". ``delay_message``: 1..15 seconds Z-API waits before sending
    the next message.
    """

    endpoint: ClassVar[str] = "send-button-pix"

    phone: str
    pix_key: str
    type: PixKeyType
    merchant_name: str | None = None
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        check_recipient("PixButtonMessage.phone", self.phone)
        check_text("PixButtonMessage.pix_key", self.pix_key)
        if self.type not in _PIX_KEY_TYPES:
            raise ValidationError(
                "PixButtonMessage.type",
                f"should be one of {', '.join(_PIX_KEY_TYPES)}, but was {self.type!r}",
            )
        pattern, form = _PIX_KEY_FORMATS[self.type]
        if not pattern.fullmatch(self.pix_key):
            raise ValidationError(
                "PixButtonMessage.pix_key",
                f"should be {form} for a {self.type} key, but was {self.pix_key!r}",
            )
        check_optional_text("PixButtonMessage.merchant_name", self.merchant_name)
        check_delay("PixButtonMessage.delay_message", self.delay_message)
