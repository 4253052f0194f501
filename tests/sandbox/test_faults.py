"""Fault injection: the injector's decisions, and each fault as a client sees it."""

from __future__ import annotations

import asyncio
import contextlib
import random

import aiohttp
import pytest

from tests.support.credentials import CLIENT_TOKEN, INSTANCE, PHONE, TOKEN
from zapi_async.sandbox import Fault, FaultInjector, FaultKind, FaultPlan, ZapiSandbox

from .conftest import call, url

TEXT = {"phone": PHONE, "message": "hi"}


def _kinds(injector: FaultInjector, n: int, endpoint: str = "send-text") -> list[str | None]:
    out = []
    for _ in range(n):
        fault = injector.decide(endpoint).fault
        out.append(None if fault is None else fault.kind.value)
    return out


PLAN = FaultPlan(error_rate=0.2, rate_limit_rate=0.1, drop_rate=0.2, drop_after_accept_ratio=0.5)


def test_same_seed_same_faults() -> None:
    first, again, other = FaultInjector(seed=11), FaultInjector(seed=11), FaultInjector(seed=12)
    for injector in (first, again, other):
        injector.plan = PLAN
    sequence = _kinds(first, 300)
    assert sequence == _kinds(again, 300)
    assert sequence != _kinds(other, 300)
    assert set(sequence) == {None, "error", "rate_limit", "drop_before", "drop_after"}


def test_plan_rates_are_respected_roughly() -> None:
    injector = FaultInjector(seed=0)
    injector.plan = PLAN
    sequence = _kinds(injector, 5000)
    share = {kind: sequence.count(kind) / len(sequence) for kind in set(sequence)}
    assert share["error"] == pytest.approx(0.2, abs=0.03)
    assert share["rate_limit"] == pytest.approx(0.1, abs=0.03)
    assert share["drop_before"] + share["drop_after"] == pytest.approx(0.2, abs=0.03)
    assert share[None] == pytest.approx(0.5, abs=0.03)


def test_plan_draws_do_not_depend_on_scripted_faults() -> None:
    plain, scripted = FaultInjector(seed=3), FaultInjector(seed=3)
    plain.plan = scripted.plan = PLAN
    scripted.fail_next(1, status=502)
    assert _kinds(scripted, 1) == ["error"]
    assert _kinds(scripted, 50) == _kinds(plain, 51)[1:]


def test_plan_limited_to_endpoints() -> None:
    injector = FaultInjector()
    injector.plan = FaultPlan(error_rate=1.0, endpoints=["send-text"])
    assert _kinds(injector, 3, "status") == [None, None, None]
    assert _kinds(injector, 2, "send-text") == ["error", "error"]


def test_scripted_faults_in_order_and_by_endpoint() -> None:
    injector = FaultInjector()
    injector.fail_next(2, status=503, endpoint="send-text")
    injector.rate_limit_next(1, retry_after=2.5)
    injector.drop_next(1, after_accept=True)
    assert injector.pending == 4
    assert injector.decide("status").fault == Fault(
        FaultKind.RATE_LIMIT, status=429, retry_after=2.5
    )
    assert injector.decide("send-text").fault == Fault(FaultKind.ERROR, status=503)
    assert injector.decide("send-text").fault == Fault(FaultKind.ERROR, status=503)
    assert injector.decide("send-text").fault == Fault(FaultKind.DROP_AFTER)
    assert injector.decide("send-text").fault is None
    assert injector.pending == 0


def test_latency_fixed_callable_and_per_endpoint() -> None:
    injector = FaultInjector(seed=9)
    injector.set_latency(0.25)
    injector.set_latency(lambda rng: rng.uniform(1.0, 2.0), endpoint="send-text")
    expected = random.Random(9)
    assert injector.decide("status").latency == 0.25
    assert injector.decide("send-text").latency == expected.uniform(1.0, 2.0)
    injector.set_latency(None, endpoint="send-text")
    assert injector.decide("send-text").latency == 0.25
    injector.clear()
    assert injector.decide("send-text").latency == 0.0
    injector.plan = FaultPlan(latency=0.5)
    assert injector.decide("send-text").latency == 0.5


def test_invalid_settings_raise() -> None:
    with pytest.raises(ValueError, match=r"FaultPlan.error_rate should be in range \[0, 1\]"):
        FaultPlan(error_rate=1.5)
    with pytest.raises(ValueError, match=r"should be at most 1, but was 1\.2"):
        FaultPlan(error_rate=0.6, drop_rate=0.6)
    with pytest.raises(ValueError, match="n should be at least 1, but was 0"):
        FaultInjector().fail_next(0)


# -- over HTTP ---------------------------------------------------------------------------


