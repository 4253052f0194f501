"""Media downloads: ``await zapi.download(content_or_url, dest)``.

The download streams through the client's own aiohttp session, but never with
Z-API's headers: the media host gets no Client-Token and no instance token (they
are in the transport's headers and URL, never in the session). Redirects are
followed by hand, only to http(s) URLs, at most :data:`MAX_REDIRECTS` times.

Z-API's media URLs expire (30 days after the message arrived, per its docs):
download what you need to keep when the webhook comes in.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urljoin

import aiohttp

from ..errors import (
    DownloadError,
    DownloadTimeoutError,
    DownloadTooLargeError,
    DownloadTypeError,
)
from ..models.media_source import (
    DownloadResult,
    MediaSource,
    ResolvedMedia,
    display_url,
    resolve_media,
)
from .base import ClientCalls

__all__ = [
    "DEFAULT_DOWNLOAD_TIMEOUT",
    "DEFAULT_MAX_DOWNLOAD_BYTES",
    "MAX_REDIRECTS",
    "MediaDownloads",
]

#: Default ``max_bytes``: 100 MiB, WhatsApp's largest media (documents).
DEFAULT_MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024
#: Default ``timeout``: seconds for the whole download, redirects included.
DEFAULT_DOWNLOAD_TIMEOUT = 60.0
#: Redirects followed before giving up.
MAX_REDIRECTS = 5
#: Bytes read from the host at a time.
CHUNK_BYTES = 64 * 1024
#: Content types that say nothing about the content: not checked.
_UNTYPED = ("", "application/octet-stream", "binary/octet-stream")
_REDIRECTS = (301, 302, 303, 307, 308)


def _base_type(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _check_type(url: str, content_type: str | None, media: ResolvedMedia) -> None:
    sent = _base_type(content_type)
    if sent in _UNTYPED:
        return
    if media.mime_type:
        expected = _base_type(media.mime_type)
        if sent != expected:
            raise DownloadTypeError(url, sent, expected)
    elif media.top_type and sent.split("/")[0] != media.top_type:
        raise DownloadTypeError(url, sent, f"{media.top_type}/*")


class MediaDownloads(ClientCalls):
    """``download()``: fetch received media to a file or a file object."""

    __slots__ = ()

    async def download(
        self,
        media: MediaSource,
        dest: str | os.PathLike[str] | BinaryIO,
        *,
        max_bytes: int = DEFAULT_MAX_DOWNLOAD_BYTES,
        timeout: float = DEFAULT_DOWNLOAD_TIMEOUT,
        mime_type: str | None = None,
    ) -> DownloadResult:
        """Stream ``media`` (a URL, or received content with ``image_url``,
        ``audio_url``… ) into ``dest`` (a path or a binary file object).

        * ``max_bytes`` (default 100 MiB): more raises :class:`DownloadTooLargeError`
          (checked against ``Content-Length`` first, then while reading).
        * ``timeout`` (default 60 s): for the whole download; slower raises
          :class:`DownloadTimeoutError`.
        * The host's ``Content-Type`` must match ``mime_type`` (default: the
          content's ``mime_type``), or at least the content's kind (an image URL
          must serve ``image/*``); else :class:`DownloadTypeError`. A missing or
          ``application/octet-stream`` type is not checked.

        A path is written to ``<dest>.part`` and renamed when complete, so a failed
        download leaves nothing behind; a file object may hold a partial write.
        Other failures (HTTP errors, bad redirects, connection errors) raise
        :class:`DownloadError`.
        """
        resolved = resolve_media(media)
        if mime_type is not None:
            resolved = ResolvedMedia(resolved.url, resolved.top_type, mime_type)
        session = self._transport.open_session()
        own = None
        if any(name.lower() == "client-token" for name in session.headers):
            # A borrowed session carrying Z-API's header must not reach a media host.
            own = session = aiohttp.ClientSession()
        try:
            return await asyncio.wait_for(self._fetch(session, resolved, dest, max_bytes), timeout)
        except asyncio.TimeoutError as exc:
            if isinstance(exc, DownloadError):
                raise
            raise DownloadTimeoutError(
                display_url(resolved.url), f"not complete after {timeout:g} s"
            ) from None
        finally:
            if own is not None:
                await own.close()

    async def _fetch(
        self,
        session: aiohttp.ClientSession,
        media: ResolvedMedia,
        dest: str | os.PathLike[str] | BinaryIO,
        max_bytes: int,
    ) -> DownloadResult:
        url = media.url
        for _ in range(MAX_REDIRECTS + 1):
            shown = display_url(url)
            try:
                async with session.get(
                    url, allow_redirects=False, timeout=aiohttp.ClientTimeout(total=None)
                ) as response:
                    if response.status in _REDIRECTS:
                        url = _redirect_target(shown, url, response.headers.get("Location"))
                        continue
                    if not 200 <= response.status < 300:
                        raise DownloadError(
                            shown, f"HTTP {response.status}", status=response.status
                        )
                    content_type = response.headers.get("Content-Type")
                    _check_type(shown, content_type, media)
                    announced = response.content_length
                    if announced is not None and announced > max_bytes:
                        raise DownloadTooLargeError(shown, max_bytes, announced)
                    size, path = await _write(response, dest, max_bytes, shown)
                    return DownloadResult(url, content_type, size, path)
            except aiohttp.ClientError as exc:
                raise DownloadError(shown, f"{type(exc).__name__}: {exc}") from None
        raise DownloadError(display_url(media.url), f"more than {MAX_REDIRECTS} redirects")


def _redirect_target(shown: str, url: str, location: str | None) -> str:
    if not location:
        raise DownloadError(shown, "redirect without a Location header")
    target = urljoin(url, location)
    if not target.startswith(("http://", "https://")):
        raise DownloadError(shown, f"refusing a redirect to a non-http(s) URL ({target[:40]!r})")
    return target


async def _write(
    response: aiohttp.ClientResponse,
    dest: str | os.PathLike[str] | BinaryIO,
    max_bytes: int,
    shown: str,
) -> tuple[int, Path | None]:
    if isinstance(dest, (str, os.PathLike)):
        path = Path(dest)
        partial = path.with_name(path.name + ".part")
        try:
            with partial.open("wb") as handle:
                size = await _copy(response, handle, max_bytes, shown)
            partial.replace(path)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return size, path
    return await _copy(response, dest, max_bytes, shown), None


async def _copy(
    response: aiohttp.ClientResponse, handle: BinaryIO, max_bytes: int, shown: str
) -> int:
    size = 0
    async for chunk in response.content.iter_chunked(CHUNK_BYTES):
        size += len(chunk)
        if size > max_bytes:
            raise DownloadTooLargeError(shown, max_bytes)
        handle.write(chunk)
    return size
