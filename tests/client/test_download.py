"""``ZapiClient.download``: limits, types, timeouts and redirects against real local
servers; no Z-API credential ever reaches a media host."""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import attrs
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from zapi_async import ValidationError, ZapiClient
from zapi_async.errors import (
    DownloadError,
    DownloadTimeoutError,
    DownloadTooLargeError,
    DownloadTypeError,
    ZapiError,
)
from zapi_async.sandbox import ZapiSandbox

TOKEN = "SECRET-MEDIA-TOKEN-1b2c"
CLIENT_TOKEN = "SECRET-MEDIA-CLIENT-TOKEN-3d4e"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def _files(folder: Path) -> list[Path]:
    return sorted(folder.iterdir())


@attrs.frozen
class Received:
    """Stands in for the receiving side's typed content (any object with the URL works)."""

    image_url: str
    mime_type: str | None = None


@attrs.frozen
class ReceivedAudio:
    audio_url: str
    mime_type: str | None = None


@attrs.define
class MediaHost:
    server: TestServer
    seen: list[web.Request] = attrs.Factory(list)

    def url(self, path: str) -> str:
        return str(self.server.make_url(path))


@pytest.fixture
async def host() -> AsyncIterator[MediaHost]:
    release = asyncio.Event()

    async def png(request: web.Request) -> web.StreamResponse:
        return web.Response(body=PNG, content_type="image/png")

    async def octet(request: web.Request) -> web.StreamResponse:
        return web.Response(body=PNG, content_type="application/octet-stream")

    async def html(request: web.Request) -> web.StreamResponse:
        return web.Response(text="<html>login</html>", content_type="text/html")

    async def big(request: web.Request) -> web.StreamResponse:
        return web.Response(body=bytes(4096), content_type="image/png")

    async def chunked(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "image/png"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(8):
            await response.write(bytes(1024))
        await response.write_eof()
        return response

    async def slow(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "image/png"})
        await response.prepare(request)
        await response.write(PNG[:10])
        await release.wait()  # never set: the client's timeout must end it
        return response

    async def redirect(request: web.Request) -> web.StreamResponse:
        raise web.HTTPFound(request.query["to"])

    async def missing(request: web.Request) -> web.StreamResponse:
        return web.json_response({"error": "expired"}, status=404)

    app = web.Application()
    media = MediaHost(TestServer(app))

    @web.middleware
    async def record(request: web.Request, handler: Handler) -> web.StreamResponse:
        media.seen.append(request)
        return await handler(request)

    app.middlewares.append(record)
    for path, handler in [("/a.png", png), ("/octet", octet), ("/html", html), ("/big", big),
                          ("/chunked", chunked), ("/slow", slow), ("/redirect", redirect),
                          ("/missing", missing)]:  # fmt: skip
        app.router.add_get(path, handler)
    await media.server.start_server()
    yield media
    release.set()
    await media.server.close()


@pytest.fixture
async def zapi() -> AsyncIterator[ZapiClient]:
    async with ZapiClient("INSTANCE", TOKEN, client_token=CLIENT_TOKEN) as client:
        yield client


async def test_happy_path_to_a_path(zapi: ZapiClient, host: MediaHost, tmp_path: Path) -> None:
    target = tmp_path / "photo.png"
    result = await zapi.download(Received(host.url("/a.png"), "image/png"), target)
    assert target.read_bytes() == PNG
    assert (result.size, result.content_type, result.path) == (len(PNG), "image/png", target)
    assert _files(tmp_path) == [target]  # no .part left


async def test_happy_path_to_a_file_object_and_from_a_url(
    zapi: ZapiClient, host: MediaHost
) -> None:
    buffer = io.BytesIO()
    result = await zapi.download(host.url("/a.png"), buffer)
    assert buffer.getvalue() == PNG
    assert result.path is None


async def test_no_zapi_credential_reaches_the_media_host(zapi: ZapiClient, host: MediaHost) -> None:
    await zapi.download(host.url("/a.png?sig=abc"), io.BytesIO())
    [request] = host.seen
    assert "Client-Token" not in request.headers
    assert TOKEN not in str(request.url)
    assert all(TOKEN not in v and CLIENT_TOKEN not in v for v in request.headers.values())


async def test_a_borrowed_session_with_the_client_token_header_is_not_used(host: MediaHost) -> None:
    async with aiohttp.ClientSession(headers={"Client-Token": CLIENT_TOKEN}) as session:
        zapi = ZapiClient("INSTANCE", TOKEN, client_token=CLIENT_TOKEN, session=session)
        await zapi.download(host.url("/a.png"), io.BytesIO())
    assert "Client-Token" not in host.seen[0].headers


