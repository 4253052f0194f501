"""The error every check raises for a value that is not even a string."""

from __future__ import annotations

from ..errors import ValidationError

__all__ = ["not_a_string"]


def not_a_string(field: str, value: object) -> ValidationError:
    """The error for a non-string where text belongs (raised by the caller, so the
    common case stays one ``isinstance`` check)."""
    return ValidationError(field, f"should be a string, but was {type(value).__name__}")
