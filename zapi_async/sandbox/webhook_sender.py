"""Webhooks from the sandbox: the JSON Z-API POSTs to a bot, built and sent.

The ``*_payload`` functions build the documented Z-API webhook bodies
(``ReceivedCallback``, ``MessageStatusCallback``, ``DeliveryCallback``).
:class:`WebhookSender` fills them from what the sandbox recorded (the recipient,
the button label) and POSTs them with its own :class:`aiohttp.ClientSession`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import attrs

from .instance import IdFactory
from .records import BUTTON_LIST_ENDPOINTS, MessageLog, MessageState, RecordedMessage

__all__ = [
    "MESSAGE_STATUSES",
    "SandboxError",
    "UnknownButtonError",
    "UnknownMessageError",
    "WebhookDelivery",
    "WebhookSender",
    "delivery_payload",
    "message_status_payload",
    "received_payload",
    "redact_url",
]

#: Statuses a ``MessageStatusCallback`` can carry.
MESSAGE_STATUSES = ("SENT", "RECEIVED", "READ", "READ_BY_ME", "PLAYED")
#: Seconds a webhook POST may take before it fails.
WEBHOOK_TIMEOUT = 10.0
#: Callback ``type`` (lower case) -> the ``update-webhook-<kind>`` that sets its URL.
_KIND_OF_TYPE = {
    "receivedcallback": "received",
    "deliverycallback": "delivery",
    "messagestatuscallback": "message-status",
    "disconnectedcallback": "disconnected",
    "connectedcallback": "connected",
    "presencechatcallback": "chat-presence",
}
#: Stands in for the secret parts of a webhook URL in reprs.
REDACTED = "***"


class SandboxError(Exception):
    """Misuse of the sandbox's test controls (not an HTTP answer)."""


class UnknownMessageError(SandboxError, LookupError):
    """No accepted message has this id."""


class UnknownButtonError(SandboxError, LookupError):
    """The message has no pressable button (or option) with this id."""


def redact_url(url: str) -> str:
    """``url`` for display: its last path segment, query string and password hidden.

    Webhook URLs often carry a secret as their last path segment (or in the query),
    so ``https://bot.example/zapi/s3cr3t?k=v`` shows as ``https://bot.example/zapi/***?***``.
    """
    parts = urlsplit(url)
    segments = parts.path.split("/")
    for index in range(len(segments) - 1, -1, -1):
        if segments[index]:
            segments[index] = REDACTED
            break
    netloc = parts.netloc
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    query = REDACTED if parts.query else ""
    return urlunsplit((parts.scheme, netloc, "/".join(segments), query, ""))


@attrs.frozen
class WebhookDelivery:
    """One webhook POST: the ``payload`` sent, and the receiver's ``status`` and body text.

    ``url`` is the full target; the repr shows it redacted (see :func:`redact_url`).
    """

    url: str = attrs.field(repr=lambda url: repr(redact_url(url)))
    payload: dict[str, Any]
    status: int
    text: str

    @property
    def ok(self) -> bool:
        """Whether the receiver answered 2xx."""
        return 200 <= self.status < 300


def _is_group(phone: str) -> bool:
    return "-" in phone


def received_payload(
    *,
    instance_id: str,
    phone: str,
    message_id: str,
    momment: int,
    content: dict[str, Any],
    connected_phone: str,
    reference_message_id: str | None = None,
    sender_name: str = "Sandbox User",
    participant_phone: str | None = None,
) -> dict[str, Any]:
    """A ``ReceivedCallback`` body; ``content`` holds the one content object (``text``, …)."""
    return {
        "isStatusReply": False,
        "senderLid": f"{participant_phone or phone}@lid",
        "connectedPhone": connected_phone,
        "waitingMessage": False,
        "isEdit": False,
        "isGroup": _is_group(phone),
        "isNewsletter": False,
        "instanceId": instance_id,
        "messageId": message_id,
        "phone": phone,
        "fromMe": False,
        "momment": momment,
        "status": "RECEIVED",
        "chatName": sender_name,
        "senderPhoto": None,
        "senderName": sender_name,
        "participantPhone": participant_phone,
        "photo": None,
        "broadcast": False,
        "referenceMessageId": reference_message_id,
        "forwarded": False,
        "type": "ReceivedCallback",
        "fromApi": False,
        **content,
    }


