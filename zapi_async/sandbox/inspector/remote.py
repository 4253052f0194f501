"""Drive a running sandbox's inspector from a script or the command line.

::

    async with ControlClient("http://127.0.0.1:8081") as control:
        await control.press("3EB0C431C26A1916B5C0", "yes")
        await control.say("5511999999999", "hello from the person")

:func:`run_control` is the command-line face (``zapi-async sandbox press ...``):
one verb, keyword options named like the CLI flags, the answer printed as JSON.
The inspector URL comes from ``url``, else ``$ZAPI_SANDBOX_URL`` (:data:`URL_ENV`),
else :data:`DEFAULT_CONTROL_URL`.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Sequence
from types import TracebackType
from typing import Any, TextIO

import aiohttp

from .control import API_PREFIX

__all__ = [
    "DEFAULT_CONTROL_URL",
    "URL_ENV",
    "VERBS",
    "ControlClient",
    "ControlError",
    "run_control",
]

#: The environment variable naming the inspector URL of a running sandbox.
URL_ENV = "ZAPI_SANDBOX_URL"
#: Where ``zapi-async sandbox`` serves its inspector by default (API port 8080 + 1).
DEFAULT_CONTROL_URL = "http://127.0.0.1:8081/"
#: Seconds one control request may take (a webhook POST inside it takes up to 10 s).
CONTROL_TIMEOUT = 30.0
#: Exit codes of :func:`run_control`.
EXIT_OK, EXIT_WEBHOOK_FAILED, EXIT_REFUSED, EXIT_UNREACHABLE = 0, 1, 2, 3


class ControlError(Exception):
    """The control API refused a request: ``status`` and its ``error`` text."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(f"HTTP {status}: {message}")


def control_url(url: str | None = None) -> str:
    """``url``, else ``$ZAPI_SANDBOX_URL``, else :data:`DEFAULT_CONTROL_URL`."""
    return url or os.environ.get(URL_ENV) or DEFAULT_CONTROL_URL


class ControlClient:
    """A client of one inspector's control API (see :mod:`.control` for the routes).

    ``url`` is the inspector page's URL (default: :func:`control_url`). Webhook
    actions return the API's answer: ``{"ok", "status", "error", "type",
    "messageId", "webhook"}``; refusals raise :class:`ControlError`.
    """

    def __init__(self, url: str | None = None, *, timeout: float = CONTROL_TIMEOUT) -> None:
        self.url = control_url(url).rstrip("/")
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> ControlClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the HTTP session. Safe to call twice."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def request(self, action: str, body: dict[str, Any] | None = None) -> Any:
        """POST ``body`` to ``action`` (GET ``state`` when ``body`` is None); return the JSON."""
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        target = f"{self.url}{API_PREFIX}/{action}"
        method = "GET" if body is None else "POST"
        async with self._session.request(method, target, json=body) as response:
            try:
                answer = await response.json(content_type=None)
            except ValueError:
                answer = {"error": (await response.text())[:200]}
            if response.status >= 400:
                error = answer.get("error") if isinstance(answer, dict) else None
                raise ControlError(response.status, str(error or response.reason))
            return answer

    async def state(self, chat: str | None = None) -> Any:
        """The page's state (chats, webhooks, faults); ``chat`` adds that chat's messages."""
        return await self.request("state" + (f"?chat={chat}" if chat else ""))

    async def press(self, message_id: str, button_id: str) -> Any:
        """Press REPLY button ``button_id`` of ``message_id``."""
        return await self.request("press", {"messageId": message_id, "buttonId": button_id})

    async def select(self, message_id: str, option_id: str) -> Any:
        """Pick option ``option_id`` of the option list ``message_id``."""
        return await self.request("select", {"messageId": message_id, "optionId": option_id})

    async def say(self, phone: str, text: str, *, reply_to: str | None = None) -> Any:
        """``phone`` sends ``text`` (quoting ``reply_to``, a message id, if given)."""
        body = {"phone": phone, "text": text, "referenceMessageId": reply_to}
        return await self.request("say", body)

    async def mark(self, message_id: str, status: str) -> Any:
        """Report ``status`` (RECEIVED, READ, PLAYED, ...) for ``message_id``."""
        return await self.request("mark", {"messageId": message_id, "status": status})

    async def react(self, message_id: str, emoji: str) -> Any:
        """React to ``message_id`` with ``emoji`` (``""`` removes the reaction)."""
        return await self.request("react", {"messageId": message_id, "reaction": emoji})

    async def vote(self, message_id: str, options: Sequence[str]) -> Any:
        """Vote ``options`` (names) in the poll ``message_id``."""
        return await self.request("vote", {"messageId": message_id, "options": list(options)})

    async def call(self, phone: str, *, notification: str = "CALL_VOICE") -> Any:
        """``phone`` calls the bot; ``notification`` is ``CALL_VOICE`` (default),
        ``CALL_MISSED_VOICE`` or ``CALL_MISSED_VIDEO``."""
        return await self.request("call", {"phone": phone, "notification": notification})

    async def start_chat(self, phone: str, name: str | None = None) -> Any:
        """Start a chat with ``phone`` (and remember its display ``name``)."""
        return await self.request("chats", {"phone": phone, "name": name})

    async def set_connected(self, connected: bool) -> Any:
        """Disconnect (``False``) or reconnect (``True``) the simulated phone."""
        return await self.request("connection", {"connected": connected})

    async def fault(self, kind: str, **options: Any) -> Any:
        """Inject a fault: ``kind`` (see :data:`~.control.FAULT_KINDS`) and the options
        ``n``, ``status``, ``retryAfter``, ``endpoint``, ``seconds``."""
        return await self.request("faults", {"kind": kind, **options})

    async def set_webhook_url(self, url: str | None) -> Any:
        """Send webhooks to ``url`` from now on (``None``: nowhere)."""
        return await self.request("webhook-url", {"url": url})


