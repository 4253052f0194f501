"""ZapiClient against the real ZapiSandbox: wire, pooling, retries, faults, concurrency.

Every request goes through a real socket to the sandbox's aiohttp server. Time is
virtual (``VirtualClock``) for retries and 429 pauses; the sandbox's latency runs
on a :class:`Turnstile`, which holds requests on futures the test controls instead
of sleeping.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.support.clock import VirtualClock
from tests.support.credentials import CLIENT_TOKEN, INSTANCE, TOKEN
from tests.support.seed import SEED_CALL_URL_BODY, SEED_REPLY_BODY, seed_message
from zapi_async import (
    AuthenticationError,
    DeliveryUnknownError,
    RateLimitedError,
    SendResult,
    ServerError,
    ValidationError,
    ZapiClient,
)
from zapi_async.config import PoolLimits, Timeouts
from zapi_async.http.retry import RetryPolicy
from zapi_async.limits.rate import Unlimited
from zapi_async.models.text import TextMessage
from zapi_async.sandbox import FaultPlan, ZapiSandbox

PHONE = "5511999999999"
HINT = (
    "check the instance id and token, and pass client_token= if your account has "
    "the Client-Token security header enabled"
)


class Turnstile:
    """The sandbox's injected ``sleep``: holds delayed requests, releasing them in order.

    With ``width=None`` every request stays held. Otherwise the oldest held request
    goes on only when ``width`` are held (or every one still expected of
    ``total``), so the client always has as many requests in flight as it may.
    ``peak`` is the most requests ever inside the latency step at once: a client
    whose pool allows ``width`` connections reaches exactly ``width``, while a
    larger pool shows up as a higher peak. ``delays`` records each latency.
    """

    def __init__(self, width: int | None = None, total: int = 0) -> None:
        self.width = width
        self.total = total
        self.delays: list[float] = []
        self.held: deque[asyncio.Future[None]] = deque()
        self.released = 0
        self.in_flight = 0
        self.peak = 0

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        ticket = asyncio.get_running_loop().create_future()
        self.held.append(ticket)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        while self.held and self.width is not None:
            if len(self.held) < min(self.width, self.total - self.released):
                break
            self.released += 1
            self.held.popleft().set_result(None)
        try:
            await ticket
        finally:
            self.in_flight -= 1


class ConnectionCounter:
    """An aiohttp trace counting new and reused connections of a borrowed session."""

    def __init__(self) -> None:
        self.created = 0
        self.reused = 0

    def trace(self) -> aiohttp.TraceConfig:
        """A trace config to pass to the session's ``trace_configs``."""
        trace = aiohttp.TraceConfig()
        trace.on_connection_create_end.append(self._on_create)
        trace.on_connection_reuseconn.append(self._on_reuse)
        return trace

    async def _on_create(self, session: aiohttp.ClientSession, ctx: Any, params: Any) -> None:
        self.created += 1

    async def _on_reuse(self, session: aiohttp.ClientSession, ctx: Any, params: Any) -> None:
        self.reused += 1


@pytest.fixture
def gate() -> Turnstile:
    """The sandbox's latency: holds every delayed request until a test configures it."""
    return Turnstile()


@pytest.fixture
async def sandbox(gate: Turnstile) -> AsyncIterator[ZapiSandbox]:
    """A running sandbox requiring :data:`CLIENT_TOKEN`, its latency on ``gate``."""
    async with ZapiSandbox(
        INSTANCE, TOKEN, client_token=CLIENT_TOKEN, seed=5, sleep=gate
    ) as running:
        yield running


def connect(
    sandbox: ZapiSandbox,
    sleep: VirtualClock,
    *,
    token: str = TOKEN,
    client_token: str | None = CLIENT_TOKEN,
    **kwargs: Any,
) -> ZapiClient:
    """A client for ``sandbox`` whose retries and 429 pauses run on virtual time."""
    kwargs.setdefault("retry", RetryPolicy(sleep=sleep, random=lambda: 0.0))
    kwargs.setdefault("limiter", Unlimited(clock=sleep.time, sleep=sleep))
    return ZapiClient(
        INSTANCE, token, client_token=client_token, base_url=sandbox.base_url, **kwargs
    )


