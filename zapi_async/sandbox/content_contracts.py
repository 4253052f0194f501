"""Request contracts of the content endpoints (media, places, polls, events,
carousels, message actions), judged on the raw JSON like :mod:`.validation`.

Written from Z-API's pages and request samples (ZAPI_ENDPOINTS.md §1), not from the
library's models. :func:`validate_any_send` is the sandbox's one entry point for
every send endpoint, including ``send-document/<extension>``.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable, Mapping
from typing import Any

from .validation import (
    SEND_ENDPOINTS,
    BodyError,
    Check,
    Fields,
    _action_button,
    _unique_ids,
    array_of,
    check_object,
    delay,
    dial_number,
    http_url,
    identifier,
    one_of,
    recipient,
    text,
    validate_send,
)

__all__ = [
    "ACTION_ENDPOINTS",
    "CONTENT_ENDPOINTS",
    "is_send_endpoint",
    "validate_action",
    "validate_any_send",
    "validate_delete_query",
]

DOCUMENT_PREFIX = "send-document/"
_EXTENSION = re.compile(r"[A-Za-z0-9]{1,10}")
_DATA_URI = re.compile(r"data:(?P<top>[a-z]+)/[A-Za-z0-9.+-]+;base64,")
_DEGREES = re.compile(r"-?[0-9]{1,3}(?:\.[0-9]+)?")
_GROUP = re.compile(r"[0-9]{6,30}-(?:group|[0-9]{6,14})")

Validator = Callable[[Any, bool], None]


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    for kind, name in ((dict, "object"), (list, "array"), (str, "string")):
        if isinstance(value, kind):
            return name
    return "null" if value is None else "number"


def media(top: str | None) -> Check:
    """An http(s) URL, Base64, or a data URI of MIME top-level type ``top`` (any: None)."""

    def check(path: str, value: Any) -> None:
        if not isinstance(value, str):
            raise BodyError(path, f"should be a string, but was {_json_type(value)}")
        if value.startswith(("http://", "https://")):
            http_url(path, value)
            return
        payload = value
        if value.startswith("data:"):
            match = _DATA_URI.match(value)
            if not match or (top is not None and match.group("top") != top):
                raise BodyError(
                    path, f"a data URI should look like 'data:{top or '<type>'}/...;base64,...'"
                )
            payload = value[match.end() :]
        try:
            decoded = base64.b64decode("".join(payload.split()), validate=True)
        except (binascii.Error, ValueError):
            decoded = b""
        if not decoded:
            raise BodyError(
                path, f"should be an http(s) URL or Base64 data, but was {value[:40]!r}"
            )

    return check


def boolean(path: str, value: Any) -> None:
    """true or false."""
    if not isinstance(value, bool):
        raise BodyError(path, f"should be true or false, but was {_json_type(value)}")


def degrees(limit: int) -> Check:
    """Decimal degrees as a **string**, as Z-API's examples send them."""

    def check(path: str, value: Any) -> None:
        if not isinstance(value, str):
            raise BodyError(
                path, f"should be a string of decimal degrees, but was {_json_type(value)}"
            )
        if not _DEGREES.fullmatch(value) or abs(float(value)) > limit:
            raise BodyError(path, f"should be decimal degrees within ±{limit}, but was {value!r}")

    return check


def group(path: str, value: Any) -> None:
    """A group id: events are for groups only."""
    recipient(path, value)
    if not _GROUP.fullmatch(value):
        raise BodyError(path, f"should be a group id (events are for groups only), not {value!r}")


def _with_common(fields: Fields, *, delayed: bool = True) -> dict[str, tuple[bool, Check]]:
    common: dict[str, tuple[bool, Check]] = {"phone": (True, recipient), **fields}
    if delayed:
        common["delayMessage"] = (False, delay)
    return common


def _contract(fields: Fields, *, delayed: bool = True) -> Validator:
    def validate(body: Any, strict: bool) -> None:
        check_object("", body, _with_common(fields, delayed=delayed), strict=strict)

    return validate


def _names(path: str, value: Any, strict: bool) -> None:
    check_object(path, value, {"name": (True, text)}, strict=strict)


def _unique_names(path: str, items: list[Any]) -> None:
    names = [item["name"] for item in items]
    for index, name in enumerate(names):
        if name in names[:index]:
            raise BodyError(f"{path}[{index}].name", f"repeats the option {name!r}")


