"""Routing webhook events to async handlers.

::

    router = WebhookRouter(client=zapi)

    @router.on_button("agent")
    async def talk_to_agent(event: ReceivedCallback, zapi: ZapiClient) -> None:
        await zapi.request("POST", "send-text", {"phone": event.phone, "message": "On it!"})

    await router.dispatch(event)      # run matching handlers now (tests, custom servers)
    router.submit(event)              # or in the background, as the HTTP adapters do
    await router.join()               # wait for background work (deterministic tests)
    await router.aclose()             # on shutdown: wait a little, then cancel

Handlers run one after another in registration order. A handler that raises is
logged on ``zapi_async.webhooks`` and the next one still runs.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar, overload

import attrs

from ..errors import RouterClosedError
from ..models.events import (
    AnyEvent,
    DeliveryCallback,
    MessageStatusCallback,
    ReceivedCallback,
    WebhookEvent,
)
from .dedup import DedupStore, InMemoryDedupStore

if TYPE_CHECKING:
    from ..client import ZapiClient

__all__ = ["DEFAULT_CLOSE_TIMEOUT", "RouterClosedError", "WebhookRouter"]

logger = logging.getLogger("zapi_async.webhooks")

#: Seconds :meth:`WebhookRouter.aclose` waits for running handlers before cancelling.
DEFAULT_CLOSE_TIMEOUT = 10.0

Handler = Callable[..., Awaitable[Any]]
H = TypeVar("H", bound=Handler)


def _wants_client(handler: Handler) -> bool:
    params = inspect.signature(handler).parameters.values()
    positional = [
        p
        for p in params
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    varargs = any(p.kind is inspect.Parameter.VAR_POSITIONAL for p in params)
    return len(positional) >= 2 or varargs


def _name(handler: object) -> str:
    return str(getattr(handler, "__qualname__", repr(handler)))


def _split_bare(arg: str | H | None) -> tuple[H | None, str | None]:
    """``(handler, None)`` for a decorator used bare, else ``(None, the filter value)``.

    A string (or ``None``) is the filter; anything callable is the decorated handler.
    """
    if arg is None or isinstance(arg, str):
        return None, arg
    if callable(arg):
        return arg, None
    raise TypeError(f"expected a string id or an async handler, but was {arg!r}")


@attrs.frozen
class _Route:
    handler: Handler
    matches: Callable[[WebhookEvent], bool]
    wants_client: bool
    name: str


class WebhookRouter:
    """Sends each parsed webhook event to the handlers registered for it.

    * ``client``: a ``ZapiClient`` handed to handlers that take a second parameter.
      Default ``None`` (such handlers then fail with a logged error).
    * ``dedup``: the :class:`~zapi_async.webhooks.DedupStore` that drops re-sent
      events. Default: a fresh :class:`~zapi_async.webhooks.InMemoryDedupStore`.
    * ``ignore_from_me``: skip messages sent by the connected phone itself in
      :meth:`on_button`, :meth:`on_list` and :meth:`on_text` (avoids a bot answering
      itself). Default ``True``; :meth:`on_event` always sees everything.
    * ``handler_timeout``: seconds one handler may run before it is cancelled and
      logged. Default ``None``: no limit.
    """

    def __init__(
        self,
        *,
        client: ZapiClient | None = None,
        dedup: DedupStore | None = None,
        ignore_from_me: bool = True,
        handler_timeout: float | None = None,
    ) -> None:
        self.client = client
        self.dedup: DedupStore = dedup if dedup is not None else InMemoryDedupStore()
        self.ignore_from_me = ignore_from_me
        self.handler_timeout = handler_timeout
        self._routes: list[_Route] = []
        self._tasks: set[asyncio.Task[int]] = set()
        self._closed = False

    def __repr__(self) -> str:
        return f"<WebhookRouter handlers={len(self._routes)} pending={len(self._tasks)}>"

    # --- registration ---------------------------------------------------------------

    def _register(self, matches: Callable[[WebhookEvent], bool]) -> Callable[[H], H]:
        def decorator(handler: H) -> H:
            is_async: bool = inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
                type(handler).__call__
            )
            if not is_async:
                raise TypeError(f"webhook handler {handler!r} should be an async function")
            self._routes.append(_Route(handler, matches, _wants_client(handler), _name(handler)))
            return handler

        return decorator

    def _register_maybe(
        self, matches: Callable[[WebhookEvent], bool], handler: H | None
    ) -> H | Callable[[H], H]:
        """Register now when used bare (``handler`` given), else return the decorator."""
        decorator: Callable[[H], H] = self._register(matches)
        return decorator if handler is None else decorator(handler)

    def _own_message(self, event: ReceivedCallback) -> bool:
        return self.ignore_from_me and event.from_me

    @overload
    def on_button(self, button_id: H) -> H: ...
    @overload
    def on_button(self, button_id: str | None = None) -> Callable[[H], H]: ...
    def on_button(self, button_id: str | H | None = None) -> H | Callable[[H], H]:
        """Handle REPLY-button presses; only the button ``button_id`` if given, else any.

        ``@router.on_button``, ``@router.on_button()`` (any button) and
        ``@router.on_button("agent")`` (one button) all work.
        """
        handler, wanted = _split_bare(button_id)

        def matches(event: WebhookEvent) -> bool:
            return (
                isinstance(event, ReceivedCallback)
                and event.button_reply is not None
                and not self._own_message(event)
                and (wanted is None or event.button_reply.button_id == wanted)
            )

        return self._register_maybe(matches, handler)

    @overload
    def on_list(self, row_id: H) -> H: ...
    @overload
    def on_list(self, row_id: str | None = None) -> Callable[[H], H]: ...
    def on_list(self, row_id: str | H | None = None) -> H | Callable[[H], H]:
        """Handle option-list picks; only the option ``row_id`` if given, else any.

        Works bare (``@router.on_list``) or called (``@router.on_list("plan-basic")``).
        """
        handler, wanted = _split_bare(row_id)

        def matches(event: WebhookEvent) -> bool:
            return (
                isinstance(event, ReceivedCallback)
                and event.list_reply is not None
                and not self._own_message(event)
                and (wanted is None or event.list_reply.selected_row_id == wanted)
            )

        return self._register_maybe(matches, handler)

    @overload
    def on_text(self, handler: H) -> H: ...
    @overload
    def on_text(self, handler: None = None) -> Callable[[H], H]: ...
    def on_text(self, handler: H | None = None) -> H | Callable[[H], H]:
        """Handle plain text messages. Use as ``@router.on_text`` or ``@router.on_text()``."""

        def matches(event: WebhookEvent) -> bool:
            return (
                isinstance(event, ReceivedCallback)
                and event.text is not None
                and not self._own_message(event)
            )

        return self._register_maybe(matches, handler)

    @overload
    def on_status(self, status: H) -> H: ...
    @overload
    def on_status(self, status: str | None = None) -> Callable[[H], H]: ...
    def on_status(self, status: str | H | None = None) -> H | Callable[[H], H]:
        """Handle ``MessageStatusCallback`` events; only ``status`` (e.g. ``"READ"``) if given.

        Works bare (``@router.on_status``: every status) or called (``@router.on_status("READ")``).
        """
        handler, wanted = _split_bare(status)

        def matches(event: WebhookEvent) -> bool:
            return isinstance(event, MessageStatusCallback) and (
                wanted is None or event.status == wanted
            )

        return self._register_maybe(matches, handler)

    @overload
    def on_delivery(self, handler: H) -> H: ...
    @overload
    def on_delivery(self, handler: None = None) -> Callable[[H], H]: ...
    def on_delivery(self, handler: H | None = None) -> H | Callable[[H], H]:
        """Handle ``DeliveryCallback`` events (``@router.on_delivery`` or with ``()``)."""
        return self._register_maybe(lambda event: isinstance(event, DeliveryCallback), handler)

    def on_event(self, event_type: str | type[WebhookEvent]) -> Callable[[H], H]:
        """Handle every event of a type: a ``type`` tag (``"PresenceChatCallback"``, also
        tags this library does not model) or an event class (``ConnectedCallback``).

        The type is required: ``@router.on_event`` without one raises ``TypeError``
        (use ``@router.on_event(WebhookEvent)`` to see every event).
        """
        if isinstance(event_type, str):
            return self._register(lambda event: event.type == event_type)
        if isinstance(event_type, type):
            cls = event_type
            return self._register(lambda event: isinstance(event, cls))
        if callable(event_type):
            raise TypeError(
                'on_event needs an event type: write @router.on_event("PresenceChatCallback") '
                "or @router.on_event(ConnectedCallback) (WebhookEvent for every event), "
                f"not a bare @router.on_event above {_name(event_type)}"
            )
        raise TypeError(
            f"on_event needs a type tag (str) or a WebhookEvent subclass, but was {event_type!r}"
        )

    # --- dispatch ---------------------------------------------------------------------

    async def dispatch(self, event: AnyEvent | WebhookEvent) -> int:
        """Run every matching handler for ``event``, in registration order.

        Returns the number of handlers called (failed ones included), or 0 for a
        duplicate (its ``dedup_key`` was seen before). Handler exceptions are
        logged, never raised. If the dedup store itself fails, the event is
        handled anyway (a duplicate is better than a lost button press).
        """
        key = event.dedup_key
        if key is not None:
            try:
                first = await self.dedup.first_seen(key)
            except Exception:
                logger.exception("webhook dedup store failed; handling %s anyway", event.type)
                first = True
            if not first:
                logger.debug("duplicate webhook %s dropped", event.type)
                return 0
        called = 0
        for route in self._routes:
            if route.matches(event):
                called += 1
                await self._call(route, event)
        return called

    async def _call(self, route: _Route, event: WebhookEvent) -> None:
        try:
            if route.wants_client:
                if self.client is None:
                    raise RuntimeError(
                        "this handler takes a client, but the WebhookRouter has none "
                        "(pass client= or set router.client)"
                    )
                coro = route.handler(event, self.client)
            else:
                coro = route.handler(event)
            if self.handler_timeout is None:
                await coro
            else:
                await asyncio.wait_for(coro, self.handler_timeout)
        except asyncio.TimeoutError:
            logger.error(
                "webhook handler %s timed out after %ss on %s",
                route.name,
                self.handler_timeout,
                event.type,
            )
        except Exception:
            logger.exception("webhook handler %s failed on %s", route.name, event.type)

    def submit(self, event: AnyEvent | WebhookEvent) -> asyncio.Task[int]:
        """Dispatch ``event`` in a tracked background task and return the task.

        Raises :class:`RouterClosedError` after :meth:`aclose`.
        """
        if self._closed:
            raise RouterClosedError("the WebhookRouter is closed")
        task = asyncio.get_running_loop().create_task(self.dispatch(event))
        self._tasks.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[int]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            logger.error("webhook dispatch failed", exc_info=task.exception())

    @property
    def pending(self) -> int:
        """Background dispatches still running."""
        return len(self._tasks)

    @property
    def closed(self) -> bool:
        """``True`` once :meth:`aclose` was called."""
        return self._closed

    async def join(self) -> None:
        """Wait until every background dispatch (including ones started meanwhile) ended."""
        while self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def aclose(self, timeout: float = DEFAULT_CLOSE_TIMEOUT) -> None:
        """Refuse new events, give running handlers ``timeout`` seconds (default 10),
        then cancel the rest. Safe to call twice."""
        self._closed = True
        if not self._tasks:
            return
        _, late = await asyncio.wait(set(self._tasks), timeout=timeout)
        for task in late:
            task.cancel()
        if late:
            logger.warning("cancelled %d webhook handler task(s) at shutdown", len(late))
            await asyncio.gather(*late, return_exceptions=True)
