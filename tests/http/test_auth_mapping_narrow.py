"""Only 401/403, or a 400 with Z-API's Client-Token texts, is an AuthenticationError
(issue 19 item 13): a 4xx that merely mentions a client token must not stop a run."""

from __future__ import annotations

import pytest

from tests.support.fake_zapi import FakeZapi, error, text
from zapi_async import AuthenticationError, ZapiClient, ZapiHTTPError


@pytest.mark.parametrize(
    ("status", "message", "auth"),
    [
        (400, "your client-token is not configured", True),
        (400, "Client-Token null not allowed", True),
        (401, "whatever", True),
        (403, "forbidden", True),
        (404, "no such client token route", False),
        (409, "client token conflict", False),
        (422, "field 'client token' is not a phone", False),
        (400, "invalid phone", False),
    ],
)
async def test_auth_mapping(
    fake_zapi: FakeZapi, zapi: ZapiClient, status: int, message: str, auth: bool
) -> None:
    async def answer(request: object) -> object:
        return error(status, message)

    fake_zapi.then(answer)  # type: ignore[arg-type]
    with pytest.raises(ZapiHTTPError) as info:
        await zapi.send(text("5511999999999", "hi"))
    assert isinstance(info.value, AuthenticationError) is auth
    assert info.value.status == status
