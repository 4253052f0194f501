"""Webhooks from the sandbox: the JSON Z-API POSTs to a bot, built and sent.

:mod:`.payloads` builds the documented Z-API webhook bodies; :class:`WebhookSender`
fills them from what the sandbox recorded (the recipient, the button label) and
POSTs them with its own :class:`aiohttp.ClientSession`, with the ``z-api-token``
header Z-API sends (the instance token). Echoes of accepted sends run in the
background; :meth:`WebhookSender.flush` waits for them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import aiohttp
import attrs

from . import payloads
from .errors import NoWebhookUrlError, SandboxError, UnknownButtonError, UnknownMessageError
from .instance import IdFactory
from .notifications import SystemWebhooks
from .payloads import (
    CALL_NOTIFICATIONS,
    MESSAGE_STATUSES,
    delivery_payload,
    is_group,
    lid_for,
    received_payload,
)
from .records import (
    BUTTON_LIST_ENDPOINTS,
    MessageLog,
    MessageState,
    RecordedMessage,
    WebhookAttempt,
)

__all__ = [
    "CALL_NOTIFICATIONS",
    "MESSAGE_STATUSES",
    "NoWebhookUrlError",
    "SandboxError",
    "UnknownButtonError",
    "UnknownMessageError",
    "WebhookDelivery",
    "WebhookSender",
    "delivery_payload",
    "lid_for",
    "message_status_payload",
    "received_payload",
    "redact_url",
]

#: The header Z-API's webhook requests carry the instance token in (undocumented).
TOKEN_HEADER = "z-api-token"
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


def message_status_payload(
    *, instance_id: str, phone: str, ids: Sequence[str], status: str, momment: int
) -> dict[str, Any]:
    """A ``MessageStatusCallback`` body; :class:`SandboxError` for an unknown status."""
    if status not in MESSAGE_STATUSES:
        raise SandboxError(
            f"status should be one of {', '.join(MESSAGE_STATUSES)}, but was {status!r}"
        )
    return payloads.message_status_payload(
        instance_id=instance_id, phone=phone, ids=ids, status=status, momment=momment
    )


def _pressable(record: RecordedMessage) -> list[tuple[str | None, dict[str, Any]]]:
    if record.endpoint != "send-button-actions" and record.endpoint not in BUTTON_LIST_ENDPOINTS:
        raise UnknownButtonError(f"message {record.message_id} ({record.endpoint}) has no buttons")
    return record.buttons


class WebhookSender(SystemWebhooks):
    """Builds webhook bodies from recorded messages and POSTs them to :attr:`url`.

    Notifications, placeholders and send echoes come from :class:`.SystemWebhooks`.
    """

    def __init__(
        self,
        *,
        instance_id: str,
        log: MessageLog,
        ids: IdFactory,
        wall_clock: Callable[[], float],
        connected_phone: str,
        url: str | None = None,
        token: str | None = None,
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
        #: Echoes of accepted sends posted so far (see :meth:`echo`), in order.
        self.echoes: list[WebhookDelivery] = []
        self._token = token
        #: Called with every :class:`WebhookAttempt`, failed ones included.
        self.listeners: list[Callable[[WebhookAttempt], None]] = []
        #: Display names of people (``phone -> name``) for ``senderName``/``chatName``.
        self.names: dict[str, str] = {}
        self._session: aiohttp.ClientSession | None = None
        self._pending: set[asyncio.Task[None]] = set()

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

        A connection failure raises the :mod:`aiohttp` error; any HTTP status is
        returned. Every attempt, failed or not, goes to :attr:`listeners`.
        """
        kind = _KIND_OF_TYPE.get(str(payload.get("type", "")).lower())
        target = url or (self.urls.get(kind) if kind else None) or self.url
        wall, started = self.wall_clock(), time.perf_counter()
        if not target:
            self._notify(WebhookAttempt(None, payload, None, "", 0.0, wall, "no webhook URL"))
            raise NoWebhookUrlError("no webhook URL: set sandbox.webhook_url first")
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=WEBHOOK_TIMEOUT)
            )
        headers = {TOKEN_HEADER: self._token} if self._token is not None else None
        try:
            async with self._session.post(target, json=payload, headers=headers) as response:
                text = await response.text()
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
            latency = time.perf_counter() - started
            self._notify(WebhookAttempt(target, payload, None, "", latency, wall, error))
            raise
        latency = time.perf_counter() - started
        self._notify(WebhookAttempt(target, payload, response.status, text, latency, wall))
        return WebhookDelivery(target, payload, response.status, text)

    def _notify(self, attempt: WebhookAttempt) -> None:
        for listener in self.listeners:
            listener(attempt)

    async def press_button(
        self,
        message_id: str,
        button_id: str,
        *,
        participant_phone: str | None = None,
        as_lid: bool = False,
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
        return await self._received(
            record.phone, content, message_id, participant_phone, as_lid=as_lid
        )

    async def select_option(
        self, message_id: str, option_id: str, *, as_lid: bool = False
    ) -> WebhookDelivery:
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
        return await self._received(record.phone, content, message_id, None, as_lid=as_lid)

    async def send_text_reply(
        self,
        phone: str,
        text: str,
        *,
        reference_message_id: str | None = None,
        as_lid: bool = False,
    ) -> WebhookDelivery:
        """``phone`` sends the text ``text`` to the bot (optionally quoting a message)."""
        if reference_message_id is not None:
            self._sent(reference_message_id)
        content = {"text": {"message": text}}
        return await self._received(phone, content, reference_message_id, None, as_lid=as_lid)

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

    @staticmethod
    def _lids(
        phone: str, participant: str | None, *, as_lid: bool
    ) -> tuple[str, str | None, str | None, str | None, str | None]:
        """``(phone, chatLid, senderLid, participantPhone, participantLid)`` of a chat."""
        if is_group(phone):
            lid = lid_for(participant) if participant is not None else None
            shown = lid if as_lid else participant
            return phone, None, lid, shown, lid
        if phone.endswith(("@newsletter", "-broadcast")):
            return phone, None, None, participant, None
        lid = lid_for(phone)
        return (lid if as_lid else phone), lid, lid, participant, None

    async def _received(
        self,
        phone: str,
        content: dict[str, Any],
        reference: str | None,
        participant_phone: str | None,
        *,
        as_lid: bool = False,
        from_me: bool = False,
        waiting_message: bool = False,
    ) -> WebhookDelivery:
        chat, chat_lid, sender_lid, participant, participant_lid = self._lids(
            phone, participant_phone, as_lid=as_lid
        )
        payload = received_payload(
            instance_id=self.instance_id,
            phone=chat,
            message_id=self.ids.message_id(),
            momment=self._momment(),
            content=content,
            connected_phone=self.connected_phone,
            reference_message_id=reference,
            sender_name=self.names.get(phone, "Sandbox User"),
            participant_phone=participant,
            chat_lid=chat_lid,
            sender_lid=sender_lid,
            participant_lid=participant_lid,
            from_me=from_me,
            waiting_message=waiting_message,
        )
        return await self.post(payload)

    async def close(self) -> None:
        """Stop background echoes and close the HTTP session, if one was opened."""
        for task in list(self._pending):
            task.cancel()
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None
