"""The client's helper mixins (named sends, status, server queue) over a scripted fake."""

from __future__ import annotations

from collections import deque
from typing import Any

import pytest

from zapi_async import (
    InstanceDisconnectedError,
    Message,
    ResponseFormatError,
    SendResult,
    ValidationError,
)
from zapi_async.client.instance_calls import InstanceCalls
from zapi_async.client.named_sends import NamedSends
from zapi_async.config import PoolLimits, Timeouts
from zapi_async.http.transport import Transport
from zapi_async.models.instance import InstanceStatus, QueuedMessage, QueuePage
from zapi_async.models.lists import (
    ButtonListImageMessage,
    ButtonListMessage,
    ButtonListVideoMessage,
    ListButton,
    ListOption,
    OptionListMessage,
)
from zapi_async.models.payments import OtpButtonMessage, PixButtonMessage
from zapi_async.models.text import TextMessage

PHONE = "5511999999999"
RESULT = SendResult(zaap_id="Z1", message_id="M1")

Call = tuple[str, str, Any]


class FakeClient(NamedSends, InstanceCalls):
    """Answers ``request`` from a script and records every call and sent message."""

    def __init__(self, *answers: Any, results: list[SendResult] | None = None) -> None:
        self._transport = Transport(
            base_url="http://127.0.0.1:9",
            instance_id="I1",
            token="T1",
            client_token=None,
            session=None,
            pool=PoolLimits(),
            timeouts=Timeouts(),
        )
        self.answers = deque(answers)
        self.calls: list[Call] = []
        self.sent: list[Message] = []
        self.results = [RESULT] if results is None else results

    async def request(self, method: str, endpoint: str, json: Any = None) -> Any:
        self.calls.append((method, endpoint, json))
        return self.answers.popleft()

    async def send(self, message: Message) -> list[SendResult]:
        self.sent.append(message)
        return list(self.results)


def test_the_mixin_is_abstract() -> None:
    with pytest.raises(TypeError, match="abstract"):
        InstanceCalls()  # type: ignore[abstract]


# -- status ----------------------------------------------------------------------------


async def test_status_connected() -> None:
    client = FakeClient(
        {"connected": True, "smartphoneConnected": True, "error": "You are already connected."}
    )
    status = await client.status()
    assert status == InstanceStatus(True, True, "You are already connected.")
    assert status.problem is None
    assert client.calls == [("GET", "status", None)]


async def test_status_disconnected_and_tolerant_of_missing_and_unknown_keys() -> None:
    client = FakeClient({"connected": False, "error": "You are not connected.", "new": 1})
    status = await client.status()
    assert status == InstanceStatus(connected=False, smartphone_connected=False,
                                    error="You are not connected.")  # fmt: skip
    assert status.problem == "You are not connected."
    assert InstanceStatus(False).problem == "not connected"


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"smartphoneConnected": True}, "required field missing @ $.connected"),
        ({"connected": "yes"}, "$.connected"),
        ("<html>maintenance</html>", "@ $"),
    ],
)
async def test_status_in_an_unexpected_shape(body: Any, problem: str) -> None:
    with pytest.raises(ResponseFormatError) as info:
        await FakeClient(body).status()
    assert info.value.endpoint == "/instances/I1/token/***/status"
    assert problem in info.value.problem
    assert info.value.body == body


async def test_ensure_connected() -> None:
    ok = {"connected": True, "smartphoneConnected": False}
    assert await FakeClient(ok).ensure_connected() == InstanceStatus(True, False)
    with pytest.raises(InstanceDisconnectedError) as info:
        await FakeClient(
            {"connected": False, "error": "You need to restore the session."}
        ).ensure_connected()
    assert info.value.error == "You need to restore the session."
    assert str(info.value) == (
        "the Z-API instance is not connected: You need to restore the session."
    )
    with pytest.raises(InstanceDisconnectedError, match="the smartphone is not connected"):
        await FakeClient(ok).ensure_connected(require_smartphone=True)


# -- queue count, clear, delete ----------------------------------------------------------


@pytest.mark.parametrize(("body", "count"), [({"count": 3}, 3), (0, 0), (17, 17), ("5", 5)])
async def test_queue_count(body: Any, count: int) -> None:
    client = FakeClient(body)
    assert await client.queue_count() == count
    assert client.calls == [("GET", "queue/count", None)]


@pytest.mark.parametrize("body", [{}, {"count": -1}, {"count": "many"}, True, None, [1]])
async def test_queue_count_in_an_unexpected_shape(body: Any) -> None:
    with pytest.raises(ResponseFormatError) as info:
        await FakeClient(body).queue_count()
    assert str(info.value) == (
        "unexpected response from /instances/I1/token/***/queue/count: "
        "expected a count (a number or {'count': n})"
    )


