"""Issue 15: the five chat-id forms, where sends take them, and that each one
round-trips unchanged through every message model and through webhook parsing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zapi_async import (
    ButtonActionsMessage,
    ButtonListImageMessage,
    ButtonListMessage,
    ButtonListVideoMessage,
    ChatKind,
    ListButton,
    ListOption,
    OptionListMessage,
    OtpButtonMessage,
    PixButtonMessage,
    ReplyButton,
    TextMessage,
    ValidationError,
    chat_kind,
)
from zapi_async.models._checks import check_group
from zapi_async.webhooks import ReceivedCallback, parse_webhook
from zapi_async.wire import to_wire


def _digits(low: int, high: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=low, max_size=high)


PHONES = _digits(8, 15)
GROUPS = st.one_of(
    _digits(6, 30).map(lambda d: f"{d}-group"),
    st.tuples(_digits(8, 15), _digits(6, 14)).map(lambda p: f"{p[0]}-{p[1]}"),
)
LIDS = _digits(6, 20).map(lambda d: f"{d}@lid")
NEWSLETTERS = _digits(6, 30).map(lambda d: f"{d}@newsletter")
BROADCASTS = _digits(6, 20).map(lambda d: f"{d}-broadcast")
SENDABLE = st.one_of(
    PHONES.map(lambda v: (v, ChatKind.PHONE)),
    GROUPS.map(lambda v: (v, ChatKind.GROUP)),
    LIDS.map(lambda v: (v, ChatKind.LID)),
    NEWSLETTERS.map(lambda v: (v, ChatKind.NEWSLETTER)),
)

#: Every message model, built for one recipient.
BUILDERS: list[Callable[[str], Any]] = [
    lambda phone: TextMessage(phone, "hi"),
    lambda phone: ButtonActionsMessage(phone, "Pick", [ReplyButton("Yes", id="y")]),
    lambda phone: ButtonListMessage(phone, "Pick", [ListButton("Yes")]),
    lambda phone: ButtonListImageMessage(phone, "Pick", [ListButton("Yes")], "https://x.io/a.png"),
    lambda phone: ButtonListVideoMessage(phone, "Pick", [ListButton("Yes")], "https://x.io/a.mp4"),
    lambda phone: OptionListMessage(phone, "Menu", "Food", "Open", [ListOption("Pizza")]),
    lambda phone: OtpButtonMessage(phone, "Your code", "123456"),
    lambda phone: PixButtonMessage(phone, "pix@example.com", "EMAIL"),
]


@given(SENDABLE, st.sampled_from(BUILDERS))
def test_every_sendable_form_round_trips_through_every_model(
    case: tuple[str, ChatKind], build: Callable[[str], Any]
) -> None:
    chat_id, kind = case
    assert chat_kind(chat_id) is kind
    message = build(chat_id)
    assert message.phone == chat_id
    assert to_wire(message)["phone"] == chat_id


@given(st.one_of(SENDABLE.map(lambda c: c[0]), BROADCASTS))
def test_every_form_round_trips_through_webhook_parsing(chat_id: str) -> None:
    event = parse_webhook(
        {"type": "ReceivedCallback", "messageId": "M", "phone": chat_id, "text": {"message": "x"}}
    )
    assert isinstance(event, ReceivedCallback)
    assert event.phone == chat_id
    assert event.chat_kind is chat_kind(chat_id)
    assert event.is_group is (chat_kind(chat_id) is ChatKind.GROUP)
    assert event.is_newsletter is (chat_kind(chat_id) is ChatKind.NEWSLETTER)


@given(BROADCASTS, st.sampled_from(BUILDERS))
def test_broadcast_lists_are_refused_with_the_reason(
    chat_id: str, build: Callable[[str], Any]
) -> None:
    assert chat_kind(chat_id) is ChatKind.BROADCAST
    with pytest.raises(ValidationError, match="Z-API cannot send to broadcast lists"):
        build(chat_id)


@pytest.mark.parametrize(
    "bad",
    [
        "@lid",
        "123@lid@lid",
        "lid@lid",
        "x-group",
        "-group",
        "120363@newsletter@lid",
        "@newsletter",
        "-broadcast",
        "status@broadcast",
        "5511999998888@c.us",
        "+5511999998888",
        "",
        " 5511999998888",
    ],
)
def test_malformed_ids_have_no_kind_and_are_refused(bad: str) -> None:
    assert chat_kind(bad) is None
    with pytest.raises(ValidationError) as info:
        TextMessage(bad, "hi")
    assert info.value.field == "TextMessage.phone"
    assert info.value.rule.startswith("should be digits only in DDI DDD NUMBER form")
    assert f"but was {bad!r}" in info.value.rule


def test_a_whatsapp_jid_suggests_the_digits() -> None:
    with pytest.raises(ValidationError, match=r"use '5511999998888'$"):
        TextMessage("5511999998888@s.whatsapp.net", "hi")


def test_chat_kind_of_non_strings_is_none() -> None:
    assert chat_kind(5511999998888) is None
    assert chat_kind(None) is None


def test_chat_kind_members_compare_equal_to_their_strings() -> None:
    assert chat_kind("81896604192873@lid") == "lid"
    assert [k.value for k in ChatKind] == ["phone", "group", "lid", "newsletter", "broadcast"]


def test_group_only_check() -> None:
    check_group("Event.phone", "120363019502650977-group")
    with pytest.raises(ValidationError, match="should be a group id"):
        check_group("Event.phone", "81896604192873@lid")
