"""The ``zapi-async`` command line (also ``python -m zapi_async``).

Commands: ``send-actions`` (one message with buttons, or its plan with
``--dry-run``), ``send-text``, ``bulk`` (a campaign from CSV/JSONL with progress, a
results file and ``--resume``), ``check-numbers``, ``status``, ``qr`` (pairing),
``webhooks``, ``sandbox`` (the fake Z-API, or a verb driving a running one: see
:mod:`.sandbox_args`) and ``demo``. Credentials come from
``ZAPI_INSTANCE_ID``, ``ZAPI_TOKEN`` and ``ZAPI_CLIENT_TOKEN`` or a
``--credentials FILE``, never from flags (the ``sandbox`` command's ``--token``
and ``--client-token`` configure the *fake* server, so flags are fine there).
Exit codes: see :mod:`._cli_config`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from .campaign_args import COMMANDS as CAMPAIGN_COMMANDS
from .campaign_args import add_campaign_parsers
from .common_args import (
    add_command,
    add_profile_option,
    add_results_options,
    at_least_one,
    at_least_zero,
    results_options,
)
from .config import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    CliError,
    Credentials,
    load_credentials,
)
from .sandbox_args import add_sandbox, run_sandbox_command
from .setup_args import COMMANDS as SETUP_COMMANDS
from .setup_args import add_normalize_flags, add_setup_commands, run_setup_command

__all__ = ["build_parser", "main"]

_EPILOG = """\
credentials: set ZAPI_INSTANCE_ID and ZAPI_TOKEN (and ZAPI_CLIENT_TOKEN if your
account requires the Client-Token header) in the environment, or pass
--credentials FILE (KEY=VALUE lines or a JSON object with the same keys).
exit codes: 0 ok, 1 some messages not sent, 2 usage or input error, 3 credentials
refused, 4 Z-API unreachable or phone disconnected, 5 the results file could not
be written (disk full, I/O error), 130 interrupted (Ctrl-C), 143 stopped by SIGTERM.
"""


class _ButtonAction(argparse.Action):
    """Collects --call/--url/--reply (and --id) values in command-line order, with
    their kind: ``(kind, flag, value)`` tuples."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        buttons = list(getattr(namespace, self.dest, None) or [])
        buttons.append((self.const, option_string, values))
        setattr(namespace, self.dest, buttons)


def _connection_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("connection")
    group.add_argument(
        "--credentials",
        type=Path,
        metavar="FILE",
        help="read ZAPI_INSTANCE_ID, ZAPI_TOKEN, ZAPI_CLIENT_TOKEN (and ZAPI_BASE_URL) "
        "from FILE instead of the environment",
    )
    group.add_argument(
        "--base-url",
        metavar="URL",
        help="Z-API's base URL (default: $ZAPI_BASE_URL or https://api.z-api.io); "
        "point it at 'zapi-async sandbox' to try things out",
    )
    return common


def _add_send_actions(commands: Any, common: argparse.ArgumentParser) -> None:
    send = add_command(
        commands,
        "send-actions",
        parents=[common],
        help="send one message with CALL/URL/REPLY buttons (split when needed)",
        description="Send one message with action buttons. Mixed CALL/URL and REPLY "
        "buttons are split into compliant messages, sent in order.",
        epilog=_EPILOG,
    )
    send.add_argument(
        "--phone",
        required=True,
        help="recipient: digits only, a group id, a LID (…@lid) or a channel (…@newsletter)",
    )
    send.add_argument("--message", required=True, help="the message text")
    for flag, kind, shape in (
        ("--call", "call", "LABEL=PHONE"),
        ("--url", "url", "LABEL=URL"),
        ("--reply", "reply", "ID=LABEL"),
    ):
        send.add_argument(
            flag,
            dest="buttons",
            action=_ButtonAction,
            const=kind,
            metavar=shape,
            help=f"add a {kind.upper()} button (repeatable; order is kept)",
        )
    send.add_argument(
        "--id",
        dest="buttons",
        action=_ButtonAction,
        const="id",
        metavar="ID",
        help="the id of the --call or --url button just before it (optional; a "
        "--reply button's id is part of its ID=LABEL value)",
    )
    send.add_argument("--title", help="optional title")
    send.add_argument("--footer", help="optional footer")
    send.add_argument("--image", help="optional image: an http(s) URL or Base64")
    send.add_argument(
        "--delay", type=int, metavar="SECONDS", help="delayMessage: 1..15 s before the next one"
    )
    send.add_argument(
        "--policy",
        choices=("default", "meta"),
        default="default",
        help="button caps: 'default' (3 per message) or 'meta' (Meta's strictest limits)",
    )
    send.add_argument(
        "--no-split", action="store_true", help="refuse a non-compliant message instead of split"
    )
    send.add_argument(
        "--dry-run",
        action="store_true",
        help="print the split plan and the exact JSON of each request; send nothing "
        "(no credentials needed)",
    )


