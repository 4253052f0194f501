"""What :meth:`ZapiClient.download <zapi_async.ZapiClient.download>` accepts and returns.

A :data:`MediaSource` is a plain URL string or any object with the media URL
attribute of Z-API's received content (``image_url``, ``audio_url``,
``video_url``, ``document_url``, ``sticker_url``), such as the typed incoming
content classes of :mod:`zapi_async.models.events`. An object's ``mime_type``,
when it has one, is what the download checks the host's ``Content-Type`` against.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

import attrs

from ..errors import ValidationError

__all__ = ["DownloadResult", "MediaSource", "ResolvedMedia", "display_url", "resolve_media"]


class HasImageUrl(Protocol):
    """Received image content."""

    @property
    def image_url(self) -> str | None: ...


class HasAudioUrl(Protocol):
    """Received audio content."""

    @property
    def audio_url(self) -> str | None: ...


class HasVideoUrl(Protocol):
    """Received video (also PTV and GIF) content."""

    @property
    def video_url(self) -> str | None: ...


class HasDocumentUrl(Protocol):
    """Received document content."""

    @property
    def document_url(self) -> str | None: ...


class HasStickerUrl(Protocol):
    """Received sticker content."""

    @property
    def sticker_url(self) -> str | None: ...


#: A media URL, or received content carrying one.
MediaSource = str | HasImageUrl | HasAudioUrl | HasVideoUrl | HasDocumentUrl | HasStickerUrl

#: attribute -> the MIME top-level type its media has (``None``: any).
_URL_ATTRIBUTES: dict[str, str | None] = {
    "image_url": "image",
    "sticker_url": "image",
    "audio_url": "audio",
    "video_url": "video",
    "document_url": None,
}


@attrs.frozen
class ResolvedMedia:
    """The ``url`` to fetch, its expected top-level type and announced ``mime_type``."""

    url: str
    top_type: str | None = None
    mime_type: str | None = None


def resolve_media(source: MediaSource) -> ResolvedMedia:
    """The URL and expected type of ``source``; :class:`~zapi_async.ValidationError`
    when it has none or the URL is not http(s)."""
    if isinstance(source, str):
        resolved = ResolvedMedia(source)
    else:
        for attribute, top in _URL_ATTRIBUTES.items():
            url = getattr(source, attribute, None)
            if url is not None:
                mime = getattr(source, "mime_type", None)
                resolved = ResolvedMedia(url, top, mime if isinstance(mime, str) else None)
                break
        else:
            raise ValidationError(
                "media",
                f"should be a URL or content with one of {', '.join(_URL_ATTRIBUTES)}, "
                f"but {type(source).__name__} has none",
            )
    if not isinstance(resolved.url, str) or not resolved.url.startswith(("http://", "https://")):
        raise ValidationError("media", f"should be an http(s) URL, but was {resolved.url!r}")
    return resolved


def display_url(url: str) -> str:
    """``url`` without its query string and fragment (often a signature), for errors."""
    parts = urlsplit(url)
    shown = urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))
    return shown + ("?…" if parts.query else "")


@attrs.frozen
class DownloadResult:
    """A finished download: the final ``url`` (after redirects), the host's
    ``content_type`` (``None`` if it sent none), ``size`` in bytes, and the ``path``
    written (``None`` when the destination was a file object)."""

    url: str = attrs.field(repr=display_url)
    content_type: str | None
    size: int
    path: Path | None = None
