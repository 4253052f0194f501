"""What the inspector page shows, as JSON: chats, their messages, webhooks, faults.

:class:`InspectorState` listens to the sandbox (accepted messages through the
message log, webhook attempts through the webhook sender) and builds snapshots
for ``GET /_sandbox/api/state``. Chats are built from the messages the bot sent
(grouped by ``phone``) and the ``ReceivedCallback`` webhooks the sandbox POSTed
for the person (text, button and list replies, calls); reactions and poll votes
attach to the message they refer to, and ``MessageStatusCallback`` webhooks set
each message's delivery state. Nothing here holds the instance token or the
Client-Token, and webhook URLs are redacted.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any

from ..records import MessageState, WebhookAttempt
from ..webhook_sender import redact_url
from .views import chat_kind, incoming_view, message_view, preview

if TYPE_CHECKING:
    from ..zapi_sandbox import ZapiSandbox
    from .actions import PersonActions

__all__ = ["InspectorState"]

#: Webhook log entries kept (oldest dropped first).
MAX_WEBHOOKS = 500
#: Messages of one chat sent to the page (the newest).
MAX_CHAT_ITEMS = 300
#: Chats listed (the newest); ``chatCount`` tells how many there are.
MAX_CHATS = 200
#: Delivery states by rank: a later status never goes back to an earlier one.
_RANK = {"queued": 0, "sent": 1, "received": 2, "read": 3, "played": 4}


def _ms(seconds: float) -> int:
    return int(seconds * 1000)


def _describe(payload: dict[str, Any]) -> str:
    kind = str(payload.get("type", "?"))
    if kind == "ReceivedCallback":
        for key in (
            "text",
            "buttonsResponseMessage",
            "listResponseMessage",
            "reaction",
            "pollVote",
        ):
            if key in payload:
                return f"{kind} · {key}"
        if "notification" in payload:
            return f"{kind} · {payload['notification']}"
    if kind == "MessageStatusCallback":
        return f"{kind} · {payload.get('status')}"
    return kind


class InspectorState:
    """Builds the page's JSON from a :class:`ZapiSandbox` and the webhooks it sent."""

    def __init__(self, sandbox: ZapiSandbox, actions: PersonActions) -> None:
        self.sandbox = sandbox
        self.actions = actions
        self.attempts: list[tuple[int, WebhookAttempt]] = []
        self._seq = 0
        # Recorded bodies never change, so each message's view is built once.
        self._views: dict[str, dict[str, Any]] = {}

    def clear(self) -> None:
        """Forget the webhook log (and cached views)."""
        self.attempts.clear()
        self._views.clear()

    def record(self, attempt: WebhookAttempt) -> None:
        """Remember one webhook attempt (a :class:`WebhookSender` listener)."""
        self._seq += 1
        self.attempts.append((self._seq, attempt))
        del self.attempts[:-MAX_WEBHOOKS]
        self.sandbox.log.touch()

    # -- pieces -------------------------------------------------------------------------

    def webhook_entry(self, seq: int, attempt: WebhookAttempt) -> dict[str, Any]:
        """One line of the webhook log (the body included)."""
        return {
            "seq": seq,
            "time": _ms(attempt.wall),
            "type": _describe(attempt.payload),
            "url": None if attempt.url is None else redact_url(attempt.url),
            "status": attempt.status,
            "ok": attempt.ok,
            "latencyMs": round(attempt.latency * 1000, 1),
            "error": attempt.error,
            "response": attempt.text[:2000],
            "payload": json.dumps(attempt.payload, indent=2, ensure_ascii=False),
        }

    def instance(self) -> dict[str, Any]:
        """The instance panel: connection, queue, webhook URL (redacted)."""
        url = self.sandbox.webhook_url
        return {
            "instanceId": self.sandbox.instance_id,
            "connected": self.sandbox.connected,
            "queued": len(self.sandbox.queued),
            "webhookUrl": None if url is None else redact_url(url),
            "apiUrl": self.sandbox.base_url,
            "messages": len(self.sandbox.messages),
            "requests": len(self.sandbox.requests),
        }

    def faults(self) -> dict[str, Any]:
        """The fault panel: scripted faults still waiting, latencies, the random plan."""
        injector = self.sandbox.faults
        scripted = [
            {
                "kind": fault.kind.value,
                "status": fault.status,
                "retryAfter": fault.retry_after,
                "endpoint": endpoint,
                "remaining": remaining,
            }
            for fault, endpoint, remaining in injector.scripted
        ]
        latency = {
            (endpoint or "*"): (value if isinstance(value, (int, float)) else "random")
            for endpoint, value in injector.latencies.items()
        }
        plan = injector.plan
        return {
            "scripted": scripted,
            "latency": latency,
            "plan": None if plan is None else repr(plan),
        }

    # -- chats --------------------------------------------------------------------------

    def _items(self) -> dict[str, list[dict[str, Any]]]:
        """Every chat's items (oldest first), with states, reactions and votes applied."""
        chats: dict[str, list[dict[str, Any]]] = {phone: [] for phone in self.actions.started}
        by_id: dict[str, dict[str, Any]] = {}
        for record in self.sandbox.messages:
            state = "sent" if record.state is MessageState.SENT else record.state.value
            item: dict[str, Any] = {
                "id": record.message_id,
                "direction": "out",
                "time": _ms(record.wall),
                "at": record.wall,
                "state": state,
                "view": self._view(record.message_id, record.endpoint, record.body),
                "reactions": [],
                "votes": {},
            }
            by_id[record.message_id] = item
            chats.setdefault(record.phone, []).append(item)
        votes: dict[str, dict[str, list[str]]] = {}
        for seq, attempt in self.attempts:
            payload = attempt.payload
            kind = payload.get("type")
            if kind == "MessageStatusCallback":
                status = str(payload.get("status", "")).lower()
                for message_id in payload.get("ids", []):
                    target = by_id.get(message_id)
                    if target is not None and _RANK.get(status, -1) > _RANK.get(target["state"], 9):
                        target["state"] = status
                continue
            if kind != "ReceivedCallback":
                continue
            phone = str(payload.get("phone", ""))
            if "reaction" in payload:
                reaction = payload["reaction"]
                target = by_id.get(reaction.get("referencedMessage", {}).get("messageId", ""))
                if target is not None:
                    target["reactions"] = [reaction["value"]] if reaction.get("value") else []
                continue
            if "pollVote" in payload:
                vote = payload["pollVote"]
                voter = str(payload.get("participantPhone") or phone)
                names = [str(o.get("name")) for o in vote.get("options", [])]
                votes.setdefault(str(vote.get("pollMessageId")), {})[voter] = names
                continue
            view = incoming_view(payload)
            if view is None:
                continue
            chats.setdefault(phone, []).append(
                {
                    "id": payload.get("messageId"),
                    "direction": "in",
                    "time": int(payload.get("momment", 0)),
                    "at": attempt.wall,
                    "view": view,
                    "webhook": seq,
                    "webhookOk": attempt.ok,
                    "webhookError": attempt.error
                    or (None if attempt.ok else f"HTTP {attempt.status}"),
                }
            )
        for poll_id, by_voter in votes.items():
            target = by_id.get(poll_id)
            if target is not None:
                target["votes"] = dict(Counter(n for names in by_voter.values() for n in names))
        for items in chats.values():
            items.sort(key=lambda item: item["at"])  # stable: ties keep arrival order
        return chats

    def _view(self, message_id: str, endpoint: str, body: dict[str, Any]) -> dict[str, Any]:
        view = self._views.get(message_id)
        if view is None:
            view = self._views[message_id] = message_view(endpoint, body)
        return view

    def _chat_summary(self, chat_id: str, items: list[dict[str, Any]]) -> dict[str, Any]:
        last = items[-1] if items else None
        started = self.actions.started.get(chat_id, 0.0)
        return {
            "id": chat_id,
            "kind": chat_kind(chat_id),
            "name": self.sandbox.webhooks.names.get(chat_id),
            "preview": "" if last is None else preview(last["view"]),
            "time": _ms(started) if last is None else last["time"],
            "at": started if last is None else last["at"],
            "count": len(items),
        }

    def snapshot(self, chat: str | None = None) -> dict[str, Any]:
        """The page's whole state; ``chat`` selects whose messages are included."""
        chats = self._items()
        summaries = sorted(
            (self._chat_summary(chat_id, items) for chat_id, items in chats.items()),
            key=lambda summary: summary["at"],
            reverse=True,
        )[:MAX_CHATS]
        selected = None
        if chat is not None and chat in chats:
            selected = self._chat_summary(chat, chats[chat])
            selected["items"] = chats[chat][-MAX_CHAT_ITEMS:]
        return {
            "instance": self.instance(),
            "chats": summaries,
            "chatCount": len(chats),
            "chat": selected,
            "webhooks": [self.webhook_entry(seq, a) for seq, a in reversed(self.attempts)],
            "faults": self.faults(),
        }