def _add_bulk(commands: Any, common: argparse.ArgumentParser) -> None:
    bulk = add_command(
        commands,
        "bulk",
        parents=[common],
        help="send a campaign from a CSV or JSONL file",
        description="Send every row of FILE (CSV with a header, or JSON lines). Columns: "
        "phone, message, and optionally title, footer, image and buttons "
        "('reply:ID=LABEL;url:LABEL=URL;call:LABEL=PHONE'). A row without buttons is "
        "sent as plain text.",
        epilog=_EPILOG,
    )
    add_results_options(
        bulk,
        default="<FILE stem>.results.jsonl",
        resume="skip rows the results file shows as sent (or possibly sent); send the rest",
        overwrite="replace an existing results file",
    )
    bulk.add_argument(
        "--resend-unknown",
        action="store_true",
        help="with --resume, also resend rows whose outcome was unknown (risks duplicates)",
    )
    bulk.add_argument(
        "--skip-invalid", action="store_true", help="send the valid rows, record the bad ones"
    )
    bulk.add_argument(
        "--rate",
        type=at_least_zero,
        default=10.0,
        help="requests per second (default 10; 0 = no limit)",
    )
    bulk.add_argument("--burst", type=at_least_one, default=1, help="burst size (default 1)")
    bulk.add_argument(
        "--concurrency", type=at_least_one, default=8, help="parallel sends (default 8)"
    )
    add_profile_option(bulk)
    bulk.add_argument(
        "--no-status-check",
        dest="status_check",
        action="store_false",
        help="do not check that the phone is connected before sending",
    )
    bulk.add_argument(
        "--check-numbers",
        action="store_true",
        help="ask phone-exists-batch first and skip numbers without WhatsApp "
        "(recorded as 'no_whatsapp')",
    )
    add_normalize_flags(bulk)
    bulk.add_argument(
        "--progress",
        choices=("auto", "rich", "plain", "none"),
        default="auto",
        help="progress display (default auto: a bar on a terminal when rich is installed)",
    )


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``zapi-async``."""
    parser = argparse.ArgumentParser(
        prog="zapi-async",
        description="Z-API (WhatsApp) from the command line.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = _connection_options()
    _add_send_actions(commands, common)
    _add_bulk(commands, common)
    add_setup_commands(commands, common, _EPILOG)
    add_sandbox(commands)
    add_campaign_parsers(commands, common)
    commands.add_parser("demo", help="run the demo against the embedded fake Z-API")
    return parser


def _credentials(args: argparse.Namespace, err: TextIO) -> Credentials:
    return load_credentials(
        os.environ,
        file=args.credentials,
        base_url=args.base_url,
        warn=lambda text: print(text, file=err),
    )


def _run_bulk(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from ..limits.pacing import PacingProfile  # noqa: PLC0415
    from .bulk import BulkOptions, run_bulk  # noqa: PLC0415 (keeps --help fast)
    from .signals import run_interruptible  # noqa: PLC0415

    options = BulkOptions(
        **results_options(args),
        resend_unknown=args.resend_unknown,
        skip_invalid=args.skip_invalid,
        rate=args.rate,
        burst=args.burst,
        concurrency=args.concurrency,
        pacing=PacingProfile.careful() if args.profile == "careful" else None,
        status_check=args.status_check,
        progress=args.progress,
        check_numbers=args.check_numbers,
        normalize=_normalizer(args),
    )
    credentials = _credentials(args, err)
    return run_interruptible(run_bulk(options, credentials, out=out, err=err), err)


def _normalizer(args: argparse.Namespace) -> Any:
    """``normalize_phone`` per ``--normalize-phones``/``--default-country``, or ``None``."""
    if args.default_country is not None and not args.normalize_phones:
        raise CliError("--default-country needs --normalize-phones")
    if not args.normalize_phones:
        return None
    from .check_numbers import phone_normalizer  # noqa: PLC0415

    return phone_normalizer(args.default_country)


def _run_send_actions(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from .send import dry_run, send_actions  # noqa: PLC0415

    if args.dry_run:
        return dry_run(args, out)
    return asyncio.run(send_actions(args, _credentials(args, err), out, err))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; returns the process exit code."""
    args = build_parser().parse_args(argv)
    out, err = sys.stdout, sys.stderr
    try:
        if args.command == "send-actions":
            return _run_send_actions(args, out, err)
        if args.command == "bulk":
            return _run_bulk(args, out, err)
        if args.command in SETUP_COMMANDS:
            if args.command == "check-numbers":
                _normalizer(args)  # flag errors before any I/O
            return run_setup_command(args, lambda: _credentials(args, err), out, err)
        if args.command in CAMPAIGN_COMMANDS:
            from .campaign_commands import run_campaign_command  # noqa: PLC0415

            return run_campaign_command(args, out, err)
        if args.command == "demo":
            from .demo import main as demo  # noqa: PLC0415

            demo()
        elif args.command == "sandbox":
            return run_sandbox_command(args)
    except CliError as exc:
        print(f"zapi-async: error: {exc}", file=err)
        return exc.exit_code
    except KeyboardInterrupt:
        print("zapi-async: interrupted", file=err)
        return EXIT_INTERRUPTED
    return EXIT_OK
