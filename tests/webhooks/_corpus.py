"""The JSON payload corpus the webhook tests share (written from ZAPI_REFERENCE.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PAYLOADS = Path(__file__).parent / "payloads"
INSTANCE = "3C01A7B2D4E5F6A7B8C9D0E1F2A3B4C5"

#: Every fixture in ``payloads/``, by name. Besides one file per event kind:
#: ``delivery_failed`` is Z-API's "On send" error shape (``momment``, ``error``,
#: ``errorCode``), ``delivery_zaap_only`` an older "On send" example without
#: ``messageId``, ``disconnected_seconds`` Z-API's own DisconnectedCallback example
#: whose ``momment`` is in seconds.
NAMES = (
    "connected",
    "delivery",
    "delivery_failed",
    "delivery_zaap_only",
    "disconnected",
    "disconnected_seconds",
    "presence",
    "received_button",
    "received_extra_nulls",
    "received_from_me",
    "received_image",
    "received_list",
    "received_text",
    "received_text_group",
    "status_future",
    "status_played",
    "status_read",
    "status_read_by_me",
    "status_received",
    "status_sent",
    "unknown_type",
)


def load_payload(name: str) -> dict[str, Any]:
    """The decoded fixture ``payloads/<name>.json``."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def payload_bytes(name: str) -> bytes:
    """The fixture ``payloads/<name>.json`` exactly as stored."""
    return (PAYLOADS / f"{name}.json").read_bytes()
