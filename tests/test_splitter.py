"""The splitter: the seed's rule, per-policy caps, properties, and ButtonPolicy itself."""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.support.seed import SEED_CALL_URL_BODY, SEED_REPLY_BODY, seed_message
from tests.support.strategies import button_actions_messages, button_lists, policies
from zapi_async import (
    Button,
    ButtonActionsMessage,
    ButtonPolicy,
    CallButton,
    ReplyButton,
    UrlButton,
    ValidationError,
    check_compliant,
    is_compliant,
    split,
    to_wire,
)

PHONE = "5511999999999"
META = ButtonPolicy.meta()


def call(n: int) -> CallButton:
    return CallButton(f"Call {n}", phone=f"+5544983987{n:02d}", id=f"c{n}")


def url(n: int) -> UrlButton:
    return UrlButton(f"Site {n}", url=f"https://z-api.io/{n}", id=f"u{n}")


def reply(n: int) -> ReplyButton:
    return ReplyButton(f"Reply {n}", id=f"r{n}")


def msg(*buttons: Button, **fields: Any) -> ButtonActionsMessage:
    return ButtonActionsMessage(PHONE, "How can we help?", buttons, **fields)


def layout(parts: list[ButtonActionsMessage]) -> list[list[str | None]]:
    return [[b.id for b in part.buttons] for part in parts]


# --- the seed ------------------------------------------------------------------------


def test_seed_message_splits_into_the_seeds_two_bodies_in_order() -> None:
    parts = split(seed_message())
    assert [to_wire(part) for part in parts] == [SEED_CALL_URL_BODY, SEED_REPLY_BODY]


def test_seed_message_splits_the_same_under_meta_limits() -> None:
    assert [to_wire(p) for p in split(seed_message(), META)] == [
        SEED_CALL_URL_BODY,
        SEED_REPLY_BODY,
    ]


# --- tables --------------------------------------------------------------------------


def test_compliant_message_comes_back_as_the_same_object() -> None:
    for message in (msg(call(1), url(1)), msg(reply(1), reply(2), reply(3)), msg(url(1))):
        parts = split(message)
        assert parts == [message]
        assert parts[0] is message


@pytest.mark.parametrize(
    ("buttons", "policy", "expected"),
    [
        # REPLY first in the input still goes last; order within each group kept.
        ([reply(1), url(1), call(1)], ButtonPolicy(), [["u1", "c1"], ["r1"]]),
        ([reply(1), reply(2), reply(3), reply(4)], ButtonPolicy(), [["r1", "r2", "r3"], ["r4"]]),
        (
            [call(1), url(1), url(2), url(3), reply(1)],
            ButtonPolicy(),
            [["c1", "u1", "u2"], ["u3"], ["r1"]],
        ),
        (
            [call(1), call(2), url(1), url(2)],
            META,
            [["c1", "u1"], ["c2", "u2"]],
        ),
        # Contiguous chunks would need 3 parts; 2 is the minimum.
        (
            [call(1), call(2), url(1), url(2)],
            ButtonPolicy(max_buttons=2, max_call_buttons=1),
            [["c1", "u1"], ["c2", "u2"]],
        ),
        ([url(1), url(2), url(3)], META, [["u1"], ["u2"], ["u3"]]),
        (
            [reply(i) for i in range(1, 6)],
            ButtonPolicy(max_buttons=5, max_reply_buttons=2),
            [["r1", "r2"], ["r3", "r4"], ["r5"]],
        ),
        ([call(1), reply(1)], ButtonPolicy(max_buttons=1), [["c1"], ["r1"]]),
    ],
)
def test_split_layouts(
    buttons: list[Button], policy: ButtonPolicy, expected: list[list[str]]
) -> None:
    assert layout(split(msg(*buttons), policy)) == expected


def test_parts_share_the_message_fields_and_repeat_the_image_by_default() -> None:
    image = "https://app.z-api.io/logos/zapi-dark.png"
    message = msg(call(1), reply(1), title="T", footer="F", image=image, delay_message=4)
    parts = split(message)
    assert [(p.phone, p.message, p.title, p.footer, p.image, p.delay_message) for p in parts] == [
        (PHONE, "How can we help?", "T", "F", image, 4)
    ] * 2


def test_image_only_on_the_first_part_when_asked() -> None:
    image = "https://app.z-api.io/logos/zapi-dark.png"
    parts = split(
        msg(call(1), reply(1), reply(2), image=image),
        ButtonPolicy(max_reply_buttons=1, image_on_every_part=False),
    )
    assert [p.image for p in parts] == [image, None, None]
    assert "image" not in to_wire(parts[1])


def test_parts_are_valid_messages() -> None:
    for part in split(msg(call(1), url(1), reply(1), reply(2), reply(3), reply(4))):
        assert attrs.evolve(part) == part  # re-running every check passes