async def test_fail_next_answers_the_status_then_recovers(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    sandbox.fail_next(2, status=503)
    assert await call(http, sandbox, "POST", "send-text", TEXT) == (
        503,
        {"error": "Service Unavailable"},
    )
    assert await call(http, sandbox, "GET", "status") == (503, {"error": "Service Unavailable"})
    status, _ = await call(http, sandbox, "POST", "send-text", TEXT)
    assert status == 200
    assert len(sandbox.messages) == 1
    assert [(r.status, r.fault) for r in sandbox.requests] == [
        (503, "error"),
        (503, "error"),
        (200, None),
    ]


async def test_fail_next_with_custom_body_on_one_endpoint(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    sandbox.fail_next(status=500, body={"error": "boom", "message": "try later"}, endpoint="status")
    assert (await call(http, sandbox, "POST", "send-text", TEXT))[0] == 200
    assert await call(http, sandbox, "GET", "status") == (
        500,
        {"error": "boom", "message": "try later"},
    )


@pytest.mark.parametrize(("retry_after", "header"), [(2, "2"), (0.5, "0.5"), (None, None)])
async def test_rate_limit_answers_429_with_retry_after(
    sandbox: ZapiSandbox,
    http: aiohttp.ClientSession,
    retry_after: float | None,
    header: str | None,
) -> None:
    sandbox.rate_limit_next(retry_after=retry_after)
    async with http.post(url(sandbox, "send-text"), json=TEXT) as response:
        assert response.status == 429
        assert response.headers.get("Retry-After") == header
        assert await response.json() == {"error": "Too Many Requests"}
    assert sandbox.messages == []


async def test_drop_before_accepting_records_nothing(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    sandbox.drop_next()
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await call(http, sandbox, "POST", "send-text", TEXT)
    assert sandbox.messages == []
    assert [(r.status, r.fault) for r in sandbox.requests] == [(None, "drop_before")]
    assert (await call(http, sandbox, "POST", "send-text", TEXT))[0] == 200


async def test_drop_after_accepting_records_the_truth(
    sandbox: ZapiSandbox, http: aiohttp.ClientSession
) -> None:
    sandbox.drop_next(after_accept=True, endpoint="send-text")
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await call(http, sandbox, "POST", "send-text", TEXT)
    [record] = sandbox.messages
    assert record.response_delivered is False
    assert [(r.status, r.fault) for r in sandbox.requests] == [(None, "drop_after")]
    # The client retries blindly: the sandbox knows the message went out twice.
    assert (await call(http, sandbox, "POST", "send-text", TEXT))[0] == 200
    assert sandbox.duplicates() == {record.key: 2}
    assert sandbox.accepted[record.key] == 2


async def test_random_plan_over_http_is_reproducible(http: aiohttp.ClientSession) -> None:
    plan = FaultPlan(error_rate=0.25, rate_limit_rate=0.15, drop_rate=0.2)
    outcomes: list[list[tuple[int | None, str | None]]] = []
    accepted: list[int] = []
    for _ in range(2):
        async with ZapiSandbox(INSTANCE, TOKEN, client_token=CLIENT_TOKEN, seed=42) as sandbox:
            sandbox.fault_plan = plan
            for n in range(40):
                body = {"phone": PHONE, "message": f"m{n}"}
                with contextlib.suppress(aiohttp.ServerDisconnectedError):
                    await call(http, sandbox, "POST", "send-text", body)
            outcomes.append([(r.status, r.fault) for r in sandbox.requests])
            accepted.append(len(sandbox.messages))
            assert sandbox.fault_plan is plan
    assert outcomes[0] == outcomes[1]
    assert accepted[0] == accepted[1]
    assert {fault for _, fault in outcomes[0]} == {
        None,
        "error",
        "rate_limit",
        "drop_before",
        "drop_after",
    }


class GatedSleep:
    """An injected sleep that records the delay and waits for the test to release it."""

    def __init__(self) -> None:
        self.delays: list[float] = []
        self.started = asyncio.Event()
        self.release = asyncio.Event()

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        self.started.set()
        await self.release.wait()


async def test_latency_delays_only_its_endpoint(http: aiohttp.ClientSession) -> None:
    sleep = GatedSleep()
    async with ZapiSandbox(INSTANCE, TOKEN, client_token=CLIENT_TOKEN, sleep=sleep) as sandbox:
        sandbox.faults.set_latency(3.0, endpoint="send-text")
        slow = asyncio.create_task(call(http, sandbox, "POST", "send-text", TEXT))
        await sleep.started.wait()
        assert (await call(http, sandbox, "GET", "status"))[0] == 200
        assert not slow.done()
        assert sandbox.messages == []  # latency comes before acceptance
        sleep.release.set()
        assert (await slow)[0] == 200
    assert sleep.delays == [3.0]
    assert len(sandbox.messages) == 1
