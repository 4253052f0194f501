"""WebhookSecurity: validation, secret comparison, instance matching, repr."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

from zapi_async.webhooks import WebhookSecurity


def test_defaults() -> None:
    security = WebhookSecurity()
    assert security.secret is None
    assert security.secret_header == "X-Webhook-Secret"
    assert security.instance_id is None
    assert security.allow_missing_instance_id is False
    assert security.max_body_bytes == 1024 * 1024
    assert security.secret_ok()
    assert security.instance_ok({})


def test_is_frozen() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        WebhookSecurity().secret = "x"  # type: ignore[misc]


def test_repr_hides_the_secret() -> None:
    text = repr(
        WebhookSecurity(secret="hunter2-very-secret", instance_id="I1", instance_token="tok-9")
    )
    assert "hunter2" not in text
    assert "tok-9" not in text
    assert text == (
        "WebhookSecurity(secret='***', secret_header='X-Webhook-Secret', instance_id='I1', "
        "allow_missing_instance_id=False, max_body_bytes=1048576, instance_token='***', "
        "token_header='z-api-token')"
    )


def test_secret_in_header_or_path() -> None:
    security = WebhookSecurity(secret="s3cr3t")
    assert security.secret_ok(header="s3cr3t")
    assert security.secret_ok(path_segment="s3cr3t")
    assert security.secret_ok(header="wrong", path_segment="s3cr3t")
    assert not security.secret_ok()
    assert not security.secret_ok(header="s3cr3", path_segment="s3cr3tt")
    assert not security.secret_ok(header="")


@pytest.mark.parametrize("secret", ["", "a/b", "tab\there", 123])
def test_bad_secrets_are_refused_without_echoing(secret: Any) -> None:
    with pytest.raises(ValueError, match=r"WebhookSecurity\.secret") as info:
        WebhookSecurity(secret=secret)
    assert str(info.value) == (
        "WebhookSecurity.secret should be a non-empty printable string without '/'"
    )


@pytest.mark.parametrize("limit", [0, -1, 1.5, True])
def test_body_limit_is_validated(limit: Any) -> None:
    with pytest.raises(ValueError, match="max_body_bytes") as info:
        WebhookSecurity(max_body_bytes=limit)
    assert str(info.value) == (
        f"WebhookSecurity.max_body_bytes should be an integer >= 1, but was {limit!r}"
    )


def test_instance_matching() -> None:
    security = WebhookSecurity(instance_id="I1")
    assert security.instance_ok({"instanceId": "I1"})
    assert not security.instance_ok({"instanceId": "I2"})
    assert not security.instance_ok({"instanceId": 1})
    assert not security.instance_ok({})
    assert not security.instance_ok({"instanceId": None})
    lenient = WebhookSecurity(instance_id="I1", allow_missing_instance_id=True)
    assert lenient.instance_ok({})
    assert not lenient.instance_ok({"instanceId": "I2"})
