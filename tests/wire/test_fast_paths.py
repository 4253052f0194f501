"""The hand-written hot-path hooks (wire/fast.py) give exactly what the generic
cattrs hooks give: same keys in the same order, same JSON bytes; the send-result
fast path takes only the common shape and leaves everything else to the strict one."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given

from tests.support.strategies import button_actions_messages
from zapi_async import ButtonActionsMessage, SendResult, WireFormatError
from zapi_async.wire import converter, from_wire, to_wire
from zapi_async.wire.codec import dumps


@given(button_actions_messages())
def test_to_wire_of_a_button_message_is_the_generic_form(message: ButtonActionsMessage) -> None:
    generic = converter.unstructure(message)  # the cattrs-generated hooks
    fast = to_wire(message)
    assert fast == generic
    assert list(fast) == list(generic)
    assert [list(b) for b in fast["buttonActions"]] == [list(b) for b in generic["buttonActions"]]
    assert dumps(fast) == dumps(generic)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"zaapId": "Z", "messageId": "M", "id": "I"}, SendResult("Z", "M", "I")),
        ({"zaapId": "Z", "messageId": "M"}, SendResult("Z", "M", "M")),
        ({"zaapId": "Z", "messageId": "M", "id": "M", "extra": [1]}, SendResult("Z", "M", "M")),
    ],
)
def test_the_common_send_result_shape(body: dict[str, Any], expected: SendResult) -> None:
    assert from_wire(body, SendResult) == expected


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"zaapId": "Z", "messageId": "M", "id": None}, "expected a string, got null @ $.id"),
        ({"zaapId": 1, "messageId": "M"}, "expected a string, got a number @ $.zaapId"),
        ({"messageId": "M"}, "required field missing @ $.zaapId"),
        (["Z", "M"], "expected an object, got an array @ $"),
    ],
)
def test_other_send_result_shapes_keep_the_strict_errors(body: Any, problem: str) -> None:
    with pytest.raises(WireFormatError) as caught:
        from_wire(body, SendResult)
    assert problem in str(caught.value)
