"""What every ``zapi-async`` command shares: exit codes, credentials, actionable errors.

Credentials never come from flags (flags show up in ``ps`` and shell history): they
come from the environment (``ZAPI_INSTANCE_ID``, ``ZAPI_TOKEN``,
``ZAPI_CLIENT_TOKEN``) or from a file given with ``--credentials FILE``, either
dotenv-style (``KEY=VALUE`` lines) or a JSON object with the same keys.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from ..config import DEFAULT_BASE_URL
from ..errors import AuthenticationError

__all__ = [
    "ENV_BASE_URL",
    "ENV_CLIENT_TOKEN",
    "ENV_INSTANCE_ID",
    "ENV_TOKEN",
    "EXIT_AUTH",
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
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
#: Stopped with Ctrl-C (SIGINT); the results file lists every input.
EXIT_INTERRUPTED = 130

ENV_INSTANCE_ID = "ZAPI_INSTANCE_ID"
ENV_TOKEN = "ZAPI_TOKEN"
ENV_CLIENT_TOKEN = "ZAPI_CLIENT_TOKEN"
ENV_BASE_URL = "ZAPI_BASE_URL"

# Keys a credentials file may hold, and the environment variable each stands for.
_FILE_KEYS = {
    ENV_INSTANCE_ID: ENV_INSTANCE_ID,
    ENV_TOKEN: ENV_TOKEN,
    ENV_CLIENT_TOKEN: ENV_CLIENT_TOKEN,
    ENV_BASE_URL: ENV_BASE_URL,
    "instance_id": ENV_INSTANCE_ID,
    "token": ENV_TOKEN,
    "client_token": ENV_CLIENT_TOKEN,
    "base_url": ENV_BASE_URL,
}


class CliError(Exception):
    """A failure the CLI reports as one message (no traceback) and an exit code."""

    def __init__(self, message: str, exit_code: int = EXIT_USAGE) -> None:
        self.exit_code = exit_code
        super().__init__(message)


@attrs.frozen
class Credentials:
    """Where and as whom to call Z-API. Secrets are left out of the repr."""

    instance_id: str
    token: str = attrs.field(repr=False)
    client_token: str | None = attrs.field(default=None, repr=False)
    base_url: str = DEFAULT_BASE_URL


def _parse_dotenv(path: Path, text: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").strip()
        key, sep, value = line.partition("=")
        if not sep or not key.strip():
            # The line is not echoed: it may hold a secret.
            raise CliError(f"{path} line {number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def _parse_json(path: Path, text: str) -> dict[str, str]:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise CliError(f"{path}: expected a JSON object with {ENV_INSTANCE_ID} and {ENV_TOKEN}")
    for key, value in data.items():
        if not isinstance(value, str):
            raise CliError(f"{path}: the value of {key!r} should be a string")
    return dict(data)


def read_credentials_file(path: Path, warn: Callable[[str], None]) -> dict[str, str]:
    """The settings in ``path`` keyed by environment variable name."""
    try:
        text = path.read_text(encoding="utf-8")
        mode = path.stat().st_mode
    except OSError as exc:
        raise CliError(f"cannot read the credentials file {path}: {exc.strerror}") from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        warn(f"warning: {path} is readable by other users; run: chmod 600 {path}")
    raw = _parse_json(path, text) if text.lstrip().startswith("{") else _parse_dotenv(path, text)
    settings: dict[str, str] = {}
    for key, value in raw.items():
        if key not in _FILE_KEYS:
            known = ", ".join((ENV_INSTANCE_ID, ENV_TOKEN, ENV_CLIENT_TOKEN, ENV_BASE_URL))
            raise CliError(f"{path}: unknown key {key!r} (expected {known})")
        settings[_FILE_KEYS[key]] = value
    return settings


def load_credentials(
    environ: Mapping[str, str],
    *,
    file: Path | None = None,
    base_url: str | None = None,
    warn: Callable[[str], None] = lambda _: None,
) -> Credentials:
    """Credentials from ``file`` (when given), falling back to ``environ`` per key.

    ``base_url`` (the ``--base-url`` flag) wins over ``ZAPI_BASE_URL``. Raises
    :class:`CliError` naming every missing variable.
    """
    settings = {
        key: environ[key]
        for key in (ENV_INSTANCE_ID, ENV_TOKEN, ENV_CLIENT_TOKEN, ENV_BASE_URL)
        if environ.get(key)
    }
    if file is not None:
        settings.update({k: v for k, v in read_credentials_file(file, warn).items() if v})
    missing = [key for key in (ENV_INSTANCE_ID, ENV_TOKEN) if key not in settings]
    if missing:
        where = f" or in {file}" if file is not None else " or put them in a --credentials FILE"
        raise CliError(
            f"missing credentials: set {' and '.join(missing)} in the environment{where} "
            f"({ENV_CLIENT_TOKEN} too if your account requires the Client-Token header)"
        )
    url = base_url or settings.get(ENV_BASE_URL) or DEFAULT_BASE_URL
    if not url.startswith(("http://", "https://")):
        raise CliError(f"the base URL should start with http:// or https://, but was {url!r}")
    return Credentials(
        settings[ENV_INSTANCE_ID], settings[ENV_TOKEN], settings.get(ENV_CLIENT_TOKEN), url
    )


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
