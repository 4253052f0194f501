"""Local media to Z-API's Base64 data URIs: MIME type, allowed formats, size caps.

Z-API's media pages give no formats or sizes of their own; they send readers to
WhatsApp's media page (``developers.facebook.com/docs/whatsapp/api/media``), whose
table is :data:`MEDIA_RULES`. The ``from_file`` / ``from_bytes`` constructors of
the media messages refuse what that table does not list (except documents: Z-API
says any extension works) and anything over its size, before the bytes are encoded.
"""

from __future__ import annotations

import base64
import mimetypes
from collections.abc import Mapping
from pathlib import Path

import attrs

from ..errors import ValidationError

__all__ = ["MEDIA_RULES", "MediaRule", "data_uri", "read_media", "sniff_mime_type"]

KB = 1024
MB = 1024 * KB


@attrs.frozen
class MediaRule:
    """What one kind of media may be: MIME ``types`` (``None``: any) and ``max_bytes``."""

    types: tuple[str, ...] | None
    max_bytes: int


_VIDEO = ("video/mp4", "video/3gpp")

#: Per kind: the formats and sizes WhatsApp's media page lists (Z-API links to it).
#: Stickers may be animated (500 KB) or static (100 KB): the larger cap applies.
#: GIFs are MP4 files, as Z-API's send-gif page says.
MEDIA_RULES: Mapping[str, MediaRule] = {
    "image": MediaRule(("image/jpeg", "image/png"), 5 * MB),
    "sticker": MediaRule(("image/webp",), 500 * KB),
    "audio": MediaRule(("audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"), 16 * MB),
    "video": MediaRule(_VIDEO, 16 * MB),
    "ptv": MediaRule(_VIDEO, 16 * MB),
    "gif": MediaRule(("video/mp4",), 16 * MB),
    "document": MediaRule(None, 100 * MB),
}

# Magic numbers of the common formats: (offset, bytes, MIME type).
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"OggS", "audio/ogg"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"#!AMR", "audio/amr"),
)


def sniff_mime_type(data: bytes, kind: str) -> str | None:
    """The MIME type the first bytes of ``data`` announce, if a common one.

    ``kind`` settles what the bytes alone cannot: an MP4 container is
    ``audio/mp4`` for audio and ``video/mp4`` (or ``video/3gpp``) otherwise.
    """
    for offset, magic, mime in _MAGIC:
        if data[offset : offset + len(magic)] == magic:
            return mime
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        if kind == "audio":
            return "audio/mp4"
        return "video/3gpp" if data[8:11] == b"3gp" else "video/mp4"
    if len(data) > 1 and data[0] == 0xFF and data[1] & 0xF6 == 0xF0:
        return "audio/aac"  # ADTS frame header
    if len(data) > 1 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:
        return "audio/mpeg"  # MPEG audio frame header, no ID3 tag
    return None


def data_uri(field: str, kind: str, data: bytes, mime_type: str | None = None) -> str:
    """``data:<mime>;base64,<data>`` for ``data`` sent as ``kind`` (see :data:`MEDIA_RULES`).

    The MIME type is ``mime_type`` when given, else sniffed from the bytes. Raises
    :class:`~zapi_async.ValidationError` (on ``field``) for empty data, data over
    the kind's cap, a type the kind does not allow, or Ogg audio that is not Opus.
    """
    rule = MEDIA_RULES[kind]
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise ValidationError(field, f"should be bytes, but was {type(data).__name__}")
    data = bytes(data)
    if not data:
        raise ValidationError(field, "should not be empty")
    if len(data) > rule.max_bytes:
        raise ValidationError(
            field,
            f"should be at most {_size(rule.max_bytes)} for {kind} (WhatsApp's limit), "
            f"but was {_size(len(data))}",
        )
    mime = (mime_type or sniff_mime_type(data, kind) or "").split(";")[0].strip().lower()
    if not mime:
        raise ValidationError(field, f"has an unknown format: pass mime_type= for this {kind}")
    if "/" not in mime:
        raise ValidationError(field, f"mime_type should look like 'type/subtype', not {mime!r}")
    if rule.types is not None and mime not in rule.types:
        raise ValidationError(
            field,
            f"should be one of {', '.join(rule.types)} for {kind} (WhatsApp's supported "
            f"formats), but was {mime}",
        )
    if mime == "audio/ogg" and b"OpusHead" not in data[:128]:
        raise ValidationError(
            field, "Ogg audio should use the Opus codec (WhatsApp plays no other)"
        )
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def read_media(field: str, kind: str, path: str | Path) -> tuple[bytes, str | None]:
    """The bytes of a local file and the MIME type its name suggests (for
    formats the bytes do not reveal, e.g. Office documents).

    The size is checked before reading, so a huge file is refused without loading it.
    """
    file = Path(path)
    try:
        size = file.stat().st_size
    except OSError as exc:
        raise ValidationError(field, f"cannot read {file.name!r}: {exc.strerror}") from None
    cap = MEDIA_RULES[kind].max_bytes
    if size > cap:
        raise ValidationError(
            field,
            f"should be at most {_size(cap)} for {kind} (WhatsApp's limit), "
            f"but {file.name!r} is {_size(size)}",
        )
    guessed, _ = mimetypes.guess_type(file.name)
    return file.read_bytes(), guessed


def _size(count: int) -> str:
    if count >= MB:
        return f"{count / MB:.1f} MB"
    if count >= KB:
        return f"{count / KB:.1f} KB"
    return f"{count} bytes"
