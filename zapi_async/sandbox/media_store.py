"""Media the sandbox hands out in webhooks, served by the sandbox itself.

Every media URL in a :meth:`ZapiSandbox.receive <zapi_async.sandbox.ZapiSandbox.receive>`
webhook points at ``<base_url>/_media/<id>``, so downloads work offline. The
``/_media/`` prefix is reserved: Z-API's own paths all start with ``/instances/``.
"""

from __future__ import annotations

import attrs
from aiohttp import web

__all__ = ["MEDIA_PREFIX", "MediaStore", "StoredMedia"]

#: Path prefix of the sandbox's media route.
MEDIA_PREFIX = "/_media/"


@attrs.frozen
class StoredMedia:
    """One served file: its bytes and the ``Content-Type`` it is served with."""

    data: bytes = attrs.field(repr=lambda data: f"<{len(data)} bytes>")
    mime_type: str


class MediaStore:
    """Files by id, and the aiohttp handler serving them (``GET /_media/{media_id}``)."""

    def __init__(self) -> None:
        self._files: dict[str, StoredMedia] = {}
        self._count = 0

    def add(self, data: bytes, mime_type: str) -> str:
        """Keep ``data``; return its id."""
        self._count += 1
        media_id = f"m{self._count:06d}"
        self._files[media_id] = StoredMedia(bytes(data), mime_type)
        return media_id

    def get(self, media_id: str) -> StoredMedia | None:
        """The file with this id, if any."""
        return self._files.get(media_id)

    def __len__(self) -> int:
        return len(self._files)

    async def serve(self, request: web.Request) -> web.StreamResponse:
        """Answer the file, or 404 (an expired Z-API media URL answers similarly)."""
        stored = self._files.get(request.match_info["media_id"])
        if stored is None:
            return web.json_response({"error": "media not found or expired"}, status=404)
        return web.Response(body=stored.data, headers={"Content-Type": stored.mime_type})
