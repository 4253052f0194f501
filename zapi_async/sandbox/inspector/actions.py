"""The person's side of the chat: what the inspector's buttons (and control API) do.

Each action builds the documented Z-API webhook body and POSTs it through the
sandbox's :class:`~zapi_async.sandbox.webhook_sender.WebhookSender`, so the
attempt lands in the webhook log. Reactions, poll votes and incoming calls, which
the sender has no method for, are built here on top of
:func:`~zapi_async.sandbox.webhook_sender.received_payload`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..webhook_sender import (
    SandboxError,
    UnknownButtonError,
    WebhookDelivery,
    WebhookSender,
    received_payload,
)

if TYPE_CHECKING:
    from ..zapi_sandbox import ZapiSandbox

__all__ = ["PersonActions"]

#: ``DisconnectedCallback.error`` as Z-API's example writes it.
DISCONNECTED_ERROR = "Device has been disconnected"


class PersonActions:
    """Plays the people the bot talks to, on one :class:`ZapiSandbox`.

    ``press``, ``select``, ``say`` and ``mark`` delegate to the sandbox's own
    methods; ``react``, ``vote`` and ``call`` POST the ``ReceivedCallback`` of a
    reaction, a poll vote and an incoming call; ``set_connected`` (dis)connects
    the phone and POSTs ``DisconnectedCallback`` / ``ConnectedCallback`` when a
    webhook URL is set.
    """

    def __init__(self, sandbox: ZapiSandbox) -> None:
        self.sandbox = sandbox
        #: Chats started from the inspector: ``phone -> epoch seconds``.
        self.started: dict[str, float] = {}

    @property
    def _webhooks(self) -> WebhookSender:
        return self.sandbox.webhooks

    def _momment(self) -> int:
        return self._webhooks._momment()

    def _received(self, phone: str, content: dict[str, Any]) -> dict[str, Any]:
        webhooks = self._webhooks
        return received_payload(
            instance_id=self.sandbox.instance_id,
            phone=phone,
            message_id=webhooks.ids.message_id(),
            momment=self._momment(),
            content=content,
            connected_phone=webhooks.connected_phone,
            sender_name=webhooks.names.get(phone, "Sandbox User"),
        )

    async def press(self, message_id: str, button_id: str) -> WebhookDelivery:
        """Press REPLY (or button-list) button ``button_id`` of ``message_id``."""
        return await self.sandbox.press_button(message_id, button_id)

    async def select(self, message_id: str, option_id: str) -> WebhookDelivery:
        """Pick the option ``option_id`` of the option list ``message_id``."""
        return await self.sandbox.select_option(message_id, option_id)

    async def say(
        self, phone: str, text: str, *, reference_message_id: str | None = None
    ) -> WebhookDelivery:
        """``phone`` sends ``text`` (quoting ``reference_message_id`` if given)."""
        if not text.strip():
            raise SandboxError("text should not be empty")
        return await self.sandbox.send_text_reply(
            phone, text, reference_message_id=reference_message_id
        )

    async def mark(self, message_id: str, status: str) -> WebhookDelivery:
        """The recipient's phone reports ``status`` (RECEIVED, READ, PLAYED, ...)."""
        return await self.sandbox.deliver_status(message_id, status.upper())

    async def react(self, message_id: str, emoji: str) -> WebhookDelivery:
        """The recipient reacts to ``message_id`` with ``emoji`` (``""`` removes it)."""
        record = self._webhooks._sent(message_id)
        content = {
            "reaction": {
                "value": emoji,
                "time": self._momment(),
                "reactionBy": record.phone,
                "referencedMessage": {
                    "messageId": message_id,
                    "fromMe": True,
                    "phone": record.phone,
                    "participant": None,
                },
            }
        }
        return await self._webhooks.post(self._received(record.phone, content))

    async def vote(self, message_id: str, options: Sequence[str]) -> WebhookDelivery:
        """The recipient votes ``options`` (option names) in the poll ``message_id``."""
        record = self._webhooks._sent(message_id)
        if record.endpoint != "send-poll":
            raise UnknownButtonError(f"message {message_id} ({record.endpoint}) is not a poll")
        names = [str(o.get("name")) for o in record.body.get("poll", []) if isinstance(o, dict)]
        if not options:
            raise UnknownButtonError(f"vote for at least one option of poll {message_id}")
        unknown = [name for name in options if name not in names]
        if unknown:
            raise UnknownButtonError(
                f"poll {message_id} has no option {unknown[0]!r} (options: {names})"
            )
        limit = record.body.get("pollMaxOptions")
        if isinstance(limit, int) and len(options) > limit:
            raise SandboxError(f"poll {message_id} allows at most {limit} option(s)")
        content = {
            "pollVote": {
                "pollMessageId": message_id,
                "options": [{"name": name} for name in options],
            }
        }
        return await self._webhooks.post(self._received(record.phone, content))

    async def call(self, phone: str, *, notification: str = "CALL_VOICE") -> WebhookDelivery:
        """``phone`` calls the bot's number: a ``ReceivedCallback`` with ``notification``
        (``CALL_VOICE``, ``CALL_MISSED_VOICE`` or ``CALL_MISSED_VIDEO``) and a ``callId``."""
        if notification not in ("CALL_VOICE", "CALL_MISSED_VOICE", "CALL_MISSED_VIDEO"):
            raise SandboxError(f"notification should be a call notification, not {notification!r}")
        call_id = self._webhooks.ids.zaap_id()
        content = {"notification": notification, "notificationParameters": [], "callId": call_id}
        return await self._webhooks.post(self._received(phone, content))

    def start_chat(self, phone: str, name: str | None = None) -> None:
        """Remember a person (and their display name) before any message is exchanged."""
        phone = phone.strip()
        if not phone:
            raise SandboxError("phone should not be empty")
        self.started.setdefault(phone, self._webhooks.wall_clock())
        if name:
            self._webhooks.names[phone] = name
        self.sandbox.log.touch()

    async def set_connected(self, connected: bool) -> WebhookDelivery | None:
        """(Dis)connect the phone; POST the Connected/DisconnectedCallback if a URL is set."""
        if connected:
            self.sandbox.connect()
            payload: dict[str, Any] = {
                "type": "ConnectedCallback",
                "connected": True,
                "momment": self._momment(),
                "phone": self._webhooks.connected_phone,
                "instanceId": self.sandbox.instance_id,
            }
        else:
            self.sandbox.disconnect()
            payload = {
                "momment": self._momment(),
                "error": DISCONNECTED_ERROR,
                "disconnected": True,
                "type": "DisconnectedCallback",
                "instanceId": self.sandbox.instance_id,
            }
        if self.sandbox.webhook_url is None:
            return None
        return await self._webhooks.post(payload)
