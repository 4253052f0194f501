"""WebhookRouter: matching, client injection, dedup, failures, background tasks."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, cast

import pytest

from zapi_async.webhooks import (
    ConnectedCallback,
    DeliveryCallback,
    InMemoryDedupStore,
    MessageStatus,
    PresenceChatCallback,
    ReceivedCallback,
    RouterClosedError,
    UnknownEvent,
    WebhookEvent,
    WebhookRouter,
    parse_webhook,
)

from ._corpus import load_payload

CLIENT = cast(Any, object())  # stands in for a ZapiClient: handlers only receive it


def event(name: str, **changes: Any) -> Any:
    return parse_webhook({**load_payload(name), **changes})


class Calls:
    """Records handler invocations as (handler name, event type, extra)."""

    def __init__(self) -> None:
        self.log: list[tuple[str, str | None]] = []

    def handler(self, name: str) -> Any:
        async def handle(ev: WebhookEvent) -> None:
            self.log.append((name, ev.type))

        return handle


async def test_on_button_matches_one_id_or_any() -> None:
    router = WebhookRouter()
    calls = Calls()
    router.on_button("sales")(calls.handler("sales"))
    router.on_button("agent")(calls.handler("agent"))
    router.on_button()(calls.handler("any"))
    assert await router.dispatch(event("received_button")) == 1
    bye = {"buttonId": "bye", "message": "Bye"}
    await router.dispatch(event("received_button", messageId="M2", buttonsResponseMessage=bye))
    assert calls.log == [("agent", "ReceivedCallback"), ("any", "ReceivedCallback")]


async def test_each_decorator_selects_its_events() -> None:
    router = WebhookRouter()
    seen: dict[str, list[str]] = {}

    def record(name: str) -> Any:
        async def handle(ev: Any) -> None:
            seen.setdefault(name, []).append(ev.raw.get("status") or ev.type)

        return handle

    router.on_button(continue_=True)(record("button"))
    router.on_list(continue_=True)(record("list"))
    router.on_list("plan-basic", continue_=True)(record("list-basic"))
    router.on_text(continue_=True)(record("text"))
    router.on_text(continue_=True)(record("text()"))
    router.on_status(continue_=True)(record("status"))
    router.on_status(MessageStatus.READ, continue_=True)(record("status-read"))
    router.on_status("DELETED_FOR_EVERYONE", continue_=True)(record("status-future"))
    router.on_delivery(continue_=True)(record("delivery"))
    router.on_event("PresenceChatCallback", continue_=True)(record("presence-tag"))
    router.on_event(ConnectedCallback, continue_=True)(record("connected-class"))
    router.on_event("ChatLabelAssociationCallback", continue_=True)(record("unknown-tag"))
    router.on_event(UnknownEvent, continue_=True)(record("unknown-class"))
    names = [
        "received_button",
        "received_list",
        "received_text",
        "received_image",
        "status_sent",
        "status_read",
        "status_future",
        "delivery",
        "presence",
        "connected",
        "disconnected",
        "unknown_type",
    ]
    for name in names:
        await router.dispatch(event(name))
    assert seen == {
        "button": ["RECEIVED"],
        "list": ["RECEIVED"],
        "text": ["RECEIVED"],
        "text()": ["RECEIVED"],
        "status": ["SENT", "READ", "DELETED_FOR_EVERYONE"],
        "status-read": ["READ"],
        "status-future": ["DELETED_FOR_EVERYONE"],
        "delivery": ["DeliveryCallback"],
        "presence-tag": ["COMPOSING"],
        "connected-class": ["ConnectedCallback"],
        "unknown-tag": ["ChatLabelAssociationCallback"],
        "unknown-class": ["ChatLabelAssociationCallback"],
    }


async def test_own_messages_are_ignored_by_default() -> None:
    calls = Calls()
    router = WebhookRouter()
    router.on_text(calls.handler("text"))
    router.on_event(ReceivedCallback)(calls.handler("all"))
    await router.dispatch(event("received_from_me"))
    assert calls.log == [("all", "ReceivedCallback")]

    calls2 = Calls()
    permissive = WebhookRouter(ignore_from_me=False)
    permissive.on_text(calls2.handler("text"))
    permissive.on_button()(calls2.handler("button"))
    await permissive.dispatch(event("received_from_me"))
    await permissive.dispatch(event("received_button", fromMe=True))
    assert calls2.log == [("text", "ReceivedCallback"), ("button", "ReceivedCallback")]


async def test_handlers_taking_two_parameters_get_the_client() -> None:
    router = WebhookRouter(client=CLIENT)
    got: list[tuple[str | None, Any]] = []

    @router.on_button("agent", continue_=True)
    async def with_client(ev: ReceivedCallback, zapi: Any) -> None:
        got.append((ev.message_id, zapi))
        assert ev._sender is zapi  # bound for event.reply_text()

    @router.on_button("agent")
    async def without_client(ev: ReceivedCallback) -> None:
        got.append((ev.message_id, None))

    assert with_client.__name__ == "with_client"  # the decorator returns the function
    await router.dispatch(event("received_button"))
    assert got == [("3EB0C4F2A1B2C3D4E5F6", CLIENT), ("3EB0C4F2A1B2C3D4E5F6", None)]


async def test_a_handler_needing_a_missing_client_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    router = WebhookRouter()
    calls = Calls()

    @router.on_button(continue_=True)
    async def needs_client(ev: ReceivedCallback, zapi: Any) -> None:
        raise AssertionError("not called")

    router.on_button()(calls.handler("next"))
    with caplog.at_level(logging.ERROR, logger="zapi_async.webhooks"):
        assert await router.dispatch(event("received_button")) == 2
    assert calls.log == [("next", "ReceivedCallback")]
    [record] = caplog.records
    assert record.getMessage() == (
        "webhook handler test_a_handler_needing_a_missing_client_is_logged.<locals>."
        "needs_client failed on ReceivedCallback"
    )
    assert "takes a client, but the WebhookRouter has none" in str(record.exc_info[1])  # type: ignore[index]


async def test_a_failing_handler_registered_to_continue_does_not_stop_the_next(
    caplog: pytest.LogCaptureFixture,
) -> None:
    router = WebhookRouter()
    calls = Calls()

    @router.on_button(continue_=True)
    async def broken(ev: ReceivedCallback) -> None:
        raise ValueError("boom")

    router.on_button()(calls.handler("after"))
    with caplog.at_level(logging.ERROR, logger="zapi_async.webhooks"):
        assert await router.dispatch(event("received_button")) == 2
    assert calls.log == [("after", "ReceivedCallback")]
    [record] = caplog.records
    assert record.name == "zapi_async.webhooks"
    assert record.getMessage().endswith("broken failed on ReceivedCallback")
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ValueError)


async def test_handler_timeout_cancels_and_logs(caplog: pytest.LogCaptureFixture) -> None:
    router = WebhookRouter(handler_timeout=0.01)
    cancelled = asyncio.Event()
    calls = Calls()

    @router.on_text(continue_=True)
    async def hangs(ev: ReceivedCallback) -> None:
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()

    router.on_text(calls.handler("next"))
    with caplog.at_level(logging.ERROR, logger="zapi_async.webhooks"):
        await router.dispatch(event("received_text"))
    assert cancelled.is_set()
    assert calls.log == [("next", "ReceivedCallback")]
    assert caplog.messages == [
        "webhook handler test_handler_timeout_cancels_and_logs.<locals>.hangs timed out "
        "after 0.01s on ReceivedCallback"
    ]


async def test_duplicates_are_dropped() -> None:
    router = WebhookRouter()
    calls = Calls()
    router.on_event(WebhookEvent)(calls.handler("all"))
    assert await router.dispatch(event("received_button")) == 1
    assert await router.dispatch(event("received_button")) == 0
    assert await router.dispatch(event("received_button", messageId="OTHER")) == 1
    # Status callbacks dedup on (status, ids): READ after SENT is new, a re-sent READ is not.
    assert await router.dispatch(event("status_sent")) == 1
    assert await router.dispatch(event("status_read")) == 1
    assert await router.dispatch(event("status_read")) == 0
    assert await router.dispatch(event("delivery")) == 1
    assert await router.dispatch(event("delivery")) == 0
    # Events without identity are never deduplicated.
    assert await router.dispatch(event("connected")) == 1
    assert await router.dispatch(event("connected")) == 1
    assert len(calls.log) == 7


async def test_a_shared_store_dedups_across_routers() -> None:
    store = InMemoryDedupStore()
    first, second = WebhookRouter(dedup=store), WebhookRouter(dedup=store)
    assert first.dedup is store
    calls = Calls()
    first.on_button()(calls.handler("first"))
    second.on_button()(calls.handler("second"))
    await first.dispatch(event("received_button"))
    await second.dispatch(event("received_button"))
    assert calls.log == [("first", "ReceivedCallback")]


class BrokenStore:
    async def first_seen(self, key: str) -> bool:
        raise ConnectionError("redis down")


async def test_a_failing_dedup_store_still_handles_the_event(
    caplog: pytest.LogCaptureFixture,
) -> None:
    router = WebhookRouter(dedup=BrokenStore())
    calls = Calls()
    router.on_button()(calls.handler("button"))
    with caplog.at_level(logging.ERROR, logger="zapi_async.webhooks"):
        assert await router.dispatch(event("received_button")) == 1
    assert calls.log == [("button", "ReceivedCallback")]
    assert caplog.messages == ["webhook dedup store failed; handling ReceivedCallback anyway"]


def test_sync_handlers_are_refused() -> None:
    router = WebhookRouter()

    def not_async(ev: WebhookEvent) -> None:
        pass

    with pytest.raises(TypeError, match="should be an async function"):
        router.on_text(not_async)  # type: ignore[type-var]


async def test_callable_objects_with_async_call_are_accepted() -> None:
    seen: list[str | None] = []

    class Handler:
        async def __call__(self, ev: WebhookEvent) -> None:
            seen.append(ev.type)

    router = WebhookRouter()
    router.on_delivery(Handler())
    await router.dispatch(event("delivery"))
    assert seen == ["DeliveryCallback"]


async def test_submit_runs_in_the_background_and_join_waits() -> None:
    router = WebhookRouter()
    gate = asyncio.Event()
    done: list[str | None] = []

    @router.on_text
    async def slow(ev: ReceivedCallback) -> None:
        await gate.wait()
        done.append(ev.message_id)

    task = router.submit(event("received_text"))
    assert router.pending == 1
    assert done == []
    gate.set()
    await router.join()
    assert done == ["3EB0E1F2A3B4C5D6E7F8"]
    assert router.pending == 0
    assert task.result() == 1


async def test_join_waits_for_work_submitted_by_handlers() -> None:
    router = WebhookRouter()
    done: list[str | None] = []

    @router.on_text
    async def chain(ev: ReceivedCallback) -> None:
        router.submit(parse_webhook(load_payload("presence")))

    @router.on_event(PresenceChatCallback)
    async def presence(ev: PresenceChatCallback) -> None:
        done.append(ev.status)

    router.submit(event("received_text"))
    await router.join()
    assert done == ["COMPOSING"]


async def test_aclose_waits_then_cancels_and_refuses_new_work(
    caplog: pytest.LogCaptureFixture,
) -> None:
    router = WebhookRouter()
    started = asyncio.Event()
    cancelled = asyncio.Event()

    @router.on_text(continue_=True)
    async def hangs(ev: ReceivedCallback) -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.set()

    router.submit(event("received_text"))
    await started.wait()
    with caplog.at_level(logging.WARNING, logger="zapi_async.webhooks"):
        await router.aclose(timeout=0.01)
    assert cancelled.is_set()
    assert router.closed
    assert router.pending == 0
    assert caplog.messages == ["cancelled 1 webhook handler task(s) at shutdown"]
    with pytest.raises(RouterClosedError, match="the WebhookRouter is closed"):
        router.submit(event("received_text"))
    await router.aclose()  # idempotent


async def test_aclose_lets_quick_handlers_finish() -> None:
    router = WebhookRouter()
    done: list[str] = []

    @router.on_text
    async def quick(ev: ReceivedCallback) -> None:
        await asyncio.sleep(0)
        done.append("done")

    router.submit(event("received_text"))
    await router.aclose()
    assert done == ["done"]


def test_repr_counts_handlers() -> None:
    router = WebhookRouter(client=CLIENT)
    router.on_text(Calls().handler("x"))
    assert repr(router) == "<WebhookRouter handlers=1 pending=0>"


async def test_bare_decorators_register_like_the_called_forms() -> None:
    router = WebhookRouter()
    seen: list[tuple[str, str | None]] = []

    @router.on_button("agent")  # a string id keeps filtering
    async def agent_only(ev: ReceivedCallback, zapi: Any) -> None:
        seen.append(("agent", ev.button_id))

    @router.on_button
    async def any_button(ev: ReceivedCallback) -> None:
        seen.append(("button", ev.button_id))

    @router.on_list
    async def any_pick(ev: ReceivedCallback) -> None:
        seen.append(("list", ev.list_reply.selected_row_id if ev.list_reply else None))

    @router.on_status
    async def any_status(ev: Any) -> None:
        seen.append(("status", ev.status))

    # The decorator hands back the function itself, not a wrapper or a decorator.
    assert [f.__name__ for f in (any_button, any_pick, any_status, agent_only)] == [
        "any_button",
        "any_pick",
        "any_status",
        "agent_only",
    ]
    router.client = CLIENT
    assert repr(router) == "<WebhookRouter handlers=4 pending=0>"
    assert await router.dispatch(event("received_button")) == 1
    bye = {"buttonId": "bye", "message": "Bye"}
    assert (
        await router.dispatch(event("received_button", messageId="M2", buttonsResponseMessage=bye))
        == 1
    )
    assert await router.dispatch(event("received_list")) == 1
    assert await router.dispatch(event("status_read")) == 1
    assert await router.dispatch(event("status_future")) == 1
    assert await router.dispatch(event("delivery")) == 0
    assert seen == [
        ("agent", "agent"),
        ("button", "bye"),
        ("list", "plan-premium"),
        ("status", "READ"),
        ("status", "DELETED_FOR_EVERYONE"),
    ]


async def test_bare_on_button_skips_own_messages_like_the_called_form() -> None:
    router = WebhookRouter()
    calls = Calls()
    router.on_button(calls.handler("bare"))
    assert await router.dispatch(event("received_button", fromMe=True)) == 0
    assert calls.log == []


def test_on_event_without_a_type_raises_a_clear_type_error() -> None:
    router = WebhookRouter()
    with pytest.raises(TypeError) as caught:

        @router.on_event  # type: ignore[arg-type]
        async def everything(ev: WebhookEvent) -> None:
            pass

    assert str(caught.value) == (
        'on_event needs an event type: write @router.on_event("PresenceChatCallback") or '
        "@router.on_event(ConnectedCallback) (WebhookEvent for every event), not a bare "
        "@router.on_event above test_on_event_without_a_type_raises_a_clear_type_error."
        "<locals>.everything"
    )
    with pytest.raises(
        TypeError,
        match=r"^on_event needs a type tag \(str\) or a WebhookEvent subclass, but "
        r"was 42$",
    ):
        router.on_event(42)  # type: ignore[arg-type]
    assert repr(router) == "<WebhookRouter handlers=0 pending=0>"


def test_filters_must_be_strings_or_handlers() -> None:
    router = WebhookRouter()
    for register in (router.on_button, router.on_list, router.on_status):
        with pytest.raises(
            TypeError, match=r"^expected a string id or an async handler, but was 7$"
        ):
            register(7)  # type: ignore[call-overload]
    assert repr(router) == "<WebhookRouter handlers=0 pending=0>"


async def test_on_delivery_sees_zaap_only_and_failed_deliveries() -> None:
    router = WebhookRouter()
    seen: list[tuple[str | None, bool]] = []

    @router.on_delivery
    async def delivered(ev: DeliveryCallback) -> None:
        seen.append((ev.message_id, ev.ok))

    for name in ("delivery", "delivery_zaap_only", "delivery_failed", "delivery_zaap_only"):
        await router.dispatch(event(name))
    assert seen == [
        ("D241A5B6732339502B68", True),
        ("A20DA9C0183A2D35A260F53F5D2B9244", True),  # messageId missing: the zaapId
        ("D241B0C1D2E3F4A5B6C7", False),
    ]  # the re-sent zaapId-only payload was a duplicate
