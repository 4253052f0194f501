"""The optional ``z-api-token`` header check (undocumented by Z-API, off by default)."""

from __future__ import annotations

import logging

import pytest

from zapi_async.webhooks import WebhookSecurity
from zapi_async.webhooks.handling import FORBIDDEN, check_request

TOKEN = "F1E2D3C4B5A697887766"


def test_off_by_default() -> None:
    security = WebhookSecurity()
    assert security.instance_token is None
    assert security.token_header == "z-api-token"
    assert security.token_ok(None)
    assert security.token_ok("anything")


def test_the_header_must_equal_the_instance_token() -> None:
    security = WebhookSecurity(instance_token=TOKEN)
    assert security.token_ok(TOKEN)
    assert not security.token_ok(TOKEN + "x")
    assert not security.token_ok("")
    assert not security.token_ok(None)


def test_a_refusal_logs_neither_value(caplog: pytest.LogCaptureFixture) -> None:
    security = WebhookSecurity(instance_token=TOKEN)
    with caplog.at_level(logging.WARNING, logger="zapi_async.webhooks"):
        reply = check_request(
            security,
            header_secret=None,
            path_secret=None,
            content_length=10,
            header_token="wrong-guess-123",
        )
    assert reply is FORBIDDEN
    assert caplog.messages == ["webhook refused: missing or wrong z-api-token header"]
    assert TOKEN not in caplog.text
    assert "wrong-guess-123" not in caplog.text
    assert (
        check_request(
            security, header_secret=None, path_secret=None, content_length=10, header_token=TOKEN
        )
        is None
    )


@pytest.mark.parametrize("bad", ["", "line\nbreak", 42])
def test_a_bad_token_setting_is_refused_without_echoing_it(bad: object) -> None:
    rule = "WebhookSecurity.instance_token should be a non-empty printable string"
    with pytest.raises(ValueError, match=rule) as info:
        WebhookSecurity(instance_token=bad)  # type: ignore[arg-type]
    assert str(info.value) == rule
