"""Running ``zapi-async campaign ...`` and ``zapi-async worker`` (see :mod:`.campaign_args`)."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import signal
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit, urlunsplit

from ..campaigns import (
    Campaign,
    CampaignItem,
    CampaignResult,
    InstanceCredentials,
    create_campaign,
    credentials_from_env,
    run_worker,
)
from ..errors import CampaignError, ZapiError
from ..limits.pacing import PacingProfile
from ..wire import message_to_envelope
from .config import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNAVAILABLE,
    CliError,
    load_credentials,
    read_credentials_file,
)
from .input import BadRow, InputRow, input_format, read_rows

__all__ = ["run_campaign_command"]

#: The state each control action leads to (another one: it could not be applied).
_WANTED = {"pause": "paused", "resume": "ready", "cancel": "cancelled"}
#: Bad rows listed in full before "... and N more".
MAX_LISTED_ERRORS = 20


def _shown(url: str) -> str:
    """The Redis URL without its password."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def _unavailable(url: str, error: BaseException) -> CliError:
    return CliError(f"cannot use Redis at {_shown(url)}: {error}", EXIT_UNAVAILABLE)


def _valid_rows(path: Path, fmt: str, skip_invalid: bool, err: TextIO) -> int:
    bad: list[BadRow] = []
    good = 0
    unknown: list[str] = []
    for row in read_rows(path, fmt, unknown):
        if isinstance(row, BadRow):
            bad.append(row)
        else:
            good += 1
    if unknown:
        print(f"warning: ignoring unknown column(s): {', '.join(unknown)}", file=err)
    if bad:
        listed = "\n".join(f"  {path} {problem}" for problem in bad[:MAX_LISTED_ERRORS])
        more = len(bad) - MAX_LISTED_ERRORS
        listed += f"\n  ... and {more} more" if more > 0 else ""
        if not skip_invalid:
            raise CliError(
                f"{len(bad)} invalid row(s), nothing was stored:\n{listed}\n"
                "Fix the file, or pass --skip-invalid to store the valid rows only."
            )
        print(f"skipping {len(bad)} invalid row(s):\n{listed}", file=err)
    return good


def _items(path: Path, fmt: str) -> Iterator[CampaignItem]:
    for row in read_rows(path, fmt):
        if isinstance(row, InputRow):
            yield CampaignItem(row.message, tag=str(row.line))


async def _create(args: argparse.Namespace, redis: Any, out: TextIO, err: TextIO) -> int:
    fmt = input_format(args.file, args.format)
    _valid_rows(args.file, fmt, args.skip_invalid, err)
    campaign = await create_campaign(
        redis,
        args.name,
        _items(args.file, fmt),
        instances=args.instances or ["default"],
        rate=args.rate or None,
        burst=args.burst,
        pacing=PacingProfile.careful() if args.profile == "careful" else None,
        partitions=args.partitions,
    )
    status = await campaign.status()
    print(
        f"campaign {args.name!r} created: {status.total} messages in {status.partitions} "
        f"partitions for instance(s) {', '.join(status.instances)}; start workers with: "
        f"zapi-async worker --redis {_shown(args.redis)}",
        file=out,
    )
    return EXIT_OK


def _result_line(result: CampaignResult) -> dict[str, Any]:
    line: dict[str, Any] = {"index": result.index}
    if result.tag is not None:
        line["line"] = int(result.tag) if result.tag.isdigit() else result.tag
    line["input"] = message_to_envelope(result.message)
    line["status"] = result.status
    if result.results:
        line["message_ids"] = [r.message_id for r in result.results]
        line["zaap_ids"] = [r.zaap_id for r in result.results]
    for key in ("error", "error_type", "worker"):
        value = getattr(result, key)
        if value is not None:
            line[key] = value
    return line


async def _status(args: argparse.Namespace, redis: Any, out: TextIO) -> int:
    status = await Campaign(redis, args.name).status()
    if args.json:
        print(json.dumps(status.as_dict()), file=out)
    else:
        print(
            f"{status.name}: {status.state}{' (done)' if status.done else ''}; "
            f"{status.total} messages: pending {status.pending}, in flight {status.in_flight}, "
            f"sent {status.sent}, failed {status.failed}, partial {status.partial}, "
            f"unknown {status.unknown}, unsent {status.unsent}",
            file=out,
        )
    return EXIT_OK


async def _campaign(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from redis.asyncio import Redis  # noqa: PLC0415 (optional extra)
    from redis.exceptions import RedisError  # noqa: PLC0415

    redis = Redis.from_url(args.redis, socket_connect_timeout=5, socket_timeout=30)
    try:
        action = args.campaign_action
        if action == "create":
            return await _create(args, redis, out, err)
        if action == "status":
            return await _status(args, redis, out)
        campaign = Campaign(redis, args.name)
        if action == "results":
            async for result in campaign.results():
                print(json.dumps(_result_line(result), ensure_ascii=False), file=out)
            return EXIT_OK
        state = await getattr(campaign, action)()
        print(f"campaign {args.name!r}: {state}", file=out)
        return EXIT_OK if state == _WANTED[action] else EXIT_FAILED
    except (RedisError, OSError) as exc:
        raise _unavailable(args.redis, exc) from None
    except CampaignError as exc:
        raise CliError(str(exc)) from None
    except ZapiError as exc:  # bad settings or messages
        raise CliError(str(exc)) from None
    finally:
        await redis.aclose()


def _credentials_source(args: argparse.Namespace, err: TextIO) -> Any:
    files: dict[str, Path] = {}
    for spec in args.instance_credentials:
        name, sep, file = spec.partition("=")
        if not sep or not name or not file:
            raise CliError(f"--instance-credentials should be NAME=FILE, but was {spec!r}")
        files[name] = Path(file)

    def lookup(name: str) -> InstanceCredentials | None:
        if name in files:
            values = read_credentials_file(files[name], lambda text: print(text, file=err))
            return credentials_from_env("default", values)
        if name == "default":
            try:
                found = load_credentials(os.environ, file=args.credentials, base_url=args.base_url)
            except CliError as exc:
                print(f"worker: instance 'default': {exc}", file=err)
                return None
            return InstanceCredentials(
                found.instance_id, found.token, found.client_token, found.base_url
            )
        return credentials_from_env(name)

    return lookup


async def _worker(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    stats = await run_worker(
        args.redis,
        stop=stop,
        credentials=_credentials_source(args, err),
        concurrency=args.concurrency,
        idle_timeout=args.idle_timeout,
        exit_when_idle=args.exit_when_idle,
        campaigns=args.campaigns,
    )
    done = ", ".join(f"{k} {v}" for k, v in sorted(stats.recorded.items())) or "nothing sent"
    print(
        f"worker {stats.worker}: {done}; {stats.reclaimed} taken over from silent workers; "
        f"{stats.redis_outages} Redis outage(s)",
        file=out,
    )
    return EXIT_OK


def run_campaign_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run ``campaign ...`` or ``worker``; returns the exit code."""
    if args.command == "worker":
        if not logging.getLogger().handlers:
            logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(message)s")
        return asyncio.run(_worker(args, out, err))
    return asyncio.run(_campaign(args, out, err))
