"""ZapiClient.from_env and zapi_async.environment: one reader of ZAPI_* for the
library and the CLI; every missing or malformed variable named (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pytest

from zapi_async import ConfigurationError, RetryPolicy, ZapiClient
from zapi_async.config import DEFAULT_BASE_URL
from zapi_async.environment import load_credentials

TOKEN = "SECRET-ENV-TOKEN-77aa"
CLIENT_TOKEN = "SECRET-ENV-CLIENT-TOKEN-1b2c"
GOOD = {
    "ZAPI_INSTANCE_ID": "3C01A2B3",
    "ZAPI_TOKEN": TOKEN,
    "ZAPI_CLIENT_TOKEN": CLIENT_TOKEN,
    "ZAPI_BASE_URL": "http://127.0.0.1:8080",
}
HINT = "(ZAPI_CLIENT_TOKEN too if your account requires the Client-Token header)"


def without(*names: str, **changes: str) -> dict[str, str]:
    env = {k: v for k, v in GOOD.items() if k not in names}
    env.update(changes)
    return env


async def test_from_env_reads_every_variable() -> None:
    client = ZapiClient.from_env(environ=GOOD)
    assert (client.instance_id, client.base_url) == ("3C01A2B3", "http://127.0.0.1:8080")
    assert client._transport._headers["Client-Token"] == CLIENT_TOKEN
    assert TOKEN not in repr(client)
    assert CLIENT_TOKEN not in repr(client)
    await client.close()


def test_from_env_defaults_and_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in GOOD:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ZAPI_INSTANCE_ID", "ENVIRON-ID")
    monkeypatch.setenv("ZAPI_TOKEN", TOKEN)
    client = ZapiClient.from_env()
    assert (client.instance_id, client.base_url) == ("ENVIRON-ID", DEFAULT_BASE_URL)
    assert "Client-Token" not in client._transport._headers


def test_overrides_win_and_other_keywords_go_to_the_client() -> None:
    retry = RetryPolicy.never()
    client = ZapiClient.from_env(
        environ=without("ZAPI_INSTANCE_ID"), instance_id="GIVEN", client_token=None, retry=retry
    )
    assert client.instance_id == "GIVEN"
    assert client.retry is retry
    assert "Client-Token" not in client._transport._headers


def test_a_credentials_file_wins_over_the_environment_but_not_overrides(tmp_path: Path) -> None:
    file = tmp_path / "zapi.env"
    file.write_text("export ZAPI_INSTANCE_ID=FROM-FILE\nZAPI_BASE_URL='https://proxy.example'\n")
    file.chmod(0o600)
    client = ZapiClient.from_env(environ=GOOD, credentials_file=file)
    assert (client.instance_id, client.base_url) == ("FROM-FILE", "https://proxy.example")
    client = ZapiClient.from_env(environ=GOOD, credentials_file=str(file), instance_id="KW")
    assert client.instance_id == "KW"


@pytest.mark.parametrize(
    ("env", "setting", "message"),
    [
        (
            {},
            "ZAPI_INSTANCE_ID",
            "missing credentials: set ZAPI_INSTANCE_ID and ZAPI_TOKEN in the environment or "
            f"put them in a credentials file {HINT}",
        ),
        (
            without("ZAPI_INSTANCE_ID"),
            "ZAPI_INSTANCE_ID",
            "missing credentials: set ZAPI_INSTANCE_ID in the environment or put them in a "
            f"credentials file {HINT}",
        ),
        (
            without("ZAPI_TOKEN"),
            "ZAPI_TOKEN",
            "missing credentials: set ZAPI_TOKEN in the environment or put them in a "
            f"credentials file {HINT}",
        ),
        (
            without(ZAPI_TOKEN=""),
            "ZAPI_TOKEN",
            "missing credentials: set ZAPI_TOKEN in the environment or put them in a "
            f"credentials file {HINT}",
        ),
        (
            without(ZAPI_INSTANCE_ID="3C01 A2"),
            "ZAPI_INSTANCE_ID",
            "ZAPI_INSTANCE_ID should be 1-128 letters, digits, '-' or '_' (no spaces, '/', "
            "'.', '?', '#' or '%'), but was '3C01 A2'",
        ),
        (
            without(ZAPI_INSTANCE_ID="3C01/../x"),
            "ZAPI_INSTANCE_ID",
            "ZAPI_INSTANCE_ID should be 1-128 letters, digits, '-' or '_' (no spaces, '/', "
            "'.', '?', '#' or '%'), but was '3C01/../x'",
        ),
        (
            without(ZAPI_TOKEN=TOKEN + "\n"),
            "ZAPI_TOKEN",
            "ZAPI_TOKEN should be 1-128 letters, digits, '-' or '_' (no spaces, '/', '.', '?', "
            "'#' or '%')",
        ),
        (
            without(ZAPI_TOKEN=".."),
            "ZAPI_TOKEN",
            "ZAPI_TOKEN should be 1-128 letters, digits, '-' or '_' (no spaces, '/', '.', '?', "
            "'#' or '%')",
        ),
        (
            without(ZAPI_TOKEN=TOKEN + "?x=1"),
            "ZAPI_TOKEN",
            "ZAPI_TOKEN should be 1-128 letters, digits, '-' or '_' (no spaces, '/', '.', '?', "
            "'#' or '%')",
        ),
        (
            without(ZAPI_CLIENT_TOKEN=CLIENT_TOKEN + " x"),
            "ZAPI_CLIENT_TOKEN",
            "ZAPI_CLIENT_TOKEN should be printable ASCII without spaces (it is sent as a header)",
        ),
        (
            without(ZAPI_CLIENT_TOKEN=CLIENT_TOKEN + "\r\nX-Evil: 1"),
            "ZAPI_CLIENT_TOKEN",
            "ZAPI_CLIENT_TOKEN should be printable ASCII without spaces (it is sent as a header)",
        ),
        (
            without(ZAPI_BASE_URL="api.z-api.io"),
            "ZAPI_BASE_URL",
            "the base URL should start with http:// or https://, but was 'api.z-api.io'",
        ),
        (
            without(ZAPI_BASE_URL="https://"),
            "ZAPI_BASE_URL",
            "ZAPI_BASE_URL should be an http(s) URL with a host, but was 'https://'",
        ),
        (
            without(ZAPI_BASE_URL="https://api.z-api.io/?x"),
            "ZAPI_BASE_URL",
            "ZAPI_BASE_URL should be an http(s) URL with a host, but was 'https://api.z-api.io/?x'",
        ),
    ],
)
def test_missing_or_malformed_variables(env: dict[str, str], setting: str, message: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        ZapiClient.from_env(environ=env)
    assert isinstance(info.value, ValueError)
    assert info.value.setting == setting
    assert str(info.value) == message
    assert TOKEN not in str(info.value)
    assert CLIENT_TOKEN not in str(info.value)


def test_a_non_string_override_is_named() -> None:
    with pytest.raises(ConfigurationError, match=r"^token should be a string, but was int$"):
        ZapiClient.from_env(environ=GOOD, token=123)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("ZAPI_TOKN=" + TOKEN, "unknown key 'ZAPI_TOKN'"),
        (TOKEN, "line 1: expected KEY=VALUE"),
        ('{"ZAPI_TOKEN": 5}', "the value of 'ZAPI_TOKEN' should be a string"),
        ("{not json", r"not valid JSON \("),
    ],
)
def test_bad_credentials_files(tmp_path: Path, text: str, message: str) -> None:
    file = tmp_path / "creds"
    file.write_text(text)
    with pytest.raises(ConfigurationError, match=message) as info:
        load_credentials({}, file=file)
    assert info.value.setting == str(file)
    assert TOKEN not in str(info.value)
    with pytest.raises(ConfigurationError, match="cannot read the credentials file"):
        load_credentials({}, file=tmp_path / "missing")


def test_a_readable_file_warns(tmp_path: Path) -> None:
    file = tmp_path / "creds"
    file.write_text('{"instance_id": "I", "token": "T"}')
    file.chmod(0o644)
    warnings: list[str] = []
    creds = load_credentials({}, file=file, warn=warnings.append)
    assert (creds.instance_id, creds.token) == ("I", "T")
    assert warnings == [f"warning: {file} is readable by other users; run: chmod 600 {file}"]
