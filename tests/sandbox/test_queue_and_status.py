"""GET status, a disconnected phone and the server queue endpoints."""

from __future__ import annotations

import aiohttp
import pytest

from tests.support.credentials import CLIENT_TOKEN, INSTANCE, PHONE, TOKEN
from zapi_async.sandbox import MessageState, ZapiSandbox

from .conftest import call


async def _send(http: aiohttp.ClientSession, sandbox: ZapiSandbox, text: str, **extra: int) -> str:
    status, body = await call(
        http, sandbox, "POST", "send-text", {"phone": PHONE, "message": text, **extra}
    )
    assert status == 200
    return str(body["zaapId"])


async def test_status_follows_the_connection(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    assert await call(http, sandbox, "GET", "status") == (
        200,
        {"connected": True, "error": "You are already connected.", "smartphoneConnected": True},
    )
    sandbox.disconnect()
    assert sandbox.connected is False
    assert await call(http, sandbox, "GET", "status") == (
        200,
        {"connected": False, "error": "You are not connected.", "smartphoneConnected": False},
    )


async def test_sends_wait_in_the_queue_until_reconnect(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    await _send(http, sandbox, "before")
    sandbox.disconnect()
    first = await _send(http, sandbox, "one", delayMessage=5)
    second = await _send(http, sandbox, "two", delayTyping=2)
    assert [m.state for m in sandbox.messages] == [
        MessageState.SENT,
        MessageState.QUEUED,
        MessageState.QUEUED,
    ]
    assert await call(http, sandbox, "GET", "queue/count") == (200, {"count": 2})

    status, page = await call(http, sandbox, "POST", "queue", {})
    assert status == 200
    assert page["hasMore"] is False
    assert page["pagingState"] is None
    one = page["messages"][0]
    record = sandbox.messages[1]
    assert one == {
        "_id": first,
        "DelayMessage": 5,
        "Message": "one",
        "InstanceId": INSTANCE,
        "Phone": PHONE,
        "ZaapId": first,
        "DelayTyping": 0,
        "MessageId": record.message_id,
        "Created": int(record.wall * 1000),
        "CreatedAt": one["CreatedAt"],
        "Beta": False,
        "IsTrial": False,
    }
    assert page["messages"][1]["ZaapId"] == second
    assert page["messages"][1]["DelayMessage"] == -1
    assert page["messages"][1]["DelayTyping"] == 2

    delivered = sandbox.connect()
    assert [m.text for m in delivered] == ["one", "two"]
    assert all(m.state is MessageState.SENT for m in sandbox.messages)
    assert await call(http, sandbox, "GET", "queue/count") == (200, {"count": 0})


async def test_cursor_paging_walks_the_whole_queue(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    sandbox.disconnect()
    sent = [await _send(http, sandbox, f"m{n}") for n in range(7)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        body: dict[str, object] = {"pageSize": 3}
        if cursor is not None:
            body["pagingState"] = cursor
        status, page = await call(http, sandbox, "POST", "queue", body)
        assert status == 200
        pages += 1
        seen += [item["ZaapId"] for item in page["messages"]]
        if not page["hasMore"]:
            assert page["pagingState"] is None
            break
        cursor = page["pagingState"]
        assert isinstance(cursor, str)
    assert seen == sent
    assert pages == 3


async def test_queue_page_defaults_to_20_and_validates(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    sandbox.disconnect()
    for n in range(21):
        await _send(http, sandbox, f"m{n}")
    async with http.post(
        f"{sandbox.base_url}/instances/{INSTANCE}/token/{TOKEN}/queue",
        headers={"Content-Type": "application/json"},
    ) as response:  # an empty body counts as {}
        assert response.status == 200
        page = await response.json()
    assert len(page["messages"]) == 20
    assert page["hasMore"] is True
    assert await call(http, sandbox, "POST", "queue", {"pageSize": 31}) == (
        400,
        {
            "error": "pageSize: should be in range [1, 30], but was 31",
            "message": "invalid request body for queue",
            "field": "pageSize",
        },
    )
    status, body = await call(http, sandbox, "POST", "queue", {"pagingState": "garbage!"})
    assert status == 400
    assert body["error"] == "pagingState: is not a cursor this server returned"


async def test_get_queue_older_paged_form(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    sandbox.disconnect()
    sent = [await _send(http, sandbox, f"m{n}") for n in range(5)]
    status, body = await call(http, sandbox, "GET", "queue", params={"page": 2, "pageSize": 2})
    assert status == 200
    assert body["size"] == 5
    assert [item["ZaapId"] for item in body["messages"]] == sent[2:4]
    status, body = await call(http, sandbox, "GET", "queue", params={"pageSize": 2})
    assert (status, body["error"]) == (400, "page: is a required query parameter")
    status, body = await call(http, sandbox, "GET", "queue", params={"page": 0, "pageSize": 2})
    assert (status, body["error"]) == (400, "page: should be a positive integer, but was '0'")


async def test_delete_one_and_all(sandbox: ZapiSandbox, http: aiohttp.ClientSession) -> None:
    sandbox.disconnect()
    first, second, third = [await _send(http, sandbox, f"m{n}") for n in range(3)]
    assert await call(http, sandbox, "DELETE", f"queue/{second}") == (200, {"value": True})
    assert [m.zaap_id for m in sandbox.queued] == [first, third]
    removed = sandbox.find(second)
    assert removed is not None
    assert removed.state is MessageState.DELETED
    assert await call(http, sandbox, "DELETE", f"queue/{second}") == (
        404,
        {"error": "message not found in the queue"},
    )
    assert await call(http, sandbox, "DELETE", "queue") == (200, {"value": True})
    assert sandbox.queued == []
    assert sandbox.connect() == []
    assert [m.state for m in sandbox.messages] == [MessageState.DELETED] * 3


async def test_queue_limit(http: aiohttp.ClientSession) -> None:
    async with ZapiSandbox(INSTANCE, TOKEN, client_token=CLIENT_TOKEN, queue_limit=2) as sandbox:
        sandbox.disconnect()
        await _send(http, sandbox, "a")
        await _send(http, sandbox, "b")
        assert await call(http, sandbox, "POST", "send-text", {"phone": PHONE, "message": "c"}) == (
            400,
            {"error": "the queue is full (2 messages are waiting for the phone to reconnect)"},
        )
        assert len(sandbox.messages) == 2


@pytest.mark.parametrize(
    ("method", "endpoint", "allowed"),
    [("POST", "queue/count", "GET"), ("GET", "queue/ABC", "DELETE"), ("POST", "status", "GET")],
)
async def test_queue_and_status_methods(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, method: str, endpoint: str, allowed: str
) -> None:
    async with http.request(
        method, f"{sandbox.base_url}/instances/{INSTANCE}/token/{TOKEN}/{endpoint}", json={}
    ) as response:
        assert response.status == 405
        assert response.headers["Allow"] == allowed
