"""Checks a webhook request must pass before any handler runs.

Z-API signs nothing: a webhook request carries no signature or token proving it came
from Z-API. Anyone who learns your webhook URL can POST forged button presses. What
you can do, and what :class:`WebhookSecurity` offers:

* a **secret** only you and Z-API know, as the last path segment of the webhook URL
  you register in Z-API (``https://bot.example.com/zapi/<secret>``) or in a header
  (``X-Webhook-Secret`` by default; useful when a proxy in front adds it). It is
  compared in constant time. Failing requests get **403**.
* the expected **instance id**: payloads naming another instance get **403**.
* the **instance token** Z-API sends in a ``z-api-token`` header (``instance_token=``,
  off by default). Several integrators observe the header on every webhook; Z-API
  does **not document** it, so turn it on only after checking your instance sends
  it. Compared in constant time; never logged or echoed. Requests without it or
  with another value get **403**.
* a **body size limit**: larger bodies get **413** without being read in full.

Malformed bodies (not a JSON object) get **400**. None of these reach handlers.
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

import attrs

from ..errors import SettingsError

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "DEFAULT_SECRET_HEADER",
    "DEFAULT_TOKEN_HEADER",
    "WebhookSecurity",
]

#: Default body size limit: 1 MiB (Z-API sends media as URLs, so payloads are small).
DEFAULT_MAX_BODY_BYTES = 1024 * 1024
#: Default header carrying the shared secret.
DEFAULT_SECRET_HEADER = "X-Webhook-Secret"
#: The header Z-API's webhook requests carry the instance token in (undocumented).
DEFAULT_TOKEN_HEADER = "z-api-token"


def _check_secret(instance: WebhookSecurity, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not value or "/" in value or not value.isprintable():
        # Never echo the value: it is a credential.
        raise SettingsError(
            "WebhookSecurity.secret should be a non-empty printable string without '/'"
        )


def _check_token(instance: WebhookSecurity, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is None:
        return
    if not isinstance(value, str) or not value or not value.isprintable():
        raise SettingsError("WebhookSecurity.instance_token should be a non-empty printable string")


def _check_limit(instance: WebhookSecurity, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise SettingsError(
            f"WebhookSecurity.max_body_bytes should be an integer >= 1, but was {value!r}"
        )


def _hidden(value: str | None) -> str:
    return "None" if value is None else "'***'"


@attrs.frozen(kw_only=True)
class WebhookSecurity:
    """What a webhook request must satisfy (frozen; all checks optional).

    * ``secret``: shared secret accepted as the final URL path segment or in the
      ``secret_header`` header (default ``X-Webhook-Secret``). Default ``None``:
      no secret check. Never shown in ``repr``.
    * ``instance_id``: the Z-API instance whose events you accept. Default
      ``None``: any. Payloads without ``instanceId`` are refused too, unless
      ``allow_missing_instance_id`` is true (default false).
    * ``instance_token``: the instance token the request must carry in the
      ``token_header`` header (default ``z-api-token``, which Z-API sends but does
      not document). Default ``None``: not checked. Never shown in ``repr``.
    * ``max_body_bytes``: largest accepted body in bytes. Default 1 MiB.
    """

    secret: str | None = attrs.field(default=None, validator=_check_secret, repr=_hidden)
    secret_header: str = DEFAULT_SECRET_HEADER
    instance_id: str | None = None
    allow_missing_instance_id: bool = False
    max_body_bytes: int = attrs.field(default=DEFAULT_MAX_BODY_BYTES, validator=_check_limit)
    instance_token: str | None = attrs.field(default=None, validator=_check_token, repr=_hidden)
    token_header: str = DEFAULT_TOKEN_HEADER

    def secret_ok(self, *, header: str | None = None, path_segment: str | None = None) -> bool:
        """``True`` if no secret is configured, or ``header`` or ``path_segment`` matches it.

        Comparison is constant-time.
        """
        if self.secret is None:
            return True
        expected = _raw(self.secret)
        return any(
            candidate is not None and hmac.compare_digest(_raw(candidate), expected)
            for candidate in (header, path_segment)
        )

    def token_ok(self, header: str | None) -> bool:
        """``True`` if no ``instance_token`` is configured, or ``header`` (the value of
        ``token_header``) equals it. Constant-time."""
        if self.instance_token is None:
            return True
        return header is not None and hmac.compare_digest(_raw(header), _raw(self.instance_token))

    def instance_ok(self, payload: Mapping[str, Any]) -> bool:
        """``True`` if the payload's ``instanceId`` is the expected one (or none is expected)."""
        if self.instance_id is None:
            return True
        got = payload.get("instanceId")
        if got is None:
            return self.allow_missing_instance_id
        return isinstance(got, str) and hmac.compare_digest(_raw(got), _raw(self.instance_id))


def _raw(text: str) -> bytes:
    """``text`` as bytes, whatever it holds: servers decode non-UTF-8 header bytes
    to lone surrogates, which a plain ``encode()`` refuses (a 500 instead of a 403)."""
    return text.encode("utf-8", "surrogatepass")
