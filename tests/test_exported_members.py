"""The public namespace: ``__all__`` is exactly what ``zapi_async`` defines, sorted,
and every name resolves (after httpx's ``tests/test_exported_members.py``)."""

import inspect
import types

import pytest

import zapi_async
from zapi_async import webhooks

#: Names in ``zapi_async``'s namespace that are machinery, not API.
NOT_EXPORTED = {"TYPE_CHECKING", "Any", "annotations", "import_module", "logging"}


def _defined(module: types.ModuleType, lazy: dict[str, str]) -> set[str]:
    names = {
        name
        for name, value in vars(module).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name not in NOT_EXPORTED
    }
    return names | set(lazy)


def test_all_is_what_the_package_defines() -> None:
    assert set(zapi_async.__all__) == _defined(zapi_async, zapi_async._LAZY)
    assert zapi_async.__all__ == sorted(zapi_async.__all__)
    assert len(set(zapi_async.__all__)) == len(zapi_async.__all__)


def test_the_webhooks_namespace_is_what_it_defines() -> None:
    assert set(webhooks.__all__) == _defined(webhooks, {"make_fastapi_router": ""})
    assert webhooks.__all__ == sorted(webhooks.__all__)


@pytest.mark.parametrize("name", zapi_async.__all__)
def test_public_names_are_importable_and_documented(name: str) -> None:
    value = getattr(zapi_async, name)
    assert value is not None
    if inspect.isclass(value) or inspect.isfunction(value):
        assert (getattr(value, "__doc__", None) or "").strip(), f"{name} has no docstring"


def test_no_public_name_means_two_things() -> None:
    shared = set(zapi_async.__all__) & set(webhooks.__all__)
    for name in shared:
        assert getattr(zapi_async, name) is getattr(webhooks, name), name


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchThing"):
        getattr(zapi_async, "NoSuchThing")  # noqa: B009
