"""Webhooks from the sandbox: the JSON Z-API POSTs to a bot, built and sent.

The ``*_payload`` functions build the documented Z-API webhook bodies
(``ReceivedCallback``, ``MessageStatusCallback``, ``DeliveryCallback``).
:class:`WebhookSender` fills them from what the sandbox recorded (the recipient,
the button label) and POSTs them with its own :class:`aiohttp.ClientSession`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import aiohttp
import attrs

from .instance import IdFactory
from .records import MessageLog, MessageState, RecordedMessage

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
]

#: Statuses a ``MessageStatusCallback`` can carry.
MESSAGE_STATUSES = ("SENT", "RECEIVED", "READ", "READ_BY_ME", "PLAYED")
#: Seconds a webhook POST may take before it fails.
WEBHOOK_TIMEOUT = 10.0
_LIST_ENDPOINTS = ("send-button-list", "send-button-list-image", "send-button-list-video")


class SandboxError(Exception):
    """Misuse of the sandbox's test controls (not an HTTP answer)."""


class UnknownMessageError(SandboxError, LookupError):
    """No accepted message has this id."""


class UnknownButtonError(SandboxError, LookupError):
    """The message has no pressable button (or option) with this id."""


@attrs.frozen
class WebhookDelivery:
    """One webhook POST: the ``payload`` sent, and the receiver's ``status`` and body text."""

    url: str
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
    *, instance_id: str, phone: str, zaap_id: str, message_id: str
) -> dict[str, Any]:
    """A ``DeliveryCallback`` body (the message went out)."""
    return {
        "phone": phone,
        "zaapId": zaap_id,
        "messageId": message_id,
        "type": "DeliveryCallback",
        "instanceId": instance_id,
    }


def _pressable(record: RecordedMessage) -> list[dict[str, Any]]:
    if record.endpoint == "send-button-actions":
        return list(record.body["buttonActions"])
    if record.endpoint in _LIST_ENDPOINTS:
        return list(record.body["buttonList"]["buttons"])
    raise UnknownButtonError(f"message {record.message_id} ({record.endpoint}) has no buttons")


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
        """POST ``payload`` as JSON to ``url`` (default :attr:`url`); return the outcome.

        A connection failure raises the :mod:`aiohttp` error; any HTTP status is returned.
        """
        target = url or self.url
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
        """The recipient of ``message_id`` presses the REPLY (or list) button ``button_id``."""
        record = self._sent(message_id)
        buttons = _pressable(record)
        match = next((b for b in buttons if b.get("id") == button_id), None)
        if match is None:
            known = [b["id"] for b in buttons if "id" in b and b.get("type", "REPLY") == "REPLY"]
            raise UnknownButtonError(
                f"message {message_id} has no button with id {button_id!r} (pressable ids: {known})"
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

    async def deliver_delivery(self, message_id: str) -> WebhookDelivery:
        """A ``DeliveryCallback`` for ``message_id`` (the message went out)."""
        record = self._sent(message_id)
        payload = delivery_payload(
            instance_id=self.instance_id,
            phone=record.phone,
            zaap_id=record.zaap_id,
            message_id=record.message_id,
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
