"""The plain-policy fast path of split() (no length or per-kind limits, the default)
gives exactly the parts the general path gives, and the validators' one-match fast
paths accept exactly what the full checks accept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.strategies import button_actions_messages
from zapi_async import ButtonActionsMessage, ButtonPolicy, ValidationError
from zapi_async.models import _checks
from zapi_async.splitter import _general_groups, _is_plain, split


@given(
    button_actions_messages(),
    st.integers(1, 6),
    st.booleans(),
)
def test_plain_policies_split_as_the_general_path_does(
    message: ButtonActionsMessage, max_buttons: int, image_on_every_part: bool
) -> None:
    policy = ButtonPolicy(max_buttons=max_buttons, image_on_every_part=image_on_every_part)
    assert _is_plain(policy)
    parts = split(message, policy)
    groups = _general_groups(message, policy)
    if groups is None:
        assert parts == [message]
        assert parts[0] is message
    else:
        assert [list(p.buttons) for p in parts] == [list(g) for g in groups]
        assert [p.image for p in parts] == [
            message.image if i == 0 or image_on_every_part else None for i in range(len(parts))
        ]


def test_a_limited_policy_is_not_plain() -> None:
    assert not _is_plain(ButtonPolicy.meta())
    assert not _is_plain(ButtonPolicy(max_title_length=10))


@pytest.mark.parametrize(
    "value",
    ["", " ", "\t\n", "\u2003", "x", " x ", "ação", None, 3, b"x"],
)
def test_check_text_fast_path_matches_strip(value: object) -> None:
    ok = isinstance(value, str) and bool(value.strip())
    if ok:
        _checks.check_text("f", value)
    else:
        with pytest.raises(ValidationError):
            _checks.check_text("f", value)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.com/a?b=c#d",
        "http://user@host:80/x",
        "https://[::1]:8080/",
        "https://exa mple.com",
        "https://example.com/a b",
        "ftp://example.com",
        "https://",
        "https:// example.com",
        "https://example.com\n",
    ],
)
def test_check_http_url_fast_path_keeps_the_verdict_and_message(url: str) -> None:
    accepted = (
        url.startswith(("http://", "https://"))
        and not _checks._SPACE.search(url)
        and bool(_checks._HTTP_URL.fullmatch(url))
    )
    if accepted:
        _checks.check_http_url("u", url)
    else:
        with pytest.raises(ValidationError, match=r"^u: should be a URL"):
            _checks.check_http_url("u", url)