def message_status_payload(
    *, instance_id: str, phone: str, ids: Sequence[str], status: str, momment: int
) -> dict[str, Any]:
    """A ``MessageStatusCallback`` body."""
    if status not in MESSAGE_STATUSES:
        raise SandboxError(
            f"status should be one of {', '.join(MESSAGE_STATUSES)}, but was {status!r}"
        )
    return {
        "instanceId": instance_id,
        "status": status,
        "ids": list(ids),
        "momment": momment,
        "phoneDevice": 0,
        "phone": phone,
        "isGroup": _is_group(phone),
        "type": "MessageStatusCallback",
    }


def delivery_payload(
    *,
    instance_id: str,
    phone: str,
    zaap_id: str,
    message_id: str,
    momment: int | None = None,
    error: str | None = None,
    error_code: str | None = None,
) -> dict[str, Any]:
    """A ``DeliveryCallback`` ("On send") body: the message went out, or, with
    ``error`` (and optionally ``error_code``, e.g. ``"SHADOW_BAN"``), it failed."""
    payload: dict[str, Any] = {
        "phone": phone,
        "messageId": message_id,
        "instanceId": instance_id,
        "zaapId": zaap_id,
    }
    if momment is not None:
        payload["momment"] = momment
    payload["type"] = "DeliveryCallback"
    if error is not None:
        payload["error"] = error
    if error_code is not None:
        payload["errorCode"] = error_code
    return payload


def _pressable(record: RecordedMessage) -> list[tuple[str | None, dict[str, Any]]]:
    if record.endpoint != "send-button-actions" and record.endpoint not in BUTTON_LIST_ENDPOINTS:
        raise UnknownButtonError(f"message {record.message_id} ({record.endpoint}) has no buttons")
    return record.buttons


