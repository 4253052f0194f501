"""Buttons: construction, validation rules, copy-code helper (normalize_phone():
tests/models/test_normalize_phone.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from zapi_async import CallButton, ReplyButton, UrlButton, ValidationError
from zapi_async.models.buttons import COPY_CODE_URL


def test_buttons_keep_their_fields_and_kind() -> None:
    call = CallButton("Contact us", phone="554498398733", id="1")
    url = UrlButton("Visit our website", url="https://z-api.io", id="2")
    reply = ReplyButton("Talk to an agent", id="3")

    assert (call.label, call.phone, call.id, call.kind) == (
        "Contact us",
        "554498398733",
        "1",
        "CALL",
    )
    assert (url.label, url.url, url.id, url.kind) == (
        "Visit our website",
        "https://z-api.io",
        "2",
        "URL",
    )
    assert (reply.label, reply.id, reply.kind) == ("Talk to an agent", "3", "REPLY")
    assert ReplyButton("Yes").id is None


def test_buttons_are_frozen_hashable_values() -> None:
    button = ReplyButton("Yes", id="y")
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        button.label = "No"  # type: ignore[misc]
    assert button == ReplyButton(label="Yes", id="y")
    assert len({button, ReplyButton("Yes", id="y")}) == 1


@pytest.mark.parametrize("phone", ["554498398733", "+554498398733", "12345678", "+123456789012345"])
def test_call_button_accepts_digits_with_optional_plus(phone: str) -> None:
    assert CallButton("Call", phone=phone).phone == phone  # never rewritten


@pytest.mark.parametrize(
    ("make", "field", "rule"),
    [
        (lambda: CallButton("", phone="554498398733"), "CallButton.label", "should not be empty"),
        (lambda: CallButton(" \t", phone="554498398733"), "CallButton.label", "only whitespace"),
        (lambda: UrlButton("", url="https://z-api.io"), "UrlButton.label", "should not be empty"),
        (lambda: ReplyButton("   "), "ReplyButton.label", "should not be empty"),
        (lambda: ReplyButton(None), "ReplyButton.label", "should be a string, but was NoneType"),  # type: ignore[arg-type]
        (
            lambda: CallButton("Call", phone="55449839873a"),
            "CallButton.phone",
            "should be a phone number of 8-15 digits with an optional leading '+' "
            "(e.g. '+554498398733'), but was '55449839873a'",
        ),
        (lambda: CallButton("Call", phone="1234567"), "CallButton.phone", "but was '1234567'"),
        (
            lambda: CallButton("Call", phone="1234567890123456"),
            "CallButton.phone",
            "8-15 digits",
        ),
        (lambda: CallButton("Call", phone="++5544983987"), "CallButton.phone", "8-15 digits"),
        (
            lambda: CallButton("Call", phone="+55 44 9839-8733"),
            "CallButton.phone",
            "but was '+55 44 9839-8733'; use '554498398733'",
        ),
        (lambda: CallButton("Call", phone=554498398733), "CallButton.phone", "should be a string"),  # type: ignore[arg-type]
        (
            lambda: UrlButton("Go", url="ftp://z-api.io"),
            "UrlButton.url",
            "should be a URL starting with http:// or https://, but was 'ftp://z-api.io'",
        ),
        (lambda: UrlButton("Go", url="z-api.io"), "UrlButton.url", "starting with http://"),
        (
            lambda: UrlButton("Go", url="https://"),
            "UrlButton.url",
            "should be a URL with a host name, but was 'https://'",
        ),
        (lambda: UrlButton("Go", url="http://:8080/x"), "UrlButton.url", "with a host name"),
        (
            lambda: UrlButton("Go", url="https://z-api.io/a b"),
            "UrlButton.url",
            "should be a URL without spaces (encode them as %20)",
        ),
        (lambda: ReplyButton("Yes", id=""), "ReplyButton.id", "should not be empty (omit it"),
        (lambda: ReplyButton("Yes", id=3), "ReplyButton.id", "should be a string, but was int"),  # type: ignore[arg-type]
    ],
)
def test_button_validation(make: Callable[[], object], field: str, rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        make()
    assert isinstance(info.value, ValueError)
    assert info.value.field == field
    assert rule in info.value.rule
    assert str(info.value) == f"{field}: {info.value.rule}"


@pytest.mark.parametrize(
    "url",
    [
        "http://a",
        "https://z-api.io",
        "https://z-api.io:8443/p?q=1#f",
        "http://[::1]/",
        "http://u:p@h/",
    ],
)
def test_url_button_accepts_absolute_http_urls(url: str) -> None:
    assert UrlButton("Go", url=url).url == url


def test_copy_code_builds_whatsapps_copy_link() -> None:
    button = UrlButton.copy_code("123456")
    assert button.url == "https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code=123456"
    assert button.label == "Copy code"
    assert button.id is None
    assert button.is_copy_code


def test_copy_code_url_encodes_odd_codes() -> None:
    button = UrlButton.copy_code("a b&c=d/é#?+%", label="Copy", id="otp")
    assert button.url == COPY_CODE_URL + "a%20b%26c%3Dd%2F%C3%A9%23%3F%2B%25"
    assert (button.label, button.id) == ("Copy", "otp")
    assert button.is_copy_code


def test_is_copy_code_is_false_for_ordinary_links() -> None:
    assert not UrlButton("Site", url="https://z-api.io").is_copy_code
    # A link written by hand to WhatsApp's copy-code address counts too.
    assert UrlButton("Copy", url=COPY_CODE_URL + "otpyourcode").is_copy_code


@pytest.mark.parametrize("code", ["", "   "])
def test_copy_code_rejects_empty_codes(code: str) -> None:
    with pytest.raises(ValidationError) as info:
        UrlButton.copy_code(code)
    assert info.value.field == "UrlButton.copy_code.code"
    assert "should not be empty" in info.value.rule


DOCS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "buttons.md"


def _doc_examples() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOCS_PAGE.read_text(encoding="utf-8"), re.S)


@pytest.mark.parametrize("index", range(len(_doc_examples())))
def test_docs_page_examples_run(index: int) -> None:
    code = _doc_examples()[index]
    exec(compile(code, f"{DOCS_PAGE.name} example {index + 1}", "exec"), {})
