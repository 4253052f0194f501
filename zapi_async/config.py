"""Small frozen value objects configuring the client's connection pool and timeouts."""

from __future__ import annotations

from typing import Any

import attrs

from .errors import SettingsError

__all__ = ["DEFAULT_BASE_URL", "PoolLimits", "Timeouts"]

#: Z-API's production API.
DEFAULT_BASE_URL = "https://api.z-api.io"


def _positive_or_none(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    # `not value > 0` also refuses NaN.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise SettingsError(
            f"{type(instance).__name__}.{attribute.name} should be a positive number "
            f"or None, but was {value!r}"
        )


def _non_negative_int(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SettingsError(
            f"{type(instance).__name__}.{attribute.name} should be an integer >= 0 "
            f"(0 = unlimited), but was {value!r}"
        )


@attrs.frozen(kw_only=True)
class PoolLimits:
    """Connection pool settings for the client's :class:`aiohttp.TCPConnector`.

    * ``max_connections``: open connections in total (0 = unlimited). Default 100.
    * ``max_connections_per_host``: per host (0 = unlimited). Default 0: every request
      goes to one host, so the total limit is the one that matters.
    * ``keepalive_timeout``: seconds an idle connection is kept for reuse. Default 15.
    * ``dns_cache_ttl``: seconds a DNS answer is cached. Default 300.
    """

    max_connections: int = attrs.field(default=100, validator=_non_negative_int)
    max_connections_per_host: int = attrs.field(default=0, validator=_non_negative_int)
    keepalive_timeout: float = attrs.field(default=15.0, validator=_positive_or_none)
    dns_cache_ttl: int | None = attrs.field(default=300, validator=_positive_or_none)


@attrs.frozen(kw_only=True)
class Timeouts:
    """Per-request timeouts in seconds (``None`` disables one).

    * ``connect``: getting a connection, pool wait included. Default 10. Expiry means
      nothing was sent, so it is retried like a connection failure.
    * ``read``: waiting for the answer, from the moment the request has its
      connection (Z-API answers with one small document). Default 30.
    * ``total``: the whole request. Default 60.

    A ``read`` or ``total`` expiry happens after the body may have reached Z-API and
    raises :class:`~zapi_async.DeliveryUnknownError`; a ``total`` expiry while the
    request still waits for a pooled connection means nothing was sent and raises
    :class:`~zapi_async.ZapiConnectionError`. The client's own session runs both on
    one timer per request; a borrowed ``session=`` keeps its own timeouts and
    reports any timeout as unknown.
    """

    connect: float | None = attrs.field(default=10.0, validator=_positive_or_none)
    read: float | None = attrs.field(default=30.0, validator=_positive_or_none)
    total: float | None = attrs.field(default=60.0, validator=_positive_or_none)
