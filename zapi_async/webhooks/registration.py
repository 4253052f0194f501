"""The registration half of :class:`~zapi_async.webhooks.WebhookRouter`: one
decorator per kind of event, each storing a handler with its filter (see
:mod:`zapi_async.webhooks.router` for the matching rules)."""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, TypeVar, overload

import attrs

from ..models.events import ReceivedCallback, WebhookEvent
from ..models.kinds import MessageKind
from .filters import (
    Matcher,
    as_kinds,
    as_pattern,
    as_values,
    is_delivery,
    message_filter,
    notification_filter,
    status_filter,
    type_filter,
)

__all__ = ["Handler", "Registrations", "Route"]

Handler = Callable[..., Awaitable[Any]]
H = TypeVar("H", bound=Handler)
Pattern = str | re.Pattern[str]


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


def _split_bare(arg: Any) -> tuple[Any, Any]:
    """``(handler, None)`` for a decorator used bare, else ``(None, the filter value)``.

    A string, an enum member, a pattern, a collection or ``None`` is the filter;
    anything else callable is the decorated handler.
    """
    if arg is None or isinstance(arg, (str, re.Pattern, Iterable)):
        return None, arg
    if callable(arg):
        return arg, None
    raise TypeError(f"expected a string id or an async handler, but was {arg!r}")


@attrs.frozen
class Route:
    handler: Handler
    matches: Matcher
    wants_client: bool
    name: str
    continue_: bool


