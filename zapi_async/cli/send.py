"""``zapi-async send-actions``: one message with action buttons, or its plan.

``--dry-run`` prints how the message is split and the exact JSON body of every
request (what :meth:`ZapiClient.plan` and :func:`zapi_async.to_wire` produce),
without credentials and without sending anything.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from typing import TextIO

import attrs

from ..client import ZapiClient
from ..errors import (
    AuthenticationError,
    DeliveryUnknownError,
    PartialSendError,
    SentPart,
    ValidationError,
    ZapiConnectionError,
    ZapiError,
)
from ..models.buttons import Button
from ..models.messages import ButtonActionsMessage, Message
from ..splitter import ButtonPolicy
from ..wire import to_wire
from .config import (
    EXIT_AUTH,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNAVAILABLE,
    CliError,
    Credentials,
    auth_advice,
)
from .input import InputProblem, make_button

__all__ = ["build_message", "dry_run", "send_actions"]

# Placeholders for planning without credentials: plan() does no I/O.
_PLAN_ONLY = ("dry-run", "dry-run")
#: What each button flag's value looks like (shown when one is malformed).
FLAG_SHAPES = {"call": "LABEL=PHONE", "url": "LABEL=URL", "reply": "ID=LABEL"}


def _flag_for(field: str) -> str:
    """``ButtonActionsMessage.delay_message`` -> ``--delay``."""
    name = field.split(".", 1)[-1].split("[", 1)[0]
    return {"delay_message": "--delay", "buttons": "--call/--url/--reply/--id"}.get(
        name, f"--{name}"
    )


def _flag_button(kind: str, flag: str, value: str) -> Button:
    """One ``--call``/``--url``/``--reply`` value as a button; errors show flag syntax."""
    if "=" not in value:
        raise CliError(f"{flag} {value!r}: expected {flag} {FLAG_SHAPES[kind]}")
    try:
        return make_button(kind, value)
    except (ValidationError, InputProblem) as exc:
        detail = exc.rule if isinstance(exc, ValidationError) else exc.problem
        raise CliError(f"{flag} {value!r}: {detail}") from None


def _with_id(button: Button, flag: str, button_id: str) -> Button:
    """``button`` with the id given by an ``--id`` right after it."""
    if button.kind == "REPLY":
        raise CliError(
            f"--id {button_id!r}: the {flag} button before it already has its id "
            f"({flag} ID=LABEL); --id names the --call or --url button just before it"
        )
    try:
        return attrs.evolve(button, id=button_id)
    except ValidationError as exc:
        raise CliError(f"--id {button_id!r}: {exc.rule}") from None


def _buttons(given: Iterable[tuple[str, str, str]]) -> list[Button]:
    """The buttons of ``--call``/``--url``/``--reply`` flags, each ``--id`` applied to
    the button just before it."""
    buttons: list[Button] = []
    flags: list[str] = []
    id_given = False
    for kind, flag, value in given:
        if kind != "id":
            buttons.append(_flag_button(kind, flag, value))
            flags.append(flag)
            id_given = False
            continue
        if not buttons:
            raise CliError(f"--id {value!r}: give it after the --call or --url button it names")
        if id_given:
            raise CliError(f"--id {value!r}: the {flags[-1]} button before it already got an --id")
        buttons[-1] = _with_id(buttons[-1], flags[-1], value)
        id_given = True
    return buttons


def build_message(args: argparse.Namespace) -> ButtonActionsMessage:
    """The message described by the ``send-actions`` flags."""
    buttons = _buttons(args.buttons or [])
    if not buttons:
        raise CliError("give at least one button with --call, --url or --reply")
    try:
        return ButtonActionsMessage(
            args.phone,
            args.message,
            buttons,
            title=args.title,
            footer=args.footer,
            image=args.image,
            delay_message=args.delay,
        )
    except ValidationError as exc:
        raise CliError(f"{_flag_for(exc.field)}: {exc.rule}") from None


def _client(args: argparse.Namespace, credentials: Credentials | None) -> ZapiClient:
    policy = ButtonPolicy.meta() if args.policy == "meta" else ButtonPolicy()
    if credentials is None:
        return ZapiClient(*_PLAN_ONLY, policy=policy)
    return ZapiClient(
        credentials.instance_id,
        credentials.token,
        client_token=credentials.client_token,
        base_url=credentials.base_url,
        policy=policy,
    )


def _plan(client: ZapiClient, message: ButtonActionsMessage, split: bool) -> list[Message]:
    try:
        return client.plan(message, split=split)
    except ValidationError as exc:
        hint = "" if split else " (drop --no-split to split it automatically)"
        raise CliError(f"the message cannot be sent as is: {exc}{hint}") from None


def _kinds(part: Message) -> str:
    if isinstance(part, ButtonActionsMessage):
        return ", ".join(button.kind for button in part.buttons)
    return ""


def dry_run(args: argparse.Namespace, out: TextIO) -> int:
    """Print the plan and each request's JSON body; send nothing."""
    message = build_message(args)
    parts = _plan(_client(args, None), message, not args.no_split)
    noun = "message" if len(parts) == 1 else "messages"
    print(f"plan: {len(parts)} {noun} to {message.phone}", file=out)
    for number, part in enumerate(parts, 1):
        print(f"--- part {number} of {len(parts)}: POST {part.endpoint} ({_kinds(part)})", file=out)
        print(json.dumps(to_wire(part), indent=2, ensure_ascii=False), file=out)
    return EXIT_OK


def _print_results(results: Sequence[SentPart], total: int, out: TextIO) -> None:
    for number, result in enumerate(results, 1):
        print(
            f"part {number} of {total} sent: messageId={result.message_id} zaapId={result.zaap_id}",
            file=out,
        )


async def send_actions(
    args: argparse.Namespace, credentials: Credentials, out: TextIO, err: TextIO
) -> int:
    """Send the message; print one line per part sent. Returns the exit code."""
    message = build_message(args)
    async with _client(args, credentials) as client:
        parts = _plan(client, message, not args.no_split)
        try:
            results = await client.send_parts(parts)
        except AuthenticationError as exc:
            raise CliError(auth_advice(exc, credentials), EXIT_AUTH) from None
        except PartialSendError as exc:
            _print_results(exc.sent, len(parts), out)
            print(
                f"zapi-async: error: {exc}; do not resend the parts already sent",
                file=err,
            )
            return EXIT_FAILED
        except DeliveryUnknownError as exc:
            raise CliError(
                f"{exc}; check the chat before sending again (a resend may duplicate it)",
                EXIT_FAILED,
            ) from None
        except ZapiConnectionError as exc:
            raise CliError(str(exc), EXIT_UNAVAILABLE) from None
        except ZapiError as exc:
            raise CliError(str(exc), EXIT_FAILED) from None
    _print_results(results, len(parts), out)
    return EXIT_OK
