"""``zapi-async sandbox``: serve the fake Z-API, or drive a running one's inspector.

Without a verb the command serves a sandbox (and its inspector page) until Ctrl+C.
With one (``say``, ``press``, ``state``...) it plays the person through the
inspector's control API of a sandbox already running, prints the JSON answer and
exits 0 (done), 1 (the bot's webhook failed), 2 (refused, or a usage error) or 3
(no sandbox answering at ``--url``). The verbs and their options mirror
:data:`zapi_async.sandbox.inspector.remote.VERBS`; this module names them without
importing the sandbox, so ``--help`` stays fast.
"""

from __future__ import annotations

import argparse
import os
from typing import Any

from .common_args import add_command
from .config import CliError

__all__ = ["add_sandbox", "run_sandbox_command"]

# The standalone sandbox's public defaults (kept here so --help needs no import).
SANDBOX_ID = "SANDBOX"
SANDBOX_TOKEN = "sandbox-token"
DEFAULT_PORT = 8080
#: Where a verb goes without --url or $ZAPI_SANDBOX_URL (the inspector of port 8080).
DEFAULT_CONTROL_URL = "http://127.0.0.1:8081/"
URL_ENV = "ZAPI_SANDBOX_URL"
#: Choices repeated from the sandbox (tests/cli/test_sandbox_verbs.py checks them).
MESSAGE_STATUSES = ("SENT", "RECEIVED", "READ", "READ_BY_ME", "PLAYED")
CALL_NOTIFICATIONS = ("CALL_VOICE", "CALL_MISSED_VOICE", "CALL_MISSED_VIDEO")
FAULT_KINDS = ("error", "rate_limit", "drop", "drop_after", "latency", "clear")

_EPILOG = f"""\
The token and Client-Token configure the FAKE server, so passing them as flags is
fine; they default to $ZAPI_TOKEN and $ZAPI_CLIENT_TOKEN (and the instance id to
$ZAPI_INSTANCE_ID), so a shell already set up for 'zapi-async send-actions' only
needs ZAPI_BASE_URL pointed at the sandbox. A token you give (flag or environment)
is never printed; the default one is public and printed.

The inspector page (on by default, port --port + 1) shows the bot's chats and
plays the person. The verbs do the same from a shell or a script, against a
sandbox already running: --url (default ${URL_ENV}, else {DEFAULT_CONTROL_URL}).
They print the JSON answer; exit codes: 0 done, 1 the bot's webhook failed,
2 refused by the sandbox or a usage error, 3 no sandbox at the URL.
"""

#: ``(dest, default)`` of each serving option: a verb refuses them.
_SERVE_OPTIONS = (
    ("host", "127.0.0.1"),
    ("port", DEFAULT_PORT),
    ("instance_id", None),
    ("token", None),
    ("client_token", None),
    ("seed", 0),
    ("webhook_url", None),
    ("whatsapp_numbers", None),
    ("disconnected", False),
    ("no_inspector", False),
    ("inspector_port", None),
)


def _add_serve_options(sandbox: argparse.ArgumentParser) -> None:
    sandbox.add_argument("--host", default="127.0.0.1", help="default 127.0.0.1")
    sandbox.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="default 8080 (0: a free port)"
    )
    sandbox.add_argument(
        "--instance-id",
        metavar="ID",
        help=f"instance id requests must use (default: $ZAPI_INSTANCE_ID, else {SANDBOX_ID})",
    )
    sandbox.add_argument(
        "--token",
        metavar="TOKEN",
        help=f"instance token requests must use (default: $ZAPI_TOKEN, else {SANDBOX_TOKEN})",
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
        "--whatsapp-numbers",
        metavar="NUMBER,...",
        help="the numbers phone-exists says have WhatsApp (default: every number)",
    )
    sandbox.add_argument(
        "--disconnected",
        action="store_true",
        help="start with the phone disconnected (to try 'zapi-async qr')",
    )
    sandbox.add_argument(
        "--no-inspector", action="store_true", help="do not serve the inspector page"
    )
    sandbox.add_argument(
        "--inspector-port",
        type=int,
        metavar="PORT",
        help="the inspector's port (default --port + 1; a free one with --port 0)",
    )


