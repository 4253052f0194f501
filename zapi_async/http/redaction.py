"""Hiding secrets: the instance token and the Client-Token never leave the library
in a message, a repr, a log record or a decoded error body."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["REDACTED", "Redactor"]

REDACTED = "***"


class Redactor:
    """Replaces every secret it was given with ``***`` in any text."""

    __slots__ = ("_secrets",)

    def __init__(self, secrets: Iterable[str | None]) -> None:
        # Longest first, so a secret containing another is fully hidden.
        self._secrets = sorted({s for s in secrets if s}, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def deep(self, value: Any) -> Any:
        """Redact every string inside decoded JSON (dicts and lists included)."""
        if isinstance(value, str):
            return self(value)
        if isinstance(value, dict):
            return {self(str(k)): self.deep(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.deep(v) for v in value]
        return value
