"""``ReceivedCallback``: a message arrived (or was sent by you), or a notification.

The event carries Z-API's top-level fields under their snake_case names, one typed
content object per JSON key (``event.image``, ``event.poll_vote``...; see
:mod:`zapi_async.models.content`), and reply helpers that work once the
:class:`~zapi_async.webhooks.WebhookRouter` bound the event to a client.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, cast

import attrs

from ..errors import EventNotBoundError, ValidationError
from .chat_ids import ChatKind, chat_kind
from .content import (
    AudioContent,
    ButtonReply,
    ContactContent,
    DocumentContent,
    EventContent,
    EventResponseContent,
    ImageContent,
    ListReply,
    LocationContent,
    PinMessageContent,
    PollContent,
    PollVoteContent,
    ReactionContent,
    StickerContent,
    TextContent,
    VideoContent,
)
from .content_business import (
    ButtonsMessageContent,
    CarouselContent,
    ExternalAdReply,
    HydratedTemplateContent,
    NewsletterAdminInviteContent,
    OrderContent,
    PixKeyContent,
    ProductContent,
    RequestPaymentContent,
    ReviewAndPayContent,
    ReviewOrderContent,
    SendPaymentContent,
    StatusImageContent,
)
from .event_base import WebhookEvent, moment_of
from .kinds import CONTENT_KINDS, MessageKind, NotificationType
from .messages import Message, SendResult
from .replies import EventSender, ReactionRequest
from .text import TextMessage

__all__ = ["ReceivedCallback"]


@attrs.frozen(kw_only=True)
class ReceivedCallback(WebhookEvent):
    """A message arrived (or was sent by you: ``from_me``), or a system notification.

    **Chat and sender.** ``phone`` is the chat: a number, a group (``…-group``), a
    LID (``…@lid``), a channel (``…@newsletter``) or a broadcast list; see
    :attr:`chat_kind`. The same contact may arrive as a number and later as a LID:
    ``chat_lid`` (Z-API calls it the most stable id) and ``sender_lid`` name it when
    Z-API sends them; in groups ``participant_phone`` / ``participant_lid`` are the
    sender. ``is_group`` and ``is_newsletter`` also follow the id's form (a channel
    notification arrives with an ``@newsletter`` phone and ``isNewsletter: false``).

    **Own messages.** ``from_me`` is true for messages sent by the connected number;
    ``from_api`` too when they were sent through the API (the echo of your own send,
    delivered when "notify sent by me" is on): :attr:`is_own` is either.

    **Content.** At most one content attribute is usually set (:attr:`kind` says
    which): ``text``, ``image``, ``audio``, ``video``, ``document``, ``sticker``,
    ``location``, ``contact``, ``reaction``, ``poll``, ``poll_vote``,
    ``button_reply`` (``buttonsResponseMessage``), ``list_reply``
    (``listResponseMessage``), ``buttons_message``, ``hydrated_template``,
    ``carousel_message``, ``pix_key_message``, ``event``, ``event_response``,
    ``pin_message``, ``request_payment``, ``send_payment``, ``product``, ``order``,
    ``review_and_pay``, ``review_order``, ``newsletter_admin_invite``; context
    objects ``status_image`` (with ``is_status_reply``) and ``external_ad_reply``
    (ads) come beside one. Content this library does not type (or that did not fit
    its class) is kept raw in ``content``, keyed by its JSON name.

    **Not a message.** A system notification has ``notification`` (Z-API's string,
    see :class:`~zapi_async.webhooks.NotificationType`), ``notification_parameters``
    (a tuple of Z-API's values), for calls ``call_id``, and often no ``message_id``
    (or a numeric one, kept as a string). ``waiting_message`` true means WhatsApp has
    not delivered the content yet (``kind`` is ``WAITING``). Routers never hand
    either to plain message handlers.

    **Other fields**, as Z-API sends them (``""`` stays ``""``): ``status``,
    ``chat_name``, ``sender_name``, ``sender_photo``, ``photo``, ``connected_phone``,
    ``reference_message_id`` (the message answered: for a button press, the message
    carrying the button), ``is_edit``, ``is_status_reply``, ``forwarded``,
    ``broadcast``, ``broadcast_recipients``, ``message_expiration_seconds`` (0:
    off), ``view_once``, ``profile_name``, ``updated_photo``, ``link_mode``,
    ``request_method``, ``expires_at``, ``code``. ``momment`` is epoch milliseconds
    (values below ``10**11`` are read as seconds); :attr:`moment` is the same
    instant as an aware UTC datetime.
    """

    TYPE: ClassVar[str] = "ReceivedCallback"

    phone: str
    message_id: str | None = None
    from_me: bool = False
    from_api: bool = False
    momment: int | None = None
    status: str | None = None
    chat_name: str | None = None
    sender_name: str | None = None
    sender_photo: str | None = None
    photo: str | None = None
    is_group: bool = False
    is_newsletter: bool = False
    broadcast: bool = False
    participant_phone: str | None = None
    participant_lid: str | None = None
    sender_lid: str | None = None
    chat_lid: str | None = None
    connected_phone: str | None = None
    reference_message_id: str | None = None
    is_edit: bool = False
    is_status_reply: bool = False
    waiting_message: bool = False
    forwarded: bool = False
    message_expiration_seconds: int | None = None
    view_once: bool | None = None
    broadcast_recipients: tuple[str, ...] = ()
    notification: str | None = None
    notification_parameters: tuple[Any, ...] = ()
    call_id: str | None = None
    profile_name: str | None = None
    updated_photo: str | None = None
    link_mode: str | None = None
    request_method: str | None = None
    expires_at: int | str | None = None
    code: str | int | None = None
    # content objects, each under the snake_case of its JSON key
    text: TextContent | None = None
    image: ImageContent | None = None
    audio: AudioContent | None = None
    video: VideoContent | None = None
    document: DocumentContent | None = None
    sticker: StickerContent | None = None
    location: LocationContent | None = None
    contact: ContactContent | None = None
    reaction: ReactionContent | None = None
    poll: PollContent | None = None
    poll_vote: PollVoteContent | None = None
    button_reply: ButtonReply | None = None
    list_reply: ListReply | None = None
    buttons_message: ButtonsMessageContent | None = None
    hydrated_template: HydratedTemplateContent | None = None
    carousel_message: CarouselContent | None = None
    pix_key_message: PixKeyContent | None = None
    event: EventContent | None = None
    event_response: EventResponseContent | None = None
    pin_message: PinMessageContent | None = None
    request_payment: RequestPaymentContent | None = None
    send_payment: SendPaymentContent | None = None
    product: ProductContent | None = None
    order: OrderContent | None = None
    review_and_pay: ReviewAndPayContent | None = None
    review_order: ReviewOrderContent | None = None
    newsletter_admin_invite: NewsletterAdminInviteContent | None = None
    status_image: StatusImageContent | None = None
    external_ad_reply: ExternalAdReply | None = None
    content: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
    _sender: EventSender | None = attrs.field(default=None, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        # The id's form wins over Z-API's flags, which are not always set.
        kind = chat_kind(self.phone)
        if kind is ChatKind.GROUP and not self.is_group:
            object.__setattr__(self, "is_group", True)
        if kind is ChatKind.NEWSLETTER and not self.is_newsletter:
            object.__setattr__(self, "is_newsletter", True)

    # --- what it is ---------------------------------------------------------------

    @property
    def moment(self) -> datetime | None:
        """``momment`` as a timezone-aware UTC datetime (``None`` when absent)."""
        return moment_of(self.momment)

    @property
    def chat_kind(self) -> ChatKind | None:
        """The form of ``phone`` (``ChatKind.LID``...), ``None`` for an unknown form."""
        return chat_kind(self.phone)

    @property
    def is_notification(self) -> bool:
        """Whether this is a system notification (``notification`` is set), not a message."""
        return self.notification is not None

    @property
    def is_own(self) -> bool:
        """Whether you sent it (``from_me``), from the phone or through the API (``from_api``)."""
        return self.from_me or self.from_api

    @property
    def known_notification(self) -> NotificationType | None:
        """``notification`` as a :class:`NotificationType`, ``None`` if absent or new."""
        try:
            return NotificationType(self.notification)
        except ValueError:
            return None

    @property
    def kind(self) -> MessageKind:
        """``NOTIFICATION``, ``WAITING``, the kind of the content object, or ``OTHER``."""
        if self.notification is not None:
            return MessageKind.NOTIFICATION
        if self.waiting_message:
            return MessageKind.WAITING
        for kind in CONTENT_KINDS:
            if getattr(self, kind.value) is not None:
                return kind
        return MessageKind.OTHER

    @property
    def button_id(self) -> str | None:
        """The pressed REPLY button's id, or ``None`` when this is not a button press."""
        return self.button_reply.button_id if self.button_reply else None

    @property
    def buttons_response_message(self) -> ButtonReply | None:
        """``button_reply`` under the snake_case of its JSON key."""
        return self.button_reply

    @property
    def list_response_message(self) -> ListReply | None:
        """``list_reply`` under the snake_case of its JSON key."""
        return self.list_reply

    @property
    def dedup_key(self) -> str | None:
        """``received:<instanceId>:<messageId>`` (``:edit:<momment>`` for an edit,
        ``:waiting`` for a placeholder, so the real content is not dropped later);
        a notification without ``messageId`` uses its chat, type and ``momment``."""
        instance = self.instance_id or ""
        if self.message_id is not None:
            key = f"received:{instance}:{self.message_id}"
            if self.is_edit:
                key += f":edit:{self.momment}"
            if self.waiting_message:
                key += ":waiting"
            return key
        if self.notification is not None and self.momment is not None:
            return f"notification:{instance}:{self.phone}:{self.notification}:{self.momment}"
        return None

    # --- replying -------------------------------------------------------------------

    def bind(self, sender: EventSender) -> ReceivedCallback:
        """A copy whose :meth:`reply_text`, :meth:`reply` and :meth:`react` send
        through ``sender`` (a ``ZapiClient``). The router does this for its handlers."""
        return attrs.evolve(self, sender=sender)

    def _bound(self) -> EventSender:
        if self._sender is None:
            raise EventNotBoundError(
                "this event is not bound to a client: dispatch it through "
                "WebhookRouter(client=...) or call event.bind(client) first"
            )
        return self._sender

    def _quotable(self) -> str | None:
        return None if self.is_notification else self.message_id

    async def reply_text(
        self,
        text: str,
        *,
        quote: bool = True,
        delay_message: int | None = None,
        delay_typing: int | None = None,
    ) -> SendResult:
        """Send ``text`` to this chat (``phone``), quoting this message unless
        ``quote=False`` (notifications are never quoted). Returns Z-API's result."""
        message = TextMessage(
            self.phone,
            text,
            delay_message=delay_message,
            delay_typing=delay_typing,
            message_id=self._quotable() if quote else None,
        )
        return (await self._bound().send(message))[0]

    async def reply(self, message: Message, *, quote: bool = True) -> list[SendResult]:
        """Send any message model. When it goes to this chat, has a ``message_id``
        field left at ``None`` and ``quote`` is true, it quotes this message."""
        quoted = self._quotable() if quote else None
        cls: Any = type(message)
        if (
            quoted is not None
            and message.phone == self.phone
            and attrs.has(cls)
            and "message_id" in attrs.fields_dict(cls)
            and getattr(message, "message_id", None) is None
        ):
            message = attrs.evolve(cast(Any, message), message_id=quoted)
        return await self._bound().send(message)

    async def react(self, emoji: str) -> SendResult:
        """React to this message with ``emoji`` (``POST /send-reaction``)."""
        target = self._quotable()
        if target is None:
            raise ValidationError(
                "ReceivedCallback.message_id",
                "is missing: only a message (not a notification) can be reacted to",
            )
        return (await self._bound().send(ReactionRequest(self.phone, emoji, target)))[0]
