"""Run the sandbox as a standalone server (``python -m zapi_async sandbox --port 8080``)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from .webhook_sender import redact_url
from .zapi_sandbox import ZapiSandbox

__all__ = ["DEFAULT_INSTANCE_ID", "DEFAULT_TOKEN", "run_sandbox", "serve_sandbox"]

#: Credentials of a standalone sandbox when none are given (public, not secrets).
DEFAULT_INSTANCE_ID = "SANDBOX"
DEFAULT_TOKEN = "sandbox-token"


def _announce(sandbox: ZapiSandbox, default_token: bool, echo: Callable[[str], Any]) -> None:
    echo(f"Z-API sandbox listening on {sandbox.base_url}")
    echo(f"  instance id : {sandbox.instance_id}")
    echo(f"  token       : {DEFAULT_TOKEN if default_token else '(the one you passed)'}")
    echo(f"  Client-Token: {'required' if sandbox.client_token else 'not required'}")
    if sandbox.webhook_url:
        echo(f"  webhooks to : {redact_url(sandbox.webhook_url)}")
    if sandbox.whatsapp_numbers is not None:
        echo(f"  WhatsApp    : {len(sandbox.whatsapp_numbers)} number(s) (phone-exists)")
    if not sandbox.connected:
        echo("  phone       : disconnected (pair it: zapi-async qr)")
    if sandbox.inspector is not None:
        echo(f"  inspector   : {sandbox.inspector_url}")
        if sandbox.host not in ("127.0.0.1", "localhost", "::1"):
            echo(
                f"  warning     : the inspector is reachable on {sandbox.host}: anyone who can "
                "reach it can read the chats and make the sandbox POST webhooks"
            )
    echo("Press Ctrl+C to stop.")


def _inspector_port(port: int, inspector_port: int | None) -> int:
    if inspector_port is not None:
        return inspector_port
    return port + 1 if port else 0


async def serve_sandbox(
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    instance_id: str = DEFAULT_INSTANCE_ID,
    token: str | None = None,
    client_token: str | None = None,
    seed: int = 0,
    webhook_url: str | None = None,
    whatsapp_numbers: list[str] | None = None,
    connected: bool = True,
    inspector: bool = False,
    inspector_port: int | None = None,
    echo: Callable[[str], Any] = print,
    on_ready: Callable[[ZapiSandbox], Any] | None = None,
) -> None:
    """Serve a sandbox until cancelled; ``on_ready`` is called once it listens.

    ``token`` defaults to :data:`DEFAULT_TOKEN`, which is printed (it is public); a
    token you pass is never printed, nor the Client-Token. ``seed`` drives the
    generated ids and random faults; ``webhook_url`` is where webhooks go (shown
    redacted). ``whatsapp_numbers`` are the numbers ``phone-exists`` says have
    WhatsApp (default: every number); ``connected=False`` starts the phone
    disconnected. ``inspector`` (default False; the command passes True) serves the
    inspector page on ``host:inspector_port`` (default ``port + 1``; a free port
    when ``port`` is 0) and prints its URL. ``echo`` (default :func:`print`) writes the banner.
    """
    sandbox = ZapiSandbox(
        instance_id,
        token or DEFAULT_TOKEN,
        client_token=client_token,
        seed=seed,
        host=host,
        port=port,
        webhook_url=webhook_url,
        whatsapp_numbers=whatsapp_numbers,
        connected=connected,
        inspector=inspector,
        inspector_port=_inspector_port(port, inspector_port),
    )
    async with sandbox:
        _announce(sandbox, token is None, echo)
        if on_ready is not None:
            on_ready(sandbox)
        await asyncio.Event().wait()


def run_sandbox(*, host: str = "127.0.0.1", port: int = 8080, **options: Any) -> None:
    """Block serving a sandbox on ``host:port`` until Ctrl+C (see :func:`serve_sandbox`)."""
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve_sandbox(host=host, port=port, **options))
