"""parse_webhook: the corpus, tolerance, and clear errors for malformed bodies."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

import pytest

from zapi_async.errors import WebhookError
from zapi_async.webhooks import (
    ButtonReply,
    ConnectedCallback,
    DeliveryCallback,
    DisconnectedCallback,
    ListReply,
    MessageStatus,
    MessageStatusCallback,
    PresenceChatCallback,
    ReceivedCallback,
    TextContent,
    UnknownEvent,
    WebhookEvent,
    parse_webhook,
)
from zapi_async.wire import converter

from ._corpus import INSTANCE, NAMES, PAYLOADS, load_payload, payload_bytes

IDS = ("D241A5B6732339502B68", "D241B0C1D2E3F4A5B6C7")


def test_button_reply() -> None:
    event = parse_webhook(payload_bytes("received_button"))
    assert event == ReceivedCallback(
        instance_id=INSTANCE,
        message_id="3EB0C4F2A1B2C3D4E5F6",
        phone="5511999999999",
        from_me=False,
        momment=1718036400000,
        status="RECEIVED",
        chat_name="Maria Silva",
        sender_name="Maria Silva",
        sender_photo="https://pps.whatsapp.net/v/t61/maria.jpg",
        photo="https://pps.whatsapp.net/v/t61/maria.jpg",
        connected_phone="554498398733",
        sender_lid="81896604192873@lid",
        reference_message_id="D241A5B6732339502B68",
        button_reply=ButtonReply(button_id="agent", message="Talk to an agent"),
    )
    assert event.button_id == "agent"
    assert event.moment == datetime(2024, 6, 10, 16, 20, tzinfo=timezone.utc)
    assert event.type == "ReceivedCallback"
    assert event.content == {}
    assert event.raw == load_payload("received_button")
    assert event.dedup_key == f"received:{INSTANCE}:3EB0C4F2A1B2C3D4E5F6"


def test_list_reply() -> None:
    event = parse_webhook(payload_bytes("received_list"))
    assert isinstance(event, ReceivedCallback)
    assert event.list_reply == ListReply(
        message="Pick a plan", title="Premium", selected_row_id="plan-premium"
    )
    assert event.chat_name == "João"
    assert event.button_reply is None
    assert event.button_id is None
    assert event.text is None


def test_text_and_group_text() -> None:
    text = parse_webhook(payload_bytes("received_text"))
    assert isinstance(text, ReceivedCallback)
    assert text.text == TextContent(message="hello, is anyone there?")
    assert (text.is_group, text.participant_phone, text.reference_message_id) == (False, None, None)
    group = parse_webhook(payload_bytes("received_text_group"))
    assert isinstance(group, ReceivedCallback)
    assert (group.phone, group.is_group, group.participant_phone) == (
        "120363019502650977-group",
        True,
        "5511966665555",
    )


def test_image_content_is_typed_and_raw_stays_available() -> None:
    event = parse_webhook(payload_bytes("received_image"))
    assert isinstance(event, ReceivedCallback)
    assert (event.text, event.button_reply, event.list_reply) == (None, None, None)
    assert event.image is not None
    assert event.image.image_url == "https://storage.z-api.io/instances/3C01/image.jpeg"
    assert event.content == {}  # typed content is not repeated in ``content``
    assert event.raw["image"] == load_payload("received_image")["image"]


def test_untyped_content_is_kept_raw() -> None:
    event = parse_webhook({**load_payload("received_image"), "brandNewThing": {"a": 1}})
    assert isinstance(event, ReceivedCallback)
    assert event.content == {"brandNewThing": {"a": 1}}


def test_unknown_fields_and_nulls_are_tolerated() -> None:
    event = parse_webhook(payload_bytes("received_extra_nulls"))
    assert event == ReceivedCallback(
        instance_id=INSTANCE,
        message_id="3EB0NULLS0000000001",
        phone="5511944443333",
        momment=1718036760000,
        reference_message_id="D241A5B6732339502B68",
        button_reply=ButtonReply(button_id="agent", message="Talk to an agent"),
        content={"futureObject": {"nested": [1, 2, 3], "deeper": {"x": None}}},
    )
    assert event.from_me is False
    assert event.is_group is False
    # Unmodelled objects stay reachable; nulls are not content.
    assert event.content == {"futureObject": {"nested": [1, 2, 3], "deeper": {"x": None}}}
    assert event.raw["brandNewFlag"] is True


def test_delivery() -> None:
    event = parse_webhook(payload_bytes("delivery"))
    assert event == DeliveryCallback(
        instance_id=INSTANCE,
        message_id="D241A5B6732339502B68",
        phone="5511999999999",
        zaap_id="3999984263738042930CD6ECDE9VDWSA",
    )
    assert event.dedup_key == f"delivery:{INSTANCE}:D241A5B6732339502B68"
    assert event.ok is True
    assert (event.momment, event.moment, event.error, event.error_code) == (None, None, None, None)


def test_failed_delivery_carries_the_error_and_the_moment() -> None:
    event = parse_webhook(payload_bytes("delivery_failed"))
    assert event == DeliveryCallback(
        instance_id=INSTANCE,
        message_id="D241B0C1D2E3F4A5B6C7",
        phone="5511999999999",
        zaap_id="3999984263738042930CD6ECDE9VFAIL",
        momment=1718037000000,
        error="The message was not sent due to a likely shadow ban",
        error_code="SHADOW_BAN",
    )
    assert event.ok is False
    assert event.moment == datetime(2024, 6, 10, 16, 30, tzinfo=timezone.utc)
    # A failure and a later success for the same message are two events, not duplicates.
    assert event.dedup_key == f"delivery:{INSTANCE}:D241B0C1D2E3F4A5B6C7:error"
    success = parse_webhook({**load_payload("delivery_failed"), "error": None, "errorCode": None})
    assert isinstance(success, DeliveryCallback)
    assert success.ok is True
    assert success.dedup_key == f"delivery:{INSTANCE}:D241B0C1D2E3F4A5B6C7"


def test_delivery_without_message_id_falls_back_to_the_zaap_id() -> None:
    event = parse_webhook(payload_bytes("delivery_zaap_only"))
    assert event == DeliveryCallback(
        instance_id=INSTANCE,
        message_id="A20DA9C0183A2D35A260F53F5D2B9244",
        phone="5511999999999",
        zaap_id="A20DA9C0183A2D35A260F53F5D2B9244",
    )
    assert event.ok is True
    assert event.dedup_key == f"delivery:{INSTANCE}:A20DA9C0183A2D35A260F53F5D2B9244"
    # Built by hand the same way; with no id at all it is never deduplicated.
    assert DeliveryCallback(zaap_id="Z").message_id == "Z"
    assert DeliveryCallback(message_id="M", zaap_id="Z").message_id == "M"
    bare = parse_webhook({"type": "DeliveryCallback", "phone": "5511999999999"})
    assert isinstance(bare, DeliveryCallback)
    assert (bare.message_id, bare.zaap_id, bare.dedup_key) == (None, None, None)


@pytest.mark.parametrize(
    ("name", "status", "known"),
    [
        ("status_sent", "SENT", MessageStatus.SENT),
        ("status_received", "RECEIVED", MessageStatus.RECEIVED),
        ("status_read", "READ", MessageStatus.READ),
        ("status_read_by_me", "READ_BY_ME", MessageStatus.READ_BY_ME),
        ("status_played", "PLAYED", MessageStatus.PLAYED),
        ("status_future", "DELETED_FOR_EVERYONE", None),
    ],
)
def test_message_status(name: str, status: str, known: MessageStatus | None) -> None:
    event = parse_webhook(payload_bytes(name))
    assert event == MessageStatusCallback(
        instance_id=INSTANCE,
        status=status,
        ids=IDS,
        phone="5511999999999",
        momment=1718036800000,
        is_group=False,
    )
    assert event.known_status is known
    assert event.moment == datetime(2024, 6, 10, 16, 26, 40, tzinfo=timezone.utc)
    assert event.dedup_key == f"status:{INSTANCE}:{status}:{IDS[0]},{IDS[1]}"


def test_momment_in_seconds_is_read_as_seconds() -> None:
    # Z-API's own DisconnectedCallback example: 1580163342 is seconds, not milliseconds.
    event = parse_webhook(payload_bytes("disconnected_seconds"))
    assert event == DisconnectedCallback(
        instance_id=INSTANCE,
        disconnected=True,
        error="Device has been disconnected",
        momment=1580163342,
    )
    assert event.moment == datetime(2020, 1, 27, 22, 15, 42, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("momment", "moment"),
    [
        (1580163342, datetime(2020, 1, 27, 22, 15, 42, tzinfo=timezone.utc)),  # seconds
        (1580163342000, datetime(2020, 1, 27, 22, 15, 42, tzinfo=timezone.utc)),  # ms
        (1580163342123, datetime(2020, 1, 27, 22, 15, 42, 123000, tzinfo=timezone.utc)),
        (10**11 - 1, datetime(5138, 11, 16, 9, 46, 39, tzinfo=timezone.utc)),  # last seconds
        (10**11, datetime(1973, 3, 3, 9, 46, 40, tzinfo=timezone.utc)),  # first milliseconds
        (0, datetime(1970, 1, 1, tzinfo=timezone.utc)),
    ],
)
def test_momment_below_10_to_the_11_is_seconds_else_milliseconds(
    momment: int, moment: datetime
) -> None:
    for body in (
        {"type": "ConnectedCallback", "momment": momment},
        {"type": "DeliveryCallback", "messageId": "M", "momment": momment},
        {"type": "MessageStatusCallback", "status": "READ", "momment": momment},
        {"type": "ReceivedCallback", "messageId": "M", "phone": "1", "momment": momment},
    ):
        event = parse_webhook(body)
        assert event.moment == moment, body  # type: ignore[union-attr]


def test_out_of_range_momment_gives_no_moment() -> None:
    event = parse_webhook({"type": "ConnectedCallback", "momment": 10**20})
    assert isinstance(event, ConnectedCallback)
    assert (event.momment, event.moment) == (10**20, None)


def test_status_members_compare_equal_to_strings() -> None:
    assert MessageStatus.READ == "READ"
    assert [m.value for m in MessageStatus] == ["SENT", "RECEIVED", "READ", "READ_BY_ME", "PLAYED"]


def test_status_dedup_key_ignores_id_order() -> None:
    a = parse_webhook({"type": "MessageStatusCallback", "status": "READ", "ids": ["b", "a"]})
    b = parse_webhook({"type": "MessageStatusCallback", "status": "READ", "ids": ["a", "b"]})
    assert a.dedup_key == b.dedup_key == "status::READ:a,b"


def test_connection_events() -> None:
    connected = parse_webhook(payload_bytes("connected"))
    assert connected == ConnectedCallback(
        instance_id=INSTANCE, connected=True, phone="554498398733", momment=1718036900000
    )
    disconnected = parse_webhook(payload_bytes("disconnected"))
    assert disconnected == DisconnectedCallback(
        instance_id=INSTANCE,
        disconnected=True,
        error="Device has been disconnected",
        momment=1718036960000,
    )
    assert disconnected.moment == datetime(2024, 6, 10, 16, 29, 20, tzinfo=timezone.utc)
    assert connected.dedup_key is None
    assert disconnected.dedup_key is None


def test_presence() -> None:
    event = parse_webhook(payload_bytes("presence"))
    assert event == PresenceChatCallback(
        instance_id=INSTANCE, phone="5511999999999", status="COMPOSING", last_seen=None
    )


def test_a_content_object_that_does_not_fit_is_kept_raw(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = {
        "type": "ReceivedCallback",
        "messageId": "M",
        "phone": "1",
        "buttonsResponseMessage": {"buttonId": 5},
    }
    with caplog.at_level(logging.WARNING, logger="zapi_async.webhooks"):
        event = parse_webhook(body)
    assert isinstance(event, ReceivedCallback)  # the event still routes
    assert event.button_reply is None
    assert event.content == {"buttonsResponseMessage": {"buttonId": 5}}
    assert caplog.messages == [
        "webhook content buttonsResponseMessage did not fit its model, kept raw: "
        "expected a string, got a number @ $.buttonId"
    ]


def test_nested_problems_are_reported_with_wire_paths() -> None:
    event = parse_webhook({"type": "ReceivedCallback", "messageId": "M", "fromApi": "yes"})
    assert isinstance(event, UnknownEvent)
    assert event.error == (
        "required field missing @ $.phone; expected true or false, got a string @ $.fromApi"
    )


def test_unknown_type_keeps_raw() -> None:
    event = parse_webhook(payload_bytes("unknown_type"))
    assert event == UnknownEvent(instance_id=INSTANCE, raw=load_payload("unknown_type"))
    assert event.type == "ChatLabelAssociationCallback"
    assert event.error is None
    assert event.dedup_key is None


@pytest.mark.parametrize("body", [{}, {"type": 7}, {"type": None, "x": 1}])
def test_missing_or_odd_type_is_unknown(body: dict[str, object]) -> None:
    event = parse_webhook(body)
    assert event == UnknownEvent(raw=body)
    assert event.type is None


def test_a_misfit_known_type_becomes_unknown_with_the_reason(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = {"type": "ReceivedCallback", "phone": "5511999999999", "fromMe": "nope"}
    with caplog.at_level(logging.WARNING, logger="zapi_async.webhooks"):
        event = parse_webhook(body)
    assert isinstance(event, UnknownEvent)
    assert event.type == "ReceivedCallback"
    assert event.error == ("expected true or false, got a string @ $.fromMe")
    assert caplog.messages == [
        f"webhook ReceivedCallback did not fit its model, kept as UnknownEvent: {event.error}"
    ]
    assert "nope" not in caplog.text  # payload values are not logged


def test_accepts_bytes_str_and_dict_alike() -> None:
    raw = payload_bytes("delivery")
    assert (
        parse_webhook(raw) == parse_webhook(raw.decode()) == parse_webhook(load_payload("delivery"))
    )
    assert parse_webhook(bytearray(raw)) == parse_webhook(raw)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"", "webhook body is not valid JSON: Expecting value at line 1 column 1"),
        (b'{"type": ', "webhook body is not valid JSON: Expecting value at line 1 column 10"),
        ("[1, 2]", "webhook body must be a JSON object, got an array"),
        (b'"text"', "webhook body must be a JSON object, got a string"),
        (b"42", "webhook body must be a JSON object, got a number"),
        (b"null", "webhook body must be a JSON object, got null"),
        (b"true", "webhook body must be a JSON object, got a boolean"),
        (b"\xff\xfe{}", "webhook body is not UTF-8 text: invalid start byte"),
    ],
)
def test_malformed_bodies_raise_webhook_error(body: bytes | str, message: str) -> None:
    with pytest.raises(WebhookError) as info:
        parse_webhook(body)
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)


def test_the_project_converter_structures_the_base_class() -> None:
    event = converter.structure(load_payload("received_text"), WebhookEvent)
    assert isinstance(event, ReceivedCallback)
    assert event.text == TextContent(message="hello, is anyone there?")
    assert isinstance(converter.structure({"type": "Nope"}, WebhookEvent), UnknownEvent)


def test_every_corpus_file_parses_to_a_typed_event() -> None:
    names = sorted(p.stem for p in PAYLOADS.glob("*.json"))
    assert tuple(names) == NAMES
    kinds = {name: type(parse_webhook(payload_bytes(name))).__name__ for name in names}
    assert [n for n, k in kinds.items() if k == "UnknownEvent"] == ["unknown_type"]


def test_raw_is_not_in_repr_or_equality() -> None:
    a = parse_webhook(payload_bytes("delivery"))
    b = parse_webhook({**load_payload("delivery"), "extra": 1})
    assert a == b
    assert "raw" not in repr(a)


def test_type_tag_is_matched_case_insensitively() -> None:
    # Z-API's documentation spells the tag "ReceivedCallBack" in places.
    event = parse_webhook(
        {
            "type": "ReceivedCallBack",
            "instanceId": "I1",
            "messageId": "M9",
            "phone": "5511999999999",
            "momment": 1700000000000,
            "buttonsResponseMessage": {"buttonId": "yes", "message": "Yes"},
        }
    )
    assert isinstance(event, ReceivedCallback)
    assert event.button_id == "yes"
