"""Request-body validation for the sandbox, written against Z-API's raw JSON contract.

This module deliberately does not import the library's models or checks: it reads
the JSON a client actually sent and judges it by ZAPI_REFERENCE.md and the seed page,
so a bug in the library's models or converter shows up as a sandbox rejection
instead of being mirrored.

Every failure raises :class:`BodyError` with a JSON path (``buttonActions[1].url``)
and the rule broken. In strict mode (the default) the sandbox is stricter than
Z-API is known to be: unknown keys and ``null`` values are rejected, so a misspelt
or snake_case field (``delay_message``) is caught instead of silently ignored.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

__all__ = [
    "MAX_QUEUE_PAGE_SIZE",
    "SEND_ENDPOINTS",
    "BodyError",
    "validate_queue_page",
    "validate_send",
]

#: Z-API's delayMessage / delayTyping range, in seconds.
DELAY_RANGE = (1, 15)
#: ``POST queue`` page size: default and documented maximum.
DEFAULT_QUEUE_PAGE_SIZE = 20
MAX_QUEUE_PAGE_SIZE = 30
BUTTON_TYPES = ("CALL", "URL", "REPLY")
PIX_KEY_TYPES = ("CPF", "CNPJ", "PHONE", "EMAIL", "EVP")

_PHONE = re.compile(r"[0-9]{8,15}")
_DIAL = re.compile(r"\+?[0-9]{8,15}")
_GROUP = re.compile(r"[0-9]{6,30}-(?:group|[0-9]{6,14})")
_LID = re.compile(r"[0-9]{6,20}@lid")
_NEWSLETTER = re.compile(r"[0-9]{6,30}@newsletter")
_BROADCAST = re.compile(r"[0-9]{6,20}-broadcast")
_DATA_URI = re.compile(r"data:(?P<kind>image|video)/[A-Za-z0-9.+-]+;base64,")

Check = Callable[[str, Any], None]


class BodyError(Exception):
    """A request body that breaks Z-API's contract: ``path`` and ``rule``."""

    def __init__(self, path: str, rule: str) -> None:
        self.path = path
        self.rule = rule
        super().__init__(f"{path}: {rule}")


def _json_type(value: Any) -> str:
    names = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    return "number" if isinstance(value, (int, float)) else type(value).__name__


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _short(value: str, limit: int = 40) -> str:
    return repr(value if len(value) <= limit else value[:limit] + "...")


# -- field checks -------------------------------------------------------------------


def _string(path: str, value: Any) -> str:
    if not isinstance(value, str):
        raise BodyError(path, f"should be a string, but was {_json_type(value)}")
    return value


def text(path: str, value: Any) -> None:
    """A string with at least one non-space character."""
    if not _string(path, value).strip():
        raise BodyError(path, "should not be empty")


def recipient(path: str, value: Any) -> None:
    """Digits only in DDI DDD NUMBER form, a group id, a ``…@lid`` or a ``…@newsletter``.

    Broadcast lists (``…-broadcast``) are refused: Z-API cannot send to them.
    """
    raw = _string(path, value)
    if any(form.fullmatch(raw) for form in (_PHONE, _GROUP, _LID, _NEWSLETTER)):
        return
    if _BROADCAST.fullmatch(raw):
        raise BodyError(path, "is a broadcast list: Z-API cannot send to broadcast lists")
    raise BodyError(
        path,
        "should be 8-15 digits (DDI DDD NUMBER, e.g. '5511999999999'), a group id "
        "(e.g. '120363019502650977-group'), a LID ('<digits>@lid') or a channel "
        f"('<digits>@newsletter'), but was {_short(raw)}",
    )


def dial_number(path: str, value: Any) -> None:
    """A number a CALL button dials: digits with an optional leading ``+``."""
    raw = _string(path, value)
    if not _DIAL.fullmatch(raw):
        raise BodyError(
            path, f"should be 8-15 digits with an optional leading '+', but was {_short(raw)}"
        )


def http_url(path: str, value: Any) -> None:
    """An absolute http:// or https:// URL with a host name."""
    raw = _string(path, value)
    if not raw.startswith(("http://", "https://")) or any(c.isspace() for c in raw):
        raise BodyError(path, f"should start with http:// or https://, but was {_short(raw)}")
    try:
        host = urlsplit(raw).hostname
    except ValueError:
        host = None
    if not host:
        raise BodyError(path, f"should be a URL with a host name, but was {_short(raw)}")


