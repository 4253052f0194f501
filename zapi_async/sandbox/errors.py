"""Errors of the sandbox's test controls (not HTTP answers)."""

from __future__ import annotations

__all__ = ["NoWebhookUrlError", "SandboxError", "UnknownButtonError", "UnknownMessageError"]


class SandboxError(Exception):
    """Misuse of the sandbox's test controls (not an HTTP answer)."""


class UnknownMessageError(SandboxError, LookupError):
    """No accepted message has this id."""


class UnknownButtonError(SandboxError, LookupError):
    """The message has no pressable button (or option) with this id."""


class NoWebhookUrlError(SandboxError):
    """A webhook was due but no webhook URL is configured."""
