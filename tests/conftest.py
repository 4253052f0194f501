"""Suite-wide test setup."""

from __future__ import annotations

import types
from typing import Any

import aioresponses.core
from aiohttp import ClientResponse

pytest_plugins = ["tests.support.fixtures", "tests.support.redis_server"]


class _CompatResponse(ClientResponse):
    """aioresponses 0.7.x builds responses without aiohttp 3.14's ``stream_writer``.

    Upstream issue: pnuckowski/aioresponses#289. Supply a stand-in until a fixed
    release exists; only the test double is patched, never the library under test.
    """

    def __init__(self, method: str, url: Any, **kwargs: Any) -> None:
        kwargs.setdefault("stream_writer", types.SimpleNamespace(output_size=0))
        super().__init__(method, url, **kwargs)


aioresponses.core.ClientResponse = _CompatResponse  # type: ignore[attr-defined]
