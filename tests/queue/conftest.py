"""Fixtures for the queue, limiter, pacing and bulk tests (helpers live in ``_fakes``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from zapi_async import ZapiClient

from ._fakes import FakeZapi, VirtualClock, make_client


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
async def fake_zapi() -> AsyncIterator[FakeZapi]:
    fake = FakeZapi()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


@pytest.fixture
async def zapi(fake_zapi: FakeZapi) -> AsyncIterator[ZapiClient]:
    async with make_client(fake_zapi) as client:
        yield client
