"""An in-process fake Z-API for tests, demos and benchmarks.

::

    from zapi_async.sandbox import ZapiSandbox

    async with ZapiSandbox() as sandbox:
        ...  # point a client at sandbox.base_url, then inspect sandbox.messages

See docs/sandbox.md ("Testing your bot with the sandbox").
"""

from __future__ import annotations

from .faults import Decision, Fault, FaultInjector, FaultKind, FaultPlan, Latency
from .records import (
    AcceptKey,
    MessageState,
    RecordedAction,
    RecordedHeaders,
    RecordedMessage,
    RecordedRequest,
    WebhookAttempt,
)
from .runner import run_sandbox, serve_sandbox
from .webhook_sender import (
    NoWebhookUrlError,
    SandboxError,
    UnknownButtonError,
    UnknownMessageError,
    WebhookDelivery,
)
from .zapi_sandbox import ZapiSandbox

__all__ = [
    "AcceptKey",
    "Decision",
    "Fault",
    "FaultInjector",
    "FaultKind",
    "FaultPlan",
    "Latency",
    "MessageState",
    "NoWebhookUrlError",
    "RecordedAction",
    "RecordedHeaders",
    "RecordedMessage",
    "RecordedRequest",
    "SandboxError",
    "UnknownButtonError",
    "UnknownMessageError",
    "WebhookAttempt",
    "WebhookDelivery",
    "ZapiSandbox",
    "run_sandbox",
    "serve_sandbox",
]