def _media(kind: str) -> Check:
    def check(path: str, value: Any) -> None:
        raw = _string(path, value)
        if raw.startswith(("http://", "https://")):
            http_url(path, raw)
            return
        payload = raw
        match = _DATA_URI.match(raw)
        if raw.startswith("data:"):
            if not match or match.group("kind") != kind:
                raise BodyError(path, f"a data URI should look like 'data:{kind}/...;base64,...'")
            payload = raw[match.end() :]
        try:
            decoded = base64.b64decode("".join(payload.split()), validate=True)
        except (binascii.Error, ValueError):
            decoded = b""
        if not decoded:
            raise BodyError(
                path, f"should be an http(s) URL or Base64 {kind} data, but was {_short(raw)}"
            )

    return check


image = _media("image")
video = _media("video")


def delay(path: str, value: Any) -> None:
    """A whole number of seconds in 1..15."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise BodyError(path, f"should be a whole number of seconds, but was {_json_type(value)}")
    low, high = DELAY_RANGE
    if not low <= value <= high:
        raise BodyError(path, f"should be in range [{low}, {high}] seconds, but was {value}")


def identifier(path: str, value: Any) -> None:
    """A non-empty string id."""
    if not _string(path, value):
        raise BodyError(path, "should not be empty (omit it instead)")


def one_of(*choices: str) -> Check:
    """A string among ``choices``."""

    def check(path: str, value: Any) -> None:
        if _string(path, value) not in choices:
            raise BodyError(path, f"should be one of {', '.join(choices)}, but was {_short(value)}")

    return check


# -- structure ----------------------------------------------------------------------

#: field name -> (required, check)
Fields = Mapping[str, tuple[bool, Check]]


def check_object(path: str, value: Any, fields: Fields, *, strict: bool) -> dict[str, Any]:
    """Check ``value`` is an object with ``fields``; in strict mode refuse others and nulls."""
    where = path or "body"
    if not isinstance(value, dict):
        raise BodyError(where, f"should be a JSON object, but was {_json_type(value)}")
    for name, (required, check) in fields.items():
        sub = _join(path, name)
        if name not in value:
            if required:
                raise BodyError(sub, "is required")
            continue
        if value[name] is None:
            if required:
                raise BodyError(sub, "is required (was null)")
            if strict:
                raise BodyError(sub, "should be omitted instead of null")
            continue
        check(sub, value[name])
    if strict:
        for name in value:
            if name not in fields:
                known = ", ".join(fields)
                raise BodyError(
                    _join(path, name), f"is not a field of this request (known fields: {known})"
                )
    return value


def array_of(item: Callable[[str, Any, bool], None], *, strict: bool) -> Check:
    """A non-empty JSON array whose items pass ``item(path, value, strict)``."""

    def check(path: str, value: Any) -> None:
        if not isinstance(value, list):
            raise BodyError(path, f"should be an array, but was {_json_type(value)}")
        if not value:
            raise BodyError(path, "should have at least one item")
        for index, entry in enumerate(value):
            item(_join(path, index), entry, strict)

    return check


def _unique_ids(path: str, items: list[Any]) -> None:
    seen: dict[str, int] = {}
    for index, entry in enumerate(items):
        ident = entry.get("id") if isinstance(entry, dict) else None
        if isinstance(ident, str):
            if ident in seen:
                raise BodyError(
                    _join(_join(path, index), "id"),
                    f"repeats the id {ident!r} of {_join(path, seen[ident])}",
                )
            seen[ident] = index


# -- endpoint contracts -----------------------------------------------------------------

_BUTTON_FIELDS: dict[str, Fields] = {
    "CALL": {"id": (False, identifier), "type": (True, text), "label": (True, text),
             "phone": (True, dial_number)},
    "URL": {"id": (False, identifier), "type": (True, text), "label": (True, text),
            "url": (True, http_url)},
    "REPLY": {"id": (False, identifier), "type": (True, text), "label": (True, text)},
}  # fmt: skip


def _action_button(path: str, value: Any, strict: bool) -> None:
    check_object(path, value, {"type": (True, one_of(*BUTTON_TYPES))}, strict=False)
    kind = value["type"]
    fields = _BUTTON_FIELDS[kind]
    for name in ("phone", "url"):
        if strict and name in value and name not in fields:
            raise BodyError(_join(path, name), f"is not allowed on a {kind} button")
    check_object(path, value, fields, strict=strict)


def _list_button(path: str, value: Any, strict: bool) -> None:
    check_object(path, value, {"id": (False, identifier), "label": (True, text)}, strict=strict)


def _option(path: str, value: Any, strict: bool) -> None:
    fields: Fields = {
        "id": (False, identifier),
        "title": (True, text),
        "description": (False, text),
    }
    check_object(path, value, fields, strict=strict)


def _with_common(fields: Fields) -> dict[str, tuple[bool, Check]]:
    return {"phone": (True, recipient), **fields, "delayMessage": (False, delay)}


def _button_actions(body: Any, strict: bool) -> None:
    fields = _with_common({
        "message": (True, text),
        "buttonActions": (True, array_of(_action_button, strict=strict)),
        "title": (False, text),
        "footer": (False, text),
        "image": (False, image),
    })  # fmt: skip
    check_object("", body, fields, strict=strict)
    buttons = body["buttonActions"]
    _unique_ids("buttonActions", buttons)
    kinds = {button["type"] for button in buttons}
    if "REPLY" in kinds and kinds & {"CALL", "URL"}:
        raise BodyError(
            "buttonActions",
            "mixes REPLY buttons with CALL/URL buttons, which fails on WhatsApp Web; "
            "send CALL and URL buttons together and REPLY buttons in a separate message",
        )


def _text(body: Any, strict: bool) -> None:
    fields = _with_common({
        "message": (True, text),
        "delayTyping": (False, delay),
        "editMessageId": (False, identifier),
        "messageId": (False, identifier),
    })  # fmt: skip
    check_object("", body, fields, strict=strict)


def _button_list(body: Any, strict: bool) -> None:
    """``send-button-list``: buttons, plus optionally an image or a video (not both)."""
    inner: Fields = {
        "buttons": (True, array_of(_list_button, strict=strict)),
        "image": (False, image),
        "video": (False, video),
    }

    def button_list(path: str, value: Any) -> None:
        check_object(path, value, inner, strict=strict)
        _unique_ids(_join(path, "buttons"), value["buttons"])
        if "image" in value and "video" in value:
            raise BodyError(_join(path, "video"), "give image or video, not both")

    fields = _with_common({"message": (True, text), "buttonList": (True, button_list)})
    check_object("", body, fields, strict=strict)


def _option_list(body: Any, strict: bool) -> None:
    inner: Fields = {
        "title": (True, text),
        "buttonLabel": (True, text),
        "options": (True, array_of(_option, strict=strict)),
    }

    def option_list(path: str, value: Any) -> None:
        check_object(path, value, inner, strict=strict)
        _unique_ids(_join(path, "options"), value["options"])

    fields = _with_common({"message": (True, text), "optionList": (True, option_list)})
    check_object("", body, fields, strict=strict)


def _otp(body: Any, strict: bool) -> None:
    fields = _with_common({
        "message": (True, text),
        "code": (True, text),
        "image": (False, image),
        "buttonText": (False, text),
    })  # fmt: skip
    check_object("", body, fields, strict=strict)


def _pix(body: Any, strict: bool) -> None:
    fields = _with_common({
        "pixKey": (True, text),
        "type": (True, one_of(*PIX_KEY_TYPES)),
        "merchantName": (False, text),
    })  # fmt: skip
    check_object("", body, fields, strict=strict)


#: Every send endpoint the sandbox implements, with its body contract.
SEND_ENDPOINTS: dict[str, Callable[[Any, bool], None]] = {
    "send-text": _text,
    "send-button-actions": _button_actions,
    # Image and video button lists post here too (buttonList.image / .video): Z-API
    # has no send-button-list-image or -video path, so those answer 404.
    "send-button-list": _button_list,
    "send-option-list": _option_list,
    "send-button-otp": _otp,
    "send-button-pix": _pix,
}


def validate_send(endpoint: str, body: Any, *, strict: bool = True) -> dict[str, Any]:
    """Validate a send endpoint's body; return it (a dict) or raise :class:`BodyError`."""
    SEND_ENDPOINTS[endpoint](body, strict)  # checks that body is an object first
    return check_object("", body, {}, strict=False)


def validate_queue_page(body: Any, *, strict: bool = True) -> tuple[int, str | None]:
    """Validate a ``POST queue`` body; return ``(page_size, paging_state)``."""

    def page_size(path: str, value: Any) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise BodyError(path, f"should be an integer, but was {_json_type(value)}")
        if not 1 <= value <= MAX_QUEUE_PAGE_SIZE:
            raise BodyError(path, f"should be in range [1, {MAX_QUEUE_PAGE_SIZE}], but was {value}")

    fields: Fields = {"pageSize": (False, page_size), "pagingState": (False, identifier)}
    check_object("", body, fields, strict=strict)
    size = body.get("pageSize") or DEFAULT_QUEUE_PAGE_SIZE
    return size, body.get("pagingState")
