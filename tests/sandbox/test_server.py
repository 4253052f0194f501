"""Routing, authentication, content checks and recording, over real HTTP."""

from __future__ import annotations

import re

import aiohttp
import pytest

from tests.support.credentials import CLIENT_TOKEN, INSTANCE, PHONE, TOKEN
from zapi_async.sandbox import MessageState, RecordedRequest, ZapiSandbox

from .conftest import actions, call, url

ZAAP_ID = re.compile(r"[0-9A-F]{32}")
MESSAGE_ID = re.compile(r"[0-9A-F]{20}")


async def test_accepts_the_seed_example_and_answers_ids(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, sandbox, "POST", "send-button-actions", actions())

    assert status == 200
    assert set(body) == {"zaapId", "messageId", "id"}
    assert ZAAP_ID.fullmatch(body["zaapId"])
    assert MESSAGE_ID.fullmatch(body["messageId"])
    assert body["id"] == body["messageId"]
    [record] = sandbox.messages
    assert record.endpoint == "send-button-actions"
    assert record.body == actions()
    assert (record.zaap_id, record.message_id) == (body["zaapId"], body["messageId"])
    assert record.state is MessageState.SENT
    assert record.response_delivered is True
    assert record.headers["client-token"] == CLIENT_TOKEN
    assert record.headers["Content-Type"] == "application/json"
    assert sandbox.find(body["messageId"]) is record
    assert sandbox.find(body["zaapId"]) is record
    assert sandbox.messages_to(PHONE) == [record]
    assert sandbox.messages_to("5521988887777") == []


async def test_ids_are_unique_and_follow_the_seed(http: aiohttp.ClientSession) -> None:
    answers: list[list[str]] = []
    for _ in range(2):
        async with ZapiSandbox(INSTANCE, TOKEN, client_token=CLIENT_TOKEN, seed=5) as sandbox:
            ids = []
            for n in range(20):
                status, body = await call(
                    http, sandbox, "POST", "send-text", {"phone": PHONE, "message": f"n{n}"}
                )
                assert status == 200
                ids += [body["zaapId"], body["messageId"]]
            answers.append(ids)
    assert answers[0] == answers[1]
    assert len(set(answers[0])) == 40


