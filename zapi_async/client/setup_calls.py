"""Setup calls of :class:`~zapi_async.ZapiClient`: pairing, instance and device data,
phone-exists checks and the webhook URLs.

::

    async with ZapiClient.from_env() as zapi:
        qr = await zapi.qr_code()          # QrCode(png=b"\\x89PNG...")
        await zapi.set_webhooks("https://bot.example/zapi", notify_sent_by_me=True)
        print((await zapi.phone_exists("5511999999999")).exists)

Where Z-API's docs contradict themselves, these calls follow ZAPI_ENDPOINTS.md
(summarised in docs/setup.md): ``PUT update-webhook-received`` (not
``-receive``), ``PUT update-webhook-message-status`` (not ``-status``), PUT
rather than the one HAR's POST, and ``phone-exists`` answers read as an object
or a one-element array.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterable
from typing import Any

from ..errors import ValidationError, ZapiHTTPError
from ..models._checks import check_phone_number, check_webhook_url
from ..models.setup import (
    DeviceInfo,
    InstanceInfo,
    PairingCode,
    PhoneCheck,
    PhoneExists,
    QrCode,
    WebhookKind,
)
from .base import ClientCalls

__all__ = ["MAX_PHONE_EXISTS_BATCH", "SetupCalls"]

#: Most phones one ``POST phone-exists-batch`` may carry (Z-API's limit).
MAX_PHONE_EXISTS_BATCH = 50_000
#: Z-API's status for "already connected" on the pairing endpoints.
_ALREADY_CONNECTED = 409
_PNG = b"\x89PNG\r\n\x1a\n"
_DATA_URI = re.compile(r"data:image/[A-Za-z0-9.+-]+;base64,")


def _decode_image(text: str) -> bytes | None:
    """PNG bytes from a data URI or raw Base64, or ``None`` if it is neither."""
    payload = text.strip()
    match = _DATA_URI.match(payload)
    if match:
        payload = payload[match.end() :]
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if raw.startswith(_PNG) else None


def _qr_from(data: Any) -> QrCode | None:
    """A :class:`QrCode` from any answer shape Z-API is known or documented to use."""
    if isinstance(data, bytes):
        return QrCode(png=data) if data.startswith(_PNG) else None
    if isinstance(data, dict):
        if data.get("connected") is True:
            return QrCode(connected=True)
        for key in ("base64", "value", "image", "qrcode"):
            if isinstance(data.get(key), str) and data[key].strip():
                return _qr_from(data[key])
        return None
    if isinstance(data, str) and data.strip():
        image = _decode_image(data)
        return QrCode(png=image) if image is not None else QrCode(value=data.strip())
    return None


def _value_flag(data: Any) -> bool | None:
    """``{"value": true}`` -> ``True``; ``None`` for any other shape."""
    if isinstance(data, dict) and isinstance(data.get("value"), bool):
        return bool(data["value"])
    return None


class SetupCalls(ClientCalls):
    """Pairing, ``me``/``device``, phone-exists and webhook setters."""

    __slots__ = ()

    # -- pairing ------------------------------------------------------------------------

    async def qr_code(self) -> QrCode:
        """``GET qr-code``: the pairing QR code (PNG bytes, or the code's text).

        WhatsApp replaces the code every 20 s: poll every 10-20 s and stop after a
        few unread codes, as Z-API advises. When the instance is already connected
        the result has ``connected=True`` and no code (Z-API answers that with
        HTTP 409, or with ``{"connected": true}``).
        """
        return await self._qr("qr-code")

    async def qr_code_image(self) -> QrCode:
        """``GET qr-code/image``: the QR code as a Base64 image, decoded into
        :attr:`QrCode.png` (see :attr:`QrCode.data_uri` for an ``<img>``)."""
        return await self._qr("qr-code/image")

    async def _qr(self, endpoint: str) -> QrCode:
        try:
            data = await self.request("GET", endpoint)
        except ZapiHTTPError as exc:
            if exc.status == _ALREADY_CONNECTED:
                return QrCode(connected=True)
            raise
        qr = _qr_from(data)
        if qr is None:
            raise self._format_error(
                endpoint, "expected a PNG image, a Base64 image or the QR code's text", data
            )
        return qr

    async def phone_code(self, phone: str) -> PairingCode:
        """``GET phone-code/{phone}``: a code to type in WhatsApp ("connect with phone
        number") instead of scanning the QR code. ``phone`` is the instance's number."""
        check_phone_number("phone", phone)
        endpoint = f"phone-code/{phone}"
        return self._structure(await self.request("GET", endpoint), PairingCode, endpoint)

    async def restart(self) -> bool:
        """``GET restart``: restart the instance (no new QR scan needed); ``value``."""
        return await self._flag("GET", "restart")

    async def restore_session(self) -> bool:
        """``GET restore-session``: try to restore the WhatsApp session, as Z-API
        suggests after a disconnected webhook; ``value``."""
        return await self._flag("GET", "restore-session")

    async def disconnect(self) -> None:
        """``GET disconnect``: log the phone out. Sends and webhooks stop until the
        instance is paired again (Z-API documents no answer body)."""
        await self.request("GET", "disconnect")

    # -- instance and device ------------------------------------------------------------

    async def me(self) -> InstanceInfo:
        """``GET me``: the instance's data and webhook settings."""
        return self._structure(await self.request("GET", "me"), InstanceInfo, "me")

    async def device(self) -> DeviceInfo:
        """``GET device``: the connected phone's data."""
        return self._structure(await self.request("GET", "device"), DeviceInfo, "device")

    # -- phone exists -------------------------------------------------------------------

    async def phone_exists(self, phone: str) -> PhoneExists:
        """``GET phone-exists/{phone}``: whether ``phone`` (digits only) has WhatsApp."""
        check_phone_number("phone", phone)
        endpoint = f"phone-exists/{phone}"
        return self._structure(await self.request("GET", endpoint), PhoneExists, endpoint)

    async def phone_exists_batch(
        self, phones: Iterable[str], *, chunk_size: int = MAX_PHONE_EXISTS_BATCH
    ) -> list[PhoneCheck]:
        """``POST phone-exists-batch``: check many numbers; one result per phone.

        More than ``chunk_size`` phones (default and maximum 50,000, Z-API's limit)
        go out as several requests, one after the other. Every phone is checked
        before any I/O. Z-API advises against checking before every send.
        """
        if isinstance(phones, str):
            raise ValidationError("phones", "should be a list of phone numbers, not one string")
        numbers = list(phones)
        for index, phone in enumerate(numbers):
            check_phone_number(f"phones[{index}]", phone)
        if (
            not isinstance(chunk_size, int)
            or isinstance(chunk_size, bool)
            or not 1 <= chunk_size <= MAX_PHONE_EXISTS_BATCH
        ):
            raise ValidationError(
                "chunk_size",
                f"should be an integer in range [1, {MAX_PHONE_EXISTS_BATCH}], but was "
                f"{chunk_size!r}",
            )
        results: list[PhoneCheck] = []
        for start in range(0, len(numbers), chunk_size):
            chunk = numbers[start : start + chunk_size]
            data = await self.request("POST", "phone-exists-batch", json={"phones": chunk})
            if not isinstance(data, list) or len(data) != len(chunk):
                raise self._format_error(
                    "phone-exists-batch", f"expected an array of {len(chunk)} results", data
                )
            results.extend(self._structure(data, list[PhoneCheck], "phone-exists-batch"))
        return results

    # -- webhooks -----------------------------------------------------------------------

    async def set_webhook(self, kind: WebhookKind | str, url: str) -> None:
        """``PUT update-webhook-<kind>`` with ``{"value": url}``.

        ``url`` must be ``https://`` (Z-API refuses others; ``http://`` is let
        through for localhost, for the sandbox).
        """
        try:
            kind = WebhookKind(kind)
        except ValueError:
            known = ", ".join(k.value for k in WebhookKind)
            raise ValidationError("kind", f"should be one of {known}, but was {kind!r}") from None
        check_webhook_url("url", url)
        await self.request("PUT", kind.endpoint, json={"value": url})

    async def set_received_webhook(self, url: str) -> None:
        """``PUT update-webhook-received``: messages received."""
        await self.set_webhook(WebhookKind.RECEIVED, url)

    async def set_received_delivery_webhook(self, url: str) -> None:
        """``PUT update-webhook-received-delivery``: messages received *and* sent by
        you ("notify sent by me" on)."""
        await self.set_webhook(WebhookKind.RECEIVED_DELIVERY, url)

    async def set_delivery_webhook(self, url: str) -> None:
        """``PUT update-webhook-delivery``: your messages handed to WhatsApp."""
        await self.set_webhook(WebhookKind.DELIVERY, url)

    async def set_message_status_webhook(self, url: str) -> None:
        """``PUT update-webhook-message-status``: sent / received / read statuses."""
        await self.set_webhook(WebhookKind.MESSAGE_STATUS, url)

    async def set_disconnected_webhook(self, url: str) -> None:
        """``PUT update-webhook-disconnected``: the instance lost its phone."""
        await self.set_webhook(WebhookKind.DISCONNECTED, url)

    async def set_connected_webhook(self, url: str) -> None:
        """``PUT update-webhook-connected``: the instance connected."""
        await self.set_webhook(WebhookKind.CONNECTED, url)

    async def set_chat_presence_webhook(self, url: str) -> None:
        """``PUT update-webhook-chat-presence``: typing / online in a chat."""
        await self.set_webhook(WebhookKind.CHAT_PRESENCE, url)

    async def set_webhooks(self, url: str, *, notify_sent_by_me: bool | None = None) -> bool:
        """``PUT update-every-webhooks``: one URL for every webhook; ``value``.

        ``notify_sent_by_me`` (default: leave as is) also sends your own messages to
        the received webhook.
        """
        check_webhook_url("url", url)
        body: dict[str, Any] = {"value": url}
        if notify_sent_by_me is not None:
            if not isinstance(notify_sent_by_me, bool):
                raise ValidationError("notify_sent_by_me", "should be True or False")
            body["notifySentByMe"] = notify_sent_by_me
        return await self._flag("PUT", "update-every-webhooks", body)

    async def set_notify_sent_by_me(self, enabled: bool) -> bool:
        """``PUT update-notify-sent-by-me``: also send your own messages to the
        received webhook (which must be set); ``value``."""
        if not isinstance(enabled, bool):
            raise ValidationError("enabled", "should be True or False")
        return await self._flag("PUT", "update-notify-sent-by-me", {"notifySentByMe": enabled})

    async def _flag(self, method: str, endpoint: str, body: Any = None) -> bool:
        data = await self.request(method, endpoint, json=body)
        flag = _value_flag(data)
        if flag is None:
            raise self._format_error(endpoint, "expected {'value': true or false}", data)
        return flag
