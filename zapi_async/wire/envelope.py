"""Any outgoing message as one self-describing JSON object, and back.

Z-API's request body alone does not say which model it came from (three button
lists share ``send-button-list``) and does not always hold every field (a
document's extension is a path segment). An *envelope* adds both::

    >>> from zapi_async import TextMessage
    >>> envelope = message_to_envelope(TextMessage("5511999999999", "hi"))
    >>> envelope["kind"], envelope["endpoint"]
    ('TextMessage', 'send-text')
    >>> envelope["body"]
    {'phone': '5511999999999', 'message': 'hi'}
    >>> message_from_envelope(envelope) == TextMessage("5511999999999", "hi")
    True

Used to keep messages outside the process (a campaign in Redis) and bring them back
as the same model.
"""

from __future__ import annotations

from typing import Any

import attrs

from .. import models
from ..errors import ValidationError, WireFormatError
from ..models.messages import Message
from .converter import from_wire, to_wire

__all__ = ["MESSAGE_KINDS", "message_from_envelope", "message_to_envelope"]


def _message_classes() -> dict[str, type]:
    kinds: dict[str, type] = {}
    for name in models.__all__:
        cls = getattr(models, name)
        if isinstance(cls, type) and attrs.has(cls) and hasattr(cls, "endpoint"):
            kinds[cls.__name__] = cls
    # A DELETE with query parameters, not a POST body.
    kinds.pop("DeleteMessage", None)
    return kinds


#: Model class name -> class, for every message model sent as a POST body.
MESSAGE_KINDS: dict[str, type] = _message_classes()

#: Fields that travel in the endpoint path (``send-document/<extension>``), not the body.
_PATH_FIELDS: dict[str, str] = {"DocumentMessage": "extension"}


def message_to_envelope(message: Message) -> dict[str, Any]:
    """``{"kind": <model class>, "endpoint": ..., "body": <Z-API JSON>}`` for ``message``.

    Raises :class:`~zapi_async.ValidationError` for anything that is not a message
    model, or one that would not come back equal (checked here, so nothing is
    stored that cannot be sent as given).
    """
    kind = type(message).__name__
    if MESSAGE_KINDS.get(kind) is not type(message):
        raise ValidationError(
            "message",
            f"should be a message model (TextMessage, ButtonActionsMessage, ...), but was {kind}",
        )
    envelope = {"kind": kind, "endpoint": message.endpoint, "body": to_wire(message)}
    if message_from_envelope(envelope) != message:
        raise ValidationError("message", f"this {kind} does not survive its JSON form")
    return envelope


def message_from_envelope(envelope: Any) -> Message:
    """The message an envelope (from :func:`message_to_envelope`) describes.

    Raises :class:`~zapi_async.WireFormatError` for an unknown kind or a body that
    does not fit it.
    """
    if not isinstance(envelope, dict):
        raise WireFormatError("expected an object @ $")
    kind, endpoint, body = envelope.get("kind"), envelope.get("endpoint"), envelope.get("body")
    cls = MESSAGE_KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise WireFormatError(f"unknown message kind {kind!r} @ $.kind")
    if not isinstance(body, dict) or not isinstance(endpoint, str):
        raise WireFormatError("expected an object with endpoint and body @ $")
    field = _PATH_FIELDS.get(str(kind))
    if field is not None:
        body = {**body, field: endpoint.rpartition("/")[2]}
    message: Message = from_wire(body, cls)
    return message
