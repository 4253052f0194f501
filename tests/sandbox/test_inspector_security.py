"""Who may drive the inspector: origin, content-type and Host checks; no secrets shown."""

from __future__ import annotations

import json

import aiohttp
import pytest

from zapi_async.sandbox import ZapiSandbox

from .inspector_fixtures import (
    CLIENT_TOKEN,
    PHONE,
    TOKEN,
    WebhookReceiver,
    control_http,
    inspected,
    post,
    receiver,
    send_mixed,
    state,
)

#: The fixtures this module imports (listed so linters see them used).
__all__ = ["control_http", "inspected", "receiver"]

from .inspector_fixtures import API


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
async def test_other_origins_are_refused(
    inspected: ZapiSandbox,
    receiver: WebhookReceiver,
    control_http: aiohttp.ClientSession,
    headers: dict[str, str],
) -> None:
    body = {"phone": PHONE, "text": "forged"}
    status, answer = await post(control_http, inspected, "say", body, headers=headers)
    assert status == 403
    assert "refused" in answer["error"]
    async with control_http.get(f"{inspected.inspector_url}{API}/state", headers=headers) as r:
        assert r.status == 403
    assert receiver.payloads == []


async def test_same_origin_and_json_only(
    inspected: ZapiSandbox, control_http: aiohttp.ClientSession
) -> None:
    origin = inspected.inspector_url.rstrip("/")
    same = {"Origin": origin, "Sec-Fetch-Site": "same-origin"}
    status, _ = await post(control_http, inspected, "chats", {"phone": PHONE}, headers=same)
    assert status == 200
    form = f"{inspected.inspector_url}{API}/say"
    async with control_http.post(form, data={"phone": PHONE, "text": "x"}) as response:
        assert response.status == 415
    async with control_http.post(
        form, data=b"{}", headers={"Content-Type": "text/plain"}
    ) as response:
        assert response.status == 415


async def test_a_foreign_host_name_is_refused_on_loopback(
    inspected: ZapiSandbox, control_http: aiohttp.ClientSession
) -> None:
    async with control_http.get(
        f"{inspected.inspector_url}{API}/state", headers={"Host": "attacker.example"}
    ) as response:
        assert response.status == 403
    async with control_http.get(
        inspected.inspector_url, headers={"Host": f"localhost:{inspected.inspector_port}"}
    ) as response:
        assert response.status == 200


async def test_secrets_never_reach_the_page_or_the_api(
    inspected: ZapiSandbox, receiver: WebhookReceiver, control_http: aiohttp.ClientSession
) -> None:
    inspected.webhook_url = receiver.url + "/s3cr3t-path?key=s3cr3t-query"
    await send_mixed(inspected)
    await post(control_http, inspected, "say", {"phone": PHONE, "text": "hi"})
    bodies = [json.dumps(await state(control_http, inspected))]
    for path in ("", "_sandbox/static/inspector.js", "_sandbox/static/inspector.css"):
        async with control_http.get(inspected.inspector_url + path) as response:
            assert response.status == 200
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert "script-src 'self'" in response.headers["Content-Security-Policy"]
            bodies.append(await response.text())
    everything = "\n".join(bodies)
    for secret in (TOKEN, CLIENT_TOKEN, "s3cr3t-path", "s3cr3t-query"):
        assert secret not in everything
