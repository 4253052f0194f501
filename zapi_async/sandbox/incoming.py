"""Contacts sending content to the bot: the ``ReceivedCallback`` of each kind.

:func:`content_object` builds the content object Z-API puts in a received-message
webhook (``image``, ``audio``, ``location``… as in Z-API's on-message-received
examples); media bytes are kept in the sandbox's :class:`~.media_store.MediaStore`
and the webhook's ``imageUrl`` / ``audioUrl``… point at the sandbox itself.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .media_store import MEDIA_PREFIX, MediaStore
from .webhook_sender import SandboxError

__all__ = ["KINDS", "content_object", "store_media_values"]

#: Placeholder bytes for media sent without ``data=``: each starts with the magic
#: number of the default MIME type, so a download's type checks see real-looking data.
_SAMPLES: dict[str, tuple[bytes, str]] = {
    "image": (b"\xff\xd8\xff\xe0" + bytes(60), "image/jpeg"),
    "audio": (b"OggS" + bytes(24) + b"OpusHead" + bytes(32), "audio/ogg; codecs=opus"),
    "video": (bytes(4) + b"ftypmp42" + bytes(52), "video/mp4"),
    "document": (b"%PDF-1.4\n" + bytes(55), "application/pdf"),
    "sticker": (b"RIFF" + bytes(4) + b"WEBPVP8 " + bytes(52), "image/webp"),
}

#: kind -> (content key, its URL key or None, defaults in Z-API's shape)
KINDS: dict[str, tuple[str, str | None, dict[str, Any]]] = {
    "text": ("text", None, {}),
    "image": ("image", "imageUrl", {"thumbnailUrl": None, "caption": "", "downloadError": None,
                                    "width": 600, "height": 315, "viewOnce": False}),
    "audio": ("audio", "audioUrl", {"ptt": True, "seconds": 10, "viewOnce": False}),
    "video": ("video", "videoUrl", {"caption": "", "seconds": 13, "viewOnce": False}),
    "document": ("document", "documentUrl", {"title": "document", "pageCount": 1,
                                             "fileName": "document.pdf"}),
    "sticker": ("sticker", "stickerUrl", {}),
    "location": ("location", None, {"address": "", "url": ""}),
    "contact": ("contact", None, {}),
    "reaction": ("reaction", None, {}),
    "poll": ("poll", None, {"pollMaxOptions": 0}),
    "poll_vote": ("pollVote", None, {}),
}  # fmt: skip

_REQUIRED: dict[str, tuple[str, ...]] = {
    "text": ("message",),
    "location": ("latitude", "longitude"),
    "contact": ("displayName", "phones"),
    "reaction": ("value", "messageId"),
    "poll": ("question", "options"),
    "poll_vote": ("pollMessageId", "options"),
}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _vcard(name: str, phones: list[str]) -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:;{name};;;", f"FN:{name}"]
    lines += [f"TEL;type=CELL;type=VOICE;waid={phone}:+{phone}" for phone in phones]
    return "\n".join([*lines, "END:VCARD"])


def _media_url(base_url: str, media_id: str) -> str:
    return f"{base_url}{MEDIA_PREFIX}{media_id}"


def content_object(
    kind: str,
    fields: Mapping[str, Any],
    *,
    store: MediaStore,
    base_url: str,
    sender_phone: str,
    now_ms: int,
    referenced: Callable[[str], dict[str, Any]],
) -> dict[str, Any]:
    """``{content key: object}`` for ``kind`` built from snake_case ``fields``.

    Media kinds take ``data=`` (bytes, default: a small sample) and ``mime_type=``;
    the URL is the sandbox's. ``referenced(message_id)`` describes a quoted message
    (for reactions).
    """
    if kind not in KINDS:
        raise SandboxError(f"unknown content kind {kind!r}; use one of {', '.join(KINDS)}")
    key, url_key, defaults = KINDS[kind]
    given = {_camel(name): value for name, value in fields.items()}
    data = given.pop("data", None)
    content: dict[str, Any] = dict(defaults)
    if url_key is not None:
        sample, default_mime = _SAMPLES[key]
        mime = given.pop("mimeType", default_mime)
        if data is not None and not isinstance(data, (bytes, bytearray)):
            raise SandboxError(f"data should be bytes, but was {type(data).__name__}")
        stored = store.add(sample if data is None else bytes(data), mime)
        content[url_key] = _media_url(base_url, stored)
        content["mimeType"] = mime
    missing = [name for name in _REQUIRED.get(kind, ()) if name not in given]
    if missing:
        raise SandboxError(f"a {kind} needs {', '.join(missing)} (pass them snake_case)")
    if kind == "contact":
        given.setdefault("vCard", _vcard(given["displayName"], list(given["phones"])))
    if kind in ("poll", "poll_vote"):
        given["options"] = [{"name": name} for name in given["options"]]
    if kind == "reaction":
        given["referencedMessage"] = referenced(given.pop("messageId"))
        given.setdefault("time", now_ms)
        given.setdefault("reactionBy", sender_phone)
    content.update(given)
    return {key: content}


def store_media_values(
    content: Mapping[str, Any], store: MediaStore, base_url: str
) -> dict[str, Any]:
    """A raw content mapping with every ``…Url: bytes`` value stored and replaced by
    the sandbox URL (served with the object's ``mimeType``, default octet-stream)."""
    result: dict[str, Any] = {}
    for key, value in content.items():
        if not isinstance(value, Mapping):
            result[key] = value
            continue
        copy = dict(value)
        for name, item in value.items():
            if name.endswith("Url") and isinstance(item, (bytes, bytearray)):
                mime = value.get("mimeType") or "application/octet-stream"
                copy[name] = _media_url(base_url, store.add(bytes(item), mime))
        result[key] = copy
    return result
