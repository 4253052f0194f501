"""What the sandbox remembers: every request it saw and every message it accepted.

:class:`RecordedMessage` is one accepted send (the parsed body, the headers, when it
arrived, the ids the sandbox assigned, where it is now and whether the HTTP answer
really reached the client). :class:`RecordedRequest` is one HTTP request of any
kind, with the status answered (``None`` when the connection was dropped).
:class:`MessageLog` keeps both in arrival order and answers the questions fault
tests ask ("was anything accepted twice?").

Reprs never show the ``Client-Token`` header (nor ``Authorization``/``Cookie``); the
instance token is never stored at all, because records keep the endpoint name
instead of the URL.
"""

from __future__ import annotations

import enum
import json
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs
from multidict import CIMultiDict, CIMultiDictProxy

__all__ = [
    "BUTTON_LIST_ENDPOINTS",
    "AcceptKey",
    "MessageLog",
    "MessageState",
    "RecordedAction",
    "RecordedHeaders",
    "RecordedMessage",
    "RecordedRequest",
    "WebhookAttempt",
    "accept_key",
]

#: Header names whose values are secrets and never appear in a repr.
SECRET_HEADERS = frozenset({"client-token", "authorization", "cookie"})
#: Endpoints whose ``buttonList.buttons`` are all reply buttons (plain, image and video
#: button lists all post to ``send-button-list``).
BUTTON_LIST_ENDPOINTS = ("send-button-list",)

#: ``(endpoint, canonical JSON of the body)``: two sends with equal keys carry the
#: same message, so a count above one means the client sent it twice.
AcceptKey = tuple[str, str]


def accept_key(endpoint: str, body: Mapping[str, Any]) -> AcceptKey:
    """The duplicate-detection key of a send: its endpoint and canonical JSON body."""
    return endpoint, json.dumps(body, sort_keys=True, separators=(",", ":"))


class RecordedHeaders(Mapping[str, str]):
    """Case-insensitive, read-only request headers whose repr hides secret values."""

    __slots__ = ("_headers",)

    def __init__(self, headers: Mapping[str, str]) -> None:
        self._headers = CIMultiDictProxy(CIMultiDict(headers))

    def __getitem__(self, key: str) -> str:
        return self._headers[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._headers)

    def __len__(self) -> int:
        return len(self._headers)

    def redacted(self) -> dict[str, str]:
        """A plain dict copy with secret values replaced by ``***``."""
        return {
            key: "***" if key.lower() in SECRET_HEADERS else value
            for key, value in self._headers.items()
        }

    def __repr__(self) -> str:
        return f"RecordedHeaders({self.redacted()!r})"


class MessageState(enum.Enum):
    """Where an accepted message is: delivered to WhatsApp, waiting, or removed."""

    SENT = "sent"  #: delivered (the instance was connected, or it reconnected)
    QUEUED = "queued"  #: waiting in the server queue while the instance is disconnected
    DELETED = "deleted"  #: removed from the server queue before it was sent


@attrs.define(eq=False)
class RecordedMessage:
    """One message the sandbox accepted (answered, or meant to answer, HTTP 200).

    ``body`` is the parsed JSON as received; ``headers`` the request headers (secret
    values hidden in the repr); ``monotonic`` and ``wall`` the arrival time
    (``time.monotonic()`` / epoch seconds, or the sandbox's injected clocks);
    ``zaap_id`` and ``message_id`` the ids answered. ``response_delivered`` is False
    when the sandbox dropped the connection after accepting (or the client had gone
    away): the client saw no answer, yet the message was sent.
    """

    endpoint: str
    body: dict[str, Any]
    headers: RecordedHeaders
    monotonic: float
    wall: float
    zaap_id: str
    message_id: str
    state: MessageState = MessageState.SENT
    response_delivered: bool = True

    @property
    def phone(self) -> str:
        """The recipient (``body["phone"]``)."""
        return str(self.body.get("phone", ""))

    @property
    def text(self) -> str | None:
        """The message text, if the endpoint has one."""
        value = self.body.get("message")
        return value if isinstance(value, str) else None

    @property
    def buttons(self) -> list[tuple[str | None, dict[str, Any]]]:
        """Every button of the message with the id a press would carry, in body order.

        A button's own ``id`` wins. A REPLY button sent without one gets its
        position among the message's REPLY buttons, from 1 (``"1"``, ``"2"``, …):
        Z-API assigns ids to such buttons, and the sandbox assumes this numbering.
        Button-list buttons are all REPLY buttons. CALL/URL buttons without an
        ``id`` get ``None`` (nothing to press). Empty for messages without buttons.
        """
        if self.endpoint == "send-button-actions":
            raw = self.body.get("buttonActions", [])
        elif self.endpoint in BUTTON_LIST_ENDPOINTS:
            raw = self.body.get("buttonList", {}).get("buttons", [])
        else:
            return []
        found: list[tuple[str | None, dict[str, Any]]] = []
        position = 0
        for button in raw:
            button_id = button.get("id")
            if button.get("type", "REPLY") == "REPLY":
                position += 1
                if button_id is None:
                    button_id = str(position)
            found.append((button_id, button))
        return found

    @property
    def button_ids(self) -> list[str]:
        """The ids :meth:`ZapiSandbox.press_button` accepts for this message, in order
        (REPLY buttons only; see :attr:`buttons` for ids the sandbox assigned)."""
        return [
            button_id
            for button_id, button in self.buttons
            if button_id is not None and button.get("type", "REPLY") == "REPLY"
        ]

    @property
    def key(self) -> AcceptKey:
        """The duplicate-detection key (see :func:`accept_key`)."""
        return accept_key(self.endpoint, self.body)

    def response(self) -> dict[str, str]:
        """The JSON Z-API answers for this send: ``{zaapId, messageId, id}``."""
        return {"zaapId": self.zaap_id, "messageId": self.message_id, "id": self.message_id}