def _contact(path: str, value: Any, strict: bool) -> None:
    def phones(sub: str, items: Any) -> None:
        array_of(lambda p, v, s: dial_number(p, v), strict=strict)(sub, items)

    fields: Fields = {
        "name": (True, text),
        "phones": (True, phones),
        "businessDescription": (False, text),
    }
    check_object(path, value, fields, strict=strict)


def _contacts(body: Any, strict: bool) -> None:
    fields = _with_common({"contacts": (True, array_of(_contact, strict=strict)), **_REPLY})
    check_object("", body, fields, strict=strict)


def _link(body: Any, strict: bool) -> None:
    fields = _with_common({
        "message": (True, text), "image": (True, media("image")), "linkUrl": (True, http_url),
        "title": (True, text), "linkDescription": (True, text), "messageId": (False, identifier),
        "delayTyping": (False, delay), "linkType": (False, one_of("SMALL", "MEDIUM", "LARGE")),
    })  # fmt: skip
    check_object("", body, fields, strict=strict)
    if not body["message"].rstrip().endswith(body["linkUrl"]):
        raise BodyError("message", "should end with the linkUrl (Z-API's rule for send-link)")


def _poll(body: Any, strict: bool) -> None:
    fields = _with_common({
        "message": (True, text),
        "poll": (True, array_of(_names, strict=strict)),
        "pollMaxOptions": (False, lambda p, v: None),
    })  # fmt: skip
    check_object("", body, fields, strict=strict)
    _unique_names("poll", body["poll"])
    most = body.get("pollMaxOptions")
    if most is not None:
        if not isinstance(most, int) or isinstance(most, bool):
            raise BodyError("pollMaxOptions", f"should be an integer, but was {_json_type(most)}")
        if not 1 <= most <= len(body["poll"]):
            raise BodyError("pollMaxOptions", f"should be in range [1, {len(body['poll'])}]")


def _poll_vote(body: Any, strict: bool) -> None:
    fields = _with_common(
        {"pollMessageId": (True, text), "pollVote": (True, array_of(_names, strict=strict))},
        delayed=False,
    )
    check_object("", body, fields, strict=strict)
    _unique_names("pollVote", body["pollVote"])


def _event_object(strict: bool) -> Check:
    def check(path: str, value: Any) -> None:
        def location(sub: str, place: Any) -> None:
            check_object(sub, place, {"name": (True, text)}, strict=strict)

        fields: Fields = {
            "name": (True, text), "dateTime": (True, text), "canceled": (True, boolean),
            "description": (False, text), "timeZone": (False, text), "location": (False, location),
            "callLinkType": (False, one_of("voice", "video")),
        }  # fmt: skip
        check_object(path, value, fields, strict=strict)

    return check


def _event(edit: bool) -> Validator:
    def validate(body: Any, strict: bool) -> None:
        fields: dict[str, tuple[bool, Check]] = {
            "phone": (True, group),
            "event": (True, _event_object(strict)),
        }
        if edit:
            fields["eventMessageId"] = (True, text)
        check_object("", body, fields, strict=strict)

    return validate


def _carousel(body: Any, strict: bool) -> None:
    def card(path: str, value: Any, strict_: bool) -> None:
        fields: Fields = {
            "text": (True, text),
            "image": (True, media("image")),
            "buttons": (False, array_of(_action_button, strict=strict_)),
        }
        check_object(path, value, fields, strict=strict_)
        buttons = value.get("buttons") or []
        _unique_ids(f"{path}.buttons", buttons)
        if {button["type"] for button in buttons} == {"CALL", "URL", "REPLY"}:
            raise BodyError(
                f"{path}.buttons",
                "mixes CALL, URL and REPLY buttons on one card, which fails on WhatsApp Web",
            )

    fields = _with_common(
        {"message": (True, text), "carousel": (True, array_of(card, strict=strict))}
    )
    check_object("", body, fields, strict=strict)


_TARGET: Fields = {"messageId": (True, identifier)}
_REPLY: Fields = {"messageId": (False, identifier)}

