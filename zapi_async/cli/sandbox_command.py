"""``zapi-async sandbox``: serve the fake Z-API (and its inspector page), or drive a
running one with a verb (``zapi-async sandbox press --message-id ... --button-id ...``).

Serving: the token and Client-Token configure the *fake* server, so flags are fine
there. Verbs call the inspector's control API (see
:mod:`zapi_async.sandbox.inspector.remote`) at ``--url``, else
``$ZAPI_SANDBOX_URL``, else ``http://127.0.0.1:8081/``.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

__all__ = ["add_sandbox", "run_sandbox_command"]

# The standalone sandbox's public defaults (kept here so --help needs no import).
_SANDBOX_ID = "SANDBOX"
_SANDBOX_TOKEN = "sandbox-token"

_SANDBOX_EPILOG = """\
The token and Client-Token configure the FAKE server, so passing them as flags is
fine; they default to $ZAPI_TOKEN and $ZAPI_CLIENT_TOKEN (and the instance id to
$ZAPI_INSTANCE_ID), so a shell already set up for 'zapi-async send-actions' only
needs ZAPI_BASE_URL pointed at the sandbox. A token you give (flag or environment)
is never printed; the default one is public and printed.

With a VERB, drive a running sandbox instead, as the person on the other side
(the inspector's control API; see 'zapi-async sandbox VERB --help'):
  zapi-async sandbox press --message-id ID --button-id agent
  zapi-async sandbox say --phone 5511999999999 --text "hi"
"""

#: Each verb's flags: (flag, help, keyword arguments of add_argument).
_VERB_FLAGS: dict[str, tuple[tuple[str, str, dict[str, Any]], ...]] = {
    "state": (("--chat", "include this chat's messages", {}),),
    "press": (
        ("--message-id", "the bot's message with the button", {"required": True}),
        ("--button-id", "the REPLY (or button-list) button's id", {"required": True}),
    ),
    "select": (
        ("--message-id", "the bot's option-list message", {"required": True}),
        ("--option-id", "the row's id", {"required": True}),
    ),
    "say": (
        ("--phone", "who speaks (the chat)", {"required": True}),
        ("--text", "what they say", {"required": True}),
        ("--reply-to", "a message id this text replies to", {}),
    ),
    "mark": (
        ("--message-id", "the bot's message", {"required": True}),
        ("--status", "RECEIVED, READ, PLAYED...", {"required": True}),
    ),
    "react": (
        ("--message-id", "the bot's message", {"required": True}),
        ("--emoji", "the reaction ('' removes it)", {"required": True}),
    ),
    "vote": (
        ("--message-id", "the bot's poll", {"required": True}),
        ("--option", "an option's name (repeatable)", {"action": "append", "required": True}),
    ),
    "call": (
        ("--phone", "who calls", {"required": True}),
        ("--notification", "CALL_VOICE (default), CALL_MISSED_VOICE...", {}),
    ),
    "chat": (
        ("--phone", "the chat to start", {"required": True}),
        ("--name", "the person's name", {}),
    ),
    "connect": (),
    "disconnect": (),
    "fault": (
        ("--kind", "error, rate_limit, drop, drop_after, latency or clear", {"required": True}),
        ("--n", "how many requests", {"type": int}),
        ("--status", "HTTP status of 'error'", {"type": int}),
        ("--retry-after", "seconds of 'rate_limit'", {"type": float}),
        ("--endpoint", "only requests to this endpoint", {}),
        ("--seconds", "delay of 'latency'", {"type": float}),
    ),
    "webhook-url": (("--webhook-url", "where webhooks go (empty: nowhere)", {"required": True}),),
}


def _add_verbs(sandbox: argparse.ArgumentParser) -> None:
    verbs = sandbox.add_subparsers(dest="verb", metavar="VERB", required=False)
    for verb, flags in _VERB_FLAGS.items():
        parser = verbs.add_parser(verb, help=f"{verb} (the inspector's control API)")
        parser.add_argument(
            "--url", help="the inspector (default: $ZAPI_SANDBOX_URL, else http://127.0.0.1:8081/)"
        )
        for flag, text, options in flags:
            parser.add_argument(flag, help=text, **options)


def add_sandbox(commands: Any) -> None:
    """Add the ``sandbox`` command (and its verbs) to ``commands``."""
    sandbox = commands.add_parser(
        "sandbox",
        help="run the fake Z-API (and its inspector) until Ctrl+C, or drive a running one",
        description="Run the fake Z-API (the sandbox) on HOST:PORT, and its inspector "
        "page on PORT+1, until Ctrl+C.",
        epilog=_SANDBOX_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sandbox.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8080, help="default 8080 (0: a free port)")
    sandbox.add_argument(
        "--instance-id",
        metavar="ID",
        help=f"instance id requests must use (default: $ZAPI_INSTANCE_ID, else {_SANDBOX_ID})",
    )
    sandbox.add_argument(
        "--token",
        metavar="TOKEN",
        help=f"instance token requests must use (default: $ZAPI_TOKEN, else {_SANDBOX_TOKEN})",
    )
    sandbox.add_argument(
        "--client-token",
        metavar="TOKEN",
        help="require this Client-Token header (default: $ZAPI_CLIENT_TOKEN, else not required)",
    )
    sandbox.add_argument(
        "--seed",
        type=int,
        default=0,
        help="seed of the generated ids and random faults (default 0)",
    )
    sandbox.add_argument(
        "--webhook-url", metavar="URL", help="where the sandbox POSTs webhooks (default: none)"
    )
    sandbox.add_argument(
        "--no-inspector",
        dest="inspector",
        action="store_false",
        help="do not serve the inspector page",
    )
    sandbox.add_argument(
        "--inspector-port",
        type=int,
        metavar="PORT",
        help="the inspector's port (default: --port + 1; a free one with --port 0)",
    )
    _add_verbs(sandbox)


def _env(name: str) -> str | None:
    """``$name``, or ``None`` when unset or empty."""
    return os.environ.get(name) or None


def run_sandbox_command(args: argparse.Namespace) -> int:
    """Serve the sandbox until Ctrl+C (exit code 0), or run one verb (its exit code)."""
    if args.verb is not None:
        from ..sandbox.inspector import run_control  # noqa: PLC0415

        names = [name.lstrip("-").replace("-", "_") for name, _, _ in _VERB_FLAGS[args.verb]]
        options = {name: getattr(args, name) for name in names if getattr(args, name) is not None}
        return run_control(args.verb, url=args.url, **options)
    from ..sandbox import run_sandbox  # noqa: PLC0415

    run_sandbox(
        host=args.host,
        port=args.port,
        instance_id=args.instance_id or _env("ZAPI_INSTANCE_ID") or _SANDBOX_ID,
        token=args.token or _env("ZAPI_TOKEN"),
        client_token=args.client_token or _env("ZAPI_CLIENT_TOKEN"),
        seed=args.seed,
        webhook_url=args.webhook_url,
        inspector=args.inspector,
        inspector_port=args.inspector_port,
    )
    return 0
