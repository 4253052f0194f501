"""No frame the library leaves in a traceback holds the token, the Client-Token or
the full URL in a local: error reporters (Sentry, rich's show_locals, pytest
--showlocals) render every local with repr() (issue 19 item 7)."""

from __future__ import annotations

import asyncio
import socket
import traceback
from collections.abc import Awaitable, Callable

import pytest
from aiohttp import web

from tests.support.credentials import CLIENT_TOKEN, INSTANCE, TOKEN
from tests.support.fake_zapi import FakeZapi, text
from zapi_async import RetryPolicy, Timeouts, ZapiClient, ZapiError

SECRETS = (TOKEN, CLIENT_TOKEN, f"/token/{TOKEN}/")


def render(exc: BaseException) -> str:
    """The traceback as a reporter capturing every frame's locals would show it."""
    shown = traceback.TracebackException.from_exception(exc, capture_locals=True)
    return "".join(shown.format())


def leaks(exc: BaseException) -> list[str]:
    rendered = render(exc)
    return [secret for secret in SECRETS if secret in rendered]


def answer(
    status: int, body: str = '{"error": "x"}', **headers: str
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handler(request: web.Request) -> web.StreamResponse:
        return web.Response(
            status=status, text=body, content_type="application/json", headers=headers
        )

    return handler


def never_answers(request: web.Request) -> Awaitable[web.StreamResponse]:
    async def hang() -> web.StreamResponse:
        await asyncio.sleep(3600)
        raise AssertionError("unreachable")

    return hang()


SCENARIOS: dict[str, Callable[[web.Request], Awaitable[web.StreamResponse]]] = {
    "400": answer(400),
    "401": answer(401, '{"error": "Invalid token"}'),
    "403 client token": answer(403, '{"error": "your client-token is not configured"}'),
    "404 echoing the path": answer(404, f'{{"error": "no /token/{TOKEN}/x"}}'),
    "429": answer(429, "{}", **{"Retry-After": "1"}),
    "500": answer(500, "boom"),
    "503": answer(503),
    "redirect": answer(302, "", Location=f"https://evil.example/{TOKEN}"),
    "malformed 2xx": answer(200, "<html>not json</html>"),
    "2xx without ids": answer(200, "{}"),
    "2xx echoing the token": answer(200, f'{{"note": "{TOKEN}", "ct": "{CLIENT_TOKEN}"}}'),
    "text 2xx echoing the token": answer(200, f"ok /token/{TOKEN}/send-text"),
    "200 refusal": answer(200, '{"error": "refused"}'),
    "timeout": never_answers,
}


def client(base_url: str, **kwargs: object) -> ZapiClient:
    return ZapiClient(
        INSTANCE,
        TOKEN,
        client_token=CLIENT_TOKEN,
        base_url=base_url,
        retry=RetryPolicy(max_attempts=2, backoff_base=0, max_retry_after=0),
        timeouts=Timeouts(total=0.5, connect=0.5, read=0.5),
        **kwargs,  # type: ignore[arg-type]
    )


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
async def test_no_local_holds_a_secret(fake_zapi: FakeZapi, scenario: str) -> None:
    fake_zapi.then(SCENARIOS[scenario], SCENARIOS[scenario])
    async with client(fake_zapi.base_url) as zapi:
        with pytest.raises(ZapiError) as info:
            await zapi.send(text("5511999999999", "hi"))
    assert leaks(info.value) == []
    # The rendering really holds locals (so the check means something).
    assert "transport = <" in render(info.value) or "self = <" in render(info.value)


def _refused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_connection_refused_leaves_no_secret() -> None:
    async with client(f"http://127.0.0.1:{_refused_port()}") as zapi:
        with pytest.raises(ZapiError) as info:
            await zapi.send(text("5511999999999", "hi"))
    assert leaks(info.value) == []


async def test_a_closed_client_leaves_no_secret(fake_zapi: FakeZapi) -> None:
    zapi = client(fake_zapi.base_url)
    await zapi.close()
    with pytest.raises(ZapiError) as info:
        await zapi.request("GET", "status")
    assert leaks(info.value) == []


async def test_the_request_helper_leaves_no_secret(fake_zapi: FakeZapi) -> None:
    fake_zapi.then(answer(500, "boom"), answer(500, "boom"))
    async with client(fake_zapi.base_url) as zapi:
        with pytest.raises(ZapiError) as info:
            await zapi.request("GET", "status")
    assert leaks(info.value) == []


def test_the_scan_finds_a_leak() -> None:
    def holder() -> None:
        url = f"https://api.z-api.io/instances/{INSTANCE}/token/{TOKEN}/x"  # noqa: F841
        raise RuntimeError("x")

    with pytest.raises(RuntimeError) as info:
        holder()
    assert leaks(info.value) == [TOKEN, f"/token/{TOKEN}/"]


async def test_a_failed_download_leaves_no_secret(fake_zapi: FakeZapi, tmp_path: object) -> None:
    async with client(fake_zapi.base_url) as zapi:
        for url in (f"http://127.0.0.1:{_refused_port()}/a.png", f"{fake_zapi.base_url}/x.png"):
            fake_zapi.then(answer(500, "boom"))
            with pytest.raises(ZapiError) as info:
                await zapi.download(url, str(tmp_path) + "/a.png")
            assert leaks(info.value) == []
