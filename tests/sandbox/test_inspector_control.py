"""The inspector's JSON control API and its client, without a browser."""

from __future__ import annotations

import asyncio
import contextlib
import io
import json
from typing import Any

import aiohttp
import pytest

from zapi_async import ButtonActionsMessage, CallButton, ReplyButton, UrlButton, ZapiClient
from zapi_async.sandbox import ZapiSandbox, serve_sandbox
from zapi_async.sandbox.inspector import ControlClient, ControlError, run_control
from zapi_async.sandbox.records import RecordedHeaders, RecordedMessage

from .inspector_fixtures import (
    CLIENT_TOKEN,
    PHONE,
    TOKEN,
    WAIT,
    WebhookReceiver,
    control_http,
    inspected,
    receiver,
)

#: The fixtures this module imports (listed so linters see them used).
__all__ = ["control_http", "inspected", "receiver"]

API = "_sandbox/api"


async def post(
    http: aiohttp.ClientSession, sandbox: ZapiSandbox, action: str, body: Any, **kwargs: Any
) -> tuple[int, Any]:
    async with http.post(f"{sandbox.inspector_url}{API}/{action}", json=body, **kwargs) as r:
        return r.status, await r.json()


async def state(http: aiohttp.ClientSession, sandbox: ZapiSandbox, chat: str = PHONE) -> Any:
    async with http.get(f"{sandbox.inspector_url}{API}/state", params={"chat": chat}) as r:
        assert r.status == 200
        return await r.json()


async def send_mixed(sandbox: ZapiSandbox) -> list[str]:
    """CALL + URL + REPLY through the real client: two messages (the splitter)."""
    async with ZapiClient(
        sandbox.instance_id, sandbox.token, client_token=CLIENT_TOKEN, base_url=sandbox.base_url
    ) as zapi:
        results = await zapi.send_button_actions(
            ButtonActionsMessage(
                phone=PHONE,
                message="How can we help?",
                buttons=[
                    CallButton("Call us", phone="+554498398733"),
                    UrlButton("Website", url="https://z-api.io"),
                    ReplyButton("Talk to an agent", id="agent"),
                ],
            )
        )
    return [result.message_id for result in results]


def fake_record(sandbox: ZapiSandbox, endpoint: str, body: dict[str, Any]) -> RecordedMessage:
    """Record a send the sandbox does not accept yet (send-poll), as if it had."""
    record = RecordedMessage(endpoint, body, RecordedHeaders({}), 0.0, 1.0, "Z" * 32, "P" * 20)
    sandbox.log.add(record)
    return record


def test_the_inspector_is_off_unless_asked() -> None:
    with pytest.raises(RuntimeError, match="inspector=True"):
        _ = ZapiSandbox().inspector_url


async def test_press_reaches_the_bot_with_the_button_and_reference(
    inspected: ZapiSandbox, receiver: WebhookReceiver, control_http: aiohttp.ClientSession
) -> None:
    _, reply_id = await send_mixed(inspected)
    status, answer = await post(
        control_http, inspected, "press", {"messageId": reply_id, "buttonId": "agent"}
    )
    assert status == 200
    assert answer["ok"] is True
    assert answer["status"] == 200
    event = await receiver.wait_for(lambda p: "buttonsResponseMessage" in p)
    assert event["buttonsResponseMessage"] == {"buttonId": "agent", "message": "Talk to an agent"}
    assert event["referenceMessageId"] == reply_id
    assert event["phone"] == PHONE


async def test_every_person_action(
    inspected: ZapiSandbox, receiver: WebhookReceiver, control_http: aiohttp.ClientSession
) -> None:
    call_url_id, reply_id = await send_mixed(inspected)
    poll = fake_record(
        inspected,
        "send-poll",
        {"phone": PHONE, "message": "Lunch?", "poll": [{"name": "Yes"}, {"name": "No"}]},
    )
    actions: list[tuple[str, dict[str, Any], str]] = [
        ("say", {"phone": PHONE, "text": "hello"}, "text"),
        ("mark", {"messageId": reply_id, "status": "read"}, "MessageStatusCallback"),
        ("react", {"messageId": call_url_id, "reaction": "👍"}, "reaction"),
        ("vote", {"messageId": poll.message_id, "options": ["Yes"]}, "pollVote"),
        ("call", {"phone": PHONE}, "callId"),
        ("connection", {"connected": False}, "DisconnectedCallback"),
        ("connection", {"connected": True}, "ConnectedCallback"),
    ]
    for action, body, marker in actions:
        status, answer = await post(control_http, inspected, action, body)
        assert (status, answer["ok"]) == (200, True), (action, answer)
        assert marker in receiver.payloads[-1] or receiver.payloads[-1]["type"] == marker
    text, status_cb, reaction, vote, call, gone, back = receiver.payloads
    assert text["text"] == {"message": "hello"}
    assert (status_cb["status"], status_cb["ids"]) == ("READ", [reply_id])
    assert reaction["reaction"]["referencedMessage"]["messageId"] == call_url_id
    assert vote["pollVote"] == {"pollMessageId": poll.message_id, "options": [{"name": "Yes"}]}
    assert (call["notification"], call["notificationParameters"]) == ("CALL_VOICE", [])
    assert "text" not in call
    assert gone["disconnected"] is True
    assert back["connected"] is True

    snapshot = await state(control_http, inspected)
    items = {item["id"]: item for item in snapshot["chat"]["items"] if item["direction"] == "out"}
    assert items[reply_id]["state"] == "read"
    assert items[call_url_id]["state"] == "sent"
    assert items[call_url_id]["reactions"] == ["👍"]
    assert items[poll.message_id]["votes"] == {"Yes": 1}
    incoming = [
        item["view"]["kind"] for item in snapshot["chat"]["items"] if item["direction"] == "in"
    ]
    assert incoming == ["text", "call"]
    assert [hook["ok"] for hook in snapshot["webhooks"]] == [True] * 7


