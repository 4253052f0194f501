"""The inspector's JSON control API: every button of the page, for scripts and tests.

All routes live under :data:`API_PREFIX` on the inspector's port (never on the
fake Z-API's). Bodies are JSON objects; answers are JSON. Webhook actions answer
200 with ``{"ok", "status", "error", "type", "messageId"}`` even when the bot
failed (``ok`` false): the person did act, the bot did not take it. Misuse answers
404 (unknown message), 400 (bad body, unknown button/option) or 409 (a message
still queued, a poll vote over the limit).

==========================  ==================================================
``GET  state?chat=ID``      the page's whole state (see :class:`InspectorState`)
``POST press``              ``{messageId, buttonId}``: press a REPLY button
``POST select``             ``{messageId, optionId}``: pick an option-list row
``POST say``                ``{phone, text, referenceMessageId?}``: send a text
``POST mark``               ``{messageId, status}``: RECEIVED, READ, PLAYED...
``POST react``              ``{messageId, reaction}``: an emoji ("" removes it)
``POST vote``               ``{messageId, options: [name, ...]}``: vote in a poll
``POST call``               ``{phone, notification?}``: an incoming call
``POST chats``              ``{phone, name?}``: start a chat (remember a name)
``POST connection``         ``{connected: bool}``: disconnect / reconnect
``POST faults``             ``{kind, n?, status?, retryAfter?, endpoint?, seconds?}``
``POST webhook-url``        ``{url}`` (``null`` removes it)
==========================  ==================================================
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from ..records import WebhookAttempt
from ..webhook_sender import MESSAGE_STATUSES as _STATUSES
from ..webhook_sender import (
    NoWebhookUrlError,
    SandboxError,
    UnknownButtonError,
    UnknownMessageError,
    WebhookDelivery,
)
from .actions import PersonActions
from .state import InspectorState

if TYPE_CHECKING:
    from ..zapi_sandbox import ZapiSandbox

__all__ = ["API_PREFIX", "ControlApi"]

#: Where the control API lives on the inspector's port.
API_PREFIX = "/_sandbox/api"
FAULT_KINDS = ("error", "rate_limit", "drop", "drop_after", "latency", "clear")

Body = dict[str, Any]


class BadRequest(Exception):
    """A control request body that is not what the route expects."""


def _get(body: Body, name: str, kind: type | tuple[type, ...], *, required: bool = True) -> Any:
    value = body.get(name)
    if value is None:
        if required:
            raise BadRequest(f"{name} is required")
        return None
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        expected = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise BadRequest(f"{name} should be a {expected}, but was {type(value).__name__}")
    return value


def _error(status: int, message: str) -> web.Response:
    return web.json_response({"error": message}, status=status)


class ControlApi:
    """The route handlers of the control API for one sandbox."""

    def __init__(self, sandbox: ZapiSandbox, actions: PersonActions, state: InspectorState):
        self.sandbox = sandbox
        self.actions = actions
        self.state = state

    def add_routes(self, app: web.Application) -> None:
        """Register every route under :data:`API_PREFIX`."""
        app.router.add_get(f"{API_PREFIX}/state", self._state)
        posts: dict[str, Callable[[Body], Awaitable[web.Response]]] = {
            "press": self._press,
            "select": self._select,
            "say": self._say,
            "mark": self._mark,
            "react": self._react,
            "vote": self._vote,
            "call": self._call,
            "chats": self._chats,
            "connection": self._connection,
            "faults": self._faults,
            "webhook-url": self._webhook_url,
        }
        for name, handler in posts.items():
            app.router.add_post(f"{API_PREFIX}/{name}", self._json(handler))

    def _json(
        self, handler: Callable[[Body], Awaitable[web.Response]]
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def serve(request: web.Request) -> web.Response:
            try:
                body = await request.json()
            except ValueError as exc:
                return _error(400, f"malformed JSON body: {exc}")
            if not isinstance(body, dict):
                return _error(400, "the body should be a JSON object")
            try:
                return await handler(body)
            except BadRequest as exc:
                return _error(400, str(exc))
            except UnknownMessageError as exc:
                return _error(404, str(exc))
            except UnknownButtonError as exc:
                return _error(400, str(exc))
            except SandboxError as exc:
                return _error(409, str(exc))

        return serve

    async def _state(self, request: web.Request) -> web.Response:
        return web.json_response(self.state.snapshot(request.query.get("chat")))

    async def _webhook(self, action: Awaitable[WebhookDelivery | None]) -> web.Response:
        """Run a webhook action; a failed delivery is an answer, not an error.

        The attempt reported is the one this request's task made (other requests
        may be POSTing webhooks at the same time).
        """
        task = asyncio.current_task()
        made: list[WebhookAttempt] = []

        def capture(attempt: WebhookAttempt) -> None:
            if asyncio.current_task() is task:
                made.append(attempt)

        listeners = self.sandbox.webhooks.listeners
        listeners.append(capture)
        try:
            await action
        except (NoWebhookUrlError, aiohttp.ClientError, asyncio.TimeoutError, OSError):
            pass
        finally:
            listeners.remove(capture)
        if not made:  # nothing to deliver (e.g. reconnecting without a webhook URL)
            return web.json_response({"ok": True, "status": None, "error": None})
        attempt = made[-1]
        seq = next((n for n, logged in reversed(self.state.attempts) if logged is attempt), None)
        return web.json_response(
            {
                "ok": attempt.ok,
                "status": attempt.status,
                "error": attempt.error,
                "type": attempt.payload.get("type"),
                "messageId": attempt.payload.get("messageId"),
                "webhook": seq,
            }
        )

    async def _press(self, body: Body) -> web.Response:
        message_id, button_id = _get(body, "messageId", str), _get(body, "buttonId", str)
        return await self._webhook(self.actions.press(message_id, button_id))

    async def _select(self, body: Body) -> web.Response:
        message_id, option_id = _get(body, "messageId", str), _get(body, "optionId", str)
        return await self._webhook(self.actions.select(message_id, option_id))

    async def _say(self, body: Body) -> web.Response:
        phone, text = _get(body, "phone", str), _get(body, "text", str)
        if not text.strip():
            raise BadRequest("text should not be empty")
        reference = _get(body, "referenceMessageId", str, required=False)
        return await self._webhook(self.actions.say(phone, text, reference_message_id=reference))

    async def _mark(self, body: Body) -> web.Response:
        message_id, status = _get(body, "messageId", str), _get(body, "status", str).upper()
        if status not in _STATUSES:
            raise BadRequest(f"status should be one of {', '.join(_STATUSES)}, but was {status!r}")
        return await self._webhook(self.actions.mark(message_id, status))

    async def _react(self, body: Body) -> web.Response:
        message_id, emoji = _get(body, "messageId", str), _get(body, "reaction", str)
        return await self._webhook(self.actions.react(message_id, emoji))

    async def _vote(self, body: Body) -> web.Response:
        message_id, options = _get(body, "messageId", str), _get(body, "options", list)
        if not all(isinstance(option, str) for option in options):
            raise BadRequest("options should be a list of option names")
        return await self._webhook(self.actions.vote(message_id, options))

    async def _call(self, body: Body) -> web.Response:
        phone = _get(body, "phone", str)
        notification = _get(body, "notification", str, required=False) or "CALL_VOICE"
        return await self._webhook(self.actions.call(phone, notification=notification))

    async def _chats(self, body: Body) -> web.Response:
        phone, name = _get(body, "phone", str), _get(body, "name", str, required=False)
        self.actions.start_chat(phone, name)
        return web.json_response({"ok": True, "chat": phone.strip()})

    async def _connection(self, body: Body) -> web.Response:
        connected = _get(body, "connected", bool)
        return await self._webhook(self.actions.set_connected(connected))

    async def _faults(self, body: Body) -> web.Response:
        kind = _get(body, "kind", str)
        if kind not in FAULT_KINDS:
            raise BadRequest(f"kind should be one of {', '.join(FAULT_KINDS)}, but was {kind!r}")
        n = _get(body, "n", int, required=False) or 1
        endpoint = _get(body, "endpoint", str, required=False) or None
        faults = self.sandbox.faults
        try:
            if kind == "error":
                status = _get(body, "status", int, required=False) or 500
                if not 400 <= status <= 599:
                    raise BadRequest(f"status should be in range [400, 599], but was {status}")
                faults.fail_next(n, status=status, endpoint=endpoint)
            elif kind == "rate_limit":
                retry = _get(body, "retryAfter", (int, float), required=False)
                faults.rate_limit_next(n, retry_after=retry, endpoint=endpoint)
            elif kind in ("drop", "drop_after"):
                faults.drop_next(n, after_accept=kind == "drop_after", endpoint=endpoint)
            elif kind == "latency":
                seconds = float(_get(body, "seconds", (int, float)))
                faults.set_latency(seconds if seconds > 0 else None, endpoint=endpoint)
            else:
                faults.clear()
        except ValueError as exc:
            raise BadRequest(str(exc)) from exc
        self.sandbox.log.touch()
        return web.json_response({"ok": True, "faults": self.state.faults()})

    async def _webhook_url(self, body: Body) -> web.Response:
        url = _get(body, "url", str, required=False)
        if url is not None and not url.startswith(("http://", "https://")):
            raise BadRequest("url should start with http:// or https://")
        self.sandbox.webhook_url = url or None
        self.sandbox.log.touch()
        return web.json_response({"ok": True, "webhookUrl": self.state.instance()["webhookUrl"]})