def _add_verbs(sandbox: argparse.ArgumentParser) -> None:
    url = argparse.ArgumentParser(add_help=False)
    url.add_argument(
        "--url",
        help=f"the running sandbox's inspector (default: ${URL_ENV}, else {DEFAULT_CONTROL_URL})",
    )
    verbs = sandbox.add_subparsers(dest="verb", metavar="VERB", title="verbs (a running sandbox)")

    def verb(name: str, text: str) -> argparse.ArgumentParser:
        return verbs.add_parser(name, parents=[url], help=text, description=text + ".")

    state = verb("state", "print the inspector's state: chats, webhooks, faults")
    state.add_argument("--chat", metavar="ID", help="also that chat's messages")
    press = verb("press", "the person presses a REPLY button of a message the bot sent")
    press.add_argument("--message-id", required=True, metavar="ID")
    press.add_argument("--button-id", required=True, metavar="ID")
    select = verb("select", "the person picks a row of an option list the bot sent")
    select.add_argument("--message-id", required=True, metavar="ID")
    select.add_argument("--option-id", required=True, metavar="ID")
    say = verb("say", "the person sends a text")
    say.add_argument("--phone", required=True, metavar="PHONE", help="the person's number")
    say.add_argument("--text", required=True)
    say.add_argument("--reply-to", metavar="ID", help="quote this message id")
    mark = verb("mark", "report a delivery status of a message the bot sent")
    mark.add_argument("--message-id", required=True, metavar="ID")
    mark.add_argument("--status", required=True, choices=MESSAGE_STATUSES)
    react = verb("react", "the person reacts to a message")
    react.add_argument("--message-id", required=True, metavar="ID")
    react.add_argument("--emoji", required=True, help='the reaction ("" removes it)')
    vote = verb("vote", "the person votes in a poll the bot sent")
    vote.add_argument("--message-id", required=True, metavar="ID")
    vote.add_argument(
        "--option", required=True, action="append", metavar="NAME", help="repeat for several"
    )
    call = verb("call", "the person calls the bot")
    call.add_argument("--phone", required=True)
    call.add_argument("--notification", choices=CALL_NOTIFICATIONS, help="default CALL_VOICE")
    chat = verb("chat", "open a chat with a person (shown in the inspector)")
    chat.add_argument("--phone", required=True)
    chat.add_argument("--name", help="the person's display name in webhooks")
    verb("connect", "reconnect the phone (queued messages are sent)")
    verb("disconnect", "disconnect the phone (sends wait in the queue)")
    fault = verb("fault", "inject a fault into the next requests the bot makes")
    fault.add_argument("--kind", required=True, choices=FAULT_KINDS)
    fault.add_argument("--n", type=int, help="how many requests (default 1)")
    fault.add_argument("--status", type=int, help="the error status (kind error; default 500)")
    fault.add_argument("--retry-after", type=float, metavar="SECONDS", help="kind rate_limit")
    fault.add_argument("--endpoint", help="only requests to this endpoint (e.g. send-text)")
    fault.add_argument("--seconds", type=float, help="kind latency (0 removes it)")
    hook = verb("webhook-url", "send webhooks to URL from now on (no URL: nowhere)")
    hook.add_argument("target_url", nargs="?", metavar="URL")


def add_sandbox(commands: Any) -> None:
    """Add the ``sandbox`` command (serving options and the inspector verbs)."""
    sandbox = add_command(
        commands,
        "sandbox",
        help="run the fake Z-API until Ctrl+C, or drive a running one (VERB)",
        description="Run the fake Z-API (the sandbox) on HOST:PORT until Ctrl+C, or "
        "with a VERB play the person in a running sandbox through its inspector.",
        epilog=_EPILOG,
    )
    _add_serve_options(sandbox)
    _add_verbs(sandbox)


def verb_options(args: argparse.Namespace, names: tuple[str, ...]) -> dict[str, Any]:
    """The keyword options of ``run_control`` for this verb (``names`` from ``VERBS``)."""
    values = {**vars(args), "webhook_url": getattr(args, "target_url", None)}
    return {name: values.get(name) for name in names}


def _run_verb(args: argparse.Namespace) -> int:
    given = [dest for dest, default in _SERVE_OPTIONS if getattr(args, dest) != default]
    if given:
        flags = ", ".join("--" + dest.replace("_", "-") for dest in given)
        raise CliError(
            f"{flags}: serving options, not options of 'sandbox {args.verb}' "
            "(name the running sandbox with --url)"
        )
    from ..sandbox.inspector import run_control  # noqa: PLC0415 (keeps --help fast)
    from ..sandbox.inspector.remote import VERBS  # noqa: PLC0415

    return run_control(args.verb, url=args.url, **verb_options(args, VERBS[args.verb]))


def _env(name: str) -> str | None:
    """``$name``, or ``None`` when unset or empty."""
    return os.environ.get(name) or None


def _numbers(text: str | None) -> list[str] | None:
    """``--whatsapp-numbers 5511...,5511...`` as a list (``None`` when not given)."""
    if text is None:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


def _serve(args: argparse.Namespace) -> int:
    if args.no_inspector and args.inspector_port is not None:
        raise CliError("--inspector-port: the inspector is off (--no-inspector)")
    from ..sandbox import run_sandbox  # noqa: PLC0415

    run_sandbox(
        host=args.host,
        port=args.port,
        instance_id=args.instance_id or _env("ZAPI_INSTANCE_ID") or SANDBOX_ID,
        token=args.token or _env("ZAPI_TOKEN"),
        client_token=args.client_token or _env("ZAPI_CLIENT_TOKEN"),
        seed=args.seed,
        webhook_url=args.webhook_url,
        whatsapp_numbers=_numbers(args.whatsapp_numbers),
        connected=not args.disconnected,
        inspector=not args.no_inspector,
        inspector_port=args.inspector_port,
    )
    return 0


def run_sandbox_command(args: argparse.Namespace) -> int:
    """Serve (no verb) or run one inspector verb; returns the exit code."""
    if args.verb is None:
        return _serve(args)
    return _run_verb(args)
