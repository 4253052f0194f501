"""Named send helpers, instance status and the server queue, as a client mixin.

:class:`InstanceAPI` needs only two coroutines from the class that inherits it
(:class:`~zapi_async.ZapiClient`): ``request(method, endpoint, json=None)``, which
returns the decoded JSON body and maps errors, and ``send(message)``, which POSTs
any message model to its endpoint. Everything here is built on those two.
"""

from __future__ import annotations

import abc
from collections.abc import AsyncGenerator, Callable, Iterable
from typing import Any, TypeVar, cast, overload
from urllib.parse import quote

from .errors import InstanceDisconnectedError, ResponseFormatError, ValidationError
from .instance import InstanceStatus, QueuedMessage, QueuePage
from .list_messages import (
    AnyButtonList,
    ButtonListImageMessage,
    ButtonListMessage,
    ButtonListVideoMessage,
    ListButton,
    ListOption,
    OptionListMessage,
    button_list,
)
from .messages import Message, SendResult
from .payment_messages import OtpButtonMessage, PixButtonMessage, PixKeyType
from .text_messages import TextMessage
from .wire import WireFormatError, from_wire

__all__ = ["InstanceAPI"]


T = TypeVar("T")


def _message_or_build(
    helper: str,
    kinds: tuple[type, ...],
    build: Callable[..., Message],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Message:
    """``args[0]`` when it is a message of ``kinds`` given alone; else ``build(...)``."""
    first = args[0] if args else None
    if isinstance(first, kinds):
        if len(args) == 1 and not kwargs:
            return cast(Message, first)
        raise TypeError(f"{helper}() takes a {type(first).__name__} alone, or only its fields")
    if first is not None and hasattr(type(first), "endpoint"):
        raise TypeError(
            f"{helper}() does not take a {type(first).__name__}; send(message) takes any message"
        )
    return build(*args, **kwargs)


def _count(data: Any) -> int | None:
    """A count from ``GET queue/count``: a bare number or ``{"count": n}``."""
    if isinstance(data, dict):
        data = data.get("count")
    if isinstance(data, bool):
        return None
    if isinstance(data, int):
        return data
    if isinstance(data, str) and data.strip().isdigit():
        return int(data)
    return None


class InstanceAPI(abc.ABC):
    """Send helpers, ``status()`` and the server queue for a Z-API client.

    Subclasses provide :meth:`request` and :meth:`send`.
    """

    __slots__ = ()

    @abc.abstractmethod
    async def request(self, method: str, endpoint: str, json: Any = None) -> Any:
        """Call ``endpoint`` with ``method``; return the decoded JSON body."""

    @abc.abstractmethod
    async def send(self, message: Message) -> list[SendResult]:
        """POST ``message`` to its endpoint; one result per request made."""

    def _format_error(self, endpoint: str, problem: str, body: Any) -> ResponseFormatError:
        """The error for an unexpected response; the client overrides it to redact."""
        return ResponseFormatError(endpoint, problem, body)

    def _structure(self, data: Any, cls: type[T], endpoint: str) -> T:
        try:
            return from_wire(data, cls)
        except WireFormatError as exc:
            raise self._format_error(endpoint, str(exc), data) from None

    async def _send_one(self, message: Message) -> SendResult:
        results = await self.send(message)
        if len(results) != 1:
            raise self._format_error(
                message.endpoint, f"expected one send result, got {len(results)}", results
            )
        return results[0]

    # -- named send helpers ------------------------------------------------------------

    @overload
    async def send_text(self, message: TextMessage, /) -> SendResult: ...
    @overload
    async def send_text(
        self,
        phone: str,
        message: str,
        *,
        delay_message: int | None = None,
        delay_typing: int | None = None,
        edit_message_id: str | None = None,
        message_id: str | None = None,
    ) -> SendResult: ...
    async def send_text(self, *args: Any, **kwargs: Any) -> SendResult:
        """Send a :class:`~zapi_async.TextMessage`, or build one from its fields.

        ``message_id`` replies to (quotes) that message; ``edit_message_id`` edits a
        message sent earlier. Returns the :class:`~zapi_async.SendResult`.
        """
        return await self._send_one(
            _message_or_build("send_text", (TextMessage,), TextMessage, args, kwargs)
        )

    @overload
    async def send_button_list(self, message: AnyButtonList, /) -> SendResult: ...
    @overload
    async def send_button_list(
        self,
        phone: str,
        message: str,
        buttons: Iterable[ListButton],
        *,
        image: str | None = None,
        video: str | None = None,
        delay_message: int | None = None,
    ) -> SendResult: ...
    async def send_button_list(self, *args: Any, **kwargs: Any) -> SendResult:
        """Send a button list; with ``image=`` or ``video=`` the matching variant.

        Accepts a :class:`~zapi_async.ButtonListMessage` (or its image/video
        variant) alone, or the fields (see :func:`~zapi_async.button_list`).
        """
        variants = (ButtonListMessage, ButtonListImageMessage, ButtonListVideoMessage)
        message = _message_or_build("send_button_list", variants, button_list, args, kwargs)
        return await self._send_one(message)

    @overload
    async def send_option_list(self, message: OptionListMessage, /) -> SendResult: ...
    @overload
    async def send_option_list(
        self,
        phone: str,
        message: str,
        title: str,
        button_label: str,
        options: Iterable[ListOption],
        *,
        delay_message: int | None = None,
    ) -> SendResult: ...
    async def send_option_list(self, *args: Any, **kwargs: Any) -> SendResult:
        """Send an :class:`~zapi_async.OptionListMessage`, or build one from its fields."""
        message = _message_or_build(
            "send_option_list", (OptionListMessage,), OptionListMessage, args, kwargs
        )
        return await self._send_one(message)

    @overload
    async def send_button_otp(self, message: OtpButtonMessage, /) -> SendResult: ...
    @overload
    async def send_button_otp(
        self,
        phone: str,
        message: str,
        code: str,
        *,
        image: str | None = None,
        button_text: str | None = None,
        delay_message: int | None = None,
    ) -> SendResult: ...
    async def send_button_otp(self, *args: Any, **kwargs: Any) -> SendResult:
        """Send an :class:`~zapi_async.OtpButtonMessage` (copy-code button), or build one."""
        message = _message_or_build(
            "send_button_otp", (OtpButtonMessage,), OtpButtonMessage, args, kwargs
        )
        return await self._send_one(message)

    @overload
    async def send_button_pix(self, message: PixButtonMessage, /) -> SendResult: ...
    @overload
    async def send_button_pix(
        self,
        phone: str,
        pix_key: str,
        type: PixKeyType,
        *,
        merchant_name: str | None = None,
        delay_message: int | None = None,
    ) -> SendResult: ...
    async def send_button_pix(self, *args: Any, **kwargs: Any) -> SendResult:
        """Send a :class:`~zapi_async.PixButtonMessage` (PIX key button), or build one."""
        message = _message_or_build(
            "send_button_pix", (PixButtonMessage,), PixButtonMessage, args, kwargs
        )
        return await self._send_one(message)

    # -- instance status ---------------------------------------------------------------

    async def status(self) -> InstanceStatus:
        """``GET status``: whether the instance (and its phone) is connected."""
        return self._structure(await self.request("GET", "status"), InstanceStatus, "status")

    async def ensure_connected(self, *, require_smartphone: bool = False) -> InstanceStatus:
        """The :meth:`status`, or :class:`~zapi_async.InstanceDisconnectedError`.

        Raises when the instance is not connected, or (with
        ``require_smartphone=True``) when its phone is offline.
        """
        status = await self.status()
        if not status.connected:
            raise InstanceDisconnectedError(status.error)
        if require_smartphone and not status.smartphone_connected:
            raise InstanceDisconnectedError(status.error or "the smartphone is not connected")
        return status

    # -- server queue ------------------------------------------------------------------

    async def queue_count(self) -> int:
        """``GET queue/count``: how many messages wait in Z-API's queue."""
        data = await self.request("GET", "queue/count")
        count = _count(data)
        if count is None or count < 0:
            raise self._format_error(
                "queue/count", "expected a count (a number or {'count': n})", data
            )
        return count

    async def list_queue_page(
        self, *, page_size: int | None = None, paging_state: str | None = None
    ) -> QueuePage:
        """``POST queue``: one page of queued messages.

        Without ``paging_state`` the first page; pass the previous page's
        ``paging_state`` for the next. ``page_size`` defaults to Z-API's (20).
        """
        body: dict[str, Any] = {}
        if page_size is not None:
            if not isinstance(page_size, int) or isinstance(page_size, bool) or page_size < 1:
                raise ValidationError(
                    "page_size", f"should be a positive integer, but was {page_size!r}"
                )
            body["pageSize"] = page_size
        if paging_state is not None:
            if not isinstance(paging_state, str) or not paging_state:
                raise ValidationError("paging_state", "should be a non-empty cursor string")
            body["pagingState"] = paging_state
        return self._structure(await self.request("POST", "queue", json=body), QueuePage, "queue")

    async def iter_queue(
        self, *, page_size: int | None = None
    ) -> AsyncGenerator[QueuedMessage, None]:
        """Every queued message, fetching ``page_size`` at a time as you iterate::

            async for item in zapi.iter_queue():
                print(item.phone, item.message)

        Raises :class:`~zapi_async.ResponseFormatError` if Z-API says there is more
        but gives no new cursor (instead of looping forever).
        """
        page = await self.list_queue_page(page_size=page_size)
        seen: set[str] = set()
        while True:
            for item in page.messages:
                yield item
            if not page.has_more:
                return
            cursor = page.paging_state
            if not cursor or cursor in seen:
                raise self._format_error(
                    "queue", "hasMore is true but pagingState is missing or repeated", None
                )
            seen.add(cursor)
            page = await self.list_queue_page(page_size=page_size, paging_state=cursor)

    async def clear_queue(self) -> None:
        """``DELETE queue``: drop every message waiting in Z-API's queue."""
        await self.request("DELETE", "queue")

    async def delete_queued(self, item: QueuedMessage | str) -> None:
        """``DELETE queue/{zaapId}``: drop one queued message.

        ``item`` is a :class:`~zapi_async.QueuedMessage` (from :meth:`iter_queue`)
        or its ``zaap_id``.
        """
        queue_id = item.queue_id if isinstance(item, QueuedMessage) else item
        if not isinstance(queue_id, str) or not queue_id.strip():
            raise ValidationError("zaap_id", f"should be a non-empty id, but was {queue_id!r}")
        await self.request("DELETE", "queue/" + quote(queue_id, safe=""))
