"""The simulated Z-API instance: its connection state, server queue and endpoints.

No HTTP here: :class:`SandboxInstance` turns an already authenticated, decoded
request into a :class:`Reply` (status, JSON body, and the accepted message, if
any). :mod:`.server` does routing, authentication and faults around it.
"""

from __future__ import annotations

import base64
import binascii
import json
import random
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any

import attrs

from .content_contracts import (
    ACTION_ENDPOINTS,
    is_send_endpoint,
    validate_action,
    validate_any_send,
    validate_delete_query,
)
from .records import MessageLog, MessageState, RecordedAction, RecordedHeaders, RecordedMessage
from .setup_endpoints import SetupEndpoints, setup_methods
from .validation import BodyError, validate_queue_page

__all__ = ["DEFAULT_QUEUE_LIMIT", "IdFactory", "Reply", "SandboxInstance", "allowed_methods"]

#: Messages Z-API keeps in an instance's queue while the phone is disconnected.
DEFAULT_QUEUE_LIMIT = 1000
#: ``GET queue`` page size when the query leaves it out (lenient mode only).
DEFAULT_GET_QUEUE_PAGE_SIZE = 100

STATUS_CONNECTED = "You are already connected."
STATUS_DISCONNECTED = "You are not connected."


def allowed_methods(endpoint: str) -> dict[str, str] | None:
    """``{method: operation}`` for a known endpoint path, else ``None`` (unknown: 404)."""
    if is_send_endpoint(endpoint):
        return {"POST": "send"}
    if endpoint in ACTION_ENDPOINTS:
        method, operation = ACTION_ENDPOINTS[endpoint]
        return {method: operation}
    if endpoint == "status":
        return {"GET": "status"}
    if endpoint == "queue":
        return {"POST": "queue_page", "GET": "queue_list", "DELETE": "queue_clear"}
    if endpoint == "queue/count":
        return {"GET": "queue_count"}
    head, _, rest = endpoint.partition("/")
    if head == "queue" and rest and "/" not in rest:
        return {"DELETE": "queue_delete"}
    return setup_methods(endpoint)


@attrs.frozen
class Reply:
    """What to answer: HTTP ``status``, JSON ``body`` and the message accepted, if any."""

    status: int
    body: Any
    record: RecordedMessage | None = None


def _bad_request(error: BodyError, endpoint: str) -> Reply:
    return Reply(
        400,
        {
            "error": str(error),
            "message": f"invalid request body for {endpoint}",
            "field": error.path,
        },
    )


