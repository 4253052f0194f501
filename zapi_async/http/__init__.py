"""One request to Z-API: the transport (session, URLs, redaction), the response ->
error map, and the retry policy with its loop."""

from .redaction import REDACTED, Redactor
from .responses import decode_body, error_for_status, parse_retry_after
from .retry import RetryObserver, RetryPolicy, request_with_retries
from .transport import Transport

__all__ = [
    "REDACTED",
    "Redactor",
    "RetryObserver",
    "RetryPolicy",
    "Transport",
    "decode_body",
    "error_for_status",
    "parse_retry_after",
    "request_with_retries",
]