class WebhookSender:
    """Builds webhook bodies from recorded messages and POSTs them to :attr:`url`."""

    def __init__(
        self,
        *,
        instance_id: str,
        log: MessageLog,
        ids: IdFactory,
        wall_clock: Callable[[], float],
        connected_phone: str,
        url: str | None = None,
    ) -> None:
        self.instance_id = instance_id
        self.log = log
        self.ids = ids
        self.wall_clock = wall_clock
        self.connected_phone = connected_phone
        #: Where webhooks go; ``None`` until configured.
        self.url = url
        #: Per-kind URLs set through ``update-webhook-<kind>`` (``"received"``,
        #: ``"delivery"``, ``"message-status"``...); they win over :attr:`url`.
        self.urls: dict[str, str] = {}
        self._session: aiohttp.ClientSession | None = None

    def _momment(self) -> int:
        return int(self.wall_clock() * 1000)

    def _sent(self, message_id: str) -> RecordedMessage:
        record = self.log.find(message_id)
        if record is None:
            raise UnknownMessageError(f"no message with id {message_id!r} was accepted")
        if record.state is not MessageState.SENT:
            raise SandboxError(
                f"message {message_id} is {record.state.value}, not sent: it never reached "
                "the recipient (reconnect the sandbox to deliver queued messages)"
            )
        return record

    async def post(self, payload: dict[str, Any], *, url: str | None = None) -> WebhookDelivery:
        """POST ``payload`` as JSON to ``url`` (default: the URL set for its kind with
        ``update-webhook-<kind>``, else :attr:`url`); return the outcome.

        A connection failure raises the :mod:`aiohttp` error; any HTTP status is returned.
        """
        kind = _KIND_OF_TYPE.get(str(payload.get("type", "")).lower())
        target = url or (self.urls.get(kind) if kind else None) or self.url
        if not target:
            raise SandboxError("no webhook URL: set sandbox.webhook_url first")
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=WEBHOOK_TIMEOUT)
            )
        async with self._session.post(target, json=payload) as response:
            text = await response.text()
            return WebhookDelivery(target, payload, response.status, text)

    async def press_button(
        self, message_id: str, button_id: str, *, participant_phone: str | None = None
    ) -> WebhookDelivery:
        """The recipient of ``message_id`` presses the REPLY (or list) button ``button_id``.

        A REPLY button sent without an ``id`` is pressed by its position among the
        message's REPLY buttons (``"1"``, ``"2"``, …; see
        :attr:`RecordedMessage.button_ids <zapi_async.sandbox.RecordedMessage.button_ids>`).
        """
        record = self._sent(message_id)
        buttons = _pressable(record)
        match = next((b for given, b in buttons if given == button_id), None)
        if match is None:
            raise UnknownButtonError(
                f"message {message_id} has no button with id {button_id!r} "
                f"(pressable ids: {record.button_ids})"
            )
        if match.get("type", "REPLY") != "REPLY":
            raise UnknownButtonError(
                f"button {button_id!r} is a {match['type']} button: pressing it opens a link or "
                "a call and sends no webhook"
            )
        content = {"buttonsResponseMessage": {"buttonId": button_id, "message": match["label"]}}
        return await self._received(record.phone, content, message_id, participant_phone)

    async def select_option(self, message_id: str, option_id: str) -> WebhookDelivery:
        """The recipient of an option list picks the option ``option_id``."""
        record = self._sent(message_id)
        if record.endpoint != "send-option-list":
            raise UnknownButtonError(
                f"message {message_id} ({record.endpoint}) is not an option list"
            )
        options = record.body["optionList"]["options"]
        match = next((o for o in options if o.get("id") == option_id), None)
        if match is None:
            known = [o["id"] for o in options if "id" in o]
            raise UnknownButtonError(
                f"message {message_id} has no option with id {option_id!r} (ids: {known})"
            )
        content = {
            "listResponseMessage": {
                "message": match.get("description", match["title"]),
                "title": match["title"],
                "selectedRowId": option_id,
            }
        }
        return await self._received(record.phone, content, message_id, None)

    async def send_text_reply(
        self, phone: str, text: str, *, reference_message_id: str | None = None
    ) -> WebhookDelivery:
        """``phone`` sends the text ``text`` to the bot (optionally quoting a message)."""
        if reference_message_id is not None:
            self._sent(reference_message_id)
        content = {"text": {"message": text}}
        return await self._received(phone, content, reference_message_id, None)

    async def deliver_status(self, message_id: str, status: str = "RECEIVED") -> WebhookDelivery:
        """A ``MessageStatusCallback`` for ``message_id`` (SENT, RECEIVED, READ, …)."""
        record = self._sent(message_id)
        payload = message_status_payload(
            instance_id=self.instance_id,
            phone=record.phone,
            ids=[record.message_id],
            status=status,
            momment=self._momment(),
        )
        return await self.post(payload)

    async def deliver_delivery(
        self, message_id: str, *, error: str | None = None, error_code: str | None = None
    ) -> WebhookDelivery:
        """A ``DeliveryCallback`` for ``message_id``: it went out, or (with ``error``,
        Z-API's reason text, and optionally ``error_code``) sending it failed."""
        record = self._sent(message_id)
        payload = delivery_payload(
            instance_id=self.instance_id,
            phone=record.phone,
            zaap_id=record.zaap_id,
            message_id=record.message_id,
            momment=self._momment(),
            error=error,
            error_code=error_code,
        )
        return await self.post(payload)

    async def _received(
        self,
        phone: str,
        content: dict[str, Any],
        reference: str | None,
        participant_phone: str | None,
    ) -> WebhookDelivery:
        payload = received_payload(
            instance_id=self.instance_id,
            phone=phone,
            message_id=self.ids.message_id(),
            momment=self._momment(),
            content=content,
            connected_phone=self.connected_phone,
            reference_message_id=reference,
            participant_phone=participant_phone,
        )
        return await self.post(payload)

    async def close(self) -> None:
        """Close the HTTP session, if one was opened."""
        if self._session is not None:
            await self._session.close()
            self._session = None
