"""Golden ``ReceivedCallback`` payloads in ``payloads/zapi_docs/``: every shape of Z-API's
docs/webhooks/on-message-received.md (content kinds, notifications, placeholders,
echoes, LIDs, broadcast lists), written with our own values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DOCS_PAYLOADS = Path(__file__).parent / "payloads" / "zapi_docs"


def doc_names() -> list[str]:
    """Every golden payload's name, sorted."""
    return sorted(p.stem for p in DOCS_PAYLOADS.glob("*.json"))


def load_doc(name: str) -> dict[str, Any]:
    """The decoded golden payload ``payloads/zapi_docs/<name>.json``."""
    data: dict[str, Any] = json.loads((DOCS_PAYLOADS / f"{name}.json").read_text("utf-8"))
    return data
