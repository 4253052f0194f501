"""The package imports and exposes its documented API."""

import zapi_async


def test_public_names_are_importable() -> None:
    for name in zapi_async.__all__:
        assert getattr(zapi_async, name) is not None, name
