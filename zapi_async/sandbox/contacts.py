"""The person's side of the sandbox: contacts pressing buttons, picking options,
writing, calling, reacting and sending content to the bot (each a webhook POST).

:class:`ContactSide` is a mixin of :class:`~zapi_async.sandbox.ZapiSandbox`; it needs
only the sandbox's ``webhooks`` sender, ``media`` store, ``base_url``,
``instance_id`` and ``find()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .deliveries import WebhookDelivery
from .errors import SandboxError
from .incoming import content_object, store_media_values
from .media_store import MediaStore
from .payloads import lid_for, received_payload
from .records import RecordedMessage
from .webhook_sender import WebhookSender

__all__ = ["ContactSide"]


class ContactSide:
    """Webhooks from the people the bot talks to (see the module docstring)."""

    webhooks: WebhookSender

    @property
    def base_url(self) -> str:
        raise NotImplementedError

    @property
    def instance_id(self) -> str:
        raise NotImplementedError

    @property
    def media(self) -> MediaStore:
        raise NotImplementedError

    def find(self, message_id: str) -> RecordedMessage | None:
        raise NotImplementedError

    def lid_for(self, phone: str) -> str:
        """The LID (``<15 digits>@lid``) this sandbox gives the contact ``phone``:
        what ``as_lid=True`` webhooks carry instead of the number, and ``chatLid``."""
        return lid_for(phone)

    async def flush_webhooks(self) -> list[WebhookDelivery]:
        """Wait for the background echoes of accepted sends; return every echo so far."""
        return await self.webhooks.flush()

    async def press_button(
        self,
        message_id: str,
        button_id: str,
        *,
        participant_phone: str | None = None,
        as_lid: bool = False,
    ) -> WebhookDelivery:
        """POST the ``ReceivedCallback`` of the recipient pressing REPLY button ``button_id``.

        Works for ``send-button-actions`` REPLY buttons and ``send-button-list``
        buttons; raises :class:`UnknownMessageError` / :class:`UnknownButtonError`
        for ids the sandbox did not accept, and :class:`SandboxError` for a message
        still queued. ``participant_phone`` names the presser in a group.
        ``as_lid=True`` sends the contact as its LID (``phone`` or ``participantPhone``
        is :meth:`lid_for` the number), as WhatsApp increasingly does.
        """
        return await self.webhooks.press_button(
            message_id, button_id, participant_phone=participant_phone, as_lid=as_lid
        )

    async def select_option(
        self, message_id: str, option_id: str, *, as_lid: bool = False
    ) -> WebhookDelivery:
        """POST the ``ReceivedCallback`` of the recipient picking an option-list row."""
        return await self.webhooks.select_option(message_id, option_id, as_lid=as_lid)

    async def send_text_reply(
        self,
        phone: str,
        text: str,
        *,
        reference_message_id: str | None = None,
        as_lid: bool = False,
    ) -> WebhookDelivery:
        """POST the ``ReceivedCallback`` of ``phone`` sending ``text`` to the bot
        (from its LID with ``as_lid=True``)."""
        return await self.webhooks.send_text_reply(
            phone, text, reference_message_id=reference_message_id, as_lid=as_lid
        )

    async def incoming_call(
        self,
        phone: str,
        *,
        missed: bool = False,
        video: bool = False,
        call_id: str | None = None,
        as_lid: bool = False,
    ) -> WebhookDelivery:
        """POST the ``CALL_VOICE`` notification of ``phone`` calling (``missed``:
        ``CALL_MISSED_VOICE``, or ``CALL_MISSED_VIDEO`` with ``video``)."""
        return await self.webhooks.incoming_call(
            phone, missed=missed, video=video, call_id=call_id, as_lid=as_lid
        )

    async def send_notification(
        self,
        phone: str,
        notification: str,
        parameters: Iterable[Any] = (),
        *,
        call_id: str | None = None,
        participant_phone: str | None = None,
        extra: Mapping[str, Any] | None = None,
        from_me: bool = False,
        as_lid: bool = False,
    ) -> WebhookDelivery:
        """POST any system notification (``GROUP_PARTICIPANT_ADD``,
        ``PROFILE_NAME_UPDATED`` with ``extra={"profileName": ...}``...)."""
        return await self.webhooks.send_notification(
            phone,
            notification,
            parameters,
            call_id=call_id,
            participant_phone=participant_phone,
            extra=extra,
            from_me=from_me,
            as_lid=as_lid,
        )

    async def waiting_message(
        self, phone: str, *, view_once: bool = False, as_lid: bool = False
    ) -> WebhookDelivery:
        """POST a ``waitingMessage`` placeholder from ``phone`` (no content yet)."""
        return await self.webhooks.waiting_message(phone, view_once=view_once, as_lid=as_lid)

    async def deliver_status(self, message_id: str, status: str = "RECEIVED") -> WebhookDelivery:
        """POST a ``MessageStatusCallback`` (SENT, RECEIVED, READ, READ_BY_ME, PLAYED)."""
        return await self.webhooks.deliver_status(message_id, status)

    async def deliver_delivery(
        self, message_id: str, *, error: str | None = None, error_code: str | None = None
    ) -> WebhookDelivery:
        """POST the ``DeliveryCallback`` of ``message_id``; pass ``error`` (and
        ``error_code``, e.g. ``"SHADOW_BAN"``) to report a failed send."""
        return await self.webhooks.deliver_delivery(message_id, error=error, error_code=error_code)

    async def receive(
        self,
        phone: str,
        content: str | Mapping[str, Any],
        /,
        *,
        reference_message_id: str | None = None,
        participant_phone: str | None = None,
        sender_name: str = "Sandbox User",
        **fields: Any,
    ) -> WebhookDelivery:
        """POST the ``ReceivedCallback`` of ``phone`` sending content to the bot.

        ``content`` is a kind with its fields in snake_case (``receive(phone, "image",
        caption="hi", data=png_bytes, mime_type="image/png")``), or Z-API's raw content
        object (``receive(phone, {"image": {...}})``, where ``…Url`` values given as
        bytes are stored and served). Kinds: ``text`` (``message``), ``image``,
        ``audio``, ``video``, ``document``, ``sticker`` (``data``, ``mime_type`` and
        Z-API's other keys), ``location`` (``latitude``, ``longitude``), ``contact``
        (``display_name``, ``phones``), ``reaction`` (``value``, ``message_id``),
        ``poll`` (``question``, ``options``), ``poll_vote`` (``poll_message_id``,
        ``options``). Media URLs point at the sandbox (``/_media/<id>``).
        """
        hooks = self.webhooks
        if isinstance(content, str):
            objects = content_object(
                content,
                fields,
                store=self.media,
                base_url=self.base_url,
                sender_phone=participant_phone or phone,
                now_ms=int(hooks.wall_clock() * 1000),
                referenced=lambda message_id: self._referenced(phone, message_id),
            )
        else:
            if fields:
                raise SandboxError("pass either a raw content mapping or a kind with fields")
            objects = store_media_values(content, self.media, self.base_url)
        payload = received_payload(
            instance_id=self.instance_id,
            phone=phone,
            message_id=hooks.ids.message_id(),
            momment=int(hooks.wall_clock() * 1000),
            content=objects,
            connected_phone=hooks.connected_phone,
            reference_message_id=reference_message_id,
            sender_name=sender_name,
            participant_phone=participant_phone,
        )
        return await hooks.post(payload)

    def _referenced(self, phone: str, message_id: str) -> dict[str, Any]:
        record = self.find(message_id)
        return {
            "messageId": message_id,
            "fromMe": record is not None,
            "phone": record.phone if record is not None else phone,
            "participant": None,
        }
