"""Media messages: image, audio, video, PTV (round video note), GIF, sticker, document.

Each takes its media as an http(s) URL, raw Base64 or a ``data:<type>/...;base64,``
URI (one rule for all, :func:`~zapi_async.models._checks.check_media`), or is built
from local data with ``from_file(phone, path, ...)`` / ``from_bytes(phone, data,
mime_type=..., ...)``, which pick the MIME type and refuse unsupported formats and
oversized files (see :data:`~zapi_async.models._media_data.MEDIA_RULES`)::

    >>> from zapi_async.wire import to_wire
    >>> to_wire(ImageMessage("5511999999999", "https://example.com/a.png", caption="Hi"))
    {'phone': '5511999999999', 'image': 'https://example.com/a.png', 'caption': 'Hi'}
    >>> DocumentMessage("5511999999999", "https://example.com/a.pdf", "pdf").endpoint
    'send-document/pdf'
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar, TypeVar, cast

import attrs

from ..errors import ValidationError
from ._checks import (
    check_delay,
    check_media,
    check_optional_bool,
    check_optional_id,
    check_optional_text,
    check_recipient,
    not_a_string,
)
from ._media_data import data_uri, read_media, sniff_mime_type

__all__ = [
    "AudioMessage",
    "DocumentMessage",
    "GifMessage",
    "ImageMessage",
    "PtvMessage",
    "StickerMessage",
    "VideoMessage",
]

S = TypeVar("S", bound="_LocalMedia")

_EXTENSION = re.compile(r"[A-Za-z0-9]{1,10}")


class _LocalMedia:
    """``from_file`` / ``from_bytes`` for a message whose second field is its media."""

    __slots__ = ()

    #: The key of :data:`~zapi_async.models._media_data.MEDIA_RULES` that applies.
    media_kind: ClassVar[str]

    @classmethod
    def _field(cls) -> str:
        return f"{cls.__name__}.{attrs.fields(cast(Any, cls))[1].name}"

    @classmethod
    def from_bytes(
        cls: type[S], phone: str, data: bytes, *, mime_type: str | None = None, **fields: Any
    ) -> S:
        """The message with ``data`` as a Base64 data URI.

        ``mime_type`` (e.g. ``"image/png"``) is sniffed from the bytes when left out;
        ``fields`` are the message's other fields (``caption=``, ``message_id=``...).
        Raises :class:`~zapi_async.ValidationError` for an unsupported format or data
        over WhatsApp's size limit for this kind.
        """
        uri = data_uri(cls._field(), cls.media_kind, data, mime_type)
        return cast(S, cast(Any, cls)(phone, uri, **fields))

    @classmethod
    def from_file(
        cls: type[S],
        phone: str,
        path: str | Path,
        *,
        mime_type: str | None = None,
        **fields: Any,
    ) -> S:
        """The message with the file at ``path`` as a Base64 data URI.

        The MIME type is ``mime_type``, else sniffed from the content, else guessed
        from the file name. The size is checked before the file is read.
        """
        data, guessed = read_media(cls._field(), cls.media_kind, path)
        mime = mime_type or sniff_mime_type(data, cls.media_kind) or guessed
        return cls.from_bytes(phone, data, mime_type=mime, **fields)


def _check_common(owner: str, phone: object, delay: object, message_id: object) -> None:
    check_recipient(f"{owner}.phone", phone)
    check_delay(f"{owner}.delay_message", delay)
    check_optional_id(f"{owner}.message_id", message_id)


@attrs.frozen
class ImageMessage(_LocalMedia):
    """An image (``POST /send-image``).

    * ``image``: an http(s) URL, Base64 or ``data:image/...;base64,`` URI.
    * ``caption``: text under the image. ``view_once``: the recipient may open it once.
    * ``message_id``: the message to reply to (quote). ``delay_message``: 1..15 s
      Z-API waits before sending the next message.
    """

    endpoint: ClassVar[str] = "send-image"
    media_kind: ClassVar[str] = "image"

    phone: str
    image: str
    caption: str | None = None
    message_id: str | None = None
    delay_message: int | None = None
    view_once: bool | None = None

    def __attrs_post_init__(self) -> None:
        _check_common("ImageMessage", self.phone, self.delay_message, self.message_id)
        check_media("ImageMessage.image", self.image, "image")
        check_optional_text("ImageMessage.caption", self.caption)
        check_optional_bool("ImageMessage.view_once", self.view_once)


@attrs.frozen
class AudioMessage(_LocalMedia):
    """An audio or voice message (``POST /send-audio``).

    * ``audio``: an http(s) URL, Base64 or ``data:audio/...;base64,`` URI.
    * ``view_once``; ``waveform`` (show the voice-note waveform); ``async_`` (sent as
      ``async``: Z-API answers at once and processes the audio in the background;
      follow it on the delivery webhook).
    * ``delay_typing``: 1..15 s of "recording audio..." first.
    * ``message_id``, ``delay_message``: as for every send.
    """

    endpoint: ClassVar[str] = "send-audio"
    media_kind: ClassVar[str] = "audio"

    phone: str
    audio: str
    message_id: str | None = None
    delay_message: int | None = None
    delay_typing: int | None = None
    view_once: bool | None = None
    waveform: bool | None = None
    async_: bool | None = None

    def __attrs_post_init__(self) -> None:
        _check_common("AudioMessage", self.phone, self.delay_message, self.message_id)
        check_media("AudioMessage.audio", self.audio, "audio")
        check_delay("AudioMessage.delay_typing", self.delay_typing)
        check_optional_bool("AudioMessage.view_once", self.view_once)
        check_optional_bool("AudioMessage.waveform", self.waveform)
        check_optional_bool("AudioMessage.async_", self.async_)


@attrs.frozen
class VideoMessage(_LocalMedia):
    """A video (``POST /send-video``): ``video`` an http(s) URL, Base64 or
    ``data:video/...;base64,`` URI; ``caption``, ``view_once``, ``async_`` (sent as
    ``async``, see :class:`AudioMessage`), ``message_id``, ``delay_message``."""

    endpoint: ClassVar[str] = "send-video"
    media_kind: ClassVar[str] = "video"

    phone: str
    video: str
    caption: str | None = None
    message_id: str | None = None
    delay_message: int | None = None
    view_once: bool | None = None
    async_: bool | None = None

    def __attrs_post_init__(self) -> None:
        _check_common("VideoMessage", self.phone, self.delay_message, self.message_id)
        check_media("VideoMessage.video", self.video, "video")
        check_optional_text("VideoMessage.caption", self.caption)
        check_optional_bool("VideoMessage.view_once", self.view_once)
        check_optional_bool("VideoMessage.async_", self.async_)


@attrs.frozen
class PtvMessage(_LocalMedia):
    """A round "video note" (``POST /send-ptv``): ``ptv`` is a video URL or Base64.

    Z-API's English field table calls the field ``video``; its examples and request
    sample send ``ptv``, and so do we.
    """

    endpoint: ClassVar[str] = "send-ptv"
    media_kind: ClassVar[str] = "ptv"

    phone: str
    ptv: str
    message_id: str | None = None
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        _check_common("PtvMessage", self.phone, self.delay_message, self.message_id)
        check_media("PtvMessage.ptv", self.ptv, "video")


@attrs.frozen
class GifMessage(_LocalMedia):
    """A GIF (``POST /send-gif``): ``gif`` is an **MP4** file (URL, or a
    ``data:video/mp4;base64,`` URI), with an optional ``caption``."""

    endpoint: ClassVar[str] = "send-gif"
    media_kind: ClassVar[str] = "gif"

    phone: str
    gif: str
    caption: str | None = None
    message_id: str | None = None
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        _check_common("GifMessage", self.phone, self.delay_message, self.message_id)
        check_media("GifMessage.gif", self.gif, "video")
        check_optional_text("GifMessage.caption", self.caption)


@attrs.frozen
class StickerMessage(_LocalMedia):
    """A sticker (``POST /send-sticker``): ``sticker`` an image URL or Base64
    (WebP for ``from_file``), ``sticker_author`` the author shown with it."""

    endpoint: ClassVar[str] = "send-sticker"
    media_kind: ClassVar[str] = "sticker"

    phone: str
    sticker: str
    sticker_author: str | None = None
    message_id: str | None = None
    delay_message: int | None = None

    def __attrs_post_init__(self) -> None:
        _check_common("StickerMessage", self.phone, self.delay_message, self.message_id)
        check_media("StickerMessage.sticker", self.sticker, "image")
        check_optional_text("StickerMessage.sticker_author", self.sticker_author)


@attrs.frozen
class DocumentMessage(_LocalMedia):
    """A document (``POST /send-document/<extension>``).

    * ``document``: an http(s) URL, Base64 or ``data:<type>/...;base64,`` URI.
    * ``extension``: the file extension, letters and digits only (``"pdf"``); it is
      part of the path, not of the JSON body (see :attr:`endpoint`).
    * ``file_name``: the name shown to the recipient; ``caption``: text with it.
    * ``edit_document_message_id``: a document sent earlier whose caption this replaces.
    * ``message_id``, ``delay_message``: as for every send.
    """

    media_kind: ClassVar[str] = "document"

    phone: str
    document: str
    extension: str
    file_name: str | None = None
    caption: str | None = None
    message_id: str | None = None
    delay_message: int | None = None
    edit_document_message_id: str | None = None

    def __attrs_post_init__(self) -> None:
        _check_common("DocumentMessage", self.phone, self.delay_message, self.message_id)
        check_media("DocumentMessage.document", self.document, None)
        if not isinstance(self.extension, str):
            raise not_a_string("DocumentMessage.extension", self.extension)
        if not _EXTENSION.fullmatch(self.extension):
            raise ValidationError(
                "DocumentMessage.extension",
                "should be 1-10 letters or digits without a dot or slash (e.g. 'pdf'), "
                f"but was {self.extension!r}",
            )
        check_optional_text("DocumentMessage.file_name", self.file_name)
        check_optional_text("DocumentMessage.caption", self.caption)
        check_optional_id("DocumentMessage.edit_document_message_id", self.edit_document_message_id)

    @property
    def endpoint(self) -> str:
        """``send-document/<extension>``: the extension is a path segment."""
        return f"send-document/{self.extension}"

    @classmethod
    def from_file(
        cls,
        phone: str,
        path: str | Path,
        *,
        mime_type: str | None = None,
        **fields: Any,
    ) -> DocumentMessage:
        """The document at ``path`` as a data URI; ``extension`` defaults to the file's
        suffix and ``file_name`` to its name (pass either to override)."""
        file = Path(path)
        fields.setdefault("extension", file.suffix.lstrip(".") or "bin")
        fields.setdefault("file_name", file.name)
        data, guessed = read_media(cls._field(), cls.media_kind, file)
        mime = mime_type or sniff_mime_type(data, cls.media_kind) or guessed
        return cls.from_bytes(phone, data, mime_type=mime or "application/octet-stream", **fields)
