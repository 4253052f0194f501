"""normalize_phone(): country codes are never guessed, dialling prefixes refused,
and errors never suggest a number that is not valid (issue 17)."""

from __future__ import annotations

import sys

import pytest

from zapi_async import TextMessage, ValidationError, normalize_phone

NO_COUNTRY = (
    "has no country code (the area code is in parentheses): pass default_country= "
    "(e.g. '55' for Brazil) or write it with '+'"
)
LENGTH = "should be a phone number of 10-15 digits with country and area code"
CHARACTERS = "should hold only digits, spaces, ()-. and one leading '+'"
PREFIX_00 = "should not start with the international dialling prefix 00: write '+' instead"
PREFIX_0 = (
    "should not start with a trunk or carrier prefix 0: write the number with its "
    "country and area code"
)


@pytest.mark.parametrize(
    ("raw", "kwargs", "expected"),
    [
        ("+55 (11) 99999-9999", {}, "5511999999999"),
        ("5511999999999", {}, "5511999999999"),
        ("55 11 99999-9999", {}, "5511999999999"),
        ("55.11.9999.9999", {}, "551199999999"),
        ("+55\t11 9999 9999", {}, "551199999999"),
        ("+1 (212) 555-1234", {}, "12125551234"),
        # A national number needs the country said out loud.
        ("(11) 99999-9999", {"default_country": "55"}, "5511999999999"),
        ("11 99999-9999", {"default_country": "55"}, "5511999999999"),
        ("(11) 99999-9999", {"default_country": "+55"}, "5511999999999"),
        # Already international: kept as it is.
        ("5511999999999", {"default_country": "55"}, "5511999999999"),
        ("551199999999", {"default_country": "55"}, "551199999999"),
        ("+55 11 99999-9999", {"default_country": "1"}, "5511999999999"),
        # DDD 55 (Rio Grande do Sul): national digits that start like the country code.
        ("55 99999-9999", {"default_country": "55"}, "5555999999999"),
        ("(55) 9999-9999", {"default_country": "55"}, "555599999999"),
        ("(212) 555-1234", {"default_country": "1"}, "12125551234"),
        # Google's numbering plans, with the optional phonenumbers package.
        ("(11) 99999-9999", {"region": "BR"}, "5511999999999"),
        ("011 99999-9999", {"region": "br"}, "5511999999999"),
        ("+55 11 99999-9999", {"region": "BR"}, "5511999999999"),
        ("(212) 555-1234", {"region": "US"}, "12125551234"),
    ],
)
def test_normalizes(raw: str, kwargs: dict[str, str], expected: str) -> None:
    assert normalize_phone(raw, **kwargs) == expected


@pytest.mark.parametrize(
    ("raw", "kwargs", "rule"),
    [
        ("(11) 99999-9999", {}, NO_COUNTRY),
        ("0055 11 99999-9999", {}, PREFIX_00),
        ("0055 11 99999-9999", {"default_country": "55"}, PREFIX_00),
        ("011 99999-9999", {}, PREFIX_0),
        ("011 99999-9999", {"default_country": "55"}, PREFIX_0),
        ("+0 11 99999-9999", {}, "should have a country code after '+' (none starts with 0)"),
        ("+55 11", {}, LENGTH),
        ("+55 11 9999", {}, LENGTH),
        ("55119999", {}, LENGTH),
        ("9999-9999", {}, LENGTH),
        ("+55 11 99999-9999 12345", {}, LENGTH),
        ("", {}, CHARACTERS),
        ("55 11 abcd-efgh", {}, CHARACTERS),
        ("55+1199999999", {}, CHARACTERS),
        ("++5511999999999", {}, CHARACTERS),
        ("١٢٣٤٥٦٧٨٩٠١٢", {}, CHARACTERS),
    ],
)
def test_refuses(raw: str, kwargs: dict[str, str], rule: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_phone(raw, **kwargs)
    assert info.value.field == "phone"
    assert info.value.rule == f"{rule}, but was {raw!r}"


@pytest.mark.parametrize("raw", ["(11) 9999-999", "+55 11 1234-5", "12345"])
def test_region_refuses_numbers_its_plan_does_not_have(raw: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_phone(raw, region="US")
    assert info.value.field == "phone"
    assert raw in info.value.rule


@pytest.mark.parametrize("country", ["", "0", "055", "5555", "BR", 55])
def test_default_country_must_be_a_calling_code(country: object) -> None:
    with pytest.raises(ValidationError) as info:
        normalize_phone("(11) 99999-9999", default_country=country)  # type: ignore[arg-type]
    assert info.value.field == "default_country"
    assert info.value.rule == (
        f"should be a country calling code of 1-3 digits such as '55', but was {country!r}"
    )


def test_region_without_phonenumbers_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "phonenumbers", None)  # import now fails
    with pytest.raises(ValidationError) as info:
        normalize_phone("(11) 99999-9999", region="BR")
    assert str(info.value) == (
        "region: needs the phonenumbers package: pip install 'zapi-async[phonenumbers]'"
    )


def test_refuses_non_strings() -> None:
    with pytest.raises(ValidationError, match="phone: should be a string, but was int"):
        normalize_phone(5511999999999)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("phone", "suggested"),
    [("+55 11 99999-9999", "; use '5511999999999'"), ("+55 11 9999", ""), ("(11) 99999-9999", "")],
)
def test_recipient_errors_suggest_only_valid_numbers(phone: str, suggested: str) -> None:
    with pytest.raises(ValidationError) as info:
        TextMessage(phone, "hi")
    assert info.value.rule.endswith(f"but was {phone!r}{suggested}")
