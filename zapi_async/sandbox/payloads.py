"""The JSON bodies Z-API POSTs to a bot, as the sandbox builds them.

* :func:`received_payload`: a ``ReceivedCallback`` (a message, an echo of your own
  send, a notification or a ``waitingMessage`` placeholder);
* :func:`echo_content`: the content object of the echo of a send the sandbox accepted;
* :func:`message_status_payload`, :func:`delivery_payload`;
* :func:`lid_for`: the sandbox's stable LID for a phone number.

Written from Z-API's webhook docs, without the library's models (the sandbox
imports nothing of :mod:`zapi_async`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "CALL_NOTIFICATIONS",
    "MESSAGE_STATUSES",
    "delivery_payload",
    "echo_content",
    "is_group",
    "lid_for",
    "message_status_payload",
    "received_payload",
]

#: Statuses a ``MessageStatusCallback`` can carry.
MESSAGE_STATUSES = ("SENT", "RECEIVED", "READ", "READ_BY_ME", "PLAYED")
#: The call notifications Z-API documents.
CALL_NOTIFICATIONS = ("CALL_VOICE", "CALL_MISSED_VOICE", "CALL_MISSED_VIDEO")

_GROUP = re.compile(r"[0-9]{6,30}-(?:group|[0-9]{6,14})")
#: Digits of a sandbox LID: 15, like most LIDs seen in Z-API's docs.
_LID_DIGITS = 15


def is_group(phone: str) -> bool:
    """Whether ``phone`` is a group id (``…-group`` or the legacy ``<phone>-<timestamp>``)."""
    return _GROUP.fullmatch(phone) is not None


def lid_for(phone: str) -> str:
    """The LID (``<15 digits>@lid``) the sandbox gives the contact ``phone``: the same
    number always gets the same LID; a LID is returned unchanged."""
    if phone.endswith("@lid"):
        return phone
    digest = int(hashlib.sha256(f"zapi-sandbox-lid:{phone}".encode()).hexdigest(), 16)
    low = 10 ** (_LID_DIGITS - 1)
    return f"{low + digest % (9 * low)}@lid"


def received_payload(
    *,
    instance_id: str,
    phone: str,
    message_id: str | None,
    momment: int,
    content: Mapping[str, Any],
    connected_phone: str,
    reference_message_id: str | None = None,
    sender_name: str = "Sandbox User",
    participant_phone: str | None = None,
    chat_lid: str | None = None,
    sender_lid: str | None = None,
    participant_lid: str | None = None,
    from_me: bool = False,
    from_api: bool = False,
    status: str = "RECEIVED",
    waiting_message: bool = False,
) -> dict[str, Any]:
    """A ``ReceivedCallback`` body; ``content`` holds the content object (``text``, …)
    or, for a notification, its top-level keys (``notification``, ``callId``, …)."""
    payload: dict[str, Any] = {
        "isStatusReply": False,
        "chatLid": chat_lid,
        "senderLid": sender_lid,
        "connectedPhone": connected_phone,
        "waitingMessage": waiting_message,
        "isEdit": False,
        "isGroup": is_group(phone),
        "isNewsletter": phone.endswith("@newsletter"),
        "instanceId": instance_id,
        "messageId": message_id,
        "phone": phone,
        "fromMe": from_me,
        "momment": momment,
        "status": status,
        "chatName": sender_name,
        "senderPhoto": None,
        "senderName": sender_name,
        "participantPhone": participant_phone,
        "participantLid": participant_lid,
        "photo": None,
        "broadcast": False,
        "referenceMessageId": reference_message_id,
        "forwarded": False,
        "type": "ReceivedCallback",
        "fromApi": from_api,
        **content,
    }
    return payload


def _template_button(index: int, button: Mapping[str, Any]) -> dict[str, Any]:
    label = button.get("label")
    kind = button.get("type", "REPLY")
    if kind == "URL":
        return {"index": index, "urlButton": {"displayText": label, "url": button.get("url")}}
    if kind == "CALL":
        call = {"displayText": label, "phoneNumber": button.get("phone")}
        return {"index": index, "callButton": call}
    reply = {"displayText": label, "id": button.get("id", str(index + 1))}
    return {"index": index, "quickReplyButton": reply}


def echo_content(endpoint: str, body: Mapping[str, Any]) -> dict[str, Any]:
    """The content object of the echo (``fromMe``/``fromApi``) of a send to ``endpoint``.

    Shapes follow Z-API's examples: ``text``; ``buttonsMessage`` for button lists;
    ``hydratedTemplate`` for action buttons and OTP buttons; ``pixKeyMessage``.
    Other sends echo their ``message`` as ``text`` (the sandbox's choice).
    """
    if endpoint == "send-text":
        return {"text": {"message": body.get("message")}}
    if endpoint == "send-button-list":
        buttons = body.get("buttonList", {})
        return {
            "buttonsMessage": {
                "imageUrl": buttons.get("image"),
                "videoUrl": buttons.get("video"),
                "message": body.get("message"),
                "buttons": [
                    {
                        "buttonId": button.get("id", str(number)),
                        "type": 1,
                        "buttonText": {"displayText": button.get("label")},
                    }
                    for number, button in enumerate(buttons.get("buttons", []), start=1)
                ],
            }
        }
    if endpoint in ("send-button-actions", "send-button-otp"):
        if endpoint == "send-button-otp":
            otp = f"https://www.whatsapp.com/otp/code/?otp_type=COPY_CODE&code={body.get('code')}"
            label = body.get("buttonText", "Copiar código")
            raw: Sequence[Mapping[str, Any]] = [{"type": "URL", "label": label, "url": otp}]
        else:
            raw = body.get("buttonActions", [])
        return {
            "hydratedTemplate": {
                "header": {},
                "message": body.get("message"),
                "footer": body.get("footer", ""),
                "title": body.get("title", ""),
                "templateId": "",
                "hydratedButtons": [_template_button(i, b) for i, b in enumerate(raw)],
            }
        }
    if endpoint == "send-button-pix":
        return {
            "pixKeyMessage": {
                "currency": "BRL",
                "referenceId": "",
                "key": body.get("pixKey"),
                "keyType": body.get("type"),
                "merchantName": body.get("merchantName", ""),
            }
        }
    message = body.get("message")
    return {"text": {"message": message}} if isinstance(message, str) else {}


def message_status_payload(
    *, instance_id: str, phone: str, ids: Sequence[str], status: str, momment: int
) -> dict[str, Any]:
    """A ``MessageStatusCallback`` body (``status`` must be one of :data:`MESSAGE_STATUSES`;
    the caller checks)."""
    return {
        "instanceId": instance_id,
        "status": status,
        "ids": list(ids),
        "momment": momment,
        "phoneDevice": 0,
        "phone": phone,
        "isGroup": is_group(phone),
        "type": "MessageStatusCallback",
    }


def delivery_payload(
    *,
    instance_id: str,
    phone: str,
    zaap_id: str,
    message_id: str,
    momment: int | None = None,
    error: str | None = None,
    error_code: str | None = None,
) -> dict[str, Any]:
    """A ``DeliveryCallback`` ("On send") body: the message went out, or, with
    ``error`` (and optionally ``error_code``, e.g. ``"SHADOW_BAN"``), it failed."""
    payload: dict[str, Any] = {
        "phone": phone,
        "messageId": message_id,
        "instanceId": instance_id,
        "zaapId": zaap_id,
    }
    if momment is not None:
        payload["momment"] = momment
    payload["type"] = "DeliveryCallback"
    if error is not None:
        payload["error"] = error
    if error_code is not None:
        payload["errorCode"] = error_code
    return payload
