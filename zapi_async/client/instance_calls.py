"""Instance calls of :class:`~zapi_async.ZapiClient`: status and the server queue."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any
from urllib.parse import quote

from ..errors import InstanceDisconnectedError, ValidationError
from ..models.instance import InstanceStatus, QueuedMessage, QueuePage
from .base import ClientCalls

__all__ = ["InstanceCalls"]


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


class InstanceCalls(ClientCalls):
    """``status()``, ``ensure_connected()`` and the server queue."""

    __slots__ = ()

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
