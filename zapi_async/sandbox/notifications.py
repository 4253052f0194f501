"""System webhooks the sandbox sends besides replies to your messages: notifications
(incoming calls, group and profile changes), ``waitingMessage`` placeholders, and the
echo of every accepted send when "notify sent by me" is on.

:class:`SystemWebhooks` is a mixin of :class:`~.webhook_sender.WebhookSender`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import aiohttp

from .deliveries import WebhookDelivery
from .errors import SandboxError
from .instance import IdFactory
from .payloads import CALL_NOTIFICATIONS, echo_content, lid_for, received_payload
from .records import RecordedMessage

__all__ = ["SystemWebhooks"]

log = logging.getLogger("zapi_async.sandbox")


class SystemWebhooks:
    """Notifications, placeholders and send echoes (see the module docstring)."""

    instance_id: str
    ids: IdFactory
    connected_phone: str
    wall_clock: Callable[[], float]
    echoes: list[WebhookDelivery]
    _pending: set[asyncio.Task[None]]

    async def post(self, payload: dict[str, Any], *, url: str | None = None) -> WebhookDelivery:
        """POST ``payload`` (implemented by the sender)."""
        raise NotImplementedError

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
        raise NotImplementedError

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
        """A system notification in the chat ``phone``: ``notification`` (Z-API's
        string), ``notificationParameters``, ``callId`` and any ``extra`` top-level keys
        (``profileName``, ``linkMode``, ``requestMethod``…)."""
        content = {
            "notification": notification,
            "notificationParameters": list(parameters),
            "callId": call_id,
            "referenceMessageId": None,
            "externalAdReply": None,
            **(extra or {}),
        }
        return await self._received(
            phone, content, None, participant_phone, as_lid=as_lid, from_me=from_me
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
        """``phone`` calls the connected number: ``CALL_VOICE`` (ringing), or with
        ``missed`` ``CALL_MISSED_VOICE`` / ``CALL_MISSED_VIDEO``. ``call_id`` defaults
        to a new 32-hex-digit id (pass the ringing one to report it missed)."""
        if video and not missed:
            raise SandboxError(
                "Z-API documents no ringing video-call notification: use missed=True "
                f"(notifications: {', '.join(CALL_NOTIFICATIONS)})"
            )
        kind = "CALL_MISSED_VIDEO" if video else "CALL_MISSED_VOICE" if missed else "CALL_VOICE"
        call = call_id if call_id is not None else self.ids.zaap_id()
        return await self.send_notification(phone, kind, [], call_id=call, as_lid=as_lid)

    async def waiting_message(
        self, phone: str, *, view_once: bool = False, as_lid: bool = False
    ) -> WebhookDelivery:
        """A ``waitingMessage`` placeholder from ``phone``: WhatsApp has not delivered
        the content yet (no content object; ``viewOnce`` at the top level)."""
        return await self._received(
            phone, {"viewOnce": view_once}, None, None, as_lid=as_lid, waiting_message=True
        )

    def echo(self, record: RecordedMessage) -> None:
        """POST, in the background, the echo of an accepted send: a ``ReceivedCallback``
        with ``fromMe`` and ``fromApi`` true (Z-API sends it when "notify sent by me"
        is on). Failures are logged; :meth:`flush` waits for the posts."""
        payload = received_payload(
            instance_id=self.instance_id,
            phone=record.phone,
            message_id=record.message_id,
            momment=int(self.wall_clock() * 1000),
            content=echo_content(record.endpoint, record.body),
            connected_phone=self.connected_phone,
            reference_message_id=record.body.get("messageId"),
            sender_name="Sandbox Bot",
            chat_lid=lid_for(record.phone) if record.phone.isdigit() else None,
            from_me=True,
            from_api=True,
            status="SENT",
        )
        task = asyncio.get_running_loop().create_task(self._post_echo(payload))
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    async def _post_echo(self, payload: dict[str, Any]) -> None:
        try:
            self.echoes.append(await self.post(payload))
        except (aiohttp.ClientError, asyncio.TimeoutError, SandboxError) as exc:
            log.warning("sandbox could not post a send echo: %s", type(exc).__name__)

    async def flush(self) -> list[WebhookDelivery]:
        """Wait until every background echo was posted; return :attr:`echoes`."""
        while self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)
        return self.echoes