async def test_clear_queue() -> None:
    client = FakeClient(None)
    await client.clear_queue()
    assert client.calls == [("DELETE", "queue", None)]


async def test_delete_queued_by_id_or_item() -> None:
    client = FakeClient({}, {}, {})
    await client.delete_queued("39BB1684570F00E91090F6BBC7EE7646")
    await client.delete_queued(QueuedMessage(id="A", zaap_id="B"))
    await client.delete_queued("weird/id?x=1")
    assert client.calls == [
        ("DELETE", "queue/39BB1684570F00E91090F6BBC7EE7646", None),
        ("DELETE", "queue/B", None),
        ("DELETE", "queue/weird%2Fid%3Fx%3D1", None),
    ]


@pytest.mark.parametrize("item", ["", "  ", QueuedMessage(phone=PHONE), 12])
async def test_delete_queued_needs_an_id(item: Any) -> None:
    client = FakeClient()
    with pytest.raises(ValidationError) as info:
        await client.delete_queued(item)
    assert info.value.field == "zaap_id"
    assert client.calls == []


# -- queue listing -------------------------------------------------------------------------


def _entry(n: int, **extra: Any) -> dict[str, Any]:
    return {
        "_id": f"ID{n}",
        "ZaapId": f"ZA{n}",
        "MessageId": f"MS{n}",
        "Phone": PHONE,
        "Message": f"message {n}",
        "DelayMessage": -1,
        "DelayTyping": 0,
        "Created": 1774968031776 + n,
        "CreatedAt": "2026-03-31T14:40:31.776+00:00",
        "InstanceId": "3E98F5DDF",
        "Beta": False,
        "IsTrial": False,
        **extra,
    }


async def test_list_queue_page_maps_pascal_case_keys() -> None:
    client = FakeClient({"messages": [_entry(1)], "pagingState": "eyJi", "hasMore": True})
    page = await client.list_queue_page()
    assert client.calls == [("POST", "queue", {})]
    assert page == QueuePage(
        messages=(
            QueuedMessage(
                id="ID1",
                zaap_id="ZA1",
                message_id="MS1",
                phone=PHONE,
                message="message 1",
                delay_message=-1,
                delay_typing=0,
                created=1774968031777,
                created_at="2026-03-31T14:40:31.776+00:00",
                instance_id="3E98F5DDF",
            ),
        ),
        paging_state="eyJi",
        has_more=True,
    )
    created = page.messages[0].created_datetime
    assert created is not None
    assert created.isoformat() == "2026-03-31T14:40:31.777000+00:00"
    assert page.messages[0].queue_id == "ZA1"


async def test_list_queue_page_sends_cursor_and_size() -> None:
    client = FakeClient({"messages": []})
    page = await client.list_queue_page(page_size=25, paging_state="eyJidWNrZXQiOjI5")
    assert client.calls == [("POST", "queue", {"pageSize": 25, "pagingState": "eyJidWNrZXQiOjI5"})]
    assert page == QueuePage(messages=(), paging_state=None, has_more=False)


async def test_queue_entries_may_lack_any_field() -> None:
    client = FakeClient({"messages": [{}, {"ZaapId": "Z"}], "hasMore": False})
    page = await client.list_queue_page()
    assert page.messages == (QueuedMessage(), QueuedMessage(zaap_id="Z"))
    assert page.messages[0].created_datetime is None
    assert page.messages[0].queue_id is None


async def test_queue_numbers_may_arrive_as_strings() -> None:
    entry = {"DelayMessage": "5", "DelayTyping": "", "Created": 1624977905648.0}
    page = await FakeClient({"messages": [entry]}).list_queue_page()
    assert page.messages == (QueuedMessage(delay_message=5, created=1624977905648),)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"page_size": 0}, "page_size"), ({"page_size": True}, "page_size"),
     ({"paging_state": ""}, "paging_state")],
)  # fmt: skip
async def test_list_queue_page_rejects_bad_arguments(kwargs: Any, field: str) -> None:
    client = FakeClient()
    with pytest.raises(ValidationError) as info:
        await client.list_queue_page(**kwargs)
    assert info.value.field == field
    assert client.calls == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ([_entry(1)], "@ $"),
        ({"pagingState": "x"}, "required field missing @ $.messages"),
        ({"messages": [{"Phone": 5511}]}, "expected a string, got a number @ $.messages[0].Phone"),
        ({"messages": [{"DelayMessage": "soon"}]}, "got a string @ $.messages[0].DelayMessage"),
    ],
)
async def test_list_queue_page_in_an_unexpected_shape(body: Any, problem: str) -> None:
    with pytest.raises(ResponseFormatError) as info:
        await FakeClient(body).list_queue_page()
    assert info.value.endpoint == "/instances/I1/token/***/queue"
    assert problem in info.value.problem


