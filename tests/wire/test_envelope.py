"""Every message model survives its envelope: ``{kind, endpoint, body}`` and back."""

from __future__ import annotations

from typing import Any

import pytest

from tests.models.test_content_golden import GOLDEN as CONTENT
from tests.models.test_message_family import GOLDEN as FAMILY
from zapi_async import TextMessage, ValidationError, WireFormatError
from zapi_async.wire import message_from_envelope, message_to_envelope
from zapi_async.wire.codec import dumps, loads
from zapi_async.wire.envelope import MESSAGE_KINDS

MODELS = [case[1] for case in CONTENT + FAMILY if type(case[1]).__name__ in MESSAGE_KINDS]


@pytest.mark.parametrize("model", MODELS, ids=[type(m).__name__ for m in MODELS])
def test_every_kind_round_trips_through_json(model: Any) -> None:
    envelope = loads(dumps(message_to_envelope(model)))
    assert envelope["kind"] == type(model).__name__
    assert envelope["endpoint"] == model.endpoint
    assert message_from_envelope(envelope) == model


def test_every_kind_is_covered() -> None:
    assert {type(m).__name__ for m in MODELS} | {"TextMessage", "ButtonActionsMessage"} >= (
        set(MESSAGE_KINDS) - {"ReadMessage", "ForwardMessage", "ButtonListMessage"}
    )


def test_bad_envelopes_are_refused() -> None:
    with pytest.raises(ValidationError, match="should be a message model"):
        message_to_envelope("hi")  # type: ignore[arg-type]
    with pytest.raises(WireFormatError, match=r"unknown message kind 'Nope' @ \$\.kind"):
        message_from_envelope({"kind": "Nope", "endpoint": "x", "body": {}})
    with pytest.raises(WireFormatError, match=r"required field missing @ \$\.message"):
        message_from_envelope(
            {"kind": "TextMessage", "endpoint": "send-text", "body": {"phone": "5511999999999"}}
        )
    assert (
        message_from_envelope(message_to_envelope(TextMessage("5511999999999", "hi"))).phone
        == "5511999999999"
    )
