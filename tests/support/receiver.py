"""A bot's webhook endpoint for tests: a real local HTTP server recording each body."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestServer

__all__ = ["Receiver"]


class Receiver:
    """Records each JSON body POSTed to :attr:`url`; answers :attr:`status`."""

    def __init__(self, path: str = "/hook") -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = 200
        self._path = path
        app = web.Application()
        app.router.add_post(path, self._hook)
        self.server = TestServer(app, host="127.0.0.1")

    async def _hook(self, request: web.Request) -> web.Response:
        self.bodies.append(await request.json())
        return web.json_response({"ok": self.status == 200}, status=self.status)

    @property
    def url(self) -> str:
        """The endpoint's full URL."""
        return str(self.server.make_url(self._path))