async def test_chats_are_newest_first_with_names_and_kinds(
    inspected: ZapiSandbox, control_http: aiohttp.ClientSession
) -> None:
    await send_mixed(inspected)
    for phone, name in [("999999999999999@lid", "Lia"), ("120363019502650977-group", None)]:
        status, _ = await post(control_http, inspected, "chats", {"phone": phone, "name": name})
        assert status == 200
    snapshot = await state(control_http, inspected)
    assert [(c["id"], c["kind"], c["name"]) for c in snapshot["chats"]] == [
        ("120363019502650977-group", "group", None),
        ("999999999999999@lid", "lid", "Lia"),
        (PHONE, "number", None),
    ]
    assert snapshot["chats"][2]["preview"] == "How can we help?"


async def test_failed_deliveries_are_answers_and_logged(
    inspected: ZapiSandbox, receiver: WebhookReceiver, control_http: aiohttp.ClientSession
) -> None:
    receiver.status = 500
    status, answer = await post(control_http, inspected, "say", {"phone": PHONE, "text": "hi"})
    assert (status, answer["ok"], answer["status"]) == (200, False, 500)
    inspected.webhook_url = None
    status, answer = await post(control_http, inspected, "say", {"phone": PHONE, "text": "again"})
    assert (status, answer["ok"], answer["error"]) == (200, False, "no webhook URL")
    snapshot = await state(control_http, inspected)
    assert [(h["status"], h["ok"], h["error"]) for h in snapshot["webhooks"]] == [
        (None, False, "no webhook URL"),
        (500, False, None),
    ]
    assert [i["webhookOk"] for i in snapshot["chat"]["items"]] == [False, False]


@pytest.mark.parametrize(
    "case",
    [
        ("press", {"messageId": "NOPE", "buttonId": "1"}, 404, "no message with id"),
        ("press", {"messageId": 3, "buttonId": "1"}, 400, "messageId should be a str"),
        ("say", {"phone": PHONE}, 400, "text is required"),
        ("say", {"phone": PHONE, "text": "  "}, 409, "text should not be empty"),
        ("mark", {"messageId": "X", "status": "LOST"}, 400, "status should be one of"),
        ("connection", {"connected": "yes"}, 400, "connected should be a bool"),
        ("faults", {"kind": "meteor"}, 400, "kind should be one of"),
        ("faults", {"kind": "error", "status": 200}, 400, "status should be in range"),
        ("webhook-url", {"url": "ftp://x"}, 400, "url should start with"),
    ],
)
async def test_bad_requests_are_refused_with_a_reason(
    inspected: ZapiSandbox,
    control_http: aiohttp.ClientSession,
    case: tuple[str, dict[str, Any], int, str],
) -> None:
    action, body, status, error = case
    answered, answer = await post(control_http, inspected, action, body)
    assert answered == status
    assert error in answer["error"]


async def test_faults_from_the_control_api_hit_the_fake_zapi(
    inspected: ZapiSandbox, control_http: aiohttp.ClientSession
) -> None:
    body = {"kind": "error", "n": 2, "status": 503, "endpoint": "send-text"}
    status, answer = await post(control_http, inspected, "faults", body)
    assert status == 200
    assert answer["faults"]["scripted"] == [
        {
            "kind": "error",
            "status": 503,
            "retryAfter": None,
            "endpoint": "send-text",
            "remaining": 2,
        }
    ]
    await post(control_http, inspected, "faults", {"kind": "latency", "seconds": 0.25})
    await post(control_http, inspected, "faults", {"kind": "rate_limit", "retryAfter": 3})
    assert (await state(control_http, inspected))["faults"]["latency"] == {"*": 0.25}
    url = f"{inspected.base_url}/instances/{inspected.instance_id}/token/{TOKEN}/send-text"
    headers = {"Client-Token": CLIENT_TOKEN}
    async with control_http.post(
        url, json={"phone": PHONE, "message": "x"}, headers=headers
    ) as response:
        assert response.status == 503
    await post(control_http, inspected, "faults", {"kind": "clear"})
    assert inspected.faults.pending == 0
    assert inspected.faults.latencies == {}


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


