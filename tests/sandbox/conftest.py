"""Fixtures for the sandbox's own tests: a sandbox and a plain aiohttp session."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.support.credentials import CLIENT_TOKEN, INSTANCE, PHONE, TOKEN
from zapi_async.sandbox import ZapiSandbox


@pytest.fixture
async def sandbox() -> AsyncIterator[ZapiSandbox]:
    """A running sandbox with known credentials and a required Client-Token."""
    async with ZapiSandbox(INSTANCE, TOKEN, client_token=CLIENT_TOKEN, seed=1) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp session that sends the right Client-Token by default."""
    async with aiohttp.ClientSession(headers={"Client-Token": CLIENT_TOKEN}) as session:
        yield session


def url(
    sandbox: ZapiSandbox, endpoint: str, *, instance: str = INSTANCE, token: str = TOKEN
) -> str:
    """The full URL of ``endpoint`` on ``sandbox``."""
    return f"{sandbox.base_url}/instances/{instance}/token/{token}/{endpoint}"


async def call(
    http: aiohttp.ClientSession,
    sandbox: ZapiSandbox,
    method: str,
    endpoint: str,
    json: Any = None,
    **kwargs: Any,
) -> tuple[int, Any]:
    """One request; returns ``(status, decoded JSON body)``."""
    if json is not None:
        kwargs["json"] = json
    async with http.request(method, url(sandbox, endpoint), **kwargs) as response:
        return response.status, await response.json()


def actions(**overrides: Any) -> dict[str, Any]:
    """A valid send-button-actions body (CALL + URL), with ``overrides`` applied."""
    body: dict[str, Any] = {
        "phone": PHONE,
        "message": "How can we help?",
        "buttonActions": [
            {"id": "1", "type": "CALL", "phone": "554498398733", "label": "Call us"},
            {"id": "2", "type": "URL", "url": "https://z-api.io", "label": "Website"},
        ],
    }
    body.update(overrides)
    return body
