"""Field checks shared by the models, and the public :func:`normalize_phone` helper.

Each check raises :class:`~zapi_async.ValidationError` naming the field and the rule;
none of them rewrites input (use :func:`normalize_phone` explicitly for that).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..errors import ValidationError

__all__ = [
    "check_delay",
    "check_dial_number",
    "check_http_url",
    "check_image",
    "check_media",
    "check_optional_id",
    "check_optional_text",
    "check_phone_number",
    "check_recipient",
    "check_text",
    "check_webhook_url",
    "is_group_id",
    "normalize_phone",
]

#: Shortest and longest phone numbers (country code included) accepted, per E.164.
MIN_PHONE_DIGITS = 8
MAX_PHONE_DIGITS = 15
#: Z-API's delayMessage / delayTyping range, in seconds.
MIN_DELAY_SECONDS = 1
MAX_DELAY_SECONDS = 15

# ASCII digits only: ``\d`` would also accept Arabic-Indic or full-width digits.
_DIGITS = re.compile(rf"[0-9]{{{MIN_PHONE_DIGITS},{MAX_PHONE_DIGITS}}}")
_DIAL = re.compile(rf"\+?[0-9]{{{MIN_PHONE_DIGITS},{MAX_PHONE_DIGITS}}}")
# New-style group ids ("120363019502650977-group") and old ones ("5511999999999-1623281429").
_GROUP = re.compile(r"[0-9]{6,30}-(?:group|[0-9]{6,14})")
_PHONE_PUNCTUATION = re.compile(r"[\s().\-]")
_SPACE = re.compile(r"\s")
# scheme, optional user info, a host (name, IPv4 or [IPv6]), optional port and rest.
_HTTP_URL = re.compile(
    r"https?://(?:[^\s/?#]*@)?(?:\[[0-9A-Fa-f:.]+\]|[^\s/?#:@\[\]]+)(?::[0-9]*)?(?:[/?#]\S*)?"
)
_BASE64 = re.compile(r"[A-Za-z0-9+/\r\n]+={0,2}")
_DATA_URI = re.compile(r"data:([a-z]+)/[A-Za-z0-9.+-]+;base64,")
_EXAMPLE_SUBTYPE = {"image": "png", "video": "mp4", "audio": "mpeg", "application": "pdf"}


def not_a_string(field: str, value: object) -> ValidationError:
    """The error for a non-string where text belongs (raised by the caller, so the
    common case stays one ``isinstance`` check)."""
    return ValidationError(field, f"should be a string, but was {type(value).__name__}")


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


def _suggestion(value: str) -> str:
    try:
        return f"; use {normalize_phone(value)!r}"
    except ValidationError:
        return ""


def is_group_id(value: str) -> bool:
    """Whether ``value`` is a group id (``120363019502650977-group`` or the legacy
    ``<creator>-<timestamp>``), which :func:`normalize_phone` must leave alone."""
    return bool(_GROUP.fullmatch(value))


def check_recipient(field: str, value: object) -> None:
    """A recipient: digits only (``5511999999999``) or a group id (``…-group``)."""
    if not isinstance(value, str):
        raise not_a_string(field, value)
    if _DIGITS.fullmatch(value) or _GROUP.fullmatch(value):
        return
    raise ValidationError(
        field,
        "should be digits only in DDI DDD NUMBER form (e.g. '5511999999999') or a group "
        f"id (e.g. '120363019502650977-group'), but was {value!r}{_suggestion(value)}",
    )


def check_phone_number(field: str, value: object) -> None:
    """A phone number (not a group): digits only in ``DDI DDD NUMBER`` form."""
    if not isinstance(value, str):
        raise not_a_string(field, value)
    if not _DIGITS.fullmatch(value):
        raise ValidationError(
            field,
            "should be digits only in DDI DDD NUMBER form (e.g. '5511999999999'), "
            f"but was {value!r}{_suggestion(value)}",
        )


def check_webhook_url(field: str, value: object) -> None:
    """A webhook URL: ``https://`` (Z-API refuses others), or ``http://`` to a
    loopback host (only a local fake such as the sandbox can call that)."""
    check_http_url(field, value)
    assert isinstance(value, str)
    if value.startswith("https://"):
        return
    host = urlsplit(value).hostname or ""
    if host == "localhost" or host.startswith("127.") or host == "::1":
        return
    raise ValidationError(
        field,
        "should start with https:// (Z-API refuses other webhook URLs; http:// is "
        f"accepted for localhost only), but was {_preview(value)}",
    )


def check_dial_number(field: str, value: object) -> None:
    """A number to dial: digits with an optional leading ``+`` (``+554498398733``)."""
    if not isinstance(value, str):
        raise not_a_string(field, value)
    if not _DIAL.fullmatch(value):
        raise ValidationError(
            field,
            "should be a phone number of 8-15 digits with an optional leading '+' "
            f"(e.g. '+554498398733'), but was {value!r}{_suggestion(value)}",
        )


def check_text(field: str, value: object) -> None:
    """Required text: a string with at least one non-space character."""
    if not isinstance(value, str):
        raise not_a_string(field, value)
    if not value.strip():
        raise ValidationError(field, "should not be empty or only whitespace")


def check_optional_text(field: str, value: object) -> None:
    """Optional text: ``None`` or non-empty text."""
    if value is not None:
        check_text(field, value)


def check_http_url(field: str, value: object) -> None:
    """An absolute ``http://`` or ``https://`` URL with a host and no spaces."""
    if not isinstance(value, str):
        raise not_a_string(field, value)
    if not value.startswith(("http://", "https://")):
        raise ValidationError(
            field, f"should be a URL starting with http:// or https://, but was {_preview(value)}"
        )
    if _SPACE.search(value):
        raise ValidationError(
            field,
            f"should be a URL without spaces (encode them as %20), but was {_preview(value)}",
        )
    if not _HTTP_URL.fullmatch(value):
        raise ValidationError(field, f"should be a URL with a host name, but was {_preview(value)}")


