"""Status codes and bodies map to the documented exception types (aioresponses)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from aioresponses import aioresponses

from tests.support.credentials import CLIENT_TOKEN, INSTANCE, TOKEN
from zapi_async import (
    AuthenticationError,
    MethodNotAllowedError,
    RateLimitedError,
    ResponseFormatError,
    ServerError,
    UnsupportedMediaTypeError,
    ZapiClient,
    ZapiHTTPError,
)
from zapi_async.http.responses import parse_retry_after
from zapi_async.http.retry import RetryPolicy

URL = re.compile(r"^https://api\.z-api\.io/instances/.*$")
ENDPOINT = f"/instances/{INSTANCE}/token/***/send-text"
BODY = {"phone": "551199999999", "message": "hello"}


@pytest.fixture
async def zapi() -> AsyncIterator[ZapiClient]:
    async with ZapiClient(
        INSTANCE, TOKEN, client_token=CLIENT_TOKEN, retry=RetryPolicy.never()
    ) as client:
        yield client


@pytest.fixture
def mocked() -> Iterator[aioresponses]:
    with aioresponses() as m:
        yield m


@pytest.mark.parametrize(
    ("status", "body", "error_type", "error_text"),
    [
        (405, {"error": "Method not allowed"}, MethodNotAllowedError, "Method not allowed"),
        (
            415,
            {"error": "Unsupported Media Type"},
            UnsupportedMediaTypeError,
            "Unsupported Media Type",
        ),
        (401, {"error": "Unauthorized"}, AuthenticationError, "Unauthorized"),
        (403, {"message": "Forbidden"}, AuthenticationError, "Forbidden"),
        (400, {"error": "null not allowed"}, AuthenticationError, "null not allowed"),
        (
            400,
            {"error": "Client-Token F1 not allowed"},
            AuthenticationError,
            "Client-Token F1 not allowed",
        ),
        (400, {"error": "phone is required"}, ZapiHTTPError, "phone is required"),
        (404, {"error": "Not found"}, ZapiHTTPError, "Not found"),
        (500, {"error": "Internal"}, ServerError, "Internal"),
        (
            502,
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
            ServerError,
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
        ),
        (429, {"error": "Too many"}, RateLimitedError, "Too many"),
    ],
)
async def test_status_maps_to_error(  # noqa: PLR0917 (pytest parametrization)
    zapi: ZapiClient,
    mocked: aioresponses,
    status: int,
    body: object,
    error_type: type[ZapiHTTPError],
    error_text: str,
) -> None:
    if isinstance(body, str):
        mocked.post(URL, status=status, body=body, content_type="text/html")
    else:
        mocked.post(URL, status=status, payload=body)
    with pytest.raises(ZapiHTTPError) as caught:
        await zapi.request("POST", "send-text", BODY)
    error = caught.value
    assert type(error) is error_type
    assert error.status == status
    assert error.error == error_text
    assert error.endpoint == ENDPOINT
    assert error.method == "POST"
    assert str(error).startswith(f"POST {ENDPOINT} -> HTTP {status}: {error_text}")


async def test_authentication_error_hints_at_client_token(
    zapi: ZapiClient, mocked: aioresponses
) -> None:
    mocked.post(URL, status=400, payload={"error": "null not allowed"})
    with pytest.raises(AuthenticationError, match="Client-Token"):
        await zapi.request("POST", "send-text", BODY)


async def test_error_body_is_kept_raw(zapi: ZapiClient, mocked: aioresponses) -> None:
    mocked.post(URL, status=400, payload={"error": "bad", "details": [1, 2]})
    with pytest.raises(ZapiHTTPError) as caught:
        await zapi.request("POST", "send-text", BODY)
    assert caught.value.body == {"error": "bad", "details": [1, 2]}


async def test_retry_after_seconds(zapi: ZapiClient, mocked: aioresponses) -> None:
    mocked.post(URL, status=429, payload={"error": "x"}, headers={"Retry-After": "12"})
    with pytest.raises(RateLimitedError) as caught:
        await zapi.request("POST", "send-text", BODY)
    assert caught.value.retry_after == 12.0


def test_retry_after_http_date() -> None:
    now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=timezone.utc)
    header = format_datetime(now + timedelta(seconds=30), usegmt=True)
    assert parse_retry_after(header, now=now.timestamp()) == 30.0
    assert parse_retry_after("garbage") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("-5") == 0.0


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"zaapId": "Z"}, "messageId"),
        ({"zaapId": None, "messageId": "M"}, "zaap"),
        ([1, 2], "expected an object"),
    ],
)
async def test_unexpected_success_body_is_a_clear_error(
    zapi: ZapiClient, mocked: aioresponses, payload: object, problem: str
) -> None:
    mocked.post(URL, status=200, payload=payload)
    from zapi_async import ButtonActionsMessage, ReplyButton

    with pytest.raises(ResponseFormatError) as caught:
        await zapi.send(ButtonActionsMessage("551199999999", "hi", [ReplyButton("ok")]))
    assert caught.value.body == payload
    assert caught.value.endpoint == f"/instances/{INSTANCE}/token/***/send-button-actions"
    assert problem.lower() in str(caught.value).lower()


async def test_non_json_success_body_is_a_clear_error(
    zapi: ZapiClient, mocked: aioresponses
) -> None:
    mocked.post(URL, status=200, body="OK", content_type="text/plain")
    from zapi_async import ButtonActionsMessage, ReplyButton

    with pytest.raises(ResponseFormatError, match="unexpected response"):
        await zapi.send(ButtonActionsMessage("551199999999", "hi", [ReplyButton("ok")]))