class Registrations:
    """The ``on_*`` decorators; the router supplies ``ignore_from_me`` and dispatching."""

    ignore_from_me: bool
    _routes: list[Route]

    def _register(self, matches: Matcher, continue_: bool = False) -> Callable[[H], H]:
        def decorator(handler: H) -> H:
            is_async: bool = inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
                type(handler).__call__
            )
            if not is_async:
                raise TypeError(f"webhook handler {handler!r} should be an async function")
            route = Route(handler, matches, _wants_client(handler), _name(handler), continue_)
            self._routes.append(route)
            return handler

        return decorator

    def _register_maybe(
        self, matches: Matcher, handler: H | None, continue_: bool
    ) -> H | Callable[[H], H]:
        """Register now when used bare (``handler`` given), else return the decorator."""
        decorator: Callable[[H], H] = self._register(matches, continue_)
        return decorator if handler is None else decorator(handler)

    def _own(self, include_own: bool | None) -> Callable[[ReceivedCallback], bool]:
        """Whether an event is an own message this handler should skip."""
        if include_own is None:
            return lambda event: self.ignore_from_me and event.is_own
        return (lambda _: False) if include_own else (lambda event: event.is_own)

    @overload
    def on_message(self, kind: H) -> H: ...
    @overload
    def on_message(
        self,
        kind: str | Iterable[str] | None = None,
        *,
        text: Pattern | None = None,
        include_own: bool | None = None,
        continue_: bool = False,
    ) -> Callable[[H], H]: ...
    def on_message(
        self,
        kind: str | Iterable[str] | H | None = None,
        *,
        text: Pattern | None = None,
        include_own: bool | None = None,
        continue_: bool = False,
    ) -> H | Callable[[H], H]:
        """Handle incoming messages: any kind, or only ``kind`` (a
        :class:`~zapi_async.webhooks.MessageKind` or its value, e.g. ``"image"``, or
        several), and with ``text`` only text messages matching that regular
        expression (``re.search``).

        ``MessageKind.WAITING`` must be named to see ``waitingMessage`` placeholders;
        notifications go to :meth:`on_notification`. Works bare (``@router.on_message``).
        """
        handler, wanted = _split_bare(kind)
        kinds = as_kinds(wanted)
        pattern = as_pattern(text)
        if pattern is not None:
            kinds = frozenset({MessageKind.TEXT}) if kinds is None else kinds
        matches = message_filter(kinds=kinds, own=self._own(include_own), pattern=pattern)
        return self._register_maybe(matches, handler, continue_)

    @overload
    def on_text(self, pattern: H) -> H: ...
    @overload
    def on_text(
        self,
        pattern: Pattern | None = None,
        *,
        include_own: bool | None = None,
        continue_: bool = False,
    ) -> Callable[[H], H]: ...
    def on_text(
        self,
        pattern: Pattern | H | None = None,
        *,
        include_own: bool | None = None,
        continue_: bool = False,
    ) -> H | Callable[[H], H]:
        """Handle text messages; only those matching ``pattern`` (a regular expression,
        searched anywhere) if given. ``@router.on_text``, ``@router.on_text()`` and
        ``@router.on_text(r"^menu$")`` all work."""
        handler, wanted = _split_bare(pattern)
        matches = message_filter(
            kinds=frozenset({MessageKind.TEXT}),
            own=self._own(include_own),
            pattern=as_pattern(wanted),
        )
        return self._register_maybe(matches, handler, continue_)

    @overload
    def on_button(self, button_id: H) -> H: ...
    @overload
    def on_button(
        self,
        button_id: str | Iterable[str] | None = None,
        *,
        include_own: bool | None = None,
        continue_: bool = False,
    ) -> Callable[[H], H]: ...
    def on_button(
        self,
        button_id: str | Iterable[str] | H | None = None,
        *,
        include_own: bool | None = None,
        continue_: bool = False,
    ) -> H | Callable[[H], H]:
        """Handle REPLY-button presses; only the button ``button_id`` (or one of
        several) if given, else any.

        ``@router.on_button``, ``@router.on_button()`` (any button),
        ``@router.on_button("agent")`` and ``@router.on_button(["yes", "ok"])`` all work.
        """
        handler, given = _split_bare(button_id)
        wanted = as_values(given)
        matches = message_filter(
            kinds=frozenset({MessageKind.BUTTON_REPLY}),
            own=self._own(include_own),
            extra=None if wanted is None else (lambda event: event.button_id in wanted),
        )
        return self._register_maybe(matches, handler, continue_)

    @overload
    def on_list(self, row_id: H) -> H: ...
    @overload
    def on_list(
        self,
        row_id: str | Iterable[str] | None = None,
        *,
        include_own: bool | None = None,
        continue_: bool = False,
    ) -> Callable[[H], H]: ...
    def on_list(
        self,
        row_id: str | Iterable[str] | H | None = None,
        *,
        include_own: bool | None = None,
        continue_: bool = False,
    ) -> H | Callable[[H], H]:
        """Handle option-list picks; only the option ``row_id`` (or one of several) if
        given, else any.

        Works bare (``@router.on_list``) or called (``@router.on_list("plan-basic")``).
        """
        handler, given = _split_bare(row_id)
        wanted = as_values(given)

        def picked(event: ReceivedCallback) -> bool:
            reply = event.list_reply
            return reply is not None and wanted is not None and reply.selected_row_id in wanted

        matches = message_filter(
            kinds=frozenset({MessageKind.LIST_REPLY}),
            own=self._own(include_own),
            extra=None if wanted is None else picked,
        )
        return self._register_maybe(matches, handler, continue_)

    @overload
    def on_notification(self, notification: H) -> H: ...
    @overload
    def on_notification(
        self, notification: str | Iterable[str] | None = None, *, continue_: bool = False
    ) -> Callable[[H], H]: ...
    def on_notification(
        self, notification: str | Iterable[str] | H | None = None, *, continue_: bool = False
    ) -> H | Callable[[H], H]:
        """Handle system notifications (calls, group changes, profile updates...):
        every one, or only ``notification`` (a
        :class:`~zapi_async.webhooks.NotificationType` or any string Z-API sends, or
        several). Your own (``from_me``) notifications are included.

        Works bare (``@router.on_notification``) or called
        (``@router.on_notification("CALL_VOICE")``).
        """
        handler, wanted = _split_bare(notification)
        return self._register_maybe(notification_filter(as_values(wanted)), handler, continue_)

    @overload
    def on_status(self, status: H) -> H: ...
    @overload
    def on_status(
        self, status: str | Iterable[str] | None = None, *, continue_: bool = False
    ) -> Callable[[H], H]: ...
    def on_status(
        self, status: str | Iterable[str] | H | None = None, *, continue_: bool = False
    ) -> H | Callable[[H], H]:
        """Handle ``MessageStatusCallback`` events; only ``status`` (e.g. ``"READ"``) if given.

        Works bare (``@router.on_status``: every status) or called (``@router.on_status("READ")``).
        """
        handler, wanted = _split_bare(status)
        return self._register_maybe(status_filter(as_values(wanted)), handler, continue_)

    @overload
    def on_delivery(self, handler: H) -> H: ...
    @overload
    def on_delivery(self, handler: None = None, *, continue_: bool = False) -> Callable[[H], H]: ...
    def on_delivery(
        self, handler: H | None = None, *, continue_: bool = False
    ) -> H | Callable[[H], H]:
        """Handle ``DeliveryCallback`` events (``@router.on_delivery`` or with ``()``)."""
        return self._register_maybe(is_delivery, handler, continue_)

    def on_event(
        self, event_type: str | type[WebhookEvent], *, continue_: bool = False
    ) -> Callable[[H], H]:
        """Handle every event of a type: a ``type`` tag (``"PresenceChatCallback"``, also
        tags this library does not model) or an event class (``ConnectedCallback``).

        ``on_event(ReceivedCallback)`` sees messages, notifications, placeholders
        and your own messages alike. The type is required: ``@router.on_event``
        without one raises ``TypeError`` (use ``@router.on_event(WebhookEvent)`` to
        see every event).
        """
        if isinstance(event_type, (str, type)):
            return self._register(type_filter(event_type), continue_)
        if callable(event_type):
            raise TypeError(
                'on_event needs an event type: write @router.on_event("PresenceChatCallback") '
                "or @router.on_event(ConnectedCallback) (WebhookEvent for every event), "
                f"not a bare @router.on_event above {_name(event_type)}"
            )
        raise TypeError(
            f"on_event needs a type tag (str) or a WebhookEvent subclass, but was {event_type!r}"
        )