def check_media(field: str, value: object, media: str) -> None:
    """An http(s) URL, raw Base64 or a ``data:<media>/...;base64,`` URI.

    ``media`` is the MIME top-level type the data URI must name (``"image"``,
    ``"video"``, ``"audio"``...). One rule for every kind of media Z-API takes.
    """
    if not isinstance(value, str):
        raise not_a_string(field, value)
    if value.startswith(("http://", "https://")):
        check_http_url(field, value)
        return
    payload = value
    if value.startswith("data:"):
        match = _DATA_URI.match(value)
        if not match or match.group(1) != media:
            raise ValidationError(
                field,
                f"should be a data URI like 'data:{media}/{_EXAMPLE_SUBTYPE.get(media, '...')}"
                f";base64,<data>', but was {_preview(value)}",
            )
        payload = value[match.end() :]
    if not _is_base64(payload):
        raise ValidationError(
            field,
            f"should be an http(s) URL, Base64 data or a data:{media}/...;base64, URI, "
            f"but was {_preview(value)}",
        )


def check_image(field: str, value: object) -> None:
    """``None``, or an image as :func:`check_media` accepts it."""
    if value is not None:
        check_media(field, value, "image")


def check_delay(field: str, value: object) -> None:
    """``None`` or a whole number of seconds in Z-API's 1..15 range."""
    if value is None:
        return
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(
            field, f"should be a whole number of seconds, but was {type(value).__name__}"
        )
    if not MIN_DELAY_SECONDS <= value <= MAX_DELAY_SECONDS:
        raise ValidationError(
            field,
            f"should be in range [{MIN_DELAY_SECONDS}, {MAX_DELAY_SECONDS}] seconds, "
            f"but was {value}",
        )


def check_optional_id(field: str, value: object) -> None:
    """``None`` or a non-empty string identifier."""
    if value is None:
        return
    if not isinstance(value, str):
        raise not_a_string(field, value)
    if not value:
        raise ValidationError(field, "should not be empty (omit it instead)")


def _is_base64(payload: str) -> bool:
    """Standard, padded Base64 (line breaks allowed): the alphabet and a length of 4n."""
    if not payload or not _BASE64.fullmatch(payload):
        return False
    return (len(payload) - payload.count("\n") - payload.count("\r")) % 4 == 0


def _preview(value: str, limit: int = 60) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "…")
