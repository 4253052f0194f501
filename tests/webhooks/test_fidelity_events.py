"""Issue 15: notifications, placeholders, identity and routing fields parse as Z-API
sends them (golden payloads in payloads/zapi_docs/)."""

from __future__ import annotations

from typing import Any

import pytest

from zapi_async import ChatKind
from zapi_async.webhooks import (
    ExternalAdReply,
    MessageKind,
    NotificationType,
    ReceivedCallback,
    parse_webhook,
)

from ._docs_corpus import load_doc


def received(name: str, **changes: Any) -> ReceivedCallback:
    event = parse_webhook({**load_doc(name), **changes})
    assert isinstance(event, ReceivedCallback), getattr(event, "error", None)
    return event


@pytest.mark.parametrize(
    ("name", "notification", "parameters", "call_id"),
    [
        ("call_voice", "CALL_VOICE", (), "F44E0E2011E7C784BB9A4AC11749C436"),
        ("call_missed_voice", "CALL_MISSED_VOICE", (), "F44E0E2011E7C784BB9A4AC11749C436"),
        ("membership_invite_link", "MEMBERSHIP_APPROVAL_REQUEST", ("5511987654321",), None),
        (
            "membership_non_admin_add",
            "MEMBERSHIP_APPROVAL_REQUEST",
            ("5511987654321", "5511933334444"),
            None,
        ),
        ("membership_revoked", "REVOKED_MEMBERSHIP_REQUESTS", ("5511987654321",), None),
        ("group_link_admin_only", "GROUP_MEMBER_LINK_PROPERTY_UPDATE", (), None),
        ("newsletter_admin_promote", "NEWSLETTER_ADMIN_PROMOTE", ("5511987654321", "ADMIN"), None),
        (
            "newsletter_admin_demote",
            "NEWSLETTER_ADMIN_DEMOTE",
            ("5511987654321", "SUBSCRIBER"),
            None,
        ),
        (
            "payment_declined",
            "PAYMENT_ACTION_REQUEST_DECLINED",
            ("5511987654321", "BRL", "1000"),
            None,
        ),
        ("profile_name_updated", "PROFILE_NAME_UPDATED", (), None),
        ("profile_picture_updated", "PROFILE_PICTURE_UPDATED", (), None),
        (
            "chat_label_association",
            "CHAT_LABEL_ASSOCIATION",
            (
                {"phone": "5511977777777", "label": "1", "assigned": True},
                {"phone": "5511988888888", "label": "2", "assigned": False},
            ),
            None,
        ),
    ],
)
def test_notifications_parse_as_received_callbacks(
    name: str, notification: str, parameters: tuple[Any, ...], call_id: str | None
) -> None:
    event = received(name)
    assert event.notification == notification
    assert event.known_notification is NotificationType(notification)
    assert event.notification_parameters == parameters
    assert event.call_id == call_id
    assert event.is_notification
    assert event.kind is MessageKind.NOTIFICATION
    assert (event.text, event.image, event.content) == (None, None, {})


def test_an_unknown_notification_still_parses() -> None:
    event = received("call_voice", notification="CALL_ON_THE_MOON", callId=None)
    assert event.notification == "CALL_ON_THE_MOON"
    assert event.known_notification is None
    assert event.kind is MessageKind.NOTIFICATION


def test_notifications_without_or_with_a_numeric_message_id() -> None:
    profile = received("profile_name_updated")
    assert profile.message_id is None
    assert (profile.profile_name, profile.from_me) == ("Shop Support", True)
    assert profile.dedup_key == (
        "notification:3C01A7B2D4E5F6A7B8C9D0E1F2A3B4C5:5511987654321:PROFILE_NAME_UPDATED:"
        "1736797729000"
    )
    assert received("profile_picture_updated").updated_photo == (
        "https://pps.whatsapp.net/v/t61/new.jpg"
    )
    promote = received("newsletter_admin_promote")
    assert promote.message_id == "464201093"  # sent as a number, kept as its string