def test_is_compliant_and_check_compliant() -> None:
    mixed = msg(call(1), reply(1))
    assert not is_compliant(mixed)
    with pytest.raises(ValidationError) as info:
        check_compliant(mixed)
    assert info.value.field == "ButtonActionsMessage.buttons"
    assert info.value.rule == (
        "should not mix REPLY buttons with CALL/URL buttons (WhatsApp Web fails); "
        "send them apart, or let split() do it"
    )
    assert is_compliant(msg(call(1), url(1)))
    check_compliant(msg(call(1), url(1)))


def test_check_compliant_lists_every_broken_rule() -> None:
    with pytest.raises(ValidationError) as info:
        check_compliant(msg(call(1), call(2), url(1), reply(1)), META)
    assert str(info.value) == (
        "ButtonActionsMessage.buttons: should not mix REPLY buttons with CALL/URL buttons "
        "(WhatsApp Web fails); send them apart, or let split() do it; "
        "also ButtonActionsMessage.buttons: should have at most 3 buttons, but has 4; "
        "also ButtonActionsMessage.buttons: should have at most 1 CALL buttons, but has 2"
    )


# --- length limits -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("message", "field", "rule"),
    [
        (
            msg(ReplyButton("x" * 21)),
            "ButtonActionsMessage.buttons[0].label",
            f"should be at most 20 characters, but {'x' * 21!r} has 21",
        ),
        (
            ButtonActionsMessage(PHONE, "m" * 1025, [reply(1)]),
            "ButtonActionsMessage.message",
            "should be at most 1024 characters, but has 1025",
        ),
        (
            msg(reply(1), title="t" * 61),
            "ButtonActionsMessage.title",
            "should be at most 60 characters, but has 61",
        ),
        (
            msg(reply(1), footer="f" * 61),
            "ButtonActionsMessage.footer",
            "should be at most 60 characters, but has 61",
        ),
    ],
)
def test_meta_length_limits_raise(message: ButtonActionsMessage, field: str, rule: str) -> None:
    assert not is_compliant(message, META)
    for action in (split, check_compliant):
        with pytest.raises(ValidationError) as info:
            action(message, META)
        assert (info.value.field, info.value.rule) == (field, rule)


def test_meta_length_limits_are_inclusive() -> None:
    message = ButtonActionsMessage(
        PHONE, "m" * 1024, [ReplyButton("x" * 20)], title="t" * 60, footer="f" * 60
    )
    assert split(message, META) == [message]
    assert is_compliant(ButtonActionsMessage(PHONE, "m" * 5000, [ReplyButton("x" * 99)]))


def test_length_limits_checked_before_splitting() -> None:
    with pytest.raises(ValidationError) as info:
        split(msg(call(1), ReplyButton("A label that is too long")), META)
    assert info.value.field == "ButtonActionsMessage.buttons[1].label"


# --- ButtonPolicy --------------------------------------------------------------------


def test_policy_defaults_and_meta() -> None:
    assert ButtonPolicy() == ButtonPolicy(
        max_buttons=3,
        max_call_buttons=None,
        max_url_buttons=None,
        max_reply_buttons=None,
        max_label_length=None,
        max_message_length=None,
        max_title_length=None,
        max_footer_length=None,
        image_on_every_part=True,
    )
    assert attrs.asdict(META) == {
        "max_buttons": 3,
        "max_call_buttons": 1,
        "max_url_buttons": 1,
        "max_reply_buttons": 3,
        "max_label_length": 20,
        "max_message_length": 1024,
        "max_title_length": 60,
        "max_footer_length": 60,
        "image_on_every_part": True,
    }
    assert [META.cap(k) for k in ("CALL", "URL", "REPLY")] == [1, 1, 3]
    assert [
        ButtonPolicy(max_buttons=2, max_reply_buttons=5).cap(k) for k in ("CALL", "URL", "REPLY")
    ] == [2, 2, 2]


