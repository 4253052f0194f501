"""The ``campaign`` and ``worker`` commands' arguments (kept light: no Redis import).

``zapi-async campaign create|status|results|pause|resume|cancel`` and
``zapi-async worker``; :mod:`.campaign_commands` runs them.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from .common_args import add_command, add_profile_option, at_least_one, at_least_zero

__all__ = ["COMMANDS", "add_campaign_parsers"]

#: Top-level commands added here.
COMMANDS = ("campaign", "worker")

_EPILOG = """\
A campaign lives in Redis (--redis URL, default $ZAPI_REDIS_URL): create it once,
start 'zapi-async worker' on as many machines as you like, watch it with
'campaign status'. Credentials are never stored in Redis: each worker reads those
of instance 'default' from ZAPI_INSTANCE_ID, ZAPI_TOKEN, ZAPI_CLIENT_TOKEN (or
--credentials FILE), and those of instance NAME from ZAPI_<NAME>_INSTANCE_ID,
ZAPI_<NAME>_TOKEN... (or --instance-credentials NAME=FILE).
"""


def _redis_option(parser: argparse.ArgumentParser) -> None:
    default = os.environ.get("ZAPI_REDIS_URL") or None
    parser.add_argument(
        "--redis",
        metavar="URL",
        default=default,
        required=default is None,
        help="the Redis holding the campaigns, e.g. redis://host:6379/0 (default: $ZAPI_REDIS_URL)",
    )


def _add_create(actions: Any) -> None:
    create = add_command(
        actions,
        "create",
        help="store a campaign from a CSV or JSONL file (the same files as 'bulk')",
        description="Read FILE (the formats of 'zapi-async bulk') and store every row in "
        "Redis as campaign NAME; workers then send it. Bad rows stop the creation "
        "unless --skip-invalid. Run it again after an interruption: it resumes.",
        epilog=_EPILOG,
    )
    create.add_argument("file", type=Path, metavar="FILE")
    create.add_argument("--name", required=True, help="the campaign's name")
    _redis_option(create)
    create.add_argument("--format", choices=("csv", "jsonl"), help="default: from the extension")
    create.add_argument(
        "--rate",
        type=at_least_zero,
        default=10.0,
        help="requests per second per instance, shared by all workers (default 10; 0 = none)",
    )
    create.add_argument("--burst", type=at_least_one, default=1, help="burst size (default 1)")
    add_profile_option(create)
    create.add_argument(
        "--instance",
        dest="instances",
        action="append",
        metavar="NAME",
        help="an instance to send through (repeatable; default: 'default')",
    )
    create.add_argument(
        "--partitions", type=at_least_one, help="streams (default max(32, 4/instance))"
    )
    create.add_argument(
        "--skip-invalid", action="store_true", help="store the valid rows, list the bad ones"
    )


def _add_campaign(commands: Any) -> None:
    campaign = add_command(
        commands,
        "campaign",
        help="campaigns in Redis, sent by any number of workers",
        description="Create, watch and control campaigns kept in Redis.",
        epilog=_EPILOG,
    )
    actions = campaign.add_subparsers(dest="campaign_action", required=True, metavar="ACTION")
    _add_create(actions)
    status = actions.add_parser("status", help="counts: pending, in flight, sent, failed...")
    status.add_argument("name", metavar="NAME")
    _redis_option(status)
    status.add_argument("--json", action="store_true", help="one JSON object")
    results = actions.add_parser("results", help="one JSON line per message, in input order")
    results.add_argument("name", metavar="NAME")
    _redis_option(results)
    for action, text in (
        ("pause", "stop starting sends (those under way finish)"),
        ("resume", "send again after pause"),
        ("cancel", "send nothing more: messages not started become 'unsent'"),
    ):
        parser = actions.add_parser(action, help=text)
        parser.add_argument("name", metavar="NAME")
        _redis_option(parser)


def _add_worker(commands: Any, common: argparse.ArgumentParser) -> None:
    worker = add_command(
        commands,
        "worker",
        parents=[common],
        help="send campaigns from Redis until stopped (SIGTERM/Ctrl-C: clean stop)",
        description="Work on every campaign in Redis (or those given with --campaign). "
        "SIGTERM or Ctrl-C finishes the sends under way and gives the rest back.",
        epilog=_EPILOG,
    )
    _redis_option(worker)
    worker.add_argument(
        "--exit-when-idle", action="store_true", help="exit once no campaign has work left"
    )
    worker.add_argument(
        "--concurrency", type=at_least_one, default=4, help="partitions sent at once (default 4)"
    )
    worker.add_argument(
        "--idle-timeout",
        type=float,
        default=30.0,
        metavar="SECONDS",
        help="how long a dead worker's messages wait before being taken over (default 30)",
    )
    worker.add_argument(
        "--campaign", dest="campaigns", action="append", metavar="NAME", help="only this one"
    )
    worker.add_argument(
        "--instance-credentials",
        action="append",
        default=[],
        metavar="NAME=FILE",
        help="credentials of instance NAME in FILE (repeatable)",
    )


def add_campaign_parsers(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``campaign`` and ``worker`` to the ``zapi-async`` subcommands."""
    _add_campaign(commands)
    _add_worker(commands, common)