class IdFactory:
    """Unique Z-API-style ids from a seeded generator (same seed, same ids)."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(f"zapi-sandbox-ids:{seed}")
        self._seen: set[str] = set()

    def _hex(self, digits: int) -> str:
        while True:
            value = f"{self._rng.getrandbits(digits * 4):0{digits}X}"
            if value not in self._seen:
                self._seen.add(value)
                return value

    def zaap_id(self) -> str:
        """A 32-hex-digit ``zaapId``."""
        return self._hex(32)

    def message_id(self) -> str:
        """A 20-hex-digit WhatsApp-style ``messageId``."""
        return self._hex(20)


def _encode_cursor(seq: int) -> str:
    raw = json.dumps({"after": seq}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> int:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(padded))
        seq = data["after"]
    except (binascii.Error, ValueError, TypeError, KeyError) as exc:
        raise BodyError("pagingState", "is not a cursor this server returned") from exc
    if not isinstance(seq, int):
        raise BodyError("pagingState", "is not a cursor this server returned")
    return seq


class SandboxInstance:
    """State and endpoint behaviour of one fake Z-API instance."""

    def __init__(
        self,
        *,
        instance_id: str,
        log: MessageLog,
        ids: IdFactory,
        clock: Callable[[], float],
        wall_clock: Callable[[], float],
        queue_limit: int = DEFAULT_QUEUE_LIMIT,
        strict: bool = True,
        setup: SetupEndpoints | None = None,
    ) -> None:
        self.instance_id = instance_id
        self.log = log
        self.ids = ids
        self.clock = clock
        self.wall_clock = wall_clock
        self.queue_limit = queue_limit
        self.strict = strict
        self.connected = True
        #: Pairing, me/device, phone-exists and webhook setters (see .setup_endpoints).
        self.setup = setup
        #: Forwards, reads and deletes, in arrival order.
        self.actions: list[RecordedAction] = []
        self._queue: list[tuple[int, RecordedMessage]] = []
        self._seq = 0

    # -- connection -------------------------------------------------------------------

    def disconnect(self) -> None:
        """Simulate a phone that lost its connection: sends wait in the server queue."""
        self.connected = False
        self.log.touch()

    def connect(self) -> list[RecordedMessage]:
        """Reconnect and deliver the queued messages in order; return them."""
        self.connected = True
        delivered = [record for _, record in self._queue]
        for record in delivered:
            record.state = MessageState.SENT
        self._queue.clear()
        self.log.touch()
        return delivered

    @property
    def queued(self) -> list[RecordedMessage]:
        """Messages waiting in the server queue, oldest first."""
        return [record for _, record in self._queue]

    # -- dispatch -----------------------------------------------------------------------

    def handle(
        self,
        operation: str,
        endpoint: str,
        *,
        body: Any,
        query: Mapping[str, str],
        headers: RecordedHeaders,
    ) -> Reply:
        """Perform ``operation`` (from :func:`allowed_methods`) and return the answer."""
        if operation.startswith("setup:") and self.setup is not None:
            return Reply(*self.setup.handle(operation, endpoint, body, self))
        try:
            if operation == "send":
                return self._send(endpoint, body, headers)
            if operation in ("forward", "read", "delete_message"):
                return self._action(operation, endpoint, body, query, headers)
            if operation == "status":
                return Reply(200, self.status())
            if operation == "queue_page":
                return self._queue_page({} if body is None else body)
            if operation == "queue_list":
                return self._queue_list(query)
            if operation == "queue_count":
                return Reply(200, {"count": len(self._queue)})
            if operation == "queue_clear":
                for _, record in self._queue:
                    record.state = MessageState.DELETED
                self._queue.clear()
                return Reply(200, {"value": True})
            return self._queue_delete(endpoint.partition("/")[2])
        except BodyError as exc:
            return _bad_request(exc, endpoint)

    def status(self) -> dict[str, Any]:
        """The ``GET status`` body."""
        return {
            "connected": self.connected,
            "error": STATUS_CONNECTED if self.connected else STATUS_DISCONNECTED,
            "smartphoneConnected": self.connected,
        }

    # -- operations ---------------------------------------------------------------------

    def _send(
        self, endpoint: str, body: Any, headers: RecordedHeaders, *, validated: bool = False
    ) -> Reply:
        if not validated:
            body = validate_any_send(endpoint, body, strict=self.strict)
        if not self.connected and len(self._queue) >= self.queue_limit:
            return Reply(
                400,
                {
                    "error": f"the queue is full ({self.queue_limit} messages are waiting "
                    "for the phone to reconnect)",
                },
            )
        record = RecordedMessage(
            endpoint=endpoint,
            body=body,
            headers=headers,
            monotonic=self.clock(),
            wall=self.wall_clock(),
            zaap_id=self.ids.zaap_id(),
            message_id=self.ids.message_id(),
            state=MessageState.SENT if self.connected else MessageState.QUEUED,
        )
        self.log.add(record)
        if not self.connected:
            self._seq += 1
            self._queue.append((self._seq, record))
        return Reply(200, record.response(), record=record)

    def _action(
        self,
        operation: str,
        endpoint: str,
        body: Any,
        query: Mapping[str, str],
        headers: RecordedHeaders,
    ) -> Reply:
        if operation == "delete_message":
            params = validate_delete_query(query)
            self.actions.append(RecordedAction(operation, params, self.clock()))
            return Reply(204, None)
        params = validate_action(operation, body, strict=self.strict)
        self.actions.append(RecordedAction(operation, params, self.clock()))
        if operation == "read":
            return Reply(204, None)
        # A forward is a new message in the target chat; Z-API documents {zaapId} only.
        reply = self._send(endpoint, params, headers, validated=True)
        return Reply(reply.status, {"zaapId": reply.body["zaapId"]}, record=reply.record)

    def _queue_item(self, record: RecordedMessage) -> dict[str, Any]:
        created = datetime.fromtimestamp(record.wall, tz=timezone.utc)
        delay_message = record.body.get("delayMessage")
        delay_typing = record.body.get("delayTyping")
        return {
            "_id": record.zaap_id,
            "DelayMessage": delay_message if isinstance(delay_message, int) else -1,
            "Message": record.text or "",
            "InstanceId": self.instance_id,
            "Phone": record.phone,
            "ZaapId": record.zaap_id,
            "DelayTyping": delay_typing if isinstance(delay_typing, int) else 0,
            "MessageId": record.message_id,
            "Created": int(record.wall * 1000),
            "CreatedAt": created.isoformat(timespec="milliseconds"),
            "Beta": False,
            "IsTrial": False,
        }

    def _queue_page(self, body: Any) -> Reply:
        size, cursor = validate_queue_page(body, strict=self.strict)
        after = _decode_cursor(cursor) if cursor is not None else 0
        pending = [(seq, record) for seq, record in self._queue if seq > after]
        page, rest = pending[:size], pending[size:]
        return Reply(
            200,
            {
                "messages": [self._queue_item(record) for _, record in page],
                "pagingState": _encode_cursor(page[-1][0]) if rest else None,
                "hasMore": bool(rest),
            },
        )

    def _queue_list(self, query: Mapping[str, str]) -> Reply:
        numbers: dict[str, int] = {}
        for name, default in (("page", 1), ("pageSize", DEFAULT_GET_QUEUE_PAGE_SIZE)):
            raw = query.get(name)
            if raw is None:
                if self.strict:
                    raise BodyError(name, "is a required query parameter")
                numbers[name] = default
                continue
            if not raw.isdigit() or int(raw) < 1:
                raise BodyError(name, f"should be a positive integer, but was {raw!r}")
            numbers[name] = int(raw)
        start = (numbers["page"] - 1) * numbers["pageSize"]
        page = self._queue[start : start + numbers["pageSize"]]
        return Reply(
            200,
            {"size": len(self._queue), "messages": [self._queue_item(r) for _, r in page]},
        )

    def _queue_delete(self, zaap_id: str) -> Reply:
        for index, (_, record) in enumerate(self._queue):
            if record.zaap_id == zaap_id:
                record.state = MessageState.DELETED
                del self._queue[index]
                return Reply(200, {"value": True})
        return Reply(404, {"error": "message not found in the queue"})
