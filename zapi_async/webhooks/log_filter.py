"""Keep the webhook secret out of access logs.

A path secret (``/zapi/<secret>``) is part of every request line, and access logs
print request lines: uvicorn's ``"POST /zapi/<secret> HTTP/1.1" 200``, aiohttp's
``"POST /zapi/<secret> HTTP/1.1" 200 ...``. Either turn the access log off
(``uvicorn --no-access-log``; ``web.AppRunner(app, access_log=None)``) or install
:class:`SecretLogFilter` on the access loggers::

    SecretLogFilter(secret).install()   # uvicorn.access and aiohttp.access

and the line reads ``"POST /zapi/*** HTTP/1.1" 200``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from ..errors import SettingsError

__all__ = ["ACCESS_LOGGERS", "SecretLogFilter"]

#: The loggers uvicorn and aiohttp write their access lines to.
ACCESS_LOGGERS = ("uvicorn.access", "aiohttp.access")
#: Shown in place of the secret.
MASK = "***"


class SecretLogFilter(logging.Filter):
    """A :class:`logging.Filter` replacing ``secret`` with ``***`` in a record's
    message and arguments (the record is kept, only the secret goes).

    ``secret`` must not be empty (:class:`~zapi_async.SettingsError`); it never
    appears in the filter's ``repr``.
    """

    def __init__(self, secret: str) -> None:
        if not isinstance(secret, str) or not secret:
            raise SettingsError("SecretLogFilter.secret should be a non-empty string")
        super().__init__()
        self._secret = secret

    def __repr__(self) -> str:
        return "SecretLogFilter(secret=***)"

    def _hide(self, value: Any) -> Any:
        if isinstance(value, (int, float)) or value is None:
            return value  # numbers keep %d formatting
        text = value if isinstance(value, str) else str(value)
        return text.replace(self._secret, MASK) if self._secret in text else value

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask the secret in ``record``; always keeps the record."""
        if isinstance(record.msg, str) and self._secret in record.msg:
            record.msg = record.msg.replace(self._secret, MASK)
        if isinstance(record.args, Mapping):
            record.args = {key: self._hide(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(self._hide(value) for value in record.args)
        return True

    def install(self, loggers: Iterable[str] = ACCESS_LOGGERS) -> SecretLogFilter:
        """Add this filter to each named logger (default :data:`ACCESS_LOGGERS`);
        returns the filter (``logging.getLogger(name).removeFilter(it)`` undoes it)."""
        for name in loggers:
            logging.getLogger(name).addFilter(self)
        return self
