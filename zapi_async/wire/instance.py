"""Wire names of the server queue's entries (Z-API's PascalCase keys), read leniently
where its docs disagree on numbers and strings."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ..models.instance import QueuedMessage
from .converter import converter, register_renames

__all__: list[str] = []

#: Python field -> Z-API's key, for the queue entries.
_QUEUE_KEYS = {
    "id": "_id",
    "zaap_id": "ZaapId",
    "message_id": "MessageId",
    "phone": "Phone",
    "message": "Message",
    "delay_message": "DelayMessage",
    "delay_typing": "DelayTyping",
    "created": "Created",
    "created_at": "CreatedAt",
    "instance_id": "InstanceId",
}
#: Keys Z-API documents as numbers in one place and as strings in another.
_NUMERIC_KEYS = frozenset({"DelayMessage", "DelayTyping", "Created"})
_INTEGER_TEXT = re.compile(r"\s*-?\d+\s*")

register_renames(QueuedMessage, _QUEUE_KEYS)
_structure_queued_strictly = converter.get_structure_hook(QueuedMessage)


def _lenient_number(value: Any) -> Any:
    if isinstance(value, str):
        if not value.strip():
            return None
        return int(value) if _INTEGER_TEXT.fullmatch(value) else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _structure_queued(value: Any, cls: type) -> Any:
    """Accept ``"5"`` or ``5.0`` where a queue entry's number belongs; else strict."""
    if isinstance(value, Mapping):
        value = {k: _lenient_number(v) if k in _NUMERIC_KEYS else v for k, v in value.items()}
    return _structure_queued_strictly(value, cls)


converter.register_structure_hook(QueuedMessage, _structure_queued)
