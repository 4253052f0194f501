"""``ZapiSandbox``: the fake Z-API's public face (lifecycle, records, faults, webhooks).

It wires together the simulated instance (:mod:`.instance`), the HTTP server
(:mod:`.server`), the fault injector (:mod:`.faults`), the records
(:mod:`.records`) and the webhook sender (:mod:`.webhook_sender`).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Iterable, Mapping
from types import TracebackType
from typing import Any

from .faults import FaultInjector, FaultPlan
from .incoming import content_object, store_media_values
from .inspector import Inspector
from .instance import DEFAULT_QUEUE_LIMIT, IdFactory, SandboxInstance
from .media_store import MediaStore
from .payloads import lid_for
from .records import (
    AcceptKey,
    MessageLog,
    MessageState,
    RecordedAction,
    RecordedMessage,
    RecordedRequest,
)
from .server import Credentials, SandboxServer
from .setup_endpoints import SetupEndpoints
from .webhook_sender import SandboxError, WebhookDelivery, WebhookSender, received_payload

__all__ = ["ZapiSandbox"]


def _credential(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(digits * 4):0{digits}X}"


class ZapiSandbox:
    """A fake Z-API that validates, records, injects faults and sends webhooks.

    ::

        async with ZapiSandbox(seed=1) as sandbox:
            async with ZapiClient(sandbox.instance_id, sandbox.token,
                                  base_url=sandbox.base_url) as zapi:
                await zapi.send_text("5511999999999", "hi")
            assert sandbox.messages_to("5511999999999")[0].text == "hi"

    ``instance_id`` and ``token`` default to ids generated from ``seed``;
    ``client_token`` (default ``None``: not required) makes every request need that
    ``Client-Token`` header. ``seed`` (default 0) drives ids and random faults.
    ``host``/``port`` default to 127.0.0.1 and a free port. ``webhook_url`` is where
    webhooks go. ``strict`` (default True) rejects unknown JSON keys and ``null``
    values. ``queue_limit`` (default 1000) bounds the server queue while
    disconnected. ``connected_phone`` is the instance's own number in webhooks and
    ``GET device``. ``whatsapp_numbers`` are the numbers ``phone-exists`` says have
    WhatsApp (default ``None``: every number); ``connected=False`` starts the
    phone disconnected (to try pairing: ``GET qr-code`` then :meth:`connect`).
    ``notify_sent_by_me`` (default False, like Z-API's "notify sent by me", which
    ``update-notify-sent-by-me`` also sets) POSTs the echo of every accepted send
    (``fromMe`` and ``fromApi`` true) to the webhook.
    ``clock``/``wall_clock`` (monotonic / epoch seconds) time the records;
    ``sleep`` performs injected latency (replace it to control time in tests).
    ``inspector`` (default False) also serves the inspector page and its control
    API on ``host``:``inspector_port`` (default 0: a free port); see
    :attr:`inspector_url`.
    """

    def __init__(
        self,
        instance_id: str | None = None,
        token: str | None = None,
        *,
        client_token: str | None = None,
        seed: int = 0,
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_url: str | None = None,
        strict: bool = True,
        queue_limit: int = DEFAULT_QUEUE_LIMIT,
        connected_phone: str = "5511900000000",
        whatsapp_numbers: Collection[str] | None = None,
        connected: bool = True,
        notify_sent_by_me: bool = False,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        inspector: bool = False,
        inspector_port: int = 0,
    ) -> None:
        generated = random.Random(f"zapi-sandbox-credentials:{seed}")
        self.credentials = Credentials(
            instance_id or _credential(generated, 32),
            token or _credential(generated, 24),
            client_token,
        )
        self.host = host
        self.port = port
        self.log = MessageLog()
        ids = IdFactory(seed)
        #: Scripted faults, latency and the random :class:`FaultPlan`.
        self.faults = FaultInjector(seed)
        #: The simulated instance: connection state and server queue.
        self.instance = SandboxInstance(
            instance_id=self.instance_id,
            log=self.log,
            ids=ids,
            clock=clock,
            wall_clock=wall_clock,
            queue_limit=queue_limit,
            strict=strict,
        )
        #: Builds and POSTs webhooks (see :meth:`press_button`).
        self.webhooks = WebhookSender(
            instance_id=self.instance_id,
            log=self.log,
            ids=ids,
            wall_clock=wall_clock,
            connected_phone=connected_phone,
            url=webhook_url,
            token=self.token,
        )
        #: Pairing, ``me``/``device``, phone-exists and the webhook setters' state.
        self.setup = SetupEndpoints(
            instance_id=self.instance_id,
            token=self.token,
            connected_phone=connected_phone,
            urls=self.webhooks.urls,
            whatsapp_numbers=whatsapp_numbers,
            seed=seed,
            wall_clock=wall_clock,
        )
        self.setup.notify_sent_by_me = notify_sent_by_me
        self.instance.setup = self.setup
        if not connected:
            self.instance.disconnect()
        self.log.on_accept.append(self._echo_if_notified)
        self._server = SandboxServer(
            credentials=self.credentials,
            instance=self.instance,
            faults=self.faults,
            log=self.log,
            clock=clock,
            sleep=sleep,
        )
        #: The inspector page and control API (``None`` unless ``inspector=True``).
        self.inspector = Inspector(self) if inspector else None
        self.inspector_port = inspector_port

    def __repr__(self) -> str:
        where = self._server.base_url if self._server.running else "not started"
        return f"<ZapiSandbox instance_id={self.instance_id!r} {where}>"

    @property
    def instance_id(self) -> str:
        """The instance id requests must use."""
        return self.credentials.instance_id

    @property
    def token(self) -> str:
        """The instance token requests must use (never shown in reprs)."""
        return self.credentials.token

    @property
    def client_token(self) -> str | None:
        """The required ``Client-Token`` header, or ``None`` when not required."""
        return self.credentials.client_token

    # -- lifecycle ----------------------------------------------------------------------

    async def start(self) -> None:
        """Start serving on :attr:`host`/:attr:`port` in the running loop."""
        await self._server.start(self.host, self.port)
        self.port = int(self.base_url.rsplit(":", 1)[1])
        if self.inspector is not None:
            try:
                await self.inspector.start(self.host, self.inspector_port)
            except BaseException:
                await self._server.close()
                raise

    async def close(self) -> None:
        """Stop serving and close the webhook session. Safe to call twice."""
        if self.inspector is not None:
            await self.inspector.close()
        await self.webhooks.close()
        await self._server.close()

    async def __aenter__(self) -> ZapiSandbox:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>``: pass it as the client's ``base_url``."""
        if not self._server.running or self._server.base_url is None:
            raise RuntimeError("the sandbox is not started: use 'async with ZapiSandbox()'")
        return self._server.base_url

    @property
    def inspector_url(self) -> str:
        """``http://127.0.0.1:<port>/``: the inspector page (needs ``inspector=True``)."""
        if self.inspector is None:
            raise RuntimeError("the inspector is off: use ZapiSandbox(inspector=True)")
        if self.inspector.url is None:
            raise RuntimeError("the sandbox is not started: use 'async with ZapiSandbox()'")
        return self.inspector.url

    # -- what happened --------------------------------------------------------------------

    @property
    def messages(self) -> list[RecordedMessage]:
        """Every accepted message, in arrival order (including queued ones)."""
        return self.log.messages

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every HTTP request, in arrival order, with the status answered."""
        return self.log.requests

    @property
    def actions(self) -> list[RecordedAction]:
        """Forwards, reads and deletes of messages, in arrival order."""
        return self.instance.actions

    @property
    def media(self) -> MediaStore:
        """The files served under ``/_media/`` (media of :meth:`receive` webhooks)."""
        return self._server.media

    def messages_to(self, phone: str) -> list[RecordedMessage]:
        """Accepted messages for ``phone``, in arrival order."""
        return self.log.to(phone)

    def find(self, message_id: str) -> RecordedMessage | None:
        """The accepted message with this ``messageId`` (or ``zaapId``), if any."""
        return self.log.find(message_id)

    @property
    def accepted(self) -> Counter[AcceptKey]:
        """How many times each distinct ``(endpoint, body)`` was accepted."""
        return self.log.accepted

    def duplicates(self) -> dict[AcceptKey, int]:
        """Messages accepted more than once (a client that sent twice)."""
        return self.log.duplicates()

    def reset(self) -> None:
        """Forget recorded messages and requests (and the inspector's webhook log and
        chats) and remove all faults."""
        if self.inspector is not None:
            self.inspector.clear()
        self.log.clear()
        self.faults.clear()

    # -- faults (shortcuts to :attr:`faults`) ---------------------------------------------

    def fail_next(
        self, n: int = 1, *, status: int = 500, body: Any = None, endpoint: str | None = None
    ) -> None:
        """Answer the next ``n`` requests with ``status`` (see :class:`FaultInjector`)."""
        self.faults.fail_next(n, status=status, body=body, endpoint=endpoint)

    def rate_limit_next(
        self, n: int = 1, *, retry_after: float | None = 1.0, endpoint: str | None = None
    ) -> None:
        """Answer the next ``n`` requests with 429 and ``Retry-After: retry_after``."""
        self.faults.rate_limit_next(n, retry_after=retry_after, endpoint=endpoint)

    def drop_next(
        self, n: int = 1, *, after_accept: bool = False, endpoint: str | None = None
    ) -> None:
        """Close the connection without answering on the next ``n`` requests."""
        self.faults.drop_next(n, after_accept=after_accept, endpoint=endpoint)

    @property
    def fault_plan(self) -> FaultPlan | None:
        """The random fault plan (``None``: no random faults)."""
        return self.faults.plan

    @fault_plan.setter
    def fault_plan(self, plan: FaultPlan | None) -> None:
        self.faults.plan = plan

    # -- instance state -----------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether the simulated phone is connected."""
        return self.instance.connected

    def disconnect(self) -> None:
        """Disconnect the phone: ``GET status`` says so and sends wait in the queue."""
        self.instance.disconnect()

    def connect(self) -> list[RecordedMessage]:
        """Reconnect the phone; queued messages are sent, in order, and returned
        (and echoed, with ``notify_sent_by_me``)."""
        delivered = self.instance.connect()
        for record in delivered:
            self._echo_if_notified(record)
        return delivered

    @property
    def queued(self) -> list[RecordedMessage]:
        """Messages waiting in the server queue, oldest first."""
        return self.instance.queued

    # -- webhooks -----------------------------------------------------------------------

    @property
    def webhook_url(self) -> str | None:
        """Where webhooks are POSTed (``None``: not configured)."""
        return self.webhooks.url

    @webhook_url.setter
    def webhook_url(self, url: str | None) -> None:
        self.webhooks.url = url

    @property
    def webhook_urls(self) -> dict[str, str]:
        """The per-kind URLs set through ``update-webhook-<kind>`` (a copy), e.g.
        ``{"received": "https://…"}``; a kind without one goes to :attr:`webhook_url`."""
        return dict(self.webhooks.urls)

    @property
    def notify_sent_by_me(self) -> bool:
        """Whether accepted sends are echoed to the webhook (Z-API's "notify sent by
        me"; also set by ``update-notify-sent-by-me``)."""
        return self.setup.notify_sent_by_me

    @notify_sent_by_me.setter
    def notify_sent_by_me(self, on: bool) -> None:
        self.setup.notify_sent_by_me = on

    @property
    def whatsapp_numbers(self) -> set[str] | None:
        """The numbers ``phone-exists`` says have WhatsApp (``None``: every number)."""
        return self.setup.whatsapp_numbers

    @whatsapp_numbers.setter
    def whatsapp_numbers(self, numbers: Collection[str] | None) -> None:
        self.setup.whatsapp_numbers = None if numbers is None else set(numbers)

    @property
    def qr_codes(self) -> list[str]:
        """The text of every QR code ``GET qr-code`` handed out, oldest first."""
        return list(self.setup.qr_codes)

    def _echo_if_notified(self, record: RecordedMessage) -> None:
        webhook = self.webhooks.urls.get("received") or self.webhook_url
        if self.notify_sent_by_me and record.state is MessageState.SENT and webhook:
            self.webhooks.echo(record)

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
