"""The FastAPI adapter: over ASGI with httpx, and on a real uvicorn server."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

fastapi = pytest.importorskip("fastapi")
uvicorn = pytest.importorskip("uvicorn")

from zapi_async.webhooks import (  # noqa: E402
    ReceivedCallback,
    WebhookEvent,
    WebhookRouter,
    WebhookSecurity,
    make_fastapi_router,
)

from ._corpus import INSTANCE, payload_bytes  # noqa: E402

SECRET = "fastapi-secret"
JSON = {"Content-Type": "application/json"}


class Recorder:
    """A router with one catch-all handler recording what reached it."""

    def __init__(self) -> None:
        self.router = WebhookRouter()
        self.events: list[WebhookEvent] = []

        @self.router.on_event(WebhookEvent, continue_=True)
        async def record(event: WebhookEvent) -> None:
            self.events.append(event)


def build_app(recorder: Recorder, **security: Any) -> Any:
    app = fastapi.FastAPI()
    app.include_router(
        make_fastapi_router(recorder.router, WebhookSecurity(**security), path="/zapi/webhook")
    )
    return app


@pytest.fixture
async def asgi() -> AsyncIterator[tuple[httpx.AsyncClient, Recorder]]:
    recorder = Recorder()
    app = build_app(recorder, secret=SECRET, instance_id=INSTANCE, max_body_bytes=2048)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client, recorder


async def test_button_press_via_path_secret(asgi: tuple[httpx.AsyncClient, Recorder]) -> None:
    client, recorder = asgi
    resp = await client.post(
        f"/zapi/webhook/{SECRET}", content=payload_bytes("received_button"), headers=JSON
    )
    assert (resp.status_code, resp.json()) == (200, {"ok": True})
    await recorder.router.join()
    [event] = recorder.events
    assert isinstance(event, ReceivedCallback)
    assert event.button_id == "agent"


async def test_header_secret(asgi: tuple[httpx.AsyncClient, Recorder]) -> None:
    client, recorder = asgi
    resp = await client.post(
        "/zapi/webhook",
        content=payload_bytes("status_played"),
        headers={**JSON, "X-Webhook-Secret": SECRET},
    )
    assert resp.status_code == 200
    await recorder.router.join()
    assert [e.raw["status"] for e in recorder.events] == ["PLAYED"]


@pytest.mark.parametrize(
    ("path", "body", "status", "answer"),
    [
        ("/zapi/webhook", payload_bytes("received_button"), 403, {"error": "forbidden"}),
        ("/zapi/webhook/nope", payload_bytes("received_button"), 403, {"error": "forbidden"}),
        (
            f"/zapi/webhook/{SECRET}",
            json.dumps({"type": "ReceivedCallback", "instanceId": "OTHER"}).encode(),
            403,
            {"error": "forbidden"},
        ),
        (
            f"/zapi/webhook/{SECRET}",
            b'{"pad": "' + b"x" * 3000 + b'"}',
            413,
            {"error": "request body too large"},
        ),
        (
            f"/zapi/webhook/{SECRET}",
            b"{oops",
            400,
            {
                "error": "webhook body is not valid JSON: Expecting property name enclosed "
                "in double quotes at line 1 column 2"
            },
        ),
        (
            f"/zapi/webhook/{SECRET}",
            b"123",
            400,
            {"error": "webhook body must be a JSON object, got a number"},
        ),
    ],
)
async def test_refusals_never_reach_handlers(
    asgi: tuple[httpx.AsyncClient, Recorder],
    path: str,
    body: bytes,
    status: int,
    answer: dict[str, str],
) -> None:
    client, recorder = asgi
    resp = await client.post(path, content=body, headers=JSON)
    assert (resp.status_code, resp.json()) == (status, answer)
    await recorder.router.join()
    assert recorder.events == []


async def test_streamed_body_over_the_limit_is_413(
    asgi: tuple[httpx.AsyncClient, Recorder],
) -> None:
    client, recorder = asgi

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(5):
            yield b"y" * 1000

    resp = await client.post(f"/zapi/webhook/{SECRET}", content=chunks(), headers=JSON)
    assert (resp.status_code, resp.json()) == (413, {"error": "request body too large"})
    assert recorder.events == []


def test_routes_are_kept_out_of_the_openapi_schema() -> None:
    app = build_app(Recorder(), secret=SECRET)
    assert app.openapi()["paths"] == {}
    api = make_fastapi_router(WebhookRouter(), WebhookSecurity(secret=SECRET))
    assert [getattr(route, "path", "") for route in api.routes] == [
        "/zapi/webhook",
        "/zapi/webhook/{secret}",
    ]


def test_without_a_secret_there_is_no_secret_route() -> None:
    api = make_fastapi_router(WebhookRouter(), path="hooks/")
    assert [getattr(route, "path", "") for route in api.routes] == ["/hooks"]


async def test_real_uvicorn_server_and_clean_shutdown() -> None:
    recorder = Recorder()
    replies: list[str] = []

    @recorder.router.on_button("agent")
    async def agent(event: ReceivedCallback) -> None:
        replies.append(event.phone)

    app = build_app(recorder, secret=SECRET)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)  # connections queue here until uvicorn accepts: no polling needed
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app, lifespan="on", log_config=None, access_log=False, ws="none", loop="none"
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            ok = await client.post(
                f"/zapi/webhook/{SECRET}", content=payload_bytes("received_button"), headers=JSON
            )
            bad = await client.post(
                "/zapi/webhook/guess", content=payload_bytes("received_button"), headers=JSON
            )
        assert (ok.status_code, ok.json()) == (200, {"ok": True})
        assert (bad.status_code, bad.json()) == (403, {"error": "forbidden"})
        await recorder.router.join()
        assert replies == ["5511999999999"]
        assert [e.type for e in recorder.events] == ["ReceivedCallback"]
    finally:
        server.should_exit = True
        await serving
        sock.close()
    assert recorder.router.closed  # the APIRouter's lifespan closed it on shutdown
