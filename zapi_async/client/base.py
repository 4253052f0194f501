"""What the helper mixins of :class:`~zapi_async.ZapiClient` stand on.

:class:`ClientCalls` declares the client's two public coroutines, ``request()``
(any endpoint, decoded JSON back) and ``send()`` (any message model), and the
transport whose redaction shapes format errors. The mixins use nothing else.
"""

from __future__ import annotations

import abc
from typing import Any, TypeVar

from ..errors import ResponseFormatError, WireFormatError
from ..http.transport import Transport
from ..models.messages import Message, SendResult
from ..wire import from_wire

__all__ = ["ClientCalls"]

T = TypeVar("T")


class ClientCalls(abc.ABC):
    """The calls every helper is built on (implemented by ``ZapiClient``)."""

    __slots__ = ()

    _transport: Transport

    @abc.abstractmethod
    async def request(self, method: str, endpoint: str, json: Any = None) -> Any:
        """Call ``endpoint`` with ``method``; return the decoded JSON body."""

    @abc.abstractmethod
    async def send(self, message: Message) -> list[SendResult]:
        """POST ``message`` to its endpoint; one result per request made."""

    def _format_error(self, endpoint: str, problem: str, body: Any) -> ResponseFormatError:
        return self._transport.format_error(endpoint, problem, body)

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