@pytest.fixture
async def zapi(sandbox: ZapiSandbox, recording_sleep: VirtualClock) -> AsyncIterator[ZapiClient]:
    """A correctly authenticated client bound to ``sandbox``."""
    async with connect(sandbox, recording_sleep) as client:
        yield client


def trail(sandbox: ZapiSandbox) -> list[tuple[str, str, int | None, str | None]]:
    """``(method, endpoint, status, fault)`` of every request the sandbox saw."""
    return [(r.method, r.endpoint, r.status, r.fault) for r in sandbox.requests]


def hello(n: int = 0) -> TextMessage:
    """A distinct text message to :data:`PHONE` (``"hello <n>"``)."""
    return TextMessage(PHONE, f"hello {n}")


# -- the wire -----------------------------------------------------------------------------


async def test_seed_message_arrives_as_the_two_seed_bodies_with_headers(
    zapi: ZapiClient, sandbox: ZapiSandbox
) -> None:
    results = await zapi.send_button_actions(seed_message())

    records = sandbox.messages
    assert [r.body for r in records] == [SEED_CALL_URL_BODY, SEED_REPLY_BODY]
    assert results == [SendResult(r.zaap_id, r.message_id, r.message_id) for r in records]
    assert trail(sandbox) == [("POST", "send-button-actions", 200, None)] * 2
    for record in records:
        assert record.endpoint == "send-button-actions"
        assert record.headers["Content-Type"] == "application/json"
        assert record.headers["Client-Token"] == CLIENT_TOKEN
        assert record.response_delivered
        assert CLIENT_TOKEN not in repr(record)
    assert sandbox.duplicates() == {}


async def test_text_message_round_trip(zapi: ZapiClient, sandbox: ZapiSandbox) -> None:
    results = await zapi.send(TextMessage(PHONE, "Olá, tudo bem?", delay_typing=2))

    [record] = sandbox.messages_to(PHONE)
    assert record.body == {"phone": PHONE, "message": "Olá, tudo bem?", "delayTyping": 2}
    assert results == [SendResult(record.zaap_id, record.message_id, record.message_id)]
    assert sandbox.find(results[0].message_id) is record


async def test_split_false_refuses_the_mixed_message_without_any_request(
    zapi: ZapiClient, sandbox: ZapiSandbox
) -> None:
    with pytest.raises(ValidationError, match="should not mix REPLY buttons"):
        await zapi.send_button_actions(seed_message(), split=False)
    assert sandbox.requests == []
    assert sandbox.messages == []


# -- authentication -----------------------------------------------------------------------


#: (instance token, Client-Token, status the sandbox answers, its error text)
BAD_CREDENTIALS = [
    (TOKEN, None, 400, "null not allowed"),
    (TOKEN, "SECRET-WRONG-CLIENT-TOKEN", 400, "Client-Token not allowed"),
    ("SECRET-WRONG-TOKEN", CLIENT_TOKEN, 401, "Invalid instance token"),
]


@pytest.mark.parametrize("case", BAD_CREDENTIALS, ids=["missing", "wrong-client", "wrong-token"])
async def test_bad_credentials_raise_authentication_error_with_the_hint(
    sandbox: ZapiSandbox,
    recording_sleep: VirtualClock,
    case: tuple[str, str | None, int, str],
) -> None:
    token, client_token, status, error = case
    async with connect(sandbox, recording_sleep, token=token, client_token=client_token) as bad:
        with pytest.raises(AuthenticationError) as caught:
            await bad.send(hello())

    assert (caught.value.status, caught.value.error) == (status, error)
    assert str(caught.value) == (
        f"POST /instances/{INSTANCE}/token/***/send-text -> HTTP {status}: {error} ({HINT})"
    )
    for secret in (token, TOKEN, CLIENT_TOKEN, "SECRET-WRONG-CLIENT-TOKEN"):
        assert secret not in repr(caught.value)
    assert trail(sandbox) == [("POST", "send-text", status, None)]  # not retried
    assert sandbox.messages == []
    assert recording_sleep.delays == []


