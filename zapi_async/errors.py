"""The zapi_async exception tree.

Every exception the library raises derives from :class:`ZapiError`::

    ZapiError
    ├── ValidationError            (also a ValueError) bad input, raised before any I/O
    │   └── SettingsError          a settings object given a value outside its range
    ├── ConfigurationError         (also a ValueError) a missing or malformed ZAPI_*
    │                              setting (environment or credentials file)
    ├── ZapiHTTPError              Z-API answered with an error status
    │   ├── SendRefusedError       a send answered 200 with {"error": ...}
    │   ├── AuthenticationError    401/403 or a Client-Token failure
    │   ├── MethodNotAllowedError  405
    │   ├── UnsupportedMediaTypeError  415
    │   ├── RateLimitedError       429, carries ``retry_after``
    │   └── ServerError            5xx
    ├── ResponseFormatError        a 2xx body that is not the documented shape
    ├── WireFormatError            (also a ValueError) JSON that does not fit the model
    │                              it should become
    ├── ZapiConnectionError        the request never reached Z-API (safe to retry)
    ├── DeliveryUnknownError       (also a TimeoutError) the request may have reached Z-API
    ├── PartialSendError           a split message failed after some parts were sent
    ├── ClientClosedError          (also a RuntimeError) the client (or its session) was
    │                              closed, or is used from another event loop
    ├── UnexpectedSendError        a send raised outside this tree (a bug): ``failed``
    ├── NotSentError               held back before sending: Z-API never saw it
    │   ├── QueueClosedError       submit() on a closed SendQueue, or closed before sending
    │   ├── DailyCapReachedError   the pacing profile's daily cap is reached
    │   └── LimiterUnavailableError (also a ConnectionError) the shared limiter's Redis
    │                              stayed unreachable
    ├── InstanceDisconnectedError  the instance's phone is not connected
    ├── DownloadError              a media download failed (status, redirect, stream)
    │   ├── DownloadTooLargeError  the media is bigger than ``max_bytes``
    │   ├── DownloadTimeoutError   (also a TimeoutError) the media host was too slow
    │   └── DownloadTypeError      the media host sent another type than expected
    ├── WebhookError               (also a ValueError) a webhook body that cannot be parsed
    ├── RouterClosedError          (also a RuntimeError) a webhook submitted to a closed
    │                              WebhookRouter
    ├── CommandLineError           the zapi-async command stops with a message and an
    │   │                          exit code
    │   └── QrRenderError          the terminal cannot draw the pairing QR code
    ├── RouterBusyError            (also a RuntimeError) ``max_pending`` handlers running
    ├── EventNotBoundError         (also a RuntimeError) a reply helper on an event no
    │                              router bound to a client
    └── CampaignError              a campaign in Redis cannot be created or used as asked
        ├── CampaignNotFoundError  (also a LookupError) no campaign of that name
        └── CampaignExistsError    a campaign of that name exists (or its input changed)

Messages and ``args`` never contain the instance token or the Client-Token: endpoints
are always shown in their redacted form (``/instances/<id>/token/***/send-text``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Protocol


class SentPart(Protocol):
    """What :class:`PartialSendError` needs of a sent part's result (a
    :class:`~zapi_async.SendResult`); a protocol keeps this module below the models."""

    @property
    def message_id(self) -> str: ...

    @property
    def zaap_id(self) -> str: ...


class ZapiError(Exception):
    """Root of every error raised by zapi_async."""


class ValidationError(ZapiError, ValueError):
    """Input that Z-API would reject (or that would break on WhatsApp), caught locally.

    ``field`` names the offending field (``"buttons[2].url"``), ``rule`` says what
    was expected.
    """

    def __init__(self, field: str, rule: str) -> None:
        self.field = field
        self.rule = rule
        super().__init__(f"{field}: {rule}")


class ConfigurationError(ZapiError, ValueError):
    """A missing or malformed setting: an environment variable or a credentials file.

    ``setting`` names the variable (``"ZAPI_TOKEN"``) or the file; the message says
    what is wrong and never contains the value of a secret.
    """

    def __init__(self, setting: str, problem: str) -> None:
        self.setting = setting
        self.problem = problem
        super().__init__(problem)


class SettingsError(ValidationError):
    """A settings value outside its documented range (``PoolLimits``, ``Timeouts``,
    ``RetryPolicy``, limiters, ``PacingProfile``, queue sizes, webhook security...).

    Raised at construction; the message names the setting first
    (``RetryPolicy.max_attempts should be a number >= 1, but was 0``) and
    ``field`` holds that name.
    """

    def __init__(self, message: str) -> None:
        setting, _, rule = message.partition(" ")
        super().__init__(setting, rule)
        self.args = (message,)


class ZapiHTTPError(ZapiError):
    """Z-API answered with a non-2xx status (or, :class:`SendRefusedError`, a 200
    whose body is an error).

    Attributes: ``status`` (HTTP status), ``error`` (Z-API's error text, if any),
    ``body`` (the raw decoded body: a dict for JSON, else the text), ``endpoint``
    (redacted path) and ``method``.
    """

    hint: str = ""

    def __init__(
        self,
        status: int,
        *,
        endpoint: str,
        method: str = "POST",
        error: str | None = None,
        body: Any = None,
    ) -> None:
        self.status = status
        self.endpoint = endpoint
        self.method = method
        self.error = error
        self.body = body
        detail = f": {error}" if error else ""
        hint = f" ({self.hint})" if self.hint else ""
        super().__init__(f"{method} {endpoint} -> HTTP {status}{detail}{hint}")


class SendRefusedError(ZapiHTTPError):
    """A send answered **200** with ``{"error": "..."}`` instead of its ids.

    Integrators report Z-API refusing sends this way. ``status`` is 200, ``error``
    Z-API's text, ``body`` the (redacted) body. Nothing was sent; it is not retried
    and counts as ``failed`` in bulk outcomes.
    """

    hint = "Z-API refused the send although it answered 200"


class AuthenticationError(ZapiHTTPError):
    """Wrong instance id/token, or a missing/invalid ``Client-Token`` header."""

    hint = (
        "check the instance id and token, and pass client_token= if your account has "
        "the Client-Token security header enabled"
    )


class MethodNotAllowedError(ZapiHTTPError):
    """HTTP 405: the endpoint does not accept this method."""

    hint = "the endpoint expects a different HTTP method"


class UnsupportedMediaTypeError(ZapiHTTPError):
    """HTTP 415: the request lacked ``Content-Type: application/json``."""

    hint = "send the body as JSON with Content-Type: application/json"


class RateLimitedError(ZapiHTTPError):
    """HTTP 429. ``retry_after`` is the server's requested pause in seconds, if given."""

    def __init__(
        self,
        status: int,
        *,
        endpoint: str,
        method: str = "POST",
        error: str | None = None,
        body: Any = None,
        retry_after: float | None = None,
    ) -> None:
        self.retry_after = retry_after
        super().__init__(status, endpoint=endpoint, method=method, error=error, body=body)


class ServerError(ZapiHTTPError):
    """HTTP 5xx from Z-API or a proxy in front of it."""


class ResponseFormatError(ZapiError):
    """A success response whose body is not the documented shape."""

    def __init__(self, endpoint: str, problem: str, body: Any = None) -> None:
        self.endpoint = endpoint
        self.problem = problem
        self.body = body
        super().__init__(f"unexpected response from {endpoint}: {problem}")


class ZapiConnectionError(ZapiError):
    """The request could not be delivered (DNS, refused, reset before sending).

    Z-API never saw the request, so it is safe to retry.
    """

    def __init__(self, endpoint: str, reason: str) -> None:
        self.endpoint = endpoint
        self.reason = reason
        super().__init__(f"could not reach Z-API for {endpoint}: {reason}")


class DeliveryUnknownError(ZapiError, TimeoutError):
    """The request may or may not have been processed by Z-API.

    Raised for a timeout or dropped connection after the body may have been sent.
    Retrying could send the WhatsApp message twice, so it is not retried unless the
    :class:`~zapi_async.RetryPolicy` opts in.
    """

    def __init__(self, endpoint: str, reason: str) -> None:
        self.endpoint = endpoint
        self.reason = reason
        super().__init__(
            f"outcome unknown for {endpoint} (the message may have been sent): {reason}"
        )


class PartialSendError(ZapiError):
    """A split message failed part-way.

    ``sent`` holds the results of the parts that went out (in order), ``failed_part``
    the 0-based index of the part that failed, ``total_parts`` the number of parts;
    the underlying error is ``__cause__`` and ``error``.
    """

    def __init__(
        self,
        sent: Sequence[SentPart],
        failed_part: int,
        total_parts: int,
        error: ZapiError,
    ) -> None:
        self.sent = list(sent)
        self.failed_part = failed_part
        self.total_parts = total_parts
        self.error = error
        ids = ", ".join(r.message_id for r in self.sent) or "none"
        super().__init__(
            f"part {failed_part + 1} of {total_parts} failed after {len(self.sent)} "
            f"part(s) were sent (message ids: {ids}): {error}"
        )


class ClientClosedError(ZapiError, RuntimeError):
    """The :class:`~zapi_async.ZapiClient` was closed; create a new one."""


class UnexpectedSendError(ZapiError):
    """A send raised outside this tree (a bug): an outcome in ``SendQueue`` and
    ``send_many``, never an abort. ``error`` (also ``__cause__``) is the original,
    ``reason`` its type and message. ``maybe_sent`` says a request had gone out when
    it happened: the outcome is then ``unknown`` (never re-sent), else ``failed``."""

    def __init__(self, error: BaseException, *, maybe_sent: bool = False) -> None:
        self.error = error
        self.maybe_sent = maybe_sent
        self.reason = f"{type(error).__name__}: {error}"
        after = " after a request went out (it may have been delivered)" if maybe_sent else ""
        super().__init__(f"the send failed unexpectedly{after}: {self.reason}")
        self.__cause__ = error


class NotSentError(ZapiError):
    """The library held a message back before sending it: Z-API never saw it.

    Base of errors that leave a message safe to send again later unchanged.
    """


class QueueClosedError(NotSentError):
    """The :class:`~zapi_async.SendQueue` is closed and accepts no more messages."""


class DailyCapReachedError(NotSentError):
    """The instance reached its daily message cap; nothing was sent."""

    def __init__(self, cap: int, day: date) -> None:
        self.cap = cap
        self.day = day
        super().__init__(f"daily cap of {cap} messages reached for {day.isoformat()} (UTC)")


class LimiterUnavailableError(NotSentError, ConnectionError):
    """The shared limiter's store (Redis) stayed unreachable; nothing was sent.

    ``key`` is the limiter's Redis key, ``waited`` the seconds spent retrying and
    ``reason`` the last error seen (type and message).
    """

    def __init__(self, key: str, waited: float, reason: str) -> None:
        self.key = key
        self.waited = waited
        self.reason = reason
        super().__init__(
            f"shared rate limit store unreachable for {waited:.2f}s (key {key!r}); "
            f"refusing to send without it: {reason}"
        )


class InstanceDisconnectedError(ZapiError):
    """The Z-API instance reports that its phone is not connected."""

    def __init__(self, error: str | None) -> None:
        self.error = error
        super().__init__(f"the Z-API instance is not connected: {error or 'no detail'}")


class WireFormatError(ZapiError, ValueError):
    """A JSON document that does not fit the class it should become.

    ``errors`` holds each problem as ``"<what is wrong> @ <JSON path>"``; the message
    joins them with ``"; "``.
    """

    def __init__(self, *errors: str) -> None:
        self.errors = errors
        super().__init__("; ".join(errors))


class DownloadError(ZapiError):
    """A media download failed: ``url`` (shown without its query string, which may
    hold a signature), ``reason``, and the HTTP ``status`` when there was one."""

    def __init__(self, url: str, reason: str, *, status: int | None = None) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        super().__init__(f"download of {url} failed: {reason}")


class DownloadTooLargeError(DownloadError):
    """The media is bigger than the download's ``max_bytes``; nothing is kept."""

    def __init__(self, url: str, max_bytes: int, size: int | None = None) -> None:
        self.max_bytes = max_bytes
        self.size = size
        told = f" (the host announced {size} bytes)" if size is not None else ""
        super().__init__(url, f"more than max_bytes={max_bytes} bytes{told}")


class DownloadTimeoutError(DownloadError, TimeoutError):
    """The media host did not deliver the whole file within the download's timeout."""


class DownloadTypeError(DownloadError):
    """The media host's ``Content-Type`` is not the type the content announced."""

    def __init__(self, url: str, content_type: str, expected: str) -> None:
        self.content_type = content_type
        self.expected = expected
        super().__init__(url, f"the host sent {content_type!r}, expected {expected}")


class WebhookError(ZapiError, ValueError):
    """A webhook request body that is not a JSON object."""


class CommandLineError(ZapiError):
    """A failure the ``zapi-async`` command reports as one message (no traceback),
    with the process exit code it ends with (2, a usage or input error, by default)."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        self.exit_code = exit_code
        super().__init__(message)


class RouterClosedError(ZapiError, RuntimeError):
    """:meth:`WebhookRouter.submit` after :meth:`WebhookRouter.aclose`."""


class RouterBusyError(ZapiError, RuntimeError):
    """:meth:`WebhookRouter.submit` while ``max_pending`` dispatches run (adapters: 503)."""


class EventNotBoundError(ZapiError, RuntimeError):
    """``event.reply_text()`` (or ``reply``/``react``) on an event not bound to a client:
    dispatch it through ``WebhookRouter(client=...)`` or call ``event.bind(client)``."""


class QrRenderError(CommandLineError):
    """``zapi-async qr`` cannot draw the QR code in this terminal (the reason is the
    message); the command then saves the image instead."""


class CampaignError(ZapiError):
    """A campaign (:mod:`zapi_async.campaigns`) cannot be created or used as asked."""


class CampaignNotFoundError(CampaignError, LookupError):
    """No campaign of that name in this Redis."""


class CampaignExistsError(CampaignError):
    """A campaign of that name exists already, with other settings or other input."""


#: Every error class above (in the order of the tree), and :class:`SentPart`.
__all__ = [
    name
    for name, value in list(globals().items())
    if getattr(value, "__module__", None) == __name__
]
