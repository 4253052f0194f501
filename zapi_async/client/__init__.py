"""``ZapiClient``, the library's face: one Z-API instance, its sends and calls."""

from .zapi_client import RetryObserver, ZapiClient

__all__ = ["RetryObserver", "ZapiClient"]
