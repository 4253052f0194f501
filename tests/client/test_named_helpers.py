"""Every named send helper is made from its model, so it cannot drift from it."""

from __future__ import annotations

import inspect

import pytest

from zapi_async import SendResult, ZapiClient
from zapi_async.client.send_helper import SendHelper

#: ``send_*`` methods that are not "one model, built from its fields".
NOT_HELPERS = {"send", "send_parts", "send_many", "send_button_actions"}


def _helpers() -> dict[str, SendHelper[..., object]]:  # type: ignore[type-var]
    found: dict[str, SendHelper[..., object]] = {}  # type: ignore[type-var]
    for cls in reversed(ZapiClient.__mro__):
        for name, value in vars(cls).items():
            if isinstance(value, SendHelper):
                found[name] = value
    return found


HELPERS = _helpers()


def test_every_named_send_method_is_a_helper_made_from_a_model() -> None:
    named = {n for n in dir(ZapiClient) if n.startswith("send_") and n not in NOT_HELPERS}
    assert named == set(HELPERS)
    assert {"send_text", "send_button_list", "send_image", "send_carousel"} <= named


@pytest.mark.parametrize("name", sorted(HELPERS))
def test_a_helper_takes_exactly_its_constructors_fields(name: str) -> None:
    helper = inspect.signature(getattr(ZapiClient, name))
    constructor = inspect.signature(HELPERS[name].model)
    assert next(iter(helper.parameters)) == "self"
    assert list(helper.parameters.values())[1:] == list(constructor.parameters.values())
    assert helper.return_annotation is SendResult


async def test_a_helper_refuses_a_message_of_another_kind() -> None:
    from zapi_async import TextMessage

    zapi = ZapiClient("I1", "T1", base_url="http://127.0.0.1:9")
    with pytest.raises(TypeError, match=r"send_image\(\) does not take a TextMessage"):
        await zapi.send_image(TextMessage("5511999999999", "hi"))  # type: ignore[call-overload]
    with pytest.raises(TypeError, match=r"send_text\(\) takes a TextMessage alone"):
        await zapi.send_text(TextMessage("5511999999999", "hi"), "extra")  # type: ignore[call-overload]
    await zapi.close()
