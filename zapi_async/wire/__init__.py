"""The only place that knows Z-API's JSON.

One configured :class:`cattrs.Converter` (:data:`converter`) and the hooks of every
model family, installed here in one fixed order (so no import order elsewhere can
change a shape):

* :mod:`~zapi_async.wire.converter`: snake_case -> camelCase keys with explicit
  renames (``buttons`` -> ``buttonActions``), ``None`` omitted, button ``type`` tags,
  tuples as arrays, strict scalars when structuring, :class:`WireFormatError` with
  JSON paths in wire names.
* :mod:`~zapi_async.wire.lists`: the nested ``buttonList`` / ``optionList`` objects.
* :mod:`~zapi_async.wire.instance`: the server queue's PascalCase keys.
* :mod:`~zapi_async.wire.setup`: the setup endpoints' loosely documented answers
  (``me``, ``device``, ``phone-exists``, pairing codes).
* :mod:`~zapi_async.wire.content`: media, poll, event and delete-message shapes.
* :mod:`~zapi_async.wire.events`: webhook events dispatched on ``type``.
* :mod:`~zapi_async.wire.fast`: hand-written hooks for the hot path (the action-button
  message and the send result), equal to the generic ones.
* :mod:`~zapi_async.wire.envelope`: any message as ``{kind, endpoint, body}`` and back.

Models (:mod:`zapi_async.models`) import nothing of cattrs.
"""

from ..errors import WireFormatError
from . import content as _content
from . import events as _events
from . import fast as _fast
from . import instance as _instance
from . import lists as _lists
from . import setup as _setup
from .content import to_query
from .converter import converter, from_wire, register_renames, to_camel, to_wire
from .envelope import message_from_envelope, message_to_envelope
from .events import structure_event

__all__ = [
    "WireFormatError",
    "converter",
    "from_wire",
    "message_from_envelope",
    "message_to_envelope",
    "register_renames",
    "structure_event",
    "to_camel",
    "to_query",
    "to_wire",
]

del _content, _events, _fast, _instance, _lists, _setup
