"""What every ``zapi-async`` command shares: exit codes, credentials, actionable errors.

Credentials never come from flags (flags show up in ``ps`` and shell history): they
come from the environment (``ZAPI_INSTANCE_ID``, ``ZAPI_TOKEN``,
``ZAPI_CLIENT_TOKEN``) or from a file given with ``--credentials FILE``, either
dotenv-style (``KEY=VALUE`` lines) or a JSON object with the same keys. Reading
and checking them is :mod:`zapi_async.environment`'s job (the same code as
:meth:`ZapiClient.from_env <zapi_async.ZapiClient.from_env>`); this module turns
its errors into exit codes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from .. import environment
from ..environment import (
    ENV_BASE_URL,
    ENV_CLIENT_TOKEN,
    ENV_INSTANCE_ID,
    ENV_TOKEN,
    Credentials,
)
from ..errors import AuthenticationError, CommandLineError, ConfigurationError

__all__ = [
    "ENV_BASE_URL",
    "ENV_CLIENT_TOKEN",
    "ENV_INSTANCE_ID",
    "ENV_TOKEN",
    "EXIT_AUTH",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_RESULTS",
    "EXIT_TERMINATED",
    "EXIT_UNAVAILABLE",
    "EXIT_USAGE",
    "CliError",
    "Credentials",
    "auth_advice",
    "load_credentials",
    "read_credentials_file",
]

#: Everything asked for was done.
EXIT_OK = 0
#: Some messages were not sent (failed, unknown, partial or invalid ones skipped).
EXIT_FAILED = 1
#: Bad flags, missing credentials or a bad input file; nothing was sent.
EXIT_USAGE = 2
#: Z-API refused the credentials (see the message for which one).
EXIT_AUTH = 3
#: Z-API could not be reached, or the instance's phone is not connected.
EXIT_UNAVAILABLE = 4
#: The results file (or its journal) could not be written or flushed to the disk
#: during the run (a full disk, an I/O error); what was recorded before stays, and
#: ``--resume`` goes on from there once the cause is fixed.
EXIT_RESULTS = 5
#: Stopped with Ctrl-C (SIGINT); the results file lists every input.
EXIT_INTERRUPTED = 130
#: Stopped with SIGTERM (docker stop, systemd, Kubernetes); as for SIGINT, the
#: results file lists every input.
EXIT_TERMINATED = 143


#: The CLI's own error (defined with the rest of the tree in :mod:`zapi_async.errors`).
CliError = CommandLineError


def read_credentials_file(path: Path, warn: Callable[[str], None]) -> dict[str, str]:
    """The settings in ``path`` keyed by environment variable name (see
    :func:`zapi_async.environment.read_credentials_file`); problems raise :class:`CliError`."""
    try:
        return environment.read_credentials_file(path, warn)
    except ConfigurationError as exc:
        raise CliError(str(exc)) from None


def load_credentials(
    environ: Mapping[str, str],
    *,
    file: Path | None = None,
    base_url: str | None = None,
    warn: Callable[[str], None] = lambda _: None,
) -> Credentials:
    """:func:`zapi_async.environment.load_credentials` (the library's own reader),
    its :class:`~zapi_async.ConfigurationError` turned into a usage :class:`CliError`."""
    try:
        return environment.load_credentials(environ, file=file, base_url=base_url, warn=warn)
    except ConfigurationError as exc:
        message = str(exc)
        if message.startswith("missing credentials") and file is None:
            message = message.replace("a credentials file", "a --credentials FILE")
        raise CliError(message) from None


def auth_advice(error: AuthenticationError, credentials: Credentials) -> str:
    """Say which credential Z-API refused and which variable to fix."""
    text = (error.error or "").lower()
    seen = f"(HTTP {error.status}: {error.error or 'no detail'}, {error.method} {error.endpoint})"
    if "null not allowed" in text or ("client-token" in text and not credentials.client_token):
        return (
            f"Z-API refused the request: your account requires the Client-Token header; "
            f"set {ENV_CLIENT_TOKEN} to the account's security token {seen}"
        )
    if "client-token" in text or "client token" in text:
        return (
            f"Z-API refused the Client-Token header: check {ENV_CLIENT_TOKEN} "
            f"(the account's security token) {seen}"
        )
    return (
        f"Z-API refused the instance id or token in the URL: check {ENV_INSTANCE_ID} "
        f"and {ENV_TOKEN} {seen}"
    )