async def test_the_event_stream_announces_changes(
    inspected: ZapiSandbox, control_http: aiohttp.ClientSession
) -> None:
    async with control_http.get(f"{inspected.inspector_url}_sandbox/events") as response:
        assert response.headers["Content-Type"] == "text/event-stream"
        first = await asyncio.wait_for(response.content.readuntil(b"\n\n"), WAIT)
        assert first == b"event: change\ndata: {}\n\n"
        await send_mixed(inspected)
        again = await asyncio.wait_for(response.content.readuntil(b"\n\n"), WAIT)
        assert again.startswith(b"event: change")


async def test_the_control_client(inspected: ZapiSandbox, receiver: WebhookReceiver) -> None:
    _, reply_id = await send_mixed(inspected)
    async with ControlClient(inspected.inspector_url) as control:
        assert (await control.press(reply_id, "agent"))["ok"] is True
        assert (await control.say(PHONE, "hi", reply_to=reply_id))["ok"] is True
        assert (await control.fault("drop", n=1))["faults"]["scripted"][0]["kind"] == "drop_before"
        snapshot = await control.state(PHONE)
        assert snapshot["chat"]["id"] == PHONE
        with pytest.raises(ControlError, match="no button with id 'nope'") as caught:
            await control.press(reply_id, "nope")
        assert caught.value.status == 400
    assert receiver.payloads[1]["referenceMessageId"] == reply_id


async def test_run_control_prints_json_and_exit_codes(
    inspected: ZapiSandbox, receiver: WebhookReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, reply_id = await send_mixed(inspected)
    monkeypatch.setenv("ZAPI_SANDBOX_URL", inspected.inspector_url)

    def run(verb: str, **options: Any) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = run_control(verb, out=out, err=err, **options)
        return code, out.getvalue(), err.getvalue()

    code, out, _ = await asyncio.to_thread(run, "press", message_id=reply_id, button_id="agent")
    assert code == 0
    assert json.loads(out)["type"] == "ReceivedCallback"
    code, _, err = await asyncio.to_thread(run, "press", message_id="NOPE", button_id="1")
    assert code == 2
    assert "no message with id 'NOPE'" in err
    receiver.status = 503
    code, _, err = await asyncio.to_thread(run, "say", phone=PHONE, text="hi")
    assert (code, "the webhook failed: HTTP 503" in err) == (1, True)
    code, _, _ = await asyncio.to_thread(run, "vote", message_id=reply_id, option=["x"])
    assert code == 2
    code, out, _ = await asyncio.to_thread(run, "disconnect")
    assert not inspected.connected
    code, _, err = await asyncio.to_thread(run, "state", url="http://127.0.0.1:9/")
    assert code == 3
    assert "no sandbox inspector at http://127.0.0.1:9/" in err


async def test_the_runner_serves_and_prints_the_inspector() -> None:
    lines: list[str] = []
    ready: asyncio.Future[ZapiSandbox] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        serve_sandbox(
            port=0, token=TOKEN, inspector=True, echo=lines.append, on_ready=ready.set_result
        )
    )
    sandbox = await ready
    async with aiohttp.ClientSession() as http, http.get(sandbox.inspector_url) as response:
        assert response.status == 200
        assert "Z-API sandbox inspector" in await response.text()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    assert f"  inspector   : {sandbox.inspector_url}" in lines
    assert TOKEN not in "\n".join(lines)
    quiet: list[str] = []
    started: asyncio.Future[ZapiSandbox] = asyncio.get_running_loop().create_future()
    off = asyncio.create_task(serve_sandbox(port=0, echo=quiet.append, on_ready=started.set_result))
    assert (await started).inspector is None
    off.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await off
    assert not any("inspector" in line for line in quiet)


async def test_reset_forgets_the_inspector_too(
    inspected: ZapiSandbox, receiver: WebhookReceiver, control_http: aiohttp.ClientSession
) -> None:
    await post(control_http, inspected, "chats", {"phone": "5511911112222"})
    await post(control_http, inspected, "say", {"phone": PHONE, "text": "hi"})
    inspected.reset()
    snapshot = await state(control_http, inspected)
    assert (snapshot["chats"], snapshot["webhooks"], snapshot["chatCount"]) == ([], [], 0)


async def test_the_chat_list_is_capped(
    inspected: ZapiSandbox, control_http: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("zapi_async.sandbox.inspector.state.MAX_CHATS", 2)
    for n in range(3):
        await post(control_http, inspected, "chats", {"phone": f"551191111000{n}"})
    snapshot = await state(control_http, inspected)
    assert (len(snapshot["chats"]), snapshot["chatCount"]) == (2, 3)


async def test_an_inspector_restarts_after_close(receiver: WebhookReceiver) -> None:
    sandbox = ZapiSandbox(inspector=True, webhook_url=receiver.url)
    for _ in range(2):
        async with sandbox, aiohttp.ClientSession() as http:
            events = await http.get(f"{sandbox.inspector_url}_sandbox/events")
            first = await asyncio.wait_for(events.content.readuntil(b"\n\n"), WAIT)
            assert first.startswith(b"event: change")
            events.close()
