"""The sandbox inspector: see and drive the fake WhatsApp in a browser.

What Mailpit is to e-mail: ``ZapiSandbox(inspector=True)`` (and ``zapi-async
sandbox``) serves a page on its own port showing every chat the bot talked to,
live, and lets you answer as the person (press buttons, pick options, type,
react, vote, call), watch the webhooks and inject faults. :mod:`.control` is the
same, as a JSON API; :class:`ControlClient` and :func:`run_control` call it from
scripts and the CLI. See docs/sandbox.md ("The inspector").
"""

from __future__ import annotations

from .actions import PersonActions
from .app import Inspector
from .remote import DEFAULT_CONTROL_URL, URL_ENV, ControlClient, ControlError, run_control

__all__ = [
    "DEFAULT_CONTROL_URL",
    "URL_ENV",
    "ControlClient",
    "ControlError",
    "Inspector",
    "PersonActions",
    "run_control",
]