# -- retries ------------------------------------------------------------------------------


async def test_503_then_502_are_retried_with_backoff_and_sent_once(
    zapi: ZapiClient, sandbox: ZapiSandbox, recording_sleep: VirtualClock
) -> None:
    sandbox.fail_next(1, status=503)
    sandbox.fail_next(1, status=502)
    results = await zapi.send(hello())

    assert trail(sandbox) == [
        ("POST", "send-text", 503, "error"),
        ("POST", "send-text", 502, "error"),
        ("POST", "send-text", 200, None),
    ]
    assert recording_sleep.delays == [0.5, 1.0]
    [record] = sandbox.messages
    assert results == [SendResult(record.zaap_id, record.message_id)]


async def test_429_waits_retry_after_on_virtual_time_then_succeeds(
    zapi: ZapiClient, sandbox: ZapiSandbox, recording_sleep: VirtualClock
) -> None:
    sandbox.rate_limit_next(2, retry_after=7)
    await zapi.send(hello())

    assert trail(sandbox) == [
        ("POST", "send-text", 429, "rate_limit"),
        ("POST", "send-text", 429, "rate_limit"),
        ("POST", "send-text", 200, None),
    ]
    assert recording_sleep.delays == [7.0, 7.0]
    assert recording_sleep.now == 1014.0
    assert len(sandbox.messages) == 1


async def test_429_not_retried_when_the_policy_says_so(
    sandbox: ZapiSandbox, recording_sleep: VirtualClock
) -> None:
    sandbox.rate_limit_next(1, retry_after=3)
    policy = RetryPolicy(retry_rate_limited=False, sleep=recording_sleep)
    async with connect(sandbox, recording_sleep, retry=policy) as client:
        with pytest.raises(RateLimitedError) as caught:
            await client.send(hello())
    assert (caught.value.status, caught.value.retry_after) == (429, 3.0)
    assert trail(sandbox) == [("POST", "send-text", 429, "rate_limit")]


async def test_retries_stop_at_max_attempts_and_500_is_not_retried(
    sandbox: ZapiSandbox, recording_sleep: VirtualClock
) -> None:
    sandbox.fail_next(5, status=503)
    policy = RetryPolicy(max_attempts=3, sleep=recording_sleep, random=lambda: 0.0)
    async with connect(sandbox, recording_sleep, retry=policy) as client:
        with pytest.raises(ServerError) as exhausted:
            await client.send(hello(1))
        sandbox.reset()
        sandbox.fail_next(1, status=500)
        with pytest.raises(ServerError) as not_retried:
            await client.send(hello(2))

    assert (exhausted.value.status, exhausted.value.error) == (503, "Service Unavailable")
    assert (not_retried.value.status, not_retried.value.error) == (500, "Internal Server Error")
    assert trail(sandbox) == [("POST", "send-text", 500, "error")]
    assert recording_sleep.delays == [0.5, 1.0]
    assert sandbox.messages == []


# -- dropped connections: the ambiguous case ----------------------------------------------


@pytest.mark.parametrize("after_accept", [False, True])
async def test_a_drop_is_delivery_unknown_and_not_retried(
    zapi: ZapiClient, sandbox: ZapiSandbox, recording_sleep: VirtualClock, after_accept: bool
) -> None:
    await zapi.send(hello(1))  # a pooled connection exists: the drop hits a reused one
    sandbox.drop_next(1, after_accept=after_accept)
    with pytest.raises(DeliveryUnknownError, match=r"the message may have been sent"):
        await zapi.send(hello(2))

    fault = "drop_after" if after_accept else "drop_before"
    assert trail(sandbox) == [("POST", "send-text", 200, None), ("POST", "send-text", None, fault)]
    assert recording_sleep.delays == []
    sent = [(m.text, m.response_delivered) for m in sandbox.messages]
    assert sent == [("hello 1", True)] + ([("hello 2", False)] if after_accept else [])