@attrs.frozen
class RecordedAction:
    """A message action the sandbox accepted: ``operation`` (``"forward"``, ``"read"``,
    ``"delete_message"``), its ``params`` (the JSON body, or the query of a delete)
    and when it arrived."""

    operation: str
    params: dict[str, Any]
    monotonic: float


@attrs.frozen
class RecordedRequest:
    """One HTTP request: method, endpoint (never the token), status answered and fault.

    ``status`` is ``None`` when the connection was dropped without an answer;
    ``fault`` names the injected fault kind (``"error"``, ``"rate_limit"``,
    ``"drop_before"``, ``"drop_after"``) or is ``None``.
    """

    method: str
    endpoint: str
    status: int | None
    fault: str | None
    monotonic: float


@attrs.frozen
class WebhookAttempt:
    """One webhook POST the sandbox made (or tried to make), for the inspector's log.

    ``status`` is the receiver's HTTP status, ``None`` when no answer came (``error``
    then says why: connection refused, timeout, no webhook URL); ``latency`` is in
    seconds; ``wall`` the epoch seconds it started. ``url`` is redacted in the repr.
    """

    url: str | None = attrs.field(repr=False)
    payload: dict[str, Any]
    status: int | None
    text: str
    latency: float
    wall: float
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the receiver answered 2xx."""
        return self.status is not None and 200 <= self.status < 300


@attrs.define
class MessageLog:
    """Accepted messages and all requests, in arrival order.

    ``watchers`` are called (with no argument) whenever something changes: a
    message accepted or changing state, a request answered. The inspector uses this
    to push live updates; a watcher must be quick and must not raise.
    """

    messages: list[RecordedMessage] = attrs.Factory(list)
    requests: list[RecordedRequest] = attrs.Factory(list)
    #: Called with each message as it is accepted (the sandbox's send echoes).
    on_accept: list[Callable[[RecordedMessage], None]] = attrs.Factory(list)
    _by_id: dict[str, RecordedMessage] = attrs.Factory(dict)
    watchers: list[Callable[[], None]] = attrs.Factory(list)

    def touch(self) -> None:
        """Tell the watchers something changed."""
        for watcher in self.watchers:
            watcher()

    def add(self, record: RecordedMessage) -> None:
        """Remember an accepted message and tell the :attr:`on_accept` listeners."""
        self.messages.append(record)
        self._by_id[record.message_id] = record
        self._by_id[record.zaap_id] = record
        for listener in self.on_accept:
            listener(record)
        self.touch()

    def find(self, message_id: str) -> RecordedMessage | None:
        """The accepted message with this ``messageId`` (or ``zaapId``), if any."""
        return self._by_id.get(message_id)

    def to(self, phone: str) -> list[RecordedMessage]:
        """Accepted messages for one recipient, in arrival order."""
        return [m for m in self.messages if m.phone == phone]

    @property
    def accepted(self) -> Counter[AcceptKey]:
        """How many times each distinct message was accepted."""
        return Counter(m.key for m in self.messages)

    def duplicates(self) -> dict[AcceptKey, int]:
        """Messages accepted more than once, with their counts."""
        return {key: n for key, n in self.accepted.items() if n > 1}

    def clear(self) -> None:
        """Forget everything recorded so far."""
        self.messages.clear()
        self.requests.clear()
        self._by_id.clear()
        self.touch()
