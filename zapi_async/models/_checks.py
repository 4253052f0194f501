"""Field checks shared by the models (:func:`normalize_phone` lives in :mod:`.phones`).

Each check raises :class:`~zapi_async.ValidationError` naming the field and the rule;
none of them rewrites input (use :func:`normalize_phone` explicitly for that).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from ..errors import ValidationError
from ._types import not_a_string
from .chat_ids import MAX_PHONE_DIGITS, MIN_PHONE_DIGITS, ChatKind, chat_kind
from .phones import normalize_phone

__all__ = [
    "check_choice",
    "check_coordinate",
    "check_delay",
    "check_dial_number",
    "check_group",
    "check_http_url",
    "check_image",
    "check_media",
    "check_optional_bool",
    "check_optional_id",
    "check_optional_text",
    "check_phone_number",
    "check_recipient",
    "check_string",
    "check_text",
    "check_webhook_url",
    "is_chat_id",
    "not_a_string",
]

#: The longest text any field takes: WhatsApp's limit for one message (65,536
#: characters). Z-API documents no cap of its own; longer texts are refused locally.
MAX_TEXT_LENGTH = 65_536

#: Z-API's delayMessage / delayTyping range, in seconds.
MIN_DELAY_SECONDS = 1
MAX_DELAY_SECONDS = 15

# ASCII digits only: ``\d`` would also accept Arabic-Indic or full-width digits.
_DIGITS = re.compile(rf"[0-9]{{{MIN_PHONE_DIGITS},{MAX_PHONE_DIGITS}}}")
_DIAL = re.compile(rf"\+?[0-9]{{{MIN_PHONE_DIGITS},{MAX_PHONE_DIGITS}}}")
# WhatsApp's own JID suffixes for a contact, which Z-API does not take.
_JID_SUFFIXES = ("@s.whatsapp.net", "@c.us")
_SPACE = re.compile(r"\s")
# scheme, optional user info, a host (name, IPv4 or [IPv6]), optional port and rest.
_HTTP_URL = re.compile(
    r"https?://(?:[^\s/?#]*@)?(?:\[[0-9A-Fa-f:.]+\]|[^\s/?#:@\[\]]+)(?::[0-9]*)?(?:[/?#]\S*)?"
)
_BASE64 = re.compile(r"[A-Za-z0-9+/\r\n]+={0,2}")
_DATA_URI = re.compile(r"data:([a-z]+)/[A-Za-z0-9.+-]+;base64,")
_NUMBER = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]+)?")
_EXAMPLE_SUBTYPE = {"image": "png", "video": "mp4", "audio": "mpeg", "application": "pdf"}


# C0/C1 control characters other than tab, line feed and carriage return (NUL, ESC,
# DEL...): WhatsApp shows nothing or garbage for them, and terminals act on them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bidi embeddings, overrides and isolates: they reorder what the reader sees ("Trojan
# Source" spoofing) and WhatsApp does not show them.
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Characters that show nothing: spaces, zero-width characters, the BOM, word joiner.
_INVISIBLE = re.compile("[\\s\u200b-\u200f\u2060-\u2064\ufeff\u180e]*")


def check_string(field: str, value: str, *, limit: int = MAX_TEXT_LENGTH) -> None:
    """Rules every string field shares: encodable as UTF-8 (no lone surrogate, e.g. a
    truncated emoji), no control character but tab and line breaks, no bidi control,
    at most ``limit`` characters. The one place these rules live."""
    if len(value) > limit:
        raise ValidationError(field, f"should be at most {limit} characters, but had {len(value)}")
    # Surrogates, controls and bidi controls are all non-printable: one C-speed scan
    # clears the common text; anything else gets the rule-by-rule diagnosis below.
    if value.isprintable():
        return
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(
            field,
            f"should be valid Unicode text, but has a lone surrogate {value[exc.start]!r} at "
            f"position {exc.start} (a truncated emoji?)",
        ) from None
    if match := _CONTROL.search(value):
        raise ValidationError(
            field,
            f"should not contain control character {match.group()!r} (at position {match.start()})",
        )
    if match := _BIDI.search(value):
        raise ValidationError(
            field,
            f"should not contain bidi control character {match.group()!r} "
            f"(at position {match.start()}): it reorders what the reader sees",
        )


def _is_phone_digits(value: str) -> bool:
    """``_DIGITS.fullmatch`` without the regex: ASCII digits, 8 to 15 of them."""
    return (
        MIN_PHONE_DIGITS <= len(value) <= MAX_PHONE_DIGITS and value.isascii() and value.isdigit()
    )


def _suggestion(value: str) -> str:
    for suffix in _JID_SUFFIXES:
        if value.endswith(suffix) and _DIGITS.fullmatch(value.removesuffix(suffix)):
            return f"; use {value.removesuffix(suffix)!r}"
    try:
        return f"; use {normalize_phone(value)!r}"
    except ValidationError:
        return ""


def is_chat_id(value: str) -> bool:
    """Whether ``value`` is a chat id other than a phone number (a group, a LID, a
    channel or a broadcast list), which :func:`normalize_phone` must leave alone."""
    kind = chat_kind(value)
    return kind is not None and kind is not ChatKind.PHONE


#: Chat id forms a send accepts: Z-API's send pages take numbers and groups, its LID
#: page says "most endpoints" take an ``@lid``, and channel admins post to channels.
_SENDABLE = frozenset({ChatKind.PHONE, ChatKind.GROUP, ChatKind.LID, ChatKind.NEWSLETTER})


def check_recipient(field: str, value: object) -> None:
    """A recipient: a number (``5511999999999``), a group id (``…-group`` or the legacy
    ``<phone>-<timestamp>``), a LID (``…@lid``) or a channel (``…@newsletter``).

    Broadcast lists (``…-broadcast``) are refused: Z-API cannot send to them.
    """
    if value.__class__ is str and _is_phone_digits(value):
        return  # a phone number: the common case
    if not isinstance(value, str):
        raise not_a_string(field, value)
    kind = chat_kind(value)
    if kind in _SENDABLE:
        return
    if kind is ChatKind.BROADCAST:
        raise ValidationError(
            field,
            f"is a broadcast list ({value!r}): Z-API cannot send to broadcast lists "
            "(a WhatsApp Web limit); send to each contact instead",
        )
    raise ValidationError(
        field,
        "should be digits only in DDI DDD NUMBER form (e.g. '5511999999999'), a group id "
        "(e.g. '120363019502650977-group'), a LID (e.g. '81896604192873@lid') or a "
        f"channel id (e.g. '120363166555745933@newsletter'), but was {value!r}"
        f"{_suggestion(value)}",
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


def check_group(field: str, value: object) -> None:
    """A group id (``120363019502650977-group`` or the legacy ``<phone>-<timestamp>``),
    for endpoints that only take groups (events, mentions)."""
    if not isinstance(value, str):
        raise not_a_string(field, value)
    if chat_kind(value) is not ChatKind.GROUP:
        raise ValidationError(
            field,
            f"should be a group id (e.g. '120363019502650977-group'), but was {value!r}",
        )


def check_dial_number(field: str, value: object) -> None:
    """A number to dial: digits with an optional leading ``+`` (``+554498398733``)."""
    if value.__class__ is str and _is_phone_digits(value.removeprefix("+")):
        return
    if not isinstance(value, str):
        raise not_a_string(field, value)
    if not _DIAL.fullmatch(value):
        raise ValidationError(
            field,
            "should be a phone number of 8-15 digits with an optional leading '+' "
            f"(e.g. '+554498398733'), but was {value!r}{_suggestion(value)}",
        )


def check_text(field: str, value: object) -> None:
    """Required text: a string with at least one visible character, following the
    rules of :func:`check_string`."""
    # The common case in one line: non-empty, printable (no surrogate, control, bidi or
    # zero-width character), not only spaces; anything else gets the full diagnosis.
    if (
        value.__class__ is str
        and value
        and len(value) <= MAX_TEXT_LENGTH
        and value.isprintable()
        and not value.isspace()
    ):
        return
    if not isinstance(value, str):
        raise not_a_string(field, value)
    check_string(field, value)
    if not value.strip():
        raise ValidationError(field, "should not be empty or only whitespace")
    if _INVISIBLE.fullmatch(value):
        raise ValidationError(
            field, "should not be only invisible characters (zero-width spaces and joiners)"
        )


def check_optional_text(field: str, value: object) -> None:
    """Optional text: ``None`` or non-empty text."""
    if value is not None:
        check_text(field, value)


def check_http_url(field: str, value: object) -> None:
    """An absolute ``http://`` or ``https://`` URL with a host and no spaces."""
    if (
        value.__class__ is str
        and len(value) <= MAX_TEXT_LENGTH
        and value.isprintable()
        and _HTTP_URL.fullmatch(value)
    ):
        return  # the common case: one scan and one match
    if not isinstance(value, str):
        raise not_a_string(field, value)
    check_string(field, value)
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


