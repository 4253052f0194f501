"""Many messages: the :class:`SendQueue`, :func:`send_many` and their outcomes, typed
against the small :class:`Sender` protocol the client implements."""

from .bulk import send_many
from .outcomes import Outcome, OutcomeStatus, QueueStats, classify
from .protocol import Sender
from .queue import SendQueue

__all__ = ["Outcome", "OutcomeStatus", "QueueStats", "SendQueue", "Sender", "classify", "send_many"]
