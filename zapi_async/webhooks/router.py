"""Routing webhook events to async handlers.

::

    router = WebhookRouter(client=zapi)

    @router.on_button("agent")
    async def talk_to_agent(event: ReceivedCallback) -> None:
        await event.reply_text("On it!")          # quotes the button press

    @router.on_message(kind="image")
    async def photo(event: ReceivedCallback) -> None:
        await event.react("👍")

    @router.on_notification(NotificationType.CALL_MISSED_VOICE)
    async def missed(event: ReceivedCallback) -> None:
        await event.reply_text("Sorry we missed your call!")

    await router.dispatch(event)      # run the matching handler now (tests, custom servers)
    router.submit(event)              # or in the background, as the HTTP adapters do
    await router.join()               # wait for background work (deterministic tests)
    await router.aclose()             # on shutdown: wait a little, then cancel

**The first matching handler wins**, in registration order; the others are not
called (one reply per message). A handler registered with ``continue_=True``
lets the search go on after it ran (logging, metrics, several answers on
purpose). A handler that raises is logged on ``zapi_async.webhooks`` and counts as
the match.

Message handlers (:meth:`~WebhookRouter.on_message`, ``on_text``, ``on_button``,
``on_list``) never see notifications or ``waitingMessage`` placeholders, and skip
your own messages (``from_me`` or ``from_api``: the echo of what your bot sent)
unless ``include_own=True`` (or the router's ``ignore_from_me=False``).

With a ``client``, each ``ReceivedCallback`` is handed to handlers bound to it, so
``event.reply_text()``, ``event.reply()`` and ``event.react()`` send through it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from ..errors import RouterBusyError, RouterClosedError, SettingsError
from ..models.events import AnyEvent, ReceivedCallback, WebhookEvent
from .dedup import DedupStore, InMemoryDedupStore
from .registration import Registrations, Route

if TYPE_CHECKING:
    from ..client import ZapiClient

__all__ = [
    "DEFAULT_CLOSE_TIMEOUT",
    "DEFAULT_HANDLER_TIMEOUT",
    "DEFAULT_MAX_PENDING",
    "RouterBusyError",
    "RouterClosedError",
    "WebhookRouter",
]

logger = logging.getLogger("zapi_async.webhooks")

_timeout = getattr(asyncio, "timeout", None)  # Python 3.11+

#: Seconds :meth:`WebhookRouter.aclose` waits for running handlers before cancelling.
DEFAULT_CLOSE_TIMEOUT = 10.0
#: Seconds one handler may run before it is cancelled and logged.
DEFAULT_HANDLER_TIMEOUT = 60.0
#: Background dispatches :meth:`WebhookRouter.submit` lets run at once.
DEFAULT_MAX_PENDING = 1000


class WebhookRouter(Registrations):
    """Sends each parsed webhook event to the first handler registered for it.

    * ``client``: a ``ZapiClient``; events are bound to it (``event.reply_text()``)
      and handlers that take a second parameter get it. Default ``None`` (reply
      helpers then raise :class:`~zapi_async.EventNotBoundError`, and such
      handlers fail with a logged error).
    * ``dedup``: the :class:`~zapi_async.webhooks.DedupStore` that drops re-sent
      events. Default: a fresh :class:`~zapi_async.webhooks.InMemoryDedupStore`.
    * ``ignore_from_me``: message handlers skip your own messages (``from_me`` or
      ``from_api``), so a bot does not answer itself. Default ``True``; a handler
      registered with ``include_own=`` decides for itself; :meth:`on_event` and
      :meth:`on_notification` always see everything.
    * ``handler_timeout``: seconds one handler may run before it is cancelled and
      logged. Default 60 (:data:`DEFAULT_HANDLER_TIMEOUT`); ``None``: no limit.
    * ``max_pending``: background dispatches (:meth:`submit`) running at once; past
      it :meth:`submit` raises :class:`~zapi_async.RouterBusyError` and the HTTP
      adapters answer 503, so a hanging handler cannot pile up tasks without bound.
      Default 1000 (:data:`DEFAULT_MAX_PENDING`); ``None``: no limit.
    """

    def __init__(
        self,
        *,
        client: ZapiClient | None = None,
        dedup: DedupStore | None = None,
        ignore_from_me: bool = True,
        handler_timeout: float | None = DEFAULT_HANDLER_TIMEOUT,
        max_pending: int | None = DEFAULT_MAX_PENDING,
    ) -> None:
        if max_pending is not None and (
            isinstance(max_pending, bool) or not isinstance(max_pending, int) or max_pending < 1
        ):
            raise SettingsError(
                f"WebhookRouter.max_pending should be an integer >= 1 or None, but was "
                f"{max_pending!r}"
            )
        if handler_timeout is not None and not handler_timeout > 0:
            raise SettingsError(
                f"WebhookRouter.handler_timeout should be > 0 seconds or None, but was "
                f"{handler_timeout!r}"
            )
        self.client = client
        self.dedup: DedupStore = dedup if dedup is not None else InMemoryDedupStore()
        self.ignore_from_me = ignore_from_me
        self.handler_timeout = handler_timeout
        self.max_pending = max_pending
        self._routes: list[Route] = []
        self._tasks: set[asyncio.Task[int]] = set()
        self._closed = False

    def __repr__(self) -> str:
        return f"<WebhookRouter handlers={len(self._routes)} pending={len(self._tasks)}>"

    # --- dispatch ---------------------------------------------------------------------

    async def dispatch(self, event: AnyEvent | WebhookEvent) -> int:
        """Run the first handler matching ``event`` (and the ones after it while the
        handlers that ran were registered with ``continue_=True``).

        Returns the number of handlers called (failed ones included), or 0 for a
        duplicate (its ``dedup_key`` was seen before) or an event no handler
        matches. Handler exceptions are logged, never raised. If the dedup store
        itself fails, the event is handled anyway (a duplicate is better than a lost
        button press). A ``ReceivedCallback`` reaches handlers bound to ``client``.
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
        if self.client is not None and isinstance(event, ReceivedCallback):
            event = event.bind(self.client)
        called = 0
        for route in self._routes:
            if route.matches(event):
                called += 1
                await self._call(route, event)
                if not route.continue_:
                    break
        return called

    async def _call(self, route: Route, event: WebhookEvent) -> None:
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
            elif _timeout is not None:  # in this task: no extra task per handler
                async with _timeout(self.handler_timeout):
                    await coro
            else:  # pragma: no cover - Python 3.10
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

        Raises :class:`RouterClosedError` after :meth:`aclose`, and
        :class:`RouterBusyError` while ``max_pending`` dispatches are running.
        """
        if self._closed:
            raise RouterClosedError("the WebhookRouter is closed")
        if self.max_pending is not None and len(self._tasks) >= self.max_pending:
            raise RouterBusyError(
                f"the WebhookRouter already runs {len(self._tasks)} handlers "
                f"(max_pending={self.max_pending})"
            )
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
