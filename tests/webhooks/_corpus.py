"""The JSON payload corpus the webhook tests share (written from ZAPI_REFERENCE.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PAYLOADS = Path(__file__).parent / "payloads"
INSTANCE = "3C01A7B2D4E5F6A7B8C9D0E1F2A3B4C5"


def load_payload(name: str) -> dict[str, Any]:
    """The decoded fixture ``payloads/<name>.json``."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def payload_bytes(name: str) -> bytes:
    """The fixture ``payloads/<name>.json`` exactly as stored."""
    return (PAYLOADS / f"{name}.json").read_bytes()
