"""The public :func:`normalize_phone` helper: formatted numbers to Z-API's digits-only
``DDI DDD NUMBER`` form, never guessing a country."""

from __future__ import annotations

import re

from ..errors import ValidationError
from ._types import not_a_string
from .chat_ids import MAX_PHONE_DIGITS

__all__ = ["normalize_phone"]

_PHONE_PUNCTUATION = re.compile(r"[\s().\-]")


#: Fewest digits :func:`normalize_phone` returns (country code included): shorter
#: numbers exist only in a few small numbering plans (use ``region=`` for those).
MIN_NORMALIZED_DIGITS = 10
#: With ``default_country``, digits already starting with that code are taken as
#: international when at least this many digits follow it (exact for Brazil's 10-11
#: digit national numbers and for North America's 10).
MIN_NATIONAL_AFTER_CODE = 10
_COUNTRY_CODE = re.compile(r"[1-9][0-9]{0,2}")
_FORMATTED = re.compile(r"\+?[0-9\s().\-]+")


def _phone_error(value: str, why: str) -> ValidationError:
    return ValidationError("phone", f"{why}, but was {value!r}")


def normalize_phone(
    value: str, *, default_country: str | None = None, region: str | None = None
) -> str:
    """Return ``value`` as Z-API's digits-only ``DDI DDD NUMBER`` form.

    Strips spaces, dashes, dots and parentheses. A number written with ``+`` keeps
    its country code; so does a plain run of digits (Z-API's own form)::

        >>> normalize_phone("+55 (11) 99999-9999")
        '5511999999999'
        >>> normalize_phone("55 11 99999-9999")
        '5511999999999'

    A national number (area code in parentheses, or any number once
    ``default_country`` is given) gets ``default_country`` in front, unless its
    digits already start with it and at least 10 digits follow::

        >>> normalize_phone("(11) 99999-9999", default_country="55")
        '5511999999999'
        >>> normalize_phone("5511999999999", default_country="55")
        '5511999999999'

    ``region`` (an ISO country such as ``"BR"``) parses and validates the number
    with Google's numbering plans instead; it needs the optional ``phonenumbers``
    package (``pip install 'zapi-async[phonenumbers]'``).

    Raises :class:`~zapi_async.ValidationError` (field ``phone``) for anything else:
    letters, a national number without ``default_country``, a leading ``00`` or
    ``0`` (dialling prefixes, ambiguous), fewer than 10 or more than 15 digits.
    It never guesses a country.
    """
    if not isinstance(value, str):
        raise not_a_string("phone", value)
    if region is not None:
        return _normalize_with_phonenumbers(value, region)
    if default_country is not None:
        if not isinstance(default_country, str) or not _COUNTRY_CODE.fullmatch(
            default_country.removeprefix("+")
        ):
            raise ValidationError(
                "default_country",
                f"should be a country calling code of 1-3 digits such as '55', "
                f"but was {default_country!r}",
            )
        default_country = default_country.removeprefix("+")
    text = value.strip()
    if not _FORMATTED.fullmatch(text) or "+" in text[1:]:
        raise _phone_error(value, "should hold only digits, spaces, ()-. and one leading '+'")
    digits = _PHONE_PUNCTUATION.sub("", text).removeprefix("+")
    if text.startswith("+"):
        if digits.startswith("0"):
            raise _phone_error(value, "should have a country code after '+' (none starts with 0)")
    elif digits.startswith("00"):
        raise _phone_error(
            value, "should not start with the international dialling prefix 00: write '+' instead"
        )
    elif digits.startswith("0"):
        raise _phone_error(
            value,
            "should not start with a trunk or carrier prefix 0: write the number with its "
            "country and area code",
        )
    elif default_country is not None:
        international = digits.startswith(default_country) and (
            len(digits) - len(default_country) >= MIN_NATIONAL_AFTER_CODE
        )
        if not international:
            digits = default_country + digits
    elif "(" in text:
        raise _phone_error(
            value,
            "has no country code (the area code is in parentheses): pass default_country= "
            "(e.g. '55' for Brazil) or write it with '+'",
        )
    if not MIN_NORMALIZED_DIGITS <= len(digits) <= MAX_PHONE_DIGITS:
        raise _phone_error(
            value,
            f"should be a phone number of {MIN_NORMALIZED_DIGITS}-{MAX_PHONE_DIGITS} digits with "
            "country and area code",
        )
    return digits


def _normalize_with_phonenumbers(value: str, region: str) -> str:
    try:
        import phonenumbers  # noqa: PLC0415 (optional dependency)
    except ImportError:
        raise ValidationError(
            "region",
            "needs the phonenumbers package: pip install 'zapi-async[phonenumbers]'",
        ) from None
    try:
        parsed = phonenumbers.parse(value, region.upper())
    except phonenumbers.NumberParseException as exc:
        raise _phone_error(value, f"is not a phone number of {region.upper()} ({exc})") from None
    if not phonenumbers.is_valid_number(parsed):
        raise _phone_error(value, f"is not a valid phone number (region {region.upper()})")
    return f"{parsed.country_code}{phonenumbers.national_significant_number(parsed)}"