def test_notification_extras() -> None:
    link = received("group_link_admin_only")
    assert (link.link_mode, link.participant_lid, link.code, link.expires_at) == (
        "ADMIN_LINK",
        "99999999999999@lid",
        None,
        None,
    )
    assert received("membership_invite_link").request_method == "invite_link"
    assert received("membership_non_admin_add").request_method == "non_admin_add"


def test_is_group_and_is_newsletter_follow_the_id_form() -> None:
    channel = received("newsletter_admin_promote")  # isNewsletter: false in the payload
    assert (channel.is_newsletter, channel.is_group, channel.chat_kind) == (
        True,
        False,
        ChatKind.NEWSLETTER,
    )
    group = received("membership_non_admin_add")  # isGroup: false in the payload
    assert (group.is_group, group.chat_kind) == (True, ChatKind.GROUP)
    assert received("text_preview").is_group is False


def test_waiting_message_is_a_placeholder_not_an_empty_message() -> None:
    event = received("waiting_message")
    assert (event.waiting_message, event.view_once, event.kind) == (True, True, MessageKind.WAITING)
    assert event.text is None
    assert event.content == {}
    assert event.dedup_key == (
        "received:3C01A7B2D4E5F6A7B8C9D0E1F2A3B4C5:3EB0WAIT000000000001:waiting"
    )
    real = received("waiting_message", waitingMessage=False, text={"message": "here it is"})
    assert real.dedup_key != event.dedup_key  # the delivered content is not dropped


def test_identity_fields() -> None:
    lid = received("text_lid_only")
    assert (lid.phone, lid.chat_lid, lid.chat_kind) == (
        "73920184650213@lid",
        "73920184650213@lid",
        ChatKind.LID,
    )
    assert received("text_preview").sender_lid == "73920184650213@lid"
    echo = received("text_api_echo")
    assert (echo.from_me, echo.from_api, echo.is_own, echo.status) == (True, True, True, "SENT")
    assert received("text_preview").is_own is False


def test_edits_forwards_and_expiring_messages() -> None:
    edit = received("text_edited")
    assert edit.is_edit
    assert edit.dedup_key == (
        "received:3C01A7B2D4E5F6A7B8C9D0E1F2A3B4C5:3EB0A1B2C3D4E5F60718:edit:1718036460000"
    )
    assert edit.dedup_key != received("text_preview").dedup_key
    ptv = received("video_ptv")
    assert (ptv.forwarded, ptv.message_expiration_seconds) == (True, 0)


def test_status_replies_broadcast_lists_and_ads() -> None:
    reply = received("status_reply")
    assert reply.is_status_reply
    assert reply.status_image is not None
    assert reply.status_image.mimetype == "image/jpeg"
    assert reply.reference_message_id == "3EB054C12BAAC70228AAB6"
    sent = received("broadcast_list_send")
    assert (sent.broadcast, sent.chat_kind, sent.participant_lid) == (
        True,
        ChatKind.BROADCAST,
        "93810274650011@lid",
    )
    assert sent.broadcast_recipients == ("126104585119999", "138955211189999")
    ad = received("text_ad")
    assert isinstance(ad.external_ad_reply, ExternalAdReply)
    assert (ad.external_ad_reply.source_type, ad.external_ad_reply.media_type) == ("ad", 1)
    assert ad.message_expiration_seconds == 0


def test_empty_optional_strings_are_kept() -> None:
    event = received("call_missed_voice")
    assert event.sender_name == ""
    channel = received("broadcast_list_send")
    assert channel.chat_name == ""


def test_momment_in_milliseconds_or_seconds() -> None:
    ms = received("text_preview")
    seconds = received("text_preview", momment=1718036400)
    assert ms.moment == seconds.moment
    assert ms.moment is not None
    assert ms.moment.isoformat() == "2024-06-10T16:20:00+00:00"


def test_a_single_notification_parameter_becomes_a_tuple() -> None:
    event = received(
        "membership_revoked", notification="GROUP_CREATE", notificationParameters="Team"
    )
    assert event.notification_parameters == ("Team",)