async def test_too_large_by_content_length_keeps_nothing(
    zapi: ZapiClient, host: MediaHost, tmp_path: Path
) -> None:
    target = tmp_path / "big.png"
    with pytest.raises(DownloadTooLargeError) as caught:
        await zapi.download(host.url("/big"), target, max_bytes=1000)
    assert (caught.value.max_bytes, caught.value.size) == (1000, 4096)
    assert str(caught.value) == (
        f"download of {host.url('/big')} failed: more than max_bytes=1000 bytes "
        "(the host announced 4096 bytes)"
    )
    assert _files(tmp_path) == []


async def test_too_large_while_streaming_keeps_nothing(
    zapi: ZapiClient, host: MediaHost, tmp_path: Path
) -> None:
    target = tmp_path / "chunked.png"
    with pytest.raises(DownloadTooLargeError, match=r"more than max_bytes=5000 bytes$"):
        await zapi.download(host.url("/chunked"), target, max_bytes=5000)
    assert _files(tmp_path) == []
    assert (await zapi.download(host.url("/chunked"), target, max_bytes=8192)).size == 8192


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        (lambda h: Received(h.url("/html")), "image/*"),
        (lambda h: Received(h.url("/a.png"), "image/jpeg"), "image/jpeg"),
        (lambda h: ReceivedAudio(h.url("/a.png"), "audio/ogg; codecs=opus"), "audio/ogg"),
    ],
)
async def test_wrong_type(zapi: ZapiClient, host: MediaHost, source: Any, expected: str) -> None:
    with pytest.raises(DownloadTypeError) as caught:
        await zapi.download(source(host), io.BytesIO())
    assert caught.value.expected == expected


async def test_type_checks_accept_octet_stream_and_an_explicit_type(
    zapi: ZapiClient, host: MediaHost
) -> None:
    assert (
        await zapi.download(Received(host.url("/octet"), "image/png"), io.BytesIO())
    ).size == len(PNG)
    with pytest.raises(DownloadTypeError, match="expected text/plain"):
        await zapi.download(host.url("/a.png"), io.BytesIO(), mime_type="text/plain")


async def test_slow_server_times_out(zapi: ZapiClient, host: MediaHost, tmp_path: Path) -> None:
    with pytest.raises(DownloadTimeoutError) as caught:
        await zapi.download(host.url("/slow"), tmp_path / "slow.png", timeout=0.2)
    assert isinstance(caught.value, TimeoutError)
    assert isinstance(caught.value, ZapiError)
    assert str(caught.value).endswith("failed: not complete after 0.2 s")
    assert _files(tmp_path) == []


async def test_redirects(zapi: ZapiClient, host: MediaHost) -> None:
    followed = await zapi.download(host.url("/redirect?to=/a.png"), io.BytesIO())
    assert followed.url == host.url("/a.png")
    with pytest.raises(DownloadError, match="refusing a redirect to a non-http\\(s\\) URL"):
        await zapi.download(host.url("/redirect?to=file:///etc/passwd"), io.BytesIO())
    loop = host.url("/redirect?to=/redirect%3Fto%3D/a.png")
    for _ in range(5):
        loop = host.url(
            "/redirect?to=" + loop.replace("?", "%3F").replace("=", "%3D").replace("&", "%26")
        )
    with pytest.raises(DownloadError, match="more than 5 redirects"):
        await zapi.download(loop, io.BytesIO())


async def test_http_errors_and_bad_sources(zapi: ZapiClient, host: MediaHost) -> None:
    with pytest.raises(DownloadError) as caught:
        await zapi.download(host.url("/missing?X-Amz-Signature=secret"), io.BytesIO())
    assert caught.value.status == 404
    assert "secret" not in str(caught.value)
    assert str(caught.value) == f"download of {host.url('/missing')}?… failed: HTTP 404"
    with pytest.raises(ValidationError, match="should be an http\\(s\\) URL"):
        await zapi.download("file:///etc/passwd", io.BytesIO())
    with pytest.raises(ValidationError, match="has none"):
        await zapi.download(object(), io.BytesIO())  # type: ignore[arg-type]


async def test_downloads_what_the_sandbox_sends(tmp_path: Path) -> None:
    received: list[dict[str, Any]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", hook)
    server = TestServer(app)
    await server.start_server()
    try:
        async with ZapiSandbox(webhook_url=str(server.make_url("/hook"))) as sandbox:
            await sandbox.receive("5511999999999", "image", data=PNG, mime_type="image/png")
            await sandbox.receive("5511999999999", "audio")
            async with ZapiClient(
                sandbox.instance_id, sandbox.token, base_url=sandbox.base_url
            ) as zapi:
                image = received[0]["image"]
                result = await zapi.download(
                    Received(image["imageUrl"], image["mimeType"]), tmp_path / "a.png"
                )
                audio = received[1]["audio"]
                voice = await zapi.download(
                    ReceivedAudio(audio["audioUrl"], audio["mimeType"]), io.BytesIO()
                )
    finally:
        await server.close()
    assert (tmp_path / "a.png").read_bytes() == PNG
    assert result.content_type == "image/png"
    assert voice.content_type == "audio/ogg; codecs=opus"