async def test_opting_in_to_retry_delivery_unknown_duplicates_exactly_the_accepted_drops(
    sandbox: ZapiSandbox, recording_sleep: VirtualClock
) -> None:
    sandbox.fault_plan = FaultPlan(drop_rate=0.4, drop_after_accept_ratio=0.5)
    policy = RetryPolicy(
        max_attempts=20, retry_delivery_unknown=True, sleep=recording_sleep, random=lambda: 0.0
    )
    async with connect(sandbox, recording_sleep, retry=policy) as client:
        for n in range(30):
            await client.send(hello(n))

    faults = [r.fault for r in sandbox.requests]
    drops_after = faults.count("drop_after")
    assert drops_after > 0
    assert faults.count("drop_before") > 0
    assert faults.count(None) == 30
    assert len(sandbox.messages) == 30 + drops_after
    assert sum(n - 1 for n in sandbox.duplicates().values()) == drops_after
    assert {m.text for m in sandbox.messages} == {f"hello {n}" for n in range(30)}


async def test_read_timeout_is_delivery_unknown_while_the_sandbox_holds_the_request(
    gate: Turnstile, sandbox: ZapiSandbox, recording_sleep: VirtualClock
) -> None:
    sandbox.faults.set_latency(30.0)  # held on the gate, which is never opened
    timeouts = Timeouts(read=0.2, total=5)
    async with connect(sandbox, recording_sleep, timeouts=timeouts) as client:
        with pytest.raises(DeliveryUnknownError) as caught:
            await client.send(hello())

    assert caught.value.endpoint == f"/instances/{INSTANCE}/token/***/send-text"
    assert TOKEN not in str(caught.value)
    assert (gate.delays, len(gate.held)) == ([30.0], 1)
    assert recording_sleep.delays == []  # not retried
    assert sandbox.requests == []  # still held: neither answered nor accepted
    assert sandbox.messages == []


# -- pooling and concurrency --------------------------------------------------------------


async def test_connections_are_created_once_and_reused(
    gate: Turnstile, sandbox: ZapiSandbox, recording_sleep: VirtualClock
) -> None:
    counter = ConnectionCounter()
    connector = aiohttp.TCPConnector(limit=4)
    session = aiohttp.ClientSession(connector=connector, trace_configs=[counter.trace()])
    async with session, connect(sandbox, recording_sleep, session=session) as client:
        for n in range(10):
            await client.send(hello(n))
        assert (counter.created, counter.reused) == (1, 9)

        gate.width, gate.total = 4, 40
        sandbox.faults.set_latency(1.0)
        await asyncio.wait_for(
            asyncio.gather(*(client.send(hello(n)) for n in range(10, 50))), timeout=20
        )

    # 40 concurrent sends: the idle connection plus 3 new ones (limit 4), all reused.
    assert (counter.created, counter.reused) == (4, 46)
    assert gate.peak == 4
    assert len(sandbox.messages) == 50
    assert sandbox.duplicates() == {}


async def test_thousand_concurrent_sends_through_one_pooled_client(
    gate: Turnstile, sandbox: ZapiSandbox, recording_sleep: VirtualClock
) -> None:
    gate.width, gate.total = 20, 1000  # answer only while 20 requests are in flight
    sandbox.faults.set_latency(1.0)
    pool = PoolLimits(max_connections=20)
    async with connect(sandbox, recording_sleep, pool=pool) as client:
        results = await asyncio.wait_for(
            asyncio.gather(*(client.send(hello(n)) for n in range(1000))), timeout=60
        )

    assert [len(r) for r in results] == [1] * 1000
    assert len({r[0].message_id for r in results}) == 1000
    assert len(sandbox.messages) == 1000
    assert sandbox.duplicates() == {}
    by_id = {m.message_id: m.text for m in sandbox.messages}
    assert [by_id[r[0].message_id] for r in results] == [f"hello {n}" for n in range(1000)]
    assert {(r.status, r.fault) for r in sandbox.requests} == {(200, None)}
    assert len(gate.delays) == 1000
    assert gate.peak == 20  # never more requests in flight than pooled connections
    assert recording_sleep.delays == []
