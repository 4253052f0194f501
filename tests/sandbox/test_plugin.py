"""The pytest plugin's fixtures, and the real client running against the sandbox."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from zapi_async import (
    ButtonActionsMessage,
    CallButton,
    DeliveryUnknownError,
    ReplyButton,
    UrlButton,
)
from zapi_async.client import ZapiClient
from zapi_async.http.retry import RetryPolicy
from zapi_async.models.lists import ListButton, ListOption
from zapi_async.sandbox import MessageState, ZapiSandbox

PHONE = "5511999999999"
SEED_MIX = ButtonActionsMessage(
    phone=PHONE,
    message="How can we help?",
    buttons=[
        CallButton("Call us", phone="+554498398733"),
        UrlButton("Website", url="https://z-api.io"),
        ReplyButton("Talk to an agent", id="agent"),
    ],
)


async def test_fixtures_are_bound_together(
    zapi_sandbox: ZapiSandbox, zapi_client: ZapiClient
) -> None:
    assert zapi_client.base_url == zapi_sandbox.base_url
    assert zapi_client.instance_id == zapi_sandbox.instance_id
    assert zapi_sandbox.client_token is None


async def test_the_splitter_keeps_the_seed_mix_compliant(
    zapi_sandbox: ZapiSandbox, zapi_client: ZapiClient
) -> None:
    results = await zapi_client.send_button_actions(SEED_MIX)

    assert [r.message_id for r in results] == [m.message_id for m in zapi_sandbox.messages]
    first, second = zapi_sandbox.messages
    assert [b["type"] for b in first.body["buttonActions"]] == ["CALL", "URL"]
    assert second.body["buttonActions"] == [
        {"id": "agent", "type": "REPLY", "label": "Talk to an agent"}
    ]
    assert zapi_sandbox.duplicates() == {}


@pytest.mark.zapi_sandbox(client_token="SECRET-CT-FROM-MARKER", seed=7)
async def test_marker_configures_the_sandbox(
    zapi_sandbox: ZapiSandbox, zapi_client: ZapiClient
) -> None:
    assert zapi_sandbox.client_token == "SECRET-CT-FROM-MARKER"
    assert zapi_sandbox.instance_id == ZapiSandbox(seed=7).instance_id
    await zapi_client.send_text(PHONE, "hi")
    assert zapi_sandbox.messages[0].headers["Client-Token"] == "SECRET-CT-FROM-MARKER"


async def test_every_message_type_passes_the_sandbox_contract(
    zapi_sandbox: ZapiSandbox, zapi_client: ZapiClient
) -> None:
    await zapi_client.send_text(PHONE, "hello", delay_typing=2, message_id="3EB0QUOTED")
    await zapi_client.send_button_list(PHONE, "Pick", [ListButton("Yes", id="y")])
    await zapi_client.send_button_list(
        PHONE, "Pick", [ListButton("Yes")], image="https://example.com/a.png"
    )
    await zapi_client.send_button_list(
        PHONE, "Pick", [ListButton("Yes")], video="https://example.com/a.mp4"
    )
    await zapi_client.send_option_list(
        PHONE, "Menu", "Food", "Open", [ListOption("Pizza", description="Cheese", id="p")]
    )
    await zapi_client.send_button_otp(PHONE, "Your code", "123456")
    await zapi_client.send_button_pix(PHONE, "pix@example.com", "EMAIL", merchant_name="Shop")
    assert [m.endpoint for m in zapi_sandbox.messages] == [
        "send-text",
        "send-button-list",
        "send-button-list",
        "send-button-list",
        "send-option-list",
        "send-button-otp",
        "send-button-pix",
    ]
    assert zapi_sandbox.messages[0].body == {
        "phone": PHONE,
        "message": "hello",
        "delayTyping": 2,
        "messageId": "3EB0QUOTED",
    }


async def test_status_and_server_queue_through_the_client(
    zapi_sandbox: ZapiSandbox, zapi_client: ZapiClient
) -> None:
    assert (await zapi_client.status()).connected is True
    zapi_sandbox.disconnect()
    status = await zapi_client.status()
    assert (status.connected, status.error) == (False, "You are not connected.")
    for n in range(25):
        await zapi_client.send_text(PHONE, f"m{n}")
    assert await zapi_client.queue_count() == 25
    items = [item async for item in zapi_client.iter_queue(page_size=10)]
    assert [i.message for i in items] == [f"m{n}" for n in range(25)]
    await zapi_client.delete_queued(items[0])
    assert await zapi_client.queue_count() == 24
    await zapi_client.clear_queue()
    assert await zapi_client.queue_count() == 0
    assert zapi_sandbox.messages[0].state is MessageState.DELETED


async def test_a_drop_after_accepting_is_delivery_unknown(
    zapi_sandbox: ZapiSandbox, zapi_client: ZapiClient
) -> None:
    zapi_sandbox.drop_next(after_accept=True)
    with pytest.raises(DeliveryUnknownError):
        await zapi_client.send_text(PHONE, "maybe")
    [record] = zapi_sandbox.messages
    assert record.response_delivered is False
    assert zapi_sandbox.duplicates() == {}


async def test_client_retries_server_errors_and_429(zapi_sandbox: ZapiSandbox) -> None:
    slept: list[float] = []

    async def no_sleep(seconds: float) -> None:
        slept.append(seconds)

    retry = RetryPolicy(sleep=no_sleep, jitter=0.0)
    zapi_sandbox.fail_next(1, status=503)
    zapi_sandbox.rate_limit_next(1, retry_after=0.01)
    async with ZapiClient(
        zapi_sandbox.instance_id,
        zapi_sandbox.token,
        base_url=zapi_sandbox.base_url,
        retry=retry,
    ) as client:
        await client.send_text(PHONE, "eventually")
    assert [r.status for r in zapi_sandbox.requests] == [503, 429, 200]
    assert len(zapi_sandbox.messages) == 1
    assert 0.01 in slept


def test_plugin_fails_clearly_without_pytest_asyncio(monkeypatch: pytest.MonkeyPatch) -> None:
    from zapi_async import pytest_plugin

    monkeypatch.setitem(sys.modules, "pytest_asyncio", None)

    async def sample() -> Any:  # pragma: no cover - never awaited
        return None

    fixture = pytest_plugin._async_fixture(sample)
    wrapped = getattr(fixture, "_get_wrapped_function", None)
    if wrapped is None:  # pragma: no cover - other pytest versions
        pytest.skip("this pytest does not expose the wrapped fixture function")
    with pytest.raises(pytest.fail.Exception, match="need pytest-asyncio"):
        wrapped()()
