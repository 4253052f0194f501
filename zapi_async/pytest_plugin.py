"""pytest plugin: a fake Z-API per test, and a client bound to it.

Installed with zapi_async (entry point ``pytest11``), so the fixtures are available
in any project that depends on it::

    async def test_welcome(zapi_client, zapi_sandbox):
        await zapi_client.send_text("5511999999999", "Welcome!")
        assert zapi_sandbox.messages_to("5511999999999")[0].text == "Welcome!"

* ``zapi_sandbox``: a started :class:`~zapi_async.sandbox.ZapiSandbox` (function
  scope), stopped after the test.
* ``zapi_client``: a :class:`~zapi_async.ZapiClient` pointed at it, closed after.

Configure the sandbox per test with the ``zapi_sandbox`` marker, whose keyword
arguments go to ``ZapiSandbox``::

    @pytest.mark.zapi_sandbox(client_token="secret", seed=3)
    async def test_with_client_token(zapi_client): ...

The fixtures are async and need pytest-asyncio; without it, using them fails with
a message saying so (importing this plugin never fails).
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from zapi_async.client import ZapiClient
    from zapi_async.sandbox import ZapiSandbox

__all__ = ["zapi_client", "zapi_sandbox"]

MARKER = "zapi_sandbox"
_NEEDS_ASYNCIO = (
    "the zapi_sandbox and zapi_client fixtures are async and need pytest-asyncio: "
    "pip install pytest-asyncio"
)


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``zapi_sandbox`` marker."""
    config.addinivalue_line(
        "markers", f"{MARKER}(**options): keyword arguments for the zapi_sandbox fixture"
    )


def _sandbox_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    marker = request.node.get_closest_marker(MARKER)
    if marker is None:
        return {}
    if marker.args:
        raise TypeError(f"@pytest.mark.{MARKER} takes keyword arguments only")
    return dict(marker.kwargs)


async def _sandbox(request: pytest.FixtureRequest) -> AsyncIterator[ZapiSandbox]:
    from zapi_async.sandbox import ZapiSandbox  # noqa: PLC0415 (keep plugin import light)

    async with ZapiSandbox(**_sandbox_options(request)) as sandbox:
        yield sandbox


async def _client(sandbox: ZapiSandbox) -> AsyncIterator[ZapiClient]:
    from zapi_async.client import ZapiClient  # noqa: PLC0415 (keep plugin import light)

    client = ZapiClient(
        sandbox.instance_id,
        sandbox.token,
        client_token=sandbox.client_token,
        base_url=sandbox.base_url,
    )
    async with client as zapi:
        yield zapi


def _async_fixture(func: Callable[..., Any]) -> Any:
    """``pytest_asyncio.fixture(func)``, or a fixture failing clearly without pytest-asyncio."""
    try:
        import pytest_asyncio  # noqa: PLC0415 (optional dependency)
    except ImportError:  # pragma: no cover - exercised only without pytest-asyncio

        @functools.wraps(func)
        def unavailable(*args: Any, **kwargs: Any) -> Any:
            pytest.fail(_NEEDS_ASYNCIO, pytrace=False)

        return pytest.fixture(unavailable)
    return pytest_asyncio.fixture(func)


@_async_fixture
async def zapi_sandbox(request: pytest.FixtureRequest) -> AsyncIterator[ZapiSandbox]:
    """A running fake Z-API for this test (options from ``@pytest.mark.zapi_sandbox``)."""
    async for sandbox in _sandbox(request):
        yield sandbox


@_async_fixture
async def zapi_client(zapi_sandbox: ZapiSandbox) -> AsyncIterator[ZapiClient]:
    """A :class:`~zapi_async.ZapiClient` bound to ``zapi_sandbox``, closed afterwards."""
    async for client in _client(zapi_sandbox):
        yield client
