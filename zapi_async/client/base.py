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
        answer = self._try_structure(data, cls, endpoint)
        del data  # the raw answer stays out of the traceback's frame locals
        if isinstance(answer, ResponseFormatError):
            raise answer
        return answer

    def _try_structure(self, data: Any, cls: type[T], endpoint: str) -> T | ResponseFormatError:
        """``data`` as ``cls``, or the (redacted) error to raise: returned, not raised,
        so no frame holding the raw answer ends up in a traceback."""
        try:
            return from_wire(data, cls)
        except WireFormatError as exc:
            problem = str(exc)
        return self._format_error(endpoint, problem, data)

    async def _send_one(self, message: Message) -> SendResult:
        results = await self.send(message)
        if len(results) != 1:
            raise self._format_error(
                message.endpoint, f"expected one send result, got {len(results)}", results
            )
        return results[0]
