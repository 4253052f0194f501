"""The inspector's JSON control API and its client, without a browser."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from zapi_async.sandbox import ZapiSandbox
from zapi_async.sandbox.records import RecordedHeaders, RecordedMessage

from .inspector_fixtures import (
    CLIENT_TOKEN,
    PHONE,
    TOKEN,
    WAIT,
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
        ("say", {"phone": PHONE, "text": "  "}, 400, "text should not be empty"),
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


async def test_concurrent_actions_each_report_their_own_webhook(
    inspected: ZapiSandbox, receiver: WebhookReceiver, control_http: aiohttp.ClientSession
) -> None:
    texts = [f"message {n}" for n in range(8)]
    answers = await asyncio.gather(
        *(post(control_http, inspected, "say", {"phone": PHONE, "text": t}) for t in texts)
    )
    by_id = {p["messageId"]: p["text"]["message"] for p in receiver.payloads}
    assert [by_id[answer["messageId"]] for _, answer in answers] == texts
    seqs = [answer["webhook"] for _, answer in answers]
    assert sorted(seqs) == list(range(1, 9))