async def test_iter_queue_follows_the_cursor() -> None:
    client = FakeClient(
        {"messages": [_entry(1), _entry(2)], "pagingState": "p2", "hasMore": True},
        {"messages": [_entry(3)], "pagingState": "p3", "hasMore": True},
        {"messages": [_entry(4)], "pagingState": "p4", "hasMore": False},
    )
    items = [item async for item in client.iter_queue(page_size=2)]
    assert [item.zaap_id for item in items] == ["ZA1", "ZA2", "ZA3", "ZA4"]
    assert client.calls == [
        ("POST", "queue", {"pageSize": 2}),
        ("POST", "queue", {"pageSize": 2, "pagingState": "p2"}),
        ("POST", "queue", {"pageSize": 2, "pagingState": "p3"}),
    ]


async def test_iter_queue_fetches_lazily() -> None:
    client = FakeClient(
        {"messages": [_entry(1)], "pagingState": "p2", "hasMore": True},
        {"messages": [_entry(2)], "hasMore": False},
    )
    iterator = client.iter_queue()
    first = await iterator.__anext__()
    assert first.zaap_id == "ZA1"
    assert client.calls == [("POST", "queue", {})]
    await iterator.aclose()


async def test_iter_queue_of_an_empty_queue() -> None:
    client = FakeClient({"messages": [], "hasMore": False})
    assert [item async for item in client.iter_queue()] == []


@pytest.mark.parametrize(
    "pages",
    [
        [{"messages": [], "hasMore": True}],
        [{"messages": [], "pagingState": "p", "hasMore": True},
         {"messages": [], "pagingState": "p", "hasMore": True}],
    ],
)  # fmt: skip
async def test_iter_queue_refuses_to_loop_forever(pages: list[Any]) -> None:
    client = FakeClient(*pages)
    with pytest.raises(ResponseFormatError, match="pagingState is missing or repeated"):
        _ = [item async for item in client.iter_queue()]
    assert len(client.calls) == len(pages)


# -- named send helpers --------------------------------------------------------------------


async def test_send_text_builds_the_message() -> None:
    client = FakeClient()
    result = await client.send_text(PHONE, "hi", delay_typing=2, message_id="REPLYTO")
    assert result == RESULT
    assert client.sent == [TextMessage(PHONE, "hi", delay_typing=2, message_id="REPLYTO")]
    assert client.calls == []


async def test_send_helpers_accept_message_objects() -> None:
    messages: list[Any] = [
        TextMessage(PHONE, "hi"),
        ButtonListVideoMessage(PHONE, "m", [ListButton("A")], "https://x.io/v.mp4"),
        OptionListMessage(PHONE, "m", "t", "b", [ListOption("A")]),
        OtpButtonMessage(PHONE, "m", "123"),
        PixButtonMessage(PHONE, "12345678900", "CPF"),
    ]
    client = FakeClient()
    assert await client.send_text(messages[0]) == RESULT
    assert await client.send_button_list(messages[1]) == RESULT
    assert await client.send_option_list(messages[2]) == RESULT
    assert await client.send_button_otp(messages[3]) == RESULT
    assert await client.send_button_pix(messages[4]) == RESULT
    assert client.sent == messages


async def test_send_button_list_picks_the_variant() -> None:
    client = FakeClient()
    buttons = [ListButton("Yes", id="y")]
    await client.send_button_list(PHONE, "Go?", buttons)
    await client.send_button_list(PHONE, "Go?", buttons, image="https://x.io/a.png")
    await client.send_button_list(PHONE, "Go?", buttons=buttons, video="https://x.io/v.mp4")
    assert client.sent == [
        ButtonListMessage(PHONE, "Go?", buttons),
        ButtonListImageMessage(PHONE, "Go?", buttons, "https://x.io/a.png"),
        ButtonListVideoMessage(PHONE, "Go?", buttons, "https://x.io/v.mp4"),
    ]


async def test_send_helpers_build_from_fields() -> None:
    client = FakeClient()
    await client.send_option_list(PHONE, "m", "t", "b", [ListOption("A", id="a")], delay_message=2)
    await client.send_button_otp(PHONE, "Code:", "998877", button_text="Copy")
    await client.send_button_pix(PHONE, "pay@example.com", "EMAIL", merchant_name="Shop")
    assert client.sent == [
        OptionListMessage(PHONE, "m", "t", "b", [ListOption("A", id="a")], 2),
        OtpButtonMessage(PHONE, "Code:", "998877", button_text="Copy"),
        PixButtonMessage(PHONE, "pay@example.com", "EMAIL", merchant_name="Shop"),
    ]


async def test_send_helpers_validate_before_sending() -> None:
    client = FakeClient()
    with pytest.raises(ValidationError, match=r"PixButtonMessage\.pix_key"):
        await client.send_button_pix(PHONE, "123", "CPF")
    assert client.sent == []


