"""Hand-written wire forms for the hot path: the action-button message, its buttons
and the send result.

They give exactly what the generic cattrs hooks of :mod:`~zapi_async.wire.converter`
give (same keys, same order, ``None`` omitted; tests/wire/test_fast_paths.py checks
it), several times faster. :class:`SendResult` is built directly only from the
common ``{"zaapId": str, "messageId": str, "id": str}`` shape (extra keys ignored,
``id`` optional); anything else takes the strict generic path and its errors.
"""

from __future__ import annotations

from typing import Any

from ..models.buttons import CallButton, ReplyButton, UrlButton
from ..models.messages import ButtonActionsMessage, SendResult
from .converter import register_fast, wire_name

__all__: list[str] = []

_TAG = "type"


def _call(button: CallButton) -> dict[str, Any]:
    data: dict[str, Any] = {"label": button.label, "phone": button.phone}
    if button.id is not None:
        data["id"] = button.id
    data[_TAG] = "CALL"
    return data


def _url(button: UrlButton) -> dict[str, Any]:
    data: dict[str, Any] = {"label": button.label, "url": button.url}
    if button.id is not None:
        data["id"] = button.id
    data[_TAG] = "URL"
    return data


def _reply(button: ReplyButton) -> dict[str, Any]:
    data: dict[str, Any] = {"label": button.label}
    if button.id is not None:
        data["id"] = button.id
    data[_TAG] = "REPLY"
    return data


_BUTTONS = {CallButton: _call, UrlButton: _url, ReplyButton: _reply}
_PHONE, _MESSAGE, _BUTTONS_KEY, _TITLE, _FOOTER, _IMAGE, _DELAY = (
    wire_name(ButtonActionsMessage, name)
    for name in ("phone", "message", "buttons", "title", "footer", "image", "delay_message")
)


def _button_actions(message: ButtonActionsMessage) -> dict[str, Any]:
    writers = _BUTTONS
    buttons = []
    for button in message.buttons:  # a loop: a comprehension costs a frame more
        buttons.append(writers[button.__class__](button))  # type: ignore[operator]
    data: dict[str, Any] = {_PHONE: message.phone, _MESSAGE: message.message, _BUTTONS_KEY: buttons}
    if message.title is not None:
        data[_TITLE] = message.title
    if message.footer is not None:
        data[_FOOTER] = message.footer
    if message.image is not None:
        data[_IMAGE] = message.image
    if message.delay_message is not None:
        data[_DELAY] = message.delay_message
    return data


def _send_result(data: Any) -> SendResult | None:
    if data.__class__ is not dict:
        return None
    try:  # subscripts: cheaper than dict.get calls on this hot path
        zaap_id, message_id = data["zaapId"], data["messageId"]
    except KeyError:
        return None
    id_ = data.get("id", message_id)
    if zaap_id.__class__ is str and message_id.__class__ is str and id_.__class__ is str:
        return SendResult(zaap_id, message_id, id_)
    return None


register_fast(ButtonActionsMessage, unstructure=_button_actions, covers=tuple(_BUTTONS))
register_fast(SendResult, structure=_send_result)
