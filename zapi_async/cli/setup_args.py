"""Flags of ``status``, ``qr``, ``webhooks``, ``send-text`` and ``check-numbers``,
and the dispatch to :mod:`.setup_commands` / :mod:`.check_numbers`."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from .common_args import add_results_options, at_least_zero, number_flag, results_options
from .config import Credentials

__all__ = ["COMMANDS", "add_setup_commands", "run_setup_command"]

#: The commands this module adds.
COMMANDS = frozenset({"status", "qr", "webhooks", "send-text", "check-numbers"})
_KINDS = (
    "received",
    "received-delivery",
    "delivery",
    "message-status",
    "disconnected",
    "connected",
    "chat-presence",
)


_seconds = number_flag(float, lambda value: value > 0, "> 0")
_count = number_flag(int, lambda value: value >= 0, ">= 0")
_batch = number_flag(int, lambda value: 1 <= value <= 50_000, "in 1..50000")


def _kinds(text: str) -> list[Any]:
    from ..models.setup import WebhookKind  # noqa: PLC0415 (keeps --help fast)

    kinds = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [kind for kind in kinds if kind not in _KINDS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(
            f"unknown kind(s) {', '.join(unknown) or repr(text)}; use a comma-separated list of "
            + ", ".join(_KINDS)
        )
    return [WebhookKind(kind) for kind in kinds]


def add_normalize_flags(parser: argparse.ArgumentParser) -> None:
    """``--normalize-phones`` and ``--default-country`` (shared with ``bulk``)."""
    parser.add_argument(
        "--normalize-phones",
        action="store_true",
        help="rewrite formatted numbers ('+55 (11) 99999-9999') to digits, reporting "
        "each rewrite; numbers without a country code need --default-country",
    )
    parser.add_argument(
        "--default-country",
        metavar="CODE",
        help="with --normalize-phones: the country calling code of national numbers "
        "(e.g. 55 for Brazil)",
    )


def add_setup_commands(commands: Any, common: argparse.ArgumentParser, epilog: str) -> None:
    """Add the setup commands to the ``zapi-async`` sub-parsers."""
    formatter = argparse.RawDescriptionHelpFormatter
    shared: dict[str, Any] = {"parents": [common], "epilog": epilog, "formatter_class": formatter}
    commands.add_parser(
        "status",
        help="is the instance (and its phone) connected? exit 4 when not",
        description="Print whether the instance and its phone are connected, and Z-API's "
        "message. Exit code 0 when connected, 4 when not.",
        **shared,
    )
    qr = commands.add_parser(
        "qr",
        help="pair the phone: show the QR code (or a phone code) until connected",
        description="Show the pairing QR code in the terminal, refreshing it until the "
        "phone is connected (or Ctrl+C). With --phone-code, print a code to type in "
        "WhatsApp instead.",
        **shared,
    )
    qr.add_argument("--png", type=Path, metavar="FILE", help="also save each QR code to FILE")
    qr.add_argument(
        "--phone-code",
        metavar="NUMBER",
        help="the instance's phone number (digits): get a code to type in WhatsApp",
    )
    qr.add_argument(
        "--interval",
        type=_seconds,
        default=15.0,
        metavar="SECONDS",
        help="seconds between QR codes (default 15; WhatsApp replaces them every 20)",
    )
    qr.add_argument(
        "--max-codes",
        type=_count,
        default=0,
        metavar="N",
        help="stop (exit 4) after N unread QR codes (default 0: until connected)",
    )
    webhooks = commands.add_parser(
        "webhooks",
        help="show or set the webhook URLs",
        description="Show or set the URLs Z-API posts webhooks to.",
        **shared,
    )
    actions = webhooks.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="print every webhook URL", **shared)
    show.add_argument("--show-urls", action="store_true", help="print URLs in full")
    setter = actions.add_parser("set", help="point webhooks at URL", **shared)
    setter.add_argument("url", metavar="URL", help="an https:// URL")
    setter.add_argument(
        "--kinds",
        type=_kinds,
        metavar="KIND,...",
        help="only these webhooks (default: all, with update-every-webhooks): " + ", ".join(_KINDS),
    )
    setter.add_argument(
        "--notify-sent-by-me",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also (or no longer) send your own messages to the received webhook",
    )
    setter.add_argument("--show-urls", action="store_true", help="print the URL in full")
    text = commands.add_parser(
        "send-text", help="send one text message", description="Send one text message.", **shared
    )
    text.add_argument("--phone", required=True, help="recipient: digits only, or a group id")
    text.add_argument("--message", required=True, help="the text")
    text.add_argument("--reply-to", metavar="MESSAGE_ID", help="quote (reply to) this message")
    text.add_argument("--delay", type=int, metavar="SECONDS", help="delayMessage: 1..15 s")
    check = commands.add_parser(
        "check-numbers",
        help="which numbers of a campaign file have WhatsApp (phone-exists)",
        description="Ask Z-API which numbers of FILE (CSV with a phone column, or JSON "
        "lines with a phone key: bulk's formats) have WhatsApp; one JSON line per input "
        "line goes to the results file.",
        **shared,
    )
    add_results_options(
        check,
        default="<FILE stem>.numbers.jsonl",
        resume="skip lines already checked",
        overwrite="replace the results file",
    )
    check.add_argument(
        "--rate",
        type=at_least_zero,
        default=2.0,
        metavar="PER_SECOND",
        help="requests per second (default 2; 0 = no limit)",
    )
    check.add_argument(
        "--batch",
        type=_batch,
        metavar="N",
        help="ask phone-exists-batch N numbers at a time instead of one by one",
    )
    add_normalize_flags(check)


def run_setup_command(
    args: argparse.Namespace,
    credentials: Callable[[], Credentials],
    out: TextIO,
    err: TextIO,
) -> int:
    """Run one of :data:`COMMANDS`; returns the exit code."""
    from . import setup_commands  # noqa: PLC0415 (keeps --help fast)

    if args.command == "check-numbers":
        from .check_numbers import CheckOptions, phone_normalizer, run_check_numbers  # noqa: PLC0415
        from .signals import run_interruptible  # noqa: PLC0415

        options = CheckOptions(
            **results_options(args),
            rate=args.rate,
            batch=args.batch,
            normalize=phone_normalizer(args.default_country) if args.normalize_phones else None,
        )
        return run_interruptible(run_check_numbers(options, credentials(), out=out, err=err), err)
    if args.command == "status":
        return asyncio.run(setup_commands.run_status(args, credentials(), out))
    if args.command == "qr":
        return asyncio.run(setup_commands.run_qr(args, credentials(), out, err))
    if args.command == "webhooks":
        return asyncio.run(setup_commands.run_webhooks(args, credentials(), out))
    return asyncio.run(setup_commands.run_send_text(args, credentials(), out))
