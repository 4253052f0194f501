"""One timer per transport for the read and total timeouts (http/deadline.py): a
stalled answer still fires and is "delivery unknown", a pool wait is "not sent" and
does not count as reading, and a cancellation from outside stays a cancellation."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from aiohttp import web

from tests.support.clock import VirtualClock
from tests.support.fake_zapi import FakeZapi, make_retrying_client
from zapi_async import DeliveryUnknownError
from zapi_async.config import PoolLimits, Timeouts
from zapi_async.http.deadline import Deadlines
from zapi_async.http.retry import RetryPolicy

PATH = "/instances/3C0FFEE0INSTANCE/token/***/send-text"
BODY = {"phone": "551199999999", "message": "x"}
OK = {"zaapId": "Z", "messageId": "M", "id": "M"}


def stall_after_headers(never: asyncio.Event, started: asyncio.Event | None = None):  # type: ignore[no-untyped-def]
    async def handler(request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "application/json"})
        await response.prepare(request)
        await response.write(b'{"zaapId": ')
        if started is not None:
            started.set()
        await never.wait()
        return response

    return handler


async def test_a_stalled_read_fires_and_is_delivery_unknown(
    local_zapi: FakeZapi, recording_sleep: VirtualClock
) -> None:
    never = asyncio.Event()
    local_zapi.then(stall_after_headers(never))
    async with make_retrying_client(
        local_zapi.base_url, recording_sleep, timeouts=Timeouts(read=0.2, total=None)
    ) as zapi:
        started = asyncio.get_running_loop().time()
        with pytest.raises(DeliveryUnknownError) as caught:
            await zapi.request("POST", "send-text", BODY)
        waited = asyncio.get_running_loop().time() - started
    assert "TimeoutError: no complete answer within the read timeout (0.2 s)" in str(caught.value)
    assert caught.value.endpoint == PATH
    assert 0.2 <= waited < 2
    assert len(local_zapi.requests) == 1  # not retried: it may have been delivered


async def test_the_total_timeout_fires_and_is_delivery_unknown(
    local_zapi: FakeZapi, recording_sleep: VirtualClock
) -> None:
    never = asyncio.Event()
    local_zapi.then(stall_after_headers(never))
    async with make_retrying_client(
        local_zapi.base_url, recording_sleep, timeouts=Timeouts(read=None, total=0.2)
    ) as zapi:
        with pytest.raises(DeliveryUnknownError, match=r"total timeout \(0.2 s\)"):
            await zapi.request("POST", "send-text", BODY)


async def answer(request: web.Request) -> web.Response:
    return web.json_response(OK)


async def test_waiting_for_a_pooled_connection_does_not_count_as_reading(
    local_zapi: FakeZapi, recording_sleep: VirtualClock
) -> None:
    arrived, release = asyncio.Event(), asyncio.Event()

    async def hold(request: web.Request) -> web.Response:
        arrived.set()
        await release.wait()
        return web.json_response(OK)

    local_zapi.then(hold, answer)
    zapi = make_retrying_client(
        local_zapi.base_url,
        recording_sleep,
        retry=RetryPolicy.never(),
        pool=PoolLimits(max_connections=1),
        timeouts=Timeouts(connect=None, read=0.3, total=None),
    )
    async with zapi:
        session = zapi._transport.open_session()
        # Holds the only connection, without a timeout of its own.
        holder = asyncio.ensure_future(
            session.get(f"{local_zapi.base_url}/hold", timeout=aiohttp.ClientTimeout(total=None))
        )
        await asyncio.wait_for(arrived.wait(), 5)
        # The request waits for the connection for longer than the read timeout.
        asyncio.get_running_loop().call_later(0.5, release.set)
        assert await zapi.request("POST", "send-text", BODY) == OK
        (await holder).release()


async def test_a_cancellation_from_outside_stays_a_cancellation(
    local_zapi: FakeZapi, recording_sleep: VirtualClock
) -> None:
    never, started = asyncio.Event(), asyncio.Event()
    local_zapi.then(stall_after_headers(never, started))
    async with make_retrying_client(
        local_zapi.base_url, recording_sleep, timeouts=Timeouts(read=30, total=60)
    ) as zapi:
        task = asyncio.ensure_future(zapi.request("POST", "send-text", BODY))
        await asyncio.wait_for(started.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


def cancelling() -> int:
    """Pending cancellations of the current task (Python 3.11+; 0 before)."""
    task = asyncio.current_task()
    assert task is not None
    return int(getattr(task, "cancelling", lambda: 0)())


async def test_an_unexpired_deadline_leaves_the_task_alone() -> None:
    with Deadlines(read=0.05, total=None).start() as deadline:
        pass
    await asyncio.sleep(0.1)  # the timer was cancelled: nothing is cancelled now
    assert not deadline.fired
    assert not deadline.expired()
    assert cancelling() == 0


async def test_an_expired_deadline_withdraws_its_cancellation() -> None:
    with Deadlines(read=None, total=0.01).start() as deadline:
        with pytest.raises(asyncio.CancelledError):
            await asyncio.sleep(5)
        assert deadline.expired()
        assert deadline.total_expired()
    assert cancelling() == 0
    await asyncio.sleep(0)  # still runs: the cancellation was the deadline's


async def test_one_timer_serves_overlapping_requests_each_expiring_on_its_own() -> None:
    deadlines = Deadlines(read=None, total=0.2)
    loop = asyncio.get_running_loop()
    expired_at: dict[str, float] = {}

    async def request(name: str) -> None:
        with deadlines.start() as deadline:
            try:
                await asyncio.sleep(5)
            except asyncio.CancelledError:
                assert deadline.expired()
                expired_at[name] = loop.time()

    first = asyncio.ensure_future(request("first"))
    await asyncio.sleep(0)
    started = loop.time()
    quick_done = asyncio.Event()

    async def quick() -> None:
        with deadlines.start() as deadline:
            await asyncio.sleep(0)
        assert not deadline.fired
        quick_done.set()

    await quick()
    await asyncio.wait_for(quick_done.wait(), 1)
    await asyncio.sleep(0.1)
    second = asyncio.ensure_future(request("second"))
    second_started = loop.time()
    await asyncio.gather(first, second)
    assert set(expired_at) == {"first", "second"}
    # Each expired at its own total deadline, not at the other's.
    assert 0.2 <= expired_at["first"] - started < 0.35
    assert 0.2 <= expired_at["second"] - second_started < 0.35
    assert expired_at["second"] > expired_at["first"]


async def test_a_timer_left_armed_by_a_finished_request_cancels_nothing() -> None:
    deadlines = Deadlines(read=0.05, total=None)
    with deadlines.start() as finished:
        pass
    # The handle armed for `finished` fires with nothing due and goes idle.
    await asyncio.sleep(0.1)
    assert not finished.fired
    assert cancelling() == 0
    # A later request arms it again and still expires on time.
    loop = asyncio.get_running_loop()
    with deadlines.start() as deadline:
        deadline.connected_at = loop.time()
        started = loop.time()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.sleep(5)
        assert deadline.expired()
        assert not deadline.total_expired()
    assert 0.05 <= loop.time() - started < 0.3


def test_no_timeout_means_no_deadlines() -> None:
    assert not Deadlines(read=None, total=None).enabled
    assert Deadlines(read=1, total=None).enabled