async def test_send_helpers_refuse_other_or_mixed_messages() -> None:
    client = FakeClient()
    with pytest.raises(TypeError, match=r"send_text\(\) does not take a PixButtonMessage"):
        await client.send_text(PixButtonMessage(PHONE, "12345678900", "CPF"))  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=r"takes a TextMessage alone, or only its fields"):
        await client.send_text(TextMessage(PHONE, "hi"), delay_typing=3)  # type: ignore[call-overload]
    assert client.sent == []


async def test_a_helper_expects_exactly_one_result() -> None:
    client = FakeClient(results=[RESULT, RESULT])
    with pytest.raises(ResponseFormatError, match="expected one send result, got 2"):
        await client.send_text(PHONE, "hi")


# -- round trips against the sandbox ------------------------------------------------------

SANDBOX_MESSAGES: list[Any] = [
    TextMessage(PHONE, "hi", delay_message=2, delay_typing=1, message_id="3EB0C431C26A"),
    ButtonListMessage(PHONE, "Z-API is good?", [ListButton("Great", id="1"), ListButton("OK")]),
    ButtonListImageMessage(PHONE, "Pick", [ListButton("A", id="a")], "https://x.io/a.png"),
    ButtonListVideoMessage(PHONE, "Watch", [ListButton("A")], "https://x.io/v.mp4", 3),
    OptionListMessage(PHONE, "Menu", "Departments", "Open", [ListOption("Sales", "Buy", "s")]),
    OtpButtonMessage(PHONE, "Your code:", "123456", button_text="Copy"),
    PixButtonMessage(PHONE, "123e4567-e89b-12d3-a456-426614174000", "EVP", "Shop"),
]


async def test_every_message_type_round_trips_through_the_sandbox() -> None:
    client_module = pytest.importorskip("zapi_async.client")
    sandbox_module = pytest.importorskip("zapi_async.sandbox")
    from zapi_async.wire import to_wire

    async with (
        sandbox_module.ZapiSandbox(seed=11) as sandbox,
        client_module.ZapiClient(
            sandbox.instance_id, sandbox.token, base_url=sandbox.base_url
        ) as zapi,
    ):
        results = [await zapi.send(message) for message in SANDBOX_MESSAGES]
        assert [len(r) for r in results] == [1] * len(SANDBOX_MESSAGES)
        assert [(m.endpoint, m.body) for m in sandbox.messages] == [
            (message.endpoint, to_wire(message)) for message in SANDBOX_MESSAGES
        ]
        assert [r[0].message_id for r in results] == [m.message_id for m in sandbox.messages]


async def test_helpers_status_and_server_queue_against_the_sandbox() -> None:
    client_module = pytest.importorskip("zapi_async.client")
    sandbox_module = pytest.importorskip("zapi_async.sandbox")

    async with (
        sandbox_module.ZapiSandbox(seed=12) as sandbox,
        client_module.ZapiClient(
            sandbox.instance_id, sandbox.token, base_url=sandbox.base_url
        ) as zapi,
    ):
        assert await zapi.status() == InstanceStatus(True, True, "You are already connected.")
        assert (await zapi.ensure_connected()).connected
        assert await zapi.queue_count() == 0
        assert [item async for item in zapi.iter_queue()] == []

        sandbox.disconnect()
        assert await zapi.status() == InstanceStatus(False, False, "You are not connected.")
        with pytest.raises(InstanceDisconnectedError, match=r"You are not connected\."):
            await zapi.ensure_connected()

        sent = [
            await zapi.send_text(PHONE, "one", delay_typing=4),
            await zapi.send_button_list(
                PHONE, "two", [ListButton("A")], image="https://x.io/a.png"
            ),
            await zapi.send_option_list(PHONE, "three", "t", "b", [ListOption("A")]),
            await zapi.send_button_otp(PHONE, "four", "9988"),
            await zapi.send_button_pix(PHONE, "12345678900", "CPF"),
        ]
        assert await zapi.queue_count() == 5

        before = len(sandbox.requests)
        queued = [item async for item in zapi.iter_queue(page_size=2)]
        assert [(r.method, r.endpoint) for r in sandbox.requests[before:]] == [
            ("POST", "queue")
        ] * 3
        assert [(q.zaap_id, q.message_id) for q in queued] == [
            (r.zaap_id, r.message_id) for r in sent
        ]
        assert [q.message for q in queued] == ["one", "two", "three", "four", ""]
        assert queued[0].delay_typing == 4
        assert {q.phone for q in queued} == {PHONE}

        await zapi.delete_queued(queued[1])
        assert await zapi.queue_count() == 4
        assert [m.zaap_id for m in sandbox.queued] == [sent[i].zaap_id for i in (0, 2, 3, 4)]

        await zapi.clear_queue()
        assert await zapi.queue_count() == 0
        assert sandbox.queued == []
