"""The ``zapi-async`` command line (also ``python -m zapi_async``) and the demo."""

from .app import main

__all__ = ["main"]