def check_media(field: str, value: object, media: str | None) -> None:
    """An http(s) URL, raw Base64 or a ``data:<media>/...;base64,`` URI.

    ``media`` is the MIME top-level type the data URI must name (``"image"``,
    ``"video"``, ``"audio"``...), or ``None`` for any (documents). One rule for
    every kind of media Z-API takes.
    """
    if not isinstance(value, str):
        raise not_a_string(field, value)
    if value.startswith(("http://", "https://")):
        check_http_url(field, value)
        return
    check_encodable(field, value)
    payload = value
    if value.startswith("data:"):
        match = _DATA_URI.match(value)
        if not match or (media is not None and match.group(1) != media):
            top = media or "application"
            raise ValidationError(
                field,
                f"should be a data URI like 'data:{top}/{_EXAMPLE_SUBTYPE.get(top, '...')}"
                f";base64,<data>', but was {_preview(value)}",
            )
        payload = value[match.end() :]
    if not _is_base64(payload):
        raise ValidationError(
            field,
            f"should be an http(s) URL, Base64 data or a data:{media or '<type>'}/...;base64, URI, "
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
    # None, or the common case in one line (as in check_text); else the full diagnosis.
    if value is None or (
        value.__class__ is str
        and value
        and len(value) <= MAX_TEXT_LENGTH
        and value.isprintable()
        and not value.isspace()
    ):
        return
    if not isinstance(value, str):
        raise not_a_string(field, value)
    if not value:
        raise ValidationError(field, "should not be empty (omit it instead)")
    if not value.strip():
        raise ValidationError(field, "should not be only whitespace (omit it instead)")
    check_string(field, value)


def check_encodable(field: str, value: str) -> None:
    """Only that ``value`` can be encoded as UTF-8 (for data that is not shown text)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(
            field, f"should be valid Unicode text, but has a lone surrogate at {exc.start}"
        ) from None


def check_optional_bool(field: str, value: object) -> None:
    """``None``, ``True`` or ``False`` (not ``0``/``1`` or ``"true"``)."""
    if value is not None and not isinstance(value, bool):
        raise ValidationError(field, f"should be True or False, but was {value!r}")


def check_choice(field: str, value: object, choices: tuple[str, ...]) -> None:
    """One of the strings ``choices`` (Z-API's enumerations, case-sensitive)."""
    if value not in choices:
        raise ValidationError(field, f"should be one of {', '.join(choices)}, but was {value!r}")


def check_coordinate(field: str, value: object, limit: int) -> None:
    """A decimal degree string (``"-23.0696347"``) within ``[-limit, limit]``."""
    if not isinstance(value, str):
        raise not_a_string(field, value)
    if not _NUMBER.fullmatch(value) or abs(float(value)) > limit:
        raise ValidationError(
            field,
            f"should be decimal degrees in range [-{limit}, {limit}] (e.g. '-23.0696347'), "
            f"but was {value!r}",
        )


def _is_base64(payload: str) -> bool:
    """Standard, padded Base64 (line breaks allowed): the alphabet and a length of 4n."""
    if not payload or not _BASE64.fullmatch(payload):
        return False
    return (len(payload) - payload.count("\n") - payload.count("\r")) % 4 == 0


def _preview(value: str, limit: int = 60) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "…")
