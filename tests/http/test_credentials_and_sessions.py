"""Instance ids and tokens are restricted to Z-API's alphabet; a borrowed session
closed by its owner and a second event loop give clear errors (issue 19 items 12, 13)."""

from __future__ import annotations

import asyncio

import aiohttp
import pytest

from tests.support.credentials import TOKENS
from tests.support.fake_zapi import FakeZapi, text
from zapi_async import ClientClosedError, RetryPolicy, ValidationError, ZapiClient


@pytest.mark.parametrize(
    ("instance", "token", "client_token", "field"),
    [
        ("../../x", "TOKEN", None, "ZapiClient.instance_id"),
        ("ABC#frag", "TOKEN", None, "ZapiClient.instance_id"),
        ("ABC", "TOK/../../X", None, "ZapiClient.token"),
        ("ABC", "TOK#x", None, "ZapiClient.token"),
        ("ABC", "TOK%2F..", None, "ZapiClient.token"),
        ("ABC", "TOK?a=1", None, "ZapiClient.token"),
        ("ABC", "TOK EN", None, "ZapiClient.token"),
        ("ABC", "", None, "ZapiClient.token"),
        ("ABC", "TOKEN", "CT\r\nX-Evil: 1", "ZapiClient.client_token"),
        ("ABC", "TOKEN", "CT é", "ZapiClient.client_token"),
    ],
)
def test_credentials_outside_zapis_alphabet_are_refused(
    instance: str, token: str, client_token: str | None, field: str
) -> None:
    with pytest.raises(ValidationError) as info:
        ZapiClient(instance, token, client_token=client_token)
    assert info.value.field == field
    if field != "ZapiClient.instance_id":
        assert "(the value is not shown)" in str(info.value)
        assert token not in str(info.value) or not token
        assert client_token is None or client_token not in str(info.value)


def test_zapis_real_shapes_are_taken() -> None:
    ZapiClient(
        "3C6F0D1E2A4B58C9D7E6F5A4B3C2D1E0", "A1B2C3D4E5F6G7H8I9J0K1L2", client_token="F0ab-_"
    )


async def test_a_borrowed_session_closed_by_its_owner_gives_outcomes(fake_zapi: FakeZapi) -> None:
    session = aiohttp.ClientSession()
    zapi = ZapiClient(
        "INSTANCE-A",
        TOKENS["INSTANCE-A"],
        base_url=fake_zapi.base_url,
        session=session,
        retry=RetryPolicy.never(),
    )
    await zapi.send(text("5511900000001", "before"))
    await session.close()
    outcomes = [o async for o in zapi.send_many([text("5511900000002", "after")])]
    assert [o.status for o in outcomes] == ["failed"]
    assert isinstance(outcomes[0].error, ClientClosedError)
    assert "closed by its owner" in str(outcomes[0].error)
    with pytest.raises(ClientClosedError, match="closed by its owner"):
        await zapi.send(text("5511900000002", "after"))


def test_a_client_used_from_a_second_loop_says_so_and_opens_nothing() -> None:
    zapi = ZapiClient("INSTANCE-A", TOKENS["INSTANCE-A"], base_url="http://127.0.0.1:9")
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(_open(zapi))
        session = zapi._transport._session
        other = asyncio.new_event_loop()
        try:
            other.run_until_complete(_expect_other_loop(zapi))
        finally:
            other.close()
        assert zapi._transport._session is session  # no second session was opened
    finally:
        loop.run_until_complete(zapi.close())
        loop.close()


async def _open(zapi: ZapiClient) -> None:
    zapi._transport.open_session()


async def _expect_other_loop(zapi: ZapiClient) -> None:
    with pytest.raises(ClientClosedError, match="opened in another event loop"):
        await zapi.send(text("5511900000001", "x"))