def test_policy_cap_rejects_unknown_kinds() -> None:
    with pytest.raises(ValueError, match="unknown button kind 'LIST'"):
        ButtonPolicy().cap("LIST")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "field", "rule"),
    [
        ({"max_buttons": 0}, "ButtonPolicy.max_buttons", "should be a positive integer, but was 0"),
        ({"max_buttons": None}, "ButtonPolicy.max_buttons", "but was None"),
        ({"max_buttons": True}, "ButtonPolicy.max_buttons", "but was True"),
        ({"max_buttons": 2.0}, "ButtonPolicy.max_buttons", "but was 2.0"),
        (
            {"max_call_buttons": 0},
            "ButtonPolicy.max_call_buttons",
            "should be a positive integer or None, but was 0",
        ),
        ({"max_url_buttons": -1}, "ButtonPolicy.max_url_buttons", "but was -1"),
        ({"max_reply_buttons": "3"}, "ButtonPolicy.max_reply_buttons", "but was '3'"),
        ({"max_label_length": 0}, "ButtonPolicy.max_label_length", "but was 0"),
        ({"max_message_length": False}, "ButtonPolicy.max_message_length", "but was False"),
        ({"max_title_length": 1.5}, "ButtonPolicy.max_title_length", "but was 1.5"),
        ({"max_footer_length": 0}, "ButtonPolicy.max_footer_length", "but was 0"),
        (
            {"image_on_every_part": "no"},
            "ButtonPolicy.image_on_every_part",
            "should be True or False, but was 'no'",
        ),
    ],
)
def test_policy_validates_its_fields(changes: dict[str, Any], field: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        ButtonPolicy(**changes)
    assert info.value.field == field
    assert rule in info.value.rule


def test_policy_is_keyword_only_and_frozen() -> None:
    with pytest.raises(TypeError):
        ButtonPolicy(3)  # type: ignore[call-arg]
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ButtonPolicy().max_buttons = 4  # type: ignore[misc]


# --- properties ----------------------------------------------------------------------


def minimum_parts(buttons: tuple[Button, ...], policy: ButtonPolicy) -> int:
    """Lower bound on the number of parts, computed independently of the splitter."""
    kinds = Counter(b.kind for b in buttons)
    calls, urls, replies = kinds["CALL"], kinds["URL"], kinds["REPLY"]

    def cap(per_kind: int | None) -> int:
        return policy.max_buttons if per_kind is None else min(per_kind, policy.max_buttons)

    action_parts = max(
        math.ceil(calls / cap(policy.max_call_buttons)),
        math.ceil(urls / cap(policy.max_url_buttons)),
        math.ceil((calls + urls) / policy.max_buttons),
    )
    return action_parts + math.ceil(replies / cap(policy.max_reply_buttons))


@settings(deadline=None)  # timing varies on busy CI machines; correctness is what counts
@given(button_actions_messages(), policies())
def test_split_properties(message: ButtonActionsMessage, policy: ButtonPolicy) -> None:
    parts = split(message, policy)
    position = {id(b): i for i, b in enumerate(message.buttons)}
    assert len(position) == len(message.buttons)  # the strategy makes distinct objects

    # Every part complies with the policy (and is a message like the original).
    for part in parts:
        assert is_compliant(part, policy)
        check_compliant(part, policy)
        assert type(part) is ButtonActionsMessage

    # Nothing lost, nothing duplicated: the very same button objects, once each.
    sent = [b for part in parts for b in part.buttons]
    assert sorted(id(b) for b in sent) == sorted(position)
    assert Counter(sent) == Counter(message.buttons)

    # Each kind keeps the user's order across parts; each part keeps it inside.
    for kind in ("CALL", "URL", "REPLY"):
        assert [b for b in sent if b.kind == kind] == [b for b in message.buttons if b.kind == kind]
    for part in parts:
        indices = [position[id(b)] for b in part.buttons]
        assert indices == sorted(indices)

    # CALL/URL parts first, then REPLY parts; no part mixes them.
    reply_part = [all(b.kind == "REPLY" for b in part.buttons) for part in parts]
    assert reply_part == sorted(reply_part)
    for part in parts:
        assert len({b.kind == "REPLY" for b in part.buttons}) == 1

    # The fewest parts possible.
    if is_compliant(message, policy):
        assert parts == [message]
        assert parts[0] is message
    else:
        assert len(parts) == minimum_parts(message.buttons, policy)

    # The rest of the message travels with every part.
    for index, part in enumerate(parts):
        assert (part.phone, part.message, part.title, part.footer, part.delay_message) == (
            message.phone,
            message.message,
            message.title,
            message.footer,
            message.delay_message,
        )
        show_image = index == 0 or policy.image_on_every_part or len(parts) == 1
        assert part.image == (message.image if show_image else None)


@settings(deadline=None)  # timing varies on busy CI machines; correctness is what counts
@given(button_lists(max_size=20), policies(), st.booleans())
def test_split_count_is_minimal_even_when_already_compliant(
    buttons: list[Button], policy: ButtonPolicy, with_image: bool
) -> None:
    image = "https://z-api.io/i.png" if with_image else None
    message = ButtonActionsMessage(PHONE, "hi", buttons, image=image)
    parts = split(message, policy)
    assert len(parts) == minimum_parts(message.buttons, policy)
    for part in parts:
        assert attrs.evolve(part) == part  # a fully valid message
        assert to_wire(part)["buttonActions"]


def test_the_same_button_object_may_appear_twice() -> None:
    dial = CallButton("Call", phone="+554498398733")  # no id, so repeating it is allowed
    message = msg(dial, dial, url(1), url(2), url(3), url(4))
    parts = split(message, ButtonPolicy(max_buttons=3, max_call_buttons=1))
    assert [list(p.buttons) for p in parts] == [
        [dial, url(1), url(2)],
        [dial, url(3), url(4)],
    ]
