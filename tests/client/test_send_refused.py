"""Issue 15: a send answered 200 with ``{"error": ...}`` is a typed error, never a
half-filled SendResult, and a failed outcome in bulk runs."""

from __future__ import annotations

import pytest

from zapi_async import (
    SendRefusedError,
    SendResult,
    TextMessage,
    ZapiClient,
    ZapiHTTPError,
    ZapiSandbox,
)
from zapi_async.sending.outcomes import classify

PHONE = "5511999999999"
REFUSAL = {"error": "Phone is not connected to WhatsApp"}


async def test_a_200_with_an_error_raises_send_refused(
    zapi_sandbox: ZapiSandbox, zapi_client: ZapiClient
) -> None:
    zapi_sandbox.fail_next(status=200, body=REFUSAL, endpoint="send-text")
    with pytest.raises(SendRefusedError) as info:
        await zapi_client.send_text(PHONE, "hi")
    error = info.value
    assert isinstance(error, ZapiHTTPError)
    assert (error.status, error.error, error.body, error.method) == (
        200,
        "Phone is not connected to WhatsApp",
        REFUSAL,
        "POST",
    )
    assert error.endpoint == f"/instances/{zapi_sandbox.instance_id}/token/***/send-text"
    assert str(error) == (
        f"POST {error.endpoint} -> HTTP 200: Phone is not connected to WhatsApp "
        "(Z-API refused the send although it answered 200)"
    )
    assert zapi_sandbox.token not in str(error)
    assert [r.status for r in zapi_sandbox.requests] == [200]  # not retried
    assert await zapi_client.send_text(PHONE, "hi again")  # the next one goes through


async def test_the_refusal_is_a_failed_outcome_in_bulk(
    zapi_sandbox: ZapiSandbox, zapi_client: ZapiClient
) -> None:
    zapi_sandbox.fail_next(status=200, body=REFUSAL, endpoint="send-text")
    outcomes = [o async for o in zapi_client.send_many([TextMessage(PHONE, "a")], concurrency=1)]
    [outcome] = outcomes
    assert (outcome.status, outcome.results) == ("failed", [])
    assert isinstance(outcome.error, SendRefusedError)
    assert classify(SendRefusedError(200, endpoint="/x", error="no")) == "failed"


@pytest.mark.parametrize("body", [{"error": None}, {"error": ""}, {"error": False}])
async def test_an_empty_error_key_does_not_refuse(
    zapi_sandbox: ZapiSandbox, zapi_client: ZapiClient, body: dict[str, object]
) -> None:
    zapi_sandbox.fail_next(
        status=200, body={"zaapId": "Z1", "messageId": "M1", **body}, endpoint="send-text"
    )
    assert await zapi_client.send_text(PHONE, "hi") == SendResult("Z1", "M1")


async def test_other_endpoints_keep_their_error_key(
    zapi_sandbox: ZapiSandbox, zapi_client: ZapiClient
) -> None:
    zapi_sandbox.disconnect()
    status = await zapi_client.request("GET", "status")
    assert status["error"] == "You are not connected."  # 200 with "error" is data here
