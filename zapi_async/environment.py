"""Credentials from the environment or a credentials file: one reader for the
library (:meth:`ZapiClient.from_env <zapi_async.ZapiClient.from_env>`) and the CLI.

Variables: ``ZAPI_INSTANCE_ID`` and ``ZAPI_TOKEN`` (required), ``ZAPI_CLIENT_TOKEN``
(the account's security token, when the account requires the ``Client-Token``
header) and ``ZAPI_BASE_URL`` (default ``https://api.z-api.io``). A credentials
file holds the same keys, dotenv-style (``KEY=VALUE`` lines, ``#`` comments,
optional ``export``) or as a JSON object; its values win over the environment's,
key by key::

    >>> creds = load_credentials({"ZAPI_INSTANCE_ID": "3C01", "ZAPI_TOKEN": "s3cr3t"})
    >>> creds
    Credentials(instance_id='3C01', base_url='https://api.z-api.io')

Every problem raises :class:`~zapi_async.ConfigurationError` naming the variable;
no message ever contains the token or the Client-Token.
"""

from __future__ import annotations

import json
import os
import re
import stat
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs

from .config import DEFAULT_BASE_URL
from .errors import ConfigurationError

__all__ = [
    "ENV_BASE_URL",
    "ENV_CLIENT_TOKEN",
    "ENV_INSTANCE_ID",
    "ENV_TOKEN",
    "Credentials",
    "load_credentials",
    "read_credentials_file",
]

ENV_INSTANCE_ID = "ZAPI_INSTANCE_ID"
ENV_TOKEN = "ZAPI_TOKEN"
ENV_CLIENT_TOKEN = "ZAPI_CLIENT_TOKEN"
ENV_BASE_URL = "ZAPI_BASE_URL"
_ALL = (ENV_INSTANCE_ID, ENV_TOKEN, ENV_CLIENT_TOKEN, ENV_BASE_URL)

# Keys a credentials file may hold, and the environment variable each stands for.
_FILE_KEYS = {
    **{name: name for name in _ALL},
    "instance_id": ENV_INSTANCE_ID,
    "token": ENV_TOKEN,
    "client_token": ENV_CLIENT_TOKEN,
    "base_url": ENV_BASE_URL,
}
# The instance id and token go into the URL path: Z-API's alphabet only (as
# ZapiClient checks: '.', '..' or '%' would move or escape the path). The
# Client-Token goes into a header: visible ASCII, no spaces.
_PATH_SEGMENT = re.compile(r"[A-Za-z0-9_-]{1,128}")
_HEADER_VALUE = re.compile(r"[!-~]+")
_BASE_URL = re.compile(r"https?://[^\s/?#]+(?:/[^\s?#]*)?")


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
            raise ConfigurationError(str(path), f"{path} line {number}: expected KEY=VALUE")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def _parse_json(path: Path, text: str) -> dict[str, str]:
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigurationError(
            str(path), f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})"
        ) from None
    if not isinstance(data, dict):
        raise ConfigurationError(
            str(path), f"{path}: expected a JSON object with {ENV_INSTANCE_ID} and {ENV_TOKEN}"
        )
    for key, value in data.items():
        if not isinstance(value, str):
            raise ConfigurationError(str(path), f"{path}: the value of {key!r} should be a string")
    return dict(data)


def read_credentials_file(
    path: Path, warn: Callable[[str], None] = lambda _: None
) -> dict[str, str]:
    """The settings in ``path`` keyed by environment variable name.

    ``warn`` is told when the file is readable by other users (POSIX only).
    """
    try:
        text = path.read_text(encoding="utf-8")
        mode = path.stat().st_mode
    except OSError as exc:
        raise ConfigurationError(
            str(path), f"cannot read the credentials file {path}: {exc.strerror}"
        ) from None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        warn(f"warning: {path} is readable by other users; run: chmod 600 {path}")
    raw = _parse_json(path, text) if text.lstrip().startswith("{") else _parse_dotenv(path, text)
    settings: dict[str, str] = {}
    for key, value in raw.items():
        if key not in _FILE_KEYS:
            raise ConfigurationError(
                str(path), f"{path}: unknown key {key!r} (expected {', '.join(_ALL)})"
            )
        settings[_FILE_KEYS[key]] = value
    return settings


def _check(name: str, value: str, pattern: re.Pattern[str], rule: str, secret: bool) -> None:
    if pattern.fullmatch(value):
        return
    shown = "" if secret else f", but was {value!r}"
    raise ConfigurationError(name, f"{name} {rule}{shown}")


def load_credentials(
    environ: Mapping[str, str] | None = None,
    *,
    file: Path | None = None,
    base_url: str | None = None,
    overrides: Mapping[str, str | None] | None = None,
    warn: Callable[[str], None] = lambda _: None,
) -> Credentials:
    """Credentials from ``file`` (when given), falling back to ``environ`` per key.

    ``environ`` defaults to :data:`os.environ`; empty variables count as unset.
    ``base_url`` (e.g. a ``--base-url`` flag) wins over ``ZAPI_BASE_URL``;
    ``overrides`` (``{variable: value}``, ``None`` = unset) win over both sources
    and are checked the same way. Raises
    :class:`~zapi_async.ConfigurationError` naming every missing variable, or the
    malformed one (a token's value is never shown).
    """
    environ = os.environ if environ is None else environ
    settings = {key: environ[key] for key in _ALL if environ.get(key)}
    if file is not None:
        settings.update({k: v for k, v in read_credentials_file(file, warn).items() if v})
    for key, value in (overrides or {}).items():
        if value:
            settings[key] = value
        else:
            settings.pop(key, None)
    missing = [key for key in (ENV_INSTANCE_ID, ENV_TOKEN) if key not in settings]
    if missing:
        where = f" or in {file}" if file is not None else " or put them in a credentials file"
        raise ConfigurationError(
            missing[0],
            f"missing credentials: set {' and '.join(missing)} in the environment{where} "
            f"({ENV_CLIENT_TOKEN} too if your account requires the Client-Token header)",
        )
    segment = "should be 1-128 letters, digits, '-' or '_' (no spaces, '/', '.', '?', '#' or '%')"
    _check(ENV_INSTANCE_ID, settings[ENV_INSTANCE_ID], _PATH_SEGMENT, segment, secret=False)
    _check(ENV_TOKEN, settings[ENV_TOKEN], _PATH_SEGMENT, segment, secret=True)
    client_token = settings.get(ENV_CLIENT_TOKEN)
    if client_token is not None:
        rule = "should be printable ASCII without spaces (it is sent as a header)"
        _check(ENV_CLIENT_TOKEN, client_token, _HEADER_VALUE, rule, secret=True)
    url = base_url or settings.get(ENV_BASE_URL) or DEFAULT_BASE_URL
    if not url.startswith(("http://", "https://")):
        raise ConfigurationError(
            ENV_BASE_URL, f"the base URL should start with http:// or https://, but was {url!r}"
        )
    _check(ENV_BASE_URL, url, _BASE_URL, "should be an http(s) URL with a host", secret=False)
    return Credentials(settings[ENV_INSTANCE_ID], settings[ENV_TOKEN], client_token, url)
