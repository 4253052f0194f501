"""Suite-wide fixtures (registered in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from zapi_async import ZapiClient

from .clock import VirtualClock
from .fake_zapi import FakeZapi, make_client, make_retrying_client
from .receiver import Receiver


@pytest.fixture
def clock() -> VirtualClock:
    """A virtual clock that moves only when the test advances it."""
    return VirtualClock()


@pytest.fixture
def recording_sleep() -> VirtualClock:
    """A virtual clock whose sleeps return at once, recording each delay."""
    return VirtualClock(auto_advance=True)


@pytest.fixture
async def fake_zapi() -> AsyncIterator[FakeZapi]:
    """The fake Z-API, running on a local port."""
    fake = FakeZapi()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


@pytest.fixture
def local_zapi(fake_zapi: FakeZapi) -> FakeZapi:
    """The fake Z-API (the client tests' name for it)."""
    return fake_zapi


@pytest.fixture
async def zapi(fake_zapi: FakeZapi) -> AsyncIterator[ZapiClient]:
    """A client for ``INSTANCE-A`` of the fake, without retries."""
    async with make_client(fake_zapi) as client:
        yield client


@pytest.fixture
async def client(fake_zapi: FakeZapi, recording_sleep: VirtualClock) -> AsyncIterator[ZapiClient]:
    """A client with the shared credentials, retrying on ``recording_sleep``."""
    async with make_retrying_client(fake_zapi.base_url, recording_sleep) as zapi:
        yield zapi


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    """A running webhook endpoint (see :class:`~tests.support.receiver.Receiver`)."""
    running = Receiver()
    await running.server.start_server()
    try:
        yield running
    finally:
        await running.server.close()
