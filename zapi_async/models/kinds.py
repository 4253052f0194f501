"""What an incoming ``ReceivedCallback`` carries: :class:`MessageKind` and the
:class:`NotificationType` values Z-API documents.

Both are ``str`` enums: members compare equal to their strings, so
``event.kind == "image"`` and ``event.notification == NotificationType.CALL_VOICE``
both work. The event keeps ``notification`` as the string Z-API sent, so values
Z-API adds later still parse (:attr:`~zapi_async.webhooks.ReceivedCallback.known_notification`
is then ``None``).
"""

from __future__ import annotations

import enum

__all__ = ["CONTENT_KINDS", "MessageKind", "NotificationType"]


class MessageKind(str, enum.Enum):
    """The kind of a ``ReceivedCallback``: its content object, or what it is instead.

    Content kinds are named after the event attribute holding the content
    (``event.poll_vote`` -> ``MessageKind.POLL_VOTE``). Besides those:
    ``NOTIFICATION`` (a system notification, no message), ``WAITING`` (WhatsApp has
    not delivered the content yet: ``waitingMessage``) and ``OTHER`` (content this
    library does not type; see ``event.content``).
    """

    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    DOCUMENT = "document"
    STICKER = "sticker"
    LOCATION = "location"
    CONTACT = "contact"
    REACTION = "reaction"
    POLL = "poll"
    POLL_VOTE = "poll_vote"
    BUTTON_REPLY = "button_reply"
    LIST_REPLY = "list_reply"
    BUTTONS_MESSAGE = "buttons_message"
    HYDRATED_TEMPLATE = "hydrated_template"
    CAROUSEL_MESSAGE = "carousel_message"
    PIX_KEY_MESSAGE = "pix_key_message"
    EVENT = "event"
    EVENT_RESPONSE = "event_response"
    PIN_MESSAGE = "pin_message"
    REQUEST_PAYMENT = "request_payment"
    SEND_PAYMENT = "send_payment"
    PRODUCT = "product"
    ORDER = "order"
    REVIEW_AND_PAY = "review_and_pay"
    REVIEW_ORDER = "review_order"
    NEWSLETTER_ADMIN_INVITE = "newsletter_admin_invite"
    NOTIFICATION = "notification"
    WAITING = "waiting"
    OTHER = "other"


#: The kinds that are a content object, in the order they are looked for.
CONTENT_KINDS: tuple[MessageKind, ...] = tuple(
    kind
    for kind in MessageKind
    if kind not in (MessageKind.NOTIFICATION, MessageKind.WAITING, MessageKind.OTHER)
)


class NotificationType(str, enum.Enum):
    """System notifications Z-API documents (``notification`` of a ``ReceivedCallback``).

    ``notificationParameters`` holds, per type: calls ``[]`` (plus ``callId``);
    ``GROUP_CREATE`` the group name; ``GROUP_PARTICIPANT_*`` the participants;
    ``MEMBERSHIP_APPROVAL_REQUEST`` ``[requester]`` (``requestMethod: invite_link``)
    or ``[requester, adder]`` (``non_admin_add``); ``NEWSLETTER_ADMIN_PROMOTE`` /
    ``_DEMOTE`` ``[phone, "ADMIN" | "SUBSCRIBER"]``; ``CHAT_LABEL_ASSOCIATION``
    ``[{phone, label, assigned}]``; ``PAYMENT_ACTION_REQUEST_DECLINED``
    ``[phone, currency, amount]``.
    """

    CALL_VOICE = "CALL_VOICE"
    CALL_MISSED_VOICE = "CALL_MISSED_VOICE"
    CALL_MISSED_VIDEO = "CALL_MISSED_VIDEO"
    GROUP_CREATE = "GROUP_CREATE"
    GROUP_PARTICIPANT_ADD = "GROUP_PARTICIPANT_ADD"
    GROUP_PARTICIPANT_REMOVE = "GROUP_PARTICIPANT_REMOVE"
    GROUP_PARTICIPANT_LEAVE = "GROUP_PARTICIPANT_LEAVE"
    MEMBERSHIP_APPROVAL_REQUEST = "MEMBERSHIP_APPROVAL_REQUEST"
    REVOKED_MEMBERSHIP_REQUESTS = "REVOKED_MEMBERSHIP_REQUESTS"
    GROUP_MEMBER_LINK_PROPERTY_UPDATE = "GROUP_MEMBER_LINK_PROPERTY_UPDATE"
    NEWSLETTER_ADMIN_PROMOTE = "NEWSLETTER_ADMIN_PROMOTE"
    NEWSLETTER_ADMIN_DEMOTE = "NEWSLETTER_ADMIN_DEMOTE"
    PROFILE_NAME_UPDATED = "PROFILE_NAME_UPDATED"
    PROFILE_PICTURE_UPDATED = "PROFILE_PICTURE_UPDATED"
    CHAT_LABEL_ASSOCIATION = "CHAT_LABEL_ASSOCIATION"
    PAYMENT_ACTION_REQUEST_DECLINED = "PAYMENT_ACTION_REQUEST_DECLINED"
    E2E_ENCRYPTED = "E2E_ENCRYPTED"
    CIPHERTEXT = "CIPHERTEXT"
    BLUE_MSG_SELF_PREMISE_VERIFIED = "BLUE_MSG_SELF_PREMISE_VERIFIED"
    BLUE_MSG_SELF_PREMISE_UNVERIFIED = "BLUE_MSG_SELF_PREMISE_UNVERIFIED"
    BIZ_MOVE_TO_CONSUMER_APP = "BIZ_MOVE_TO_CONSUMER_APP"
    REVOKE = "REVOKE"
