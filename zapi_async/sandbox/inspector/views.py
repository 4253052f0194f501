"""How the inspector shows a message: recorded wire JSON -> a plain "view" dict.

The page's JavaScript renders views generically (text, media, buttons, list,
location, ...), so everything Z-API-specific lives here, in Python, where it is
tested without a browser. :func:`message_view` reads a send's endpoint and body
exactly as recorded (it knows every content endpoint Z-API documents, whether or
not the sandbox accepts it yet); :func:`incoming_view` reads a ``ReceivedCallback``
the sandbox POSTed for the person's side. Views hold only strings, numbers,
booleans, lists and dicts, and URLs a browser may safely load (:func:`safe_url`):
never ``javascript:`` links, never HTML.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..records import RecordedHeaders, RecordedMessage

__all__ = ["chat_kind", "incoming_view", "message_view", "preview", "safe_url"]

#: Largest ``data:`` URI the page is given inline, in characters (bigger: a placeholder).
MAX_INLINE_DATA = 512 * 1024
_DATA_URI = re.compile(r"data:(?:image|video|audio|application)/[A-Za-z0-9.+-]+;base64,")
#: Endpoints whose body is one media object: ``endpoint -> (media type, body key)``.
MEDIA_ENDPOINTS = {
    "send-image": ("image", "image"),
    "send-audio": ("audio", "audio"),
    "send-video": ("video", "video"),
    "send-ptv": ("ptv", "ptv"),
    "send-gif": ("gif", "gif"),
    "send-sticker": ("sticker", "sticker"),
}
#: Body keys never shown as content (delivery options, ids).
_OPTIONS = frozenset({"phone", "delayMessage", "delayTyping", "messageId", "editMessageId"})


def safe_url(value: Any, *, data: bool = True) -> str | None:
    """``value`` if a browser may load it (http(s), or a small ``data:`` URI), else ``None``."""
    if not isinstance(value, str):
        return None
    if value.startswith(("http://", "https://")) and not any(c.isspace() for c in value):
        return value
    if data and _DATA_URI.match(value) and len(value) <= MAX_INLINE_DATA:
        return value
    return None


def chat_kind(chat_id: str) -> str:
    """``"number"``, ``"lid"``, ``"group"``, ``"channel"`` or ``"broadcast"`` for a chat id."""
    if chat_id.endswith("@lid"):
        return "lid"
    if chat_id.endswith("@newsletter"):
        return "channel"
    if chat_id.endswith("-broadcast"):
        return "broadcast"
    if "-" in chat_id:
        return "group"
    return "number"


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _media(kind: str, value: Any, **extra: Any) -> dict[str, Any]:
    src = safe_url(value)
    label = "" if src else ("(Base64 data)" if isinstance(value, str) else "(no file)")
    media: dict[str, Any] = {"type": kind, "src": src, "label": label}
    media.update({key: item for key, item in extra.items() if item is not None})
    return media


def _buttons(endpoint: str, body: dict[str, Any]) -> list[dict[str, Any]]:
    record = RecordedMessage(endpoint, body, RecordedHeaders({}), 0.0, 0.0, "", "")
    found = []
    for button_id, button in record.buttons:
        kind = str(button.get("type", "REPLY"))
        view: dict[str, Any] = {"id": button_id, "type": kind, "label": str(button["label"])}
        if kind == "URL":
            view["url"] = safe_url(button.get("url"), data=False)
        elif kind == "CALL":
            view["phone"] = str(button.get("phone", ""))
        found.append(view)
    return found


def _actions(endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
    view: dict[str, Any] = {"kind": "buttons", "text": _str(body.get("message"))}
    view["title"], view["footer"] = _str(body.get("title")), _str(body.get("footer"))
    if "image" in body:
        view["media"] = _media("image", body["image"])
    view["buttons"] = _buttons(endpoint, body)
    return view


def _button_list(endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
    view: dict[str, Any] = {"kind": "buttons", "text": _str(body.get("message"))}
    button_list = body.get("buttonList") or {}
    for kind in ("image", "video"):
        if kind in button_list:
            view["media"] = _media(kind, button_list[kind])
    view["buttons"] = _buttons(endpoint, body)
    return view


def _option_list(body: dict[str, Any]) -> dict[str, Any]:
    option_list = body.get("optionList") or {}
    options = [
        {
            "id": _str(option.get("id")),
            "title": str(option.get("title", "")),
            "description": _str(option.get("description")),
        }
        for option in option_list.get("options", [])
        if isinstance(option, dict)
    ]
    return {
        "kind": "list",
        "text": _str(body.get("message")),
        "list": {
            "title": str(option_list.get("title", "")),
            "buttonLabel": str(option_list.get("buttonLabel", "Open")),
            "options": options,
        },
    }


def _document(endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
    extension = endpoint.partition("/")[2]
    name = _str(body.get("fileName")) or f"document.{extension or 'bin'}"
    media = _media("document", body.get("document"), fileName=name, extension=extension)
    return {"kind": "media", "text": _str(body.get("caption")), "media": media}


def _location(body: dict[str, Any]) -> dict[str, Any]:
    latitude, longitude = str(body.get("latitude", "")), str(body.get("longitude", ""))
    map_url = None
    if re.fullmatch(r"-?[0-9.]+", latitude) and re.fullmatch(r"-?[0-9.]+", longitude):
        map_url = f"https://www.openstreetmap.org/?mlat={latitude}&mlon={longitude}"
    location = {
        "title": _str(body.get("title")),
        "address": _str(body.get("address")),
        "latitude": latitude,
        "longitude": longitude,
        "mapUrl": map_url,
    }
    return {"kind": "location", "location": location}


def _contacts(endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
    if endpoint == "send-contact":
        contacts = [
            {
                "name": str(body.get("contactName", "")),
                "phones": [str(body.get("contactPhone", ""))],
                "description": _str(body.get("contactBusinessDescription")),
            }
        ]
    else:
        contacts = [
            {
                "name": str(item.get("name", "")),
                "phones": [str(p) for p in item.get("phones", []) if isinstance(p, (str, int))],
                "description": _str(item.get("businessDescription")),
            }
            for item in body.get("contacts", [])
            if isinstance(item, dict)
        ]
    return {"kind": "contacts", "contacts": contacts}


def _link(body: dict[str, Any]) -> dict[str, Any]:
    link = {
        "url": safe_url(body.get("linkUrl"), data=False),
        "title": _str(body.get("title")),
        "description": _str(body.get("linkDescription")),
        "image": safe_url(body.get("image")),
        "size": _str(body.get("linkType")) or "SMALL",
    }
    return {"kind": "link", "text": _str(body.get("message")), "link": link}


def _poll(body: dict[str, Any]) -> dict[str, Any]:
    names = [str(o.get("name", "")) for o in body.get("poll", []) if isinstance(o, dict)]
    max_options = body.get("pollMaxOptions")
    poll = {
        "question": str(body.get("message", "")),
        "options": names,
        "maxOptions": max_options if isinstance(max_options, int) else None,
    }
    return {"kind": "poll", "poll": poll}


def _generic(endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
    fields = [
        [key, value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)]
        for key, value in body.items()
        if key not in _OPTIONS
    ]
    return {"kind": "other", "text": _str(body.get("message")), "fields": fields}


def _content(endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
    if endpoint == "send-text":
        return {"kind": "text", "text": _str(body.get("message"))}
    if endpoint == "send-button-actions":
        return _actions(endpoint, body)
    if endpoint.startswith("send-button-list"):
        return _button_list(endpoint, body)
    if endpoint == "send-option-list":
        return _option_list(body)
    if endpoint == "send-button-otp":
        view: dict[str, Any] = {"kind": "otp", "text": _str(body.get("message"))}
        if "image" in body:
            view["media"] = _media("image", body["image"])
        view["otp"] = {
            "code": str(body.get("code", "")),
            "buttonText": _str(body.get("buttonText")) or "Copy code",
        }
        return view
    if endpoint == "send-button-pix":
        pix = {
            "key": str(body.get("pixKey", "")),
            "keyType": str(body.get("type", "")),
            "merchantName": _str(body.get("merchantName")),
        }
        return {"kind": "pix", "pix": pix}
    if endpoint in MEDIA_ENDPOINTS:
        kind, key = MEDIA_ENDPOINTS[endpoint]
        extra = {"author": _str(body.get("stickerAuthor")), "viewOnce": body.get("viewOnce")}
        media = _media(kind, body.get(key), **extra)
        return {"kind": "media", "text": _str(body.get("caption")), "media": media}
    if endpoint == "send-document" or endpoint.startswith("send-document/"):
        return _document(endpoint, body)
    if endpoint == "send-location":
        return _location(body)
    if endpoint in ("send-contact", "send-contacts"):
        return _contacts(endpoint, body)
    if endpoint == "send-link":
        return _link(body)
    if endpoint in ("send-reaction", "send-remove-reaction"):
        reaction = {"emoji": str(body.get("reaction", "")), "messageId": body.get("messageId")}
        return {"kind": "reaction", "reaction": reaction}
    if endpoint == "send-poll":
        return _poll(body)
    return _generic(endpoint, body)


def message_view(endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
    """The view of a message the bot sent: its ``endpoint`` and JSON ``body`` as recorded.

    Always has ``kind`` (``text``, ``buttons``, ``list``, ``otp``, ``pix``, ``media``,
    ``location``, ``contacts``, ``link``, ``reaction``, ``poll`` or ``other``) and
    ``endpoint``; the other keys depend on it (see the module docstring).
    """
    view = _content(endpoint, body)
    view["endpoint"] = endpoint
    if endpoint in ("send-reaction", "send-remove-reaction"):
        return view
    for key, name in (("messageId", "replyTo"), ("editMessageId", "edits")):
        if _str(body.get(key)):
            view[name] = body[key]
    return view


#: ``notification`` values of calls, and how the page names them.
CALL_NOTIFICATIONS = {
    "CALL_VOICE": "Voice call",
    "CALL_MISSED_VOICE": "Missed voice call",
    "CALL_MISSED_VIDEO": "Missed video call",
}


def incoming_view(payload: dict[str, Any]) -> dict[str, Any] | None:
    """The view of what the person sent (a ``ReceivedCallback`` body), or ``None`` for
    callbacks shown on another message instead (reactions, poll votes)."""
    if "reaction" in payload or "pollVote" in payload:
        return None
    reference = _str(payload.get("referenceMessageId"))
    view: dict[str, Any]
    if isinstance(payload.get("text"), dict):
        view = {"kind": "text", "text": _str(payload["text"].get("message"))}
    elif isinstance(payload.get("buttonsResponseMessage"), dict):
        reply = payload["buttonsResponseMessage"]
        view = {"kind": "button-reply", "text": _str(reply.get("message"))}
        view["buttonId"] = reply.get("buttonId")
    elif isinstance(payload.get("listResponseMessage"), dict):
        reply = payload["listResponseMessage"]
        view = {"kind": "list-reply", "text": _str(reply.get("title"))}
        view["description"], view["optionId"] = (
            _str(reply.get("message")),
            reply.get("selectedRowId"),
        )
    elif payload.get("notification") in CALL_NOTIFICATIONS:
        view = {"kind": "call", "text": CALL_NOTIFICATIONS[payload["notification"]]}
    else:
        view = {"kind": "other", "text": _str(payload.get("notification")) or "(message)"}
    if reference:
        view["replyTo"] = reference
    return view


def preview(view: dict[str, Any]) -> str:
    """A one-line summary of a view for the chat list."""
    text = view.get("text")
    if isinstance(text, str) and text:
        return text.splitlines()[0][:80]
    kind = view.get("kind")
    if kind == "media":
        return f"[{view['media']['type']}]"
    if kind == "poll":
        return f"[poll] {view['poll']['question']}"[:80]
    if kind == "location":
        return f"[location] {view['location']['title'] or ''}".strip()
    if kind == "reaction":
        return f"[reaction] {view['reaction']['emoji']}"
    return f"[{kind}]"
