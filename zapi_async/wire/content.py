"""Wire shapes of the content messages that are not plain camelCase.

* ``DocumentMessage.extension`` goes in the path (``send-document/pdf``), not the body.
* ``async_`` (audio, video) is sent as ``async``.
* Polls: ``options`` -> ``poll: [{"name": ...}]``, ``max_options`` -> ``pollMaxOptions``;
  votes: ``poll_vote`` -> ``pollVote: [{"name": ...}]``.
* Events: ``canceled`` is always sent (Z-API requires it), ``location`` becomes
  ``{"name": ...}``.
* Pins: ``messageAction`` and ``pinMessageDuration`` are always sent (both required,
  even for an unpin), though the model has defaults.
* Structuring undoes the poll, vote and event shapes (so every message round-trips).
* :func:`to_query`: the query parameters of ``DELETE /messages``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import attrs

from ..models.actions import DeleteMessage, PinMessage
from ..models.interactive import Event, PollMessage, PollVoteMessage
from ..models.media import AudioMessage, DocumentMessage, VideoMessage
from .converter import converter, register_renames

__all__ = ["to_query"]

register_renames(AudioMessage, {"async_": "async"})
register_renames(VideoMessage, {"async_": "async"})
register_renames(PollMessage, {"options": "poll", "max_options": "pollMaxOptions"})


def _reshaped(cls: type, reshape: Callable[[dict[str, Any]], None]) -> None:
    """Register ``cls``'s generic hook followed by ``reshape`` of its dict."""
    base: Callable[[Any], dict[str, Any]] = converter.get_unstructure_hook(cls)

    def unstructure(obj: Any) -> dict[str, Any]:
        data = base(obj)
        reshape(data)
        return data

    converter.register_unstructure_hook(cls, unstructure)


def _named(key: str) -> Callable[[dict[str, Any]], None]:
    def reshape(data: dict[str, Any]) -> None:
        data[key] = [{"name": name} for name in data[key]]

    return reshape


def _document(data: dict[str, Any]) -> None:
    del data["extension"]


def _event(data: dict[str, Any]) -> None:
    data.setdefault("canceled", False)
    if "location" in data:
        data["location"] = {"name": data["location"]}


def _pin(data: dict[str, Any]) -> None:
    # Defaults are omitted by the converter; Z-API requires both fields.
    defaults = {f.name: f.default for f in attrs.fields(PinMessage)}
    data.setdefault("messageAction", defaults["message_action"])
    data.setdefault("pinMessageDuration", defaults["pin_message_duration"])


def _restructured(cls: type, unshape: Callable[[dict[str, Any]], None]) -> None:
    """Register ``cls``'s generic structure hook after ``unshape`` (the inverse of its
    reshape), so the wire form comes back as the same model."""
    base: Callable[[Any, type], Any] = converter.get_structure_hook(cls)

    def structure(value: Any, cl: type) -> Any:
        if isinstance(value, Mapping):
            value = dict(value)
            unshape(value)
        return base(value, cl)

    converter.register_structure_hook(cls, structure)


def _unnamed(key: str) -> Callable[[dict[str, Any]], None]:
    def unshape(data: dict[str, Any]) -> None:
        items = data.get(key)
        if isinstance(items, list):
            data[key] = [
                item["name"] if isinstance(item, Mapping) and "name" in item else item
                for item in items
            ]

    return unshape


def _event_back(data: dict[str, Any]) -> None:
    location = data.get("location")
    if isinstance(location, Mapping) and "name" in location:
        data["location"] = location["name"]


_reshaped(DocumentMessage, _document)
_reshaped(PinMessage, _pin)
_reshaped(PollMessage, _named("poll"))
_reshaped(PollVoteMessage, _named("pollVote"))
_reshaped(Event, _event)
_restructured(PollMessage, _unnamed("poll"))
_restructured(PollVoteMessage, _unnamed("pollVote"))
_restructured(Event, _event_back)


def to_query(request: DeleteMessage) -> dict[str, str]:
    """The query parameters of ``DELETE /messages`` (``owner`` as ``true``/``false``)."""
    return {
        "messageId": request.message_id,
        "phone": request.phone,
        "owner": "true" if request.owner else "false",
    }