#: The verbs :func:`run_control` accepts and the options each takes.
VERBS: dict[str, tuple[str, ...]] = {
    "state": ("chat",),
    "press": ("message_id", "button_id"),
    "select": ("message_id", "option_id"),
    "say": ("phone", "text", "reply_to"),
    "mark": ("message_id", "status"),
    "react": ("message_id", "emoji"),
    "vote": ("message_id", "option"),
    "call": ("phone", "notification"),
    "chat": ("phone", "name"),
    "connect": (),
    "disconnect": (),
    "fault": ("kind", "n", "status", "retry_after", "endpoint", "seconds"),
    "webhook-url": ("webhook_url",),
}


async def _perform(client: ControlClient, verb: str, o: dict[str, Any]) -> Any:
    if verb == "state":
        return await client.state(o.get("chat"))
    if verb == "press":
        return await client.press(o["message_id"], o["button_id"])
    if verb == "select":
        return await client.select(o["message_id"], o["option_id"])
    if verb == "say":
        return await client.say(o["phone"], o["text"], reply_to=o.get("reply_to"))
    if verb == "mark":
        return await client.mark(o["message_id"], o["status"])
    if verb == "react":
        return await client.react(o["message_id"], o["emoji"])
    if verb == "vote":
        return await client.vote(o["message_id"], o["option"])
    if verb == "call":
        return await client.call(o["phone"], notification=o.get("notification") or "CALL_VOICE")
    if verb == "chat":
        return await client.start_chat(o["phone"], o.get("name"))
    if verb in ("connect", "disconnect"):
        return await client.set_connected(verb == "connect")
    if verb == "fault":
        names = {"n": "n", "status": "status", "retry_after": "retryAfter"}
        names.update(endpoint="endpoint", seconds="seconds")
        extra = {names[k]: v for k, v in o.items() if k in names and v is not None}
        return await client.fault(o["kind"], **extra)
    return await client.set_webhook_url(o.get("webhook_url") or None)


async def control(verb: str, *, url: str | None = None, **options: Any) -> Any:
    """Perform one :data:`VERBS` verb against the inspector at ``url``; return the answer."""
    if verb not in VERBS:
        raise ValueError(f"verb should be one of {', '.join(VERBS)}, but was {verb!r}")
    unknown = set(options) - set(VERBS[verb])
    if unknown:
        raise TypeError(f"{verb} takes no option(s) {sorted(unknown)}")
    async with ControlClient(url) as client:
        return await _perform(client, verb, options)


def run_control(
    verb: str,
    *,
    url: str | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    **options: Any,
) -> int:
    """Run one CLI verb (``press``, ``say``, ... see :data:`VERBS`); print the JSON answer.

    Returns the exit code: 0 done (a webhook, if any, answered 2xx), 1 done but
    the bot's webhook failed, 2 refused by the sandbox (unknown message, bad
    option, other origin), 3 no sandbox answering at the URL.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        answer = asyncio.run(control(verb, url=url, **options))
    except ControlError as exc:
        print(f"zapi-async sandbox {verb}: {exc.message} (HTTP {exc.status})", file=err)
        return EXIT_REFUSED
    except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as exc:
        where = control_url(url)
        print(f"zapi-async sandbox {verb}: no sandbox inspector at {where} ({exc})", file=err)
        return EXIT_UNREACHABLE
    print(json.dumps(answer, indent=2, ensure_ascii=False), file=out)
    if isinstance(answer, dict) and answer.get("ok") is False:
        reason = answer.get("error") or f"HTTP {answer.get('status')}"
        print(f"zapi-async sandbox {verb}: the webhook failed: {reason}", file=err)
        return EXIT_WEBHOOK_FAILED
    return EXIT_OK