async def test_records_hide_secrets_in_their_repr(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    await call(http, sandbox, "POST", "send-text", {"phone": PHONE, "message": "hi"})
    record = sandbox.messages[0]
    shown = repr(record) + repr(record.headers) + repr(sandbox) + repr(sandbox.requests)
    shown += repr(sandbox.credentials) + repr(sandbox.messages)
    assert TOKEN not in shown
    assert CLIENT_TOKEN not in shown
    assert "'Client-Token': '***'" in repr(record.headers)
    assert "'Client-Token': '***'" in repr(record)
    assert record.headers.redacted()["Client-Token"] == "***"


def test_generated_credentials_follow_the_seed() -> None:
    first, again, other = ZapiSandbox(seed=3), ZapiSandbox(seed=3), ZapiSandbox(seed=4)
    assert (first.instance_id, first.token) == (again.instance_id, again.token)
    assert (first.instance_id, first.token) != (other.instance_id, other.token)
    assert re.fullmatch(r"[0-9A-F]{32}", first.instance_id)
    assert re.fullmatch(r"[0-9A-F]{24}", first.token)
    assert first.client_token is None
    assert first.token not in repr(first)


async def test_lifecycle_errors() -> None:
    sandbox = ZapiSandbox()
    with pytest.raises(RuntimeError, match="not started"):
        _ = sandbox.base_url
    async with sandbox:
        assert sandbox.base_url == f"http://127.0.0.1:{sandbox.port}"
        with pytest.raises(RuntimeError, match="already running"):
            await sandbox.start()
    await sandbox.close()  # twice is fine


@pytest.mark.parametrize(
    ("instance", "token", "error"),
    [
        ("OTHER-INSTANCE", TOKEN, "Instance not found"),
        (INSTANCE, "WRONG-TOKEN", "Invalid instance token"),
    ],
)
async def test_wrong_instance_or_token_is_401(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, instance: str, token: str, error: str
) -> None:
    target = url(sandbox, "send-text", instance=instance, token=token)
    async with http.post(target, json={"phone": PHONE, "message": "hi"}) as response:
        assert response.status == 401
        assert await response.json() == {"error": error}
    assert sandbox.messages == []


async def test_missing_client_token_is_null_not_allowed(sandbox: ZapiSandbox) -> None:
    async with (
        aiohttp.ClientSession() as bare,
        bare.post(url(sandbox, "send-text"), json={"phone": PHONE, "message": "hi"}) as response,
    ):
        assert response.status == 400
        assert await response.json() == {"error": "null not allowed"}
    assert sandbox.messages == []


async def test_wrong_client_token_is_rejected_without_echoing_it(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await call(
        http,
        sandbox,
        "GET",
        "status",
        headers={"Client-Token": "not-the-right-one"},
    )
    assert (status, body) == (400, {"error": "Client-Token not allowed"})


async def test_client_token_is_optional_when_not_configured() -> None:
    async with ZapiSandbox(INSTANCE, TOKEN) as sandbox, aiohttp.ClientSession() as bare:
        status, body = await call(bare, sandbox, "GET", "status")
    assert status == 200
    assert body["connected"] is True


async def test_wrong_method_is_405_with_allow(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    async with http.get(url(sandbox, "send-button-actions")) as response:
        assert response.status == 405
        assert response.headers["Allow"] == "POST"
        assert await response.json() == {
            "error": "Method Not Allowed",
            "message": "send-button-actions accepts POST",
        }
    async with http.put(url(sandbox, "queue"), json={}) as response:
        assert response.status == 405
        assert response.headers["Allow"] == "DELETE, GET, POST"


async def test_post_without_json_content_type_is_415(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    payload = b'{"phone": "5511999999999", "message": "hi"}'
    for headers in ({"Content-Type": "text/plain"}, {}):
        async with http.post(url(sandbox, "send-text"), data=payload, headers=headers) as response:
            assert response.status == 415
            assert await response.json() == {
                "error": "Unsupported Media Type",
                "message": "send the body as JSON with Content-Type: application/json",
            }
    assert sandbox.messages == []


async def test_json_with_charset_is_accepted(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    payload = '{"phone": "5511999999999", "message": "olá"}'.encode()
    headers = {"Content-Type": "application/json; charset=utf-8"}
    async with http.post(url(sandbox, "send-text"), data=payload, headers=headers) as response:
        assert response.status == 200
    assert sandbox.messages[0].text == "olá"


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        (b"{not json", "malformed JSON body: Expecting property name enclosed in double quotes: "
         "line 1 column 2 (char 1)"),
        (b"", "malformed JSON body: Expecting value: line 1 column 1 (char 0)"),
    ],
)  # fmt: skip
async def test_malformed_json_is_400(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession, payload: bytes, error: str
) -> None:
    headers = {"Content-Type": "application/json"}
    async with http.post(url(sandbox, "send-text"), data=payload, headers=headers) as response:
        assert response.status == 400
        assert await response.json() == {"error": error}


async def test_unknown_endpoint_and_path_are_404(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    status, body = await call(http, sandbox, "POST", "send-carrier-pigeon", {})
    assert (status, body) == (
        404,
        {"error": "Not Found", "message": "unknown endpoint 'send-carrier-pigeon'"},
    )
    async with http.get(f"{sandbox.base_url}/something/{TOKEN}") as response:
        assert response.status == 404
        assert await response.json() == {
            "error": "Not Found",
            "message": "expected /instances/{id}/token/{token}/...",
        }


async def test_every_request_is_logged_without_the_token(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    await call(http, sandbox, "POST", "send-text", {"phone": PHONE, "message": "hi"})
    await call(http, sandbox, "POST", "send-text", {"phone": "12", "message": "hi"})
    await call(http, sandbox, "GET", "send-text")
    await call(http, sandbox, "GET", "nope")
    seen = [(r.method, r.endpoint, r.status, r.fault) for r in sandbox.requests]
    assert seen == [
        ("POST", "send-text", 200, None),
        ("POST", "send-text", 400, None),
        ("GET", "send-text", 405, None),
        ("GET", "<unrouted>", 404, None),
    ]
    assert all(isinstance(r, RecordedRequest) for r in sandbox.requests)
    assert len(sandbox.messages) == 1


async def test_reset_forgets_records_and_faults(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    await call(http, sandbox, "POST", "send-text", {"phone": PHONE, "message": "hi"})
    sandbox.fail_next(3)
    sandbox.reset()
    assert sandbox.messages == []
    assert sandbox.requests == []
    assert sandbox.faults.pending == 0