#: Content send endpoints (``send-document/<ext>`` is matched by prefix).
CONTENT_ENDPOINTS: dict[str, Validator] = {
    "send-image": _contract({"image": (True, media("image")), "caption": (False, text),
                             **_REPLY, "viewOnce": (False, boolean)}),
    "send-audio": _contract({"audio": (True, media("audio")), **_REPLY,
                             "delayTyping": (False, delay), "viewOnce": (False, boolean),
                             "waveform": (False, boolean), "async": (False, boolean)}),
    "send-video": _contract({"video": (True, media("video")), "caption": (False, text),
                             **_REPLY, "viewOnce": (False, boolean), "async": (False, boolean)}),
    "send-ptv": _contract({"ptv": (True, media("video")), **_REPLY}),
    "send-gif": _contract({"gif": (True, media("video")), "caption": (False, text), **_REPLY}),
    "send-sticker": _contract({"sticker": (True, media("image")),
                               "stickerAuthor": (False, text), **_REPLY}),
    DOCUMENT_PREFIX: _contract({"document": (True, media(None)), "fileName": (False, text),
                                "caption": (False, text), **_REPLY,
                                "editDocumentMessageId": (False, identifier)}),
    "send-location": _contract({"title": (True, text), "address": (True, text),
                                "latitude": (True, degrees(90)),
                                "longitude": (True, degrees(180)), **_REPLY}),
    "send-contact": _contract({"contactName": (True, text), "contactPhone": (True, dial_number),
                               "contactBusinessDescription": (False, text), **_REPLY}),
    "send-contacts": _contacts,
    "send-link": _link,
    "send-reaction": _contract({"reaction": (True, text), **_TARGET}),
    "send-remove-reaction": _contract(_TARGET),
    "send-poll": _poll,
    "send-poll-vote": _poll_vote,
    "send-event": _event(edit=False),
    "send-edit-event": _event(edit=True),
    "send-event-response": _contract({"eventMessageId": (True, text),
                                      "eventResponse": (True, one_of("GOING", "NOT_GOING"))},
                                     delayed=False),
    "send-carousel": _carousel,
    "pin-message": _contract({**_TARGET, "messageAction": (True, one_of("pin", "unpin")),
                              "pinMessageDuration": (True, one_of("24_hours", "7_days",
                                                                  "30_days"))}, delayed=False),
}  # fmt: skip

#: Message actions that are not sends: endpoint -> (method, operation).
ACTION_ENDPOINTS: Mapping[str, tuple[str, str]] = {
    "forward-message": ("POST", "forward"),
    "read-message": ("POST", "read"),
    "messages": ("DELETE", "delete_message"),
}

_ACTION_CONTRACTS: dict[str, Validator] = {
    "forward": _contract({**_TARGET, "messagePhone": (True, recipient)}),
    "read": _contract(_TARGET, delayed=False),
}


def _content_contract(endpoint: str) -> Validator | None:
    if endpoint.startswith(DOCUMENT_PREFIX):
        extension = endpoint[len(DOCUMENT_PREFIX) :]
        return CONTENT_ENDPOINTS[DOCUMENT_PREFIX] if _EXTENSION.fullmatch(extension) else None
    return CONTENT_ENDPOINTS.get(endpoint)


def is_send_endpoint(endpoint: str) -> bool:
    """Whether ``endpoint`` is a send the sandbox implements (any module's)."""
    return endpoint in SEND_ENDPOINTS or _content_contract(endpoint) is not None


def validate_any_send(endpoint: str, body: Any, *, strict: bool = True) -> dict[str, Any]:
    """Validate the body of any send endpoint; return it or raise :class:`BodyError`."""
    contract = _content_contract(endpoint)
    if contract is None:
        return validate_send(endpoint, body, strict=strict)
    contract(body, strict)
    return check_object("", body, {}, strict=False)


def validate_action(operation: str, body: Any, *, strict: bool = True) -> dict[str, Any]:
    """Validate a ``forward`` or ``read`` body."""
    _ACTION_CONTRACTS[operation](body, strict)
    return check_object("", body, {}, strict=False)


def validate_delete_query(query: Mapping[str, str]) -> dict[str, str]:
    """``DELETE /messages``: ``messageId``, ``phone`` and ``owner`` (true/false) in the query."""
    for name in ("messageId", "phone", "owner"):
        if not query.get(name):
            raise BodyError(name, "is a required query parameter")
    recipient("phone", query["phone"])
    if query["owner"] not in ("true", "false"):
        raise BodyError("owner", f"should be true or false, but was {query['owner']!r}")
    return {name: query[name] for name in ("messageId", "phone", "owner")}
