"""``zapi-async status``, ``qr``, ``webhooks show|set`` and ``send-text``.

Each command reads the credentials like every other (environment or
``--credentials FILE``), prints no secret (``GET me`` carries the instance token:
it is never shown; webhook URLs are shown with their last path segment and query
hidden unless ``--show-urls``) and exits with the codes of :mod:`.config`.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TextIO, TypeVar
from urllib.parse import urlsplit, urlunsplit

from ..client import ZapiClient
from ..errors import (
    AuthenticationError,
    DeliveryUnknownError,
    ValidationError,
    ZapiConnectionError,
    ZapiError,
    ZapiHTTPError,
)
from ..models.setup import QrCode, WebhookKind
from ..models.text import TextMessage
from .config import (
    EXIT_AUTH,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_UNAVAILABLE,
    CliError,
    Credentials,
    auth_advice,
)
from .qr_render import (
    QrRenderError,
    modules_from_text,
    png_from_text,
    png_pixels,
    qr_modules,
    render_modules,
)

__all__ = [
    "cli_error",
    "client_for",
    "guarded",
    "redact_webhook_url",
    "run_qr",
    "run_send_text",
    "run_status",
    "run_webhooks",
]

T = TypeVar("T")
#: Where ``qr`` saves the PNG when it cannot draw it and no ``--png`` was given.
FALLBACK_PNG = Path("zapi-qr.png")
#: Seconds between two status checks while waiting for the phone to pair.
STATUS_POLL = 2.0
_CLEAR = "\x1b[2J\x1b[H"


def client_for(credentials: Credentials) -> ZapiClient:
    """The client a command uses."""
    return ZapiClient(
        credentials.instance_id,
        credentials.token,
        client_token=credentials.client_token,
        base_url=credentials.base_url,
    )


def cli_error(exc: ZapiError, credentials: Credentials) -> CliError:
    """The :class:`CliError` (message and exit code) for a library error."""
    if isinstance(exc, AuthenticationError):
        return CliError(auth_advice(exc, credentials), EXIT_AUTH)
    if isinstance(exc, ValidationError):
        return CliError(str(exc))
    if isinstance(exc, ZapiConnectionError):
        return CliError(f"cannot reach Z-API at {credentials.base_url}: {exc}", EXIT_UNAVAILABLE)
    if isinstance(exc, DeliveryUnknownError):
        return CliError(f"{exc}; check the chat before sending again", EXIT_FAILED)
    return CliError(str(exc), EXIT_FAILED)


async def guarded(call: Awaitable[T], credentials: Credentials) -> T:
    """``await call``, its library errors turned into :class:`CliError` exit codes."""
    try:
        return await call
    except ZapiError as exc:
        raise cli_error(exc, credentials) from None


def redact_webhook_url(url: str) -> str:
    """``url`` with its last path segment, query and user info hidden (webhook URLs
    often carry a secret there)."""
    parts = urlsplit(url)
    segments = parts.path.split("/")
    for index in range(len(segments) - 1, -1, -1):
        if segments[index]:
            segments[index] = "***"
            break
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, "/".join(segments), "***" if parts.query else "", ""))


# -- status -----------------------------------------------------------------------------


async def run_status(args: argparse.Namespace, credentials: Credentials, out: TextIO) -> int:
    """Print whether the instance and its phone are connected; exit 4 when not."""
    async with client_for(credentials) as client:
        status = await guarded(client.status(), credentials)
    print(f"connected: {'yes' if status.connected else 'no'}", file=out)
    print(f"phone connected: {'yes' if status.smartphone_connected else 'no'}", file=out)
    if status.error:
        print(f"Z-API says: {status.error}", file=out)
    return EXIT_OK if status.connected else EXIT_UNAVAILABLE


# -- qr ---------------------------------------------------------------------------------


async def _wait_connected(
    client: ZapiClient,
    credentials: Credentials,
    seconds: float,
    sleep: Callable[[float], Awaitable[Any]],
) -> bool:
    """Check the status every :data:`STATUS_POLL` s for ``seconds``; ``True`` once connected."""
    waited = 0.0
    while waited < seconds:
        step = min(STATUS_POLL, seconds - waited)
        await sleep(step)
        waited += step
        if (await guarded(client.status(), credentials)).connected:
            return True
    return False


def _save(path: Path, png: bytes) -> None:
    try:
        path.write_bytes(png)
    except OSError as exc:
        raise CliError(f"cannot write the QR code to {path}: {exc.strerror}") from None


def _show_qr(qr: QrCode, args: argparse.Namespace, number: int, out: TextIO, err: TextIO) -> None:
    png = qr.png
    if png is None and qr.value is not None and args.png is not None:
        try:
            png = png_from_text(qr.value)
        except QrRenderError as exc:
            raise CliError(str(exc)) from None
    if args.png is not None and png is not None:
        _save(args.png, png)
    try:
        modules = (
            qr_modules(png_pixels(png)) if png is not None else modules_from_text(qr.value or "")
        )
    except QrRenderError as exc:
        target = args.png or FALLBACK_PNG
        if png is None:
            raise CliError(str(exc)) from None
        if args.png is None:
            _save(target, png)
        print(
            f"cannot draw the QR code in the terminal ({exc}); saved it to {target}: open "
            "it and scan it with WhatsApp",
            file=err,
        )
        return
    tty = out.isatty()
    if tty:
        print(_CLEAR, end="", file=out)
    print(render_modules(modules, color=tty), file=out)
    print(
        f"QR code {number}: scan it with WhatsApp (Settings > Linked devices > Link a device). "
        f"A new one comes every {args.interval:g} s; Ctrl+C to stop.",
        file=out,
    )
    if args.png is not None:
        print(f"saved to {args.png}", file=out)
    out.flush()


async def _phone_code(
    client: ZapiClient, args: argparse.Namespace, credentials: Credentials, out: TextIO
) -> bool:
    """Print a pairing code; ``False`` when Z-API says the instance is connected."""
    try:
        code = await client.phone_code(args.phone_code)
    except ValidationError as exc:
        raise CliError(f"--phone-code: {exc.rule}") from None
    except ZapiHTTPError as exc:
        if exc.status == 409:
            return False
        raise cli_error(exc, credentials) from None
    except ZapiError as exc:
        raise cli_error(exc, credentials) from None
    text = code.code if len(code.code) != 8 else f"{code.code[:4]}-{code.code[4:]}"
    print(f"pairing code: {text}", file=out)
    print(
        "On the phone: WhatsApp > Settings > Linked devices > Link a device > "
        "Link with phone number instead, then type the code. Ctrl+C to stop.",
        file=out,
        flush=True,
    )
    return True


async def run_qr(
    args: argparse.Namespace,
    credentials: Credentials,
    out: TextIO,
    err: TextIO,
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
) -> int:
    """Show QR codes (or a pairing code) until the phone is connected."""
    async with client_for(credentials) as client:
        if (await guarded(client.status(), credentials)).connected:
            print("already connected: nothing to pair", file=out)
            return EXIT_OK
        if args.phone_code is not None:
            if not await _phone_code(client, args, credentials, out):
                print("already connected: nothing to pair", file=out)
                return EXIT_OK
            while not await _wait_connected(client, credentials, args.interval, sleep):
                pass
            print("connected", file=out)
            return EXIT_OK
        number = 0
        while True:
            qr = await guarded(client.qr_code(), credentials)
            if qr.connected:
                print("connected", file=out)
                return EXIT_OK
            number += 1
            _show_qr(qr, args, number, out, err)
            if await _wait_connected(client, credentials, args.interval, sleep):
                print("connected", file=out)
                return EXIT_OK
            if args.max_codes and number >= args.max_codes:
                print(
                    f"not connected after {number} QR code(s); run 'zapi-async qr' again "
                    "when ready",
                    file=err,
                )
                return EXIT_UNAVAILABLE


# -- webhooks ---------------------------------------------------------------------------


async def run_webhooks(args: argparse.Namespace, credentials: Credentials, out: TextIO) -> int:
    """``webhooks show`` or ``webhooks set URL``."""
    async with client_for(credentials) as client:
        if args.action == "show":
            info = await guarded(client.me(), credentials)
            urls = info.webhook_urls()
            for kind in WebhookKind:
                if kind is WebhookKind.RECEIVED_DELIVERY:
                    continue
                url = urls[kind]
                shown = (
                    "(not set)" if not url else url if args.show_urls else redact_webhook_url(url)
                )
                print(f"{kind.value:<19}{shown}", file=out)
            sent_by_me = {True: "on", False: "off", None: "unknown"}[
                info.receive_callback_sent_by_me
            ]
            print(f"{'notify sent by me':<19}{sent_by_me}", file=out)
            return EXIT_OK
        shown = args.url if args.show_urls else redact_webhook_url(args.url)
        if not args.kinds:
            await guarded(
                client.set_webhooks(args.url, notify_sent_by_me=args.notify_sent_by_me), credentials
            )
            print(f"every webhook now goes to {shown}", file=out)
        else:
            for kind in args.kinds:
                await guarded(client.set_webhook(kind, args.url), credentials)
                print(f"{kind.value}: {shown}", file=out)
            if args.notify_sent_by_me is not None:
                await guarded(client.set_notify_sent_by_me(args.notify_sent_by_me), credentials)
        if args.notify_sent_by_me is not None:
            print(f"notify sent by me: {'on' if args.notify_sent_by_me else 'off'}", file=out)
    return EXIT_OK


# -- send-text --------------------------------------------------------------------------


async def run_send_text(args: argparse.Namespace, credentials: Credentials, out: TextIO) -> int:
    """Send one text message (optionally a reply); print its ids."""
    try:
        message = TextMessage(
            args.phone, args.message, delay_message=args.delay, message_id=args.reply_to
        )
    except ValidationError as exc:
        flag = {"delay_message": "--delay", "message_id": "--reply-to"}.get(
            exc.field.rsplit(".", 1)[-1], "--" + exc.field.rsplit(".", 1)[-1]
        )
        raise CliError(f"{flag}: {exc.rule}") from None
    async with client_for(credentials) as client:
        result = await guarded(client.send_text(message), credentials)
    print(f"sent: messageId={result.message_id} zaapId={result.zaap_id}", file=out)
    return EXIT_OK
