"""Typed answers of the setup endpoints: pairing (QR code, phone code), the
instance's and device's data, phone-exists checks, and webhook kinds.

Z-API documents several of these answers loosely (see docs/setup.md for each
shape accepted); :mod:`zapi_async.wire.setup` reads them leniently into these
frozen values::

    >>> from zapi_async.wire import from_wire
    >>> from_wire([{"exists": "true ou false", "phone": "5511999999999", "lid": None}],
    ...           PhoneExists)
    PhoneExists(exists=None, phone='5511999999999', lid=None)
"""

from __future__ import annotations

import base64
import enum

import attrs

__all__ = [
    "DeviceInfo",
    "InstanceInfo",
    "PairingCode",
    "PhoneCheck",
    "PhoneExists",
    "QrCode",
    "WebhookKind",
]


class WebhookKind(str, enum.Enum):
    """A webhook Z-API can call; its value is the ``update-webhook-<value>`` setter.

    ``RECEIVED_DELIVERY`` is the received webhook with "notify sent by me" turned on
    (messages you send arrive on it too).
    """

    RECEIVED = "received"
    RECEIVED_DELIVERY = "received-delivery"
    DELIVERY = "delivery"
    MESSAGE_STATUS = "message-status"
    DISCONNECTED = "disconnected"
    CONNECTED = "connected"
    CHAT_PRESENCE = "chat-presence"

    @property
    def endpoint(self) -> str:
        """The setter's path, e.g. ``update-webhook-received``."""
        return f"update-webhook-{self.value}"


@attrs.frozen
class QrCode:
    """A pairing QR code, or word that none is needed.

    * ``png``: the QR code as PNG image bytes (``GET qr-code`` answers an image;
      ``GET qr-code/image`` a Base64 one, decoded here).
    * ``value``: the code's text, when Z-API sends that instead of an image (render
      it with any QR encoder).
    * ``connected``: Z-API said the instance is already connected (no code).
    """

    png: bytes | None = attrs.field(
        default=None, repr=lambda v: f"<{len(v)} bytes>" if v else "None"
    )
    value: str | None = None
    connected: bool = False

    @property
    def data_uri(self) -> str | None:
        """``data:image/png;base64,…`` for an HTML ``<img>``, when there is an image."""
        if self.png is None:
            return None
        return "data:image/png;base64," + base64.b64encode(self.png).decode("ascii")


@attrs.frozen
class PairingCode:
    """``GET phone-code/{phone}``: the code to type in WhatsApp ("connect with phone
    number"). ``str(code)`` is the code."""

    code: str

    def __str__(self) -> str:
        return self.code


@attrs.frozen
class PhoneExists:
    """``GET phone-exists/{phone}``: does the number have WhatsApp?

    ``exists`` is ``None`` when Z-API's answer is not a boolean (its docs' example
    holds the placeholder ``"true ou false"``); ``phone`` is the WhatsApp-formatted
    number; ``lid`` the ``…@lid`` id (``None`` when the number has no WhatsApp).
    """

    exists: bool | None
    phone: str | None = None
    lid: str | None = None


@attrs.frozen
class PhoneCheck:
    """One entry of ``POST phone-exists-batch``.

    ``input_phone`` is the number as sent, ``output_phone`` as WhatsApp knows it
    (the ninth digit added where it applies), ``lid`` its ``…@lid`` id.
    """

    exists: bool | None
    input_phone: str | None = None
    output_phone: str | None = None
    lid: str | None = None


@attrs.frozen
class InstanceInfo:
    """``GET me``: the instance's data and webhook settings.

    ``token`` is the instance token: it is left out of the repr. ``due`` and
    ``created`` are kept as Z-API sends them (its docs call ``due`` a unix
    timestamp and ``created`` a date). Every field may be ``None``.
    """

    id: str | None = None
    token: str | None = attrs.field(default=None, repr=False)
    name: str | None = None
    due: int | None = None
    connected: bool | None = None
    payment_status: str | None = None
    created: int | str | None = None
    connected_callback_url: str | None = None
    delivery_callback_url: str | None = None
    disconnected_callback_url: str | None = None
    message_status_callback_url: str | None = None
    presence_chat_callback_url: str | None = None
    received_callback_url: str | None = None
    receive_callback_sent_by_me: bool | None = None
    call_reject_auto: bool | None = None
    call_reject_message: str | None = None
    auto_read_message: bool | None = None
    initial_data_callback_url: str | None = None

    def webhook_urls(self) -> dict[WebhookKind, str | None]:
        """The URL configured for each webhook kind (``RECEIVED_DELIVERY`` is the
        received URL when "sent by me" is on, else ``None``)."""
        return {
            WebhookKind.RECEIVED: self.received_callback_url,
            WebhookKind.RECEIVED_DELIVERY: (
                self.received_callback_url if self.receive_callback_sent_by_me else None
            ),
            WebhookKind.DELIVERY: self.delivery_callback_url,
            WebhookKind.MESSAGE_STATUS: self.message_status_callback_url,
            WebhookKind.DISCONNECTED: self.disconnected_callback_url,
            WebhookKind.CONNECTED: self.connected_callback_url,
            WebhookKind.CHAT_PRESENCE: self.presence_chat_callback_url,
        }


@attrs.frozen
class DeviceInfo:
    """``GET device``: the connected phone.

    ``original_device`` is one of ``iphone``, ``smbi`` (Business on iPhone),
    ``android``, ``smba`` (Business on Android); ``session_name`` and
    ``device_model`` come from the nested ``device`` object.
    """

    phone: str | None = None
    img_url: str | None = None
    about: str | None = None
    name: str | None = None
    session_name: str | None = None
    device_model: str | None = None
    original_device: str | None = None
    session_id: str | int | None = None
    is_business: bool | None = None
