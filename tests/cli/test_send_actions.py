"""``zapi-async send-actions``, run as a real subprocess against the sandbox (flag errors
in-process, through the same ``main()``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.credentials import CLIENT_TOKEN, INSTANCE, TOKEN
from tests.support.seed import SEED_CALL_URL_BODY, SEED_REPLY_BODY
from zapi_async.cli import main
from zapi_async.sandbox import ZapiSandbox

from .conftest import cli_env, run_cli

SEED_FLAGS = (
    "--phone", "551199999999",
    "--message", "How can we help?",
    "--call", "Call us=+554498398733",
    "--reply", "agent=Talk to an agent",
    "--url", "Website=https://z-api.io",
)  # fmt: skip

CALL_URL_PART = {
    "phone": "551199999999",
    "message": "How can we help?",
    "buttonActions": [
        {"type": "CALL", "label": "Call us", "phone": "+554498398733"},
        {"type": "URL", "label": "Website", "url": "https://z-api.io"},
    ],
}
REPLY_PART = {
    "phone": "551199999999",
    "message": "How can we help?",
    "buttonActions": [{"type": "REPLY", "id": "agent", "label": "Talk to an agent"}],
}


def _json_parts(stdout: str) -> list[dict[str, object]]:
    """The JSON documents printed after each '--- part' header."""
    chunks = stdout.split("--- part ")[1:]
    return [json.loads(chunk.split("\n", 1)[1]) for chunk in chunks]


async def test_dry_run_prints_the_plan_and_exact_json_without_credentials(
    tmp_path: Path,
) -> None:
    run = await run_cli("send-actions", *SEED_FLAGS, "--dry-run", env=cli_env(), cwd=tmp_path)
    assert run.code == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "plan: 2 messages to 551199999999"
    assert "--- part 1 of 2: POST send-button-actions (CALL, URL)" in lines
    assert "--- part 2 of 2: POST send-button-actions (REPLY)" in lines
    assert _json_parts(run.stdout) == [CALL_URL_PART, REPLY_PART]
    assert run.stderr == ""


async def test_dry_run_with_meta_policy_and_no_split(tmp_path: Path) -> None:
    meta = await run_cli(
        "send-actions", "--phone", "551199999999", "--message", "Pick",
        "--url", "A=https://a.example", "--url", "B=https://b.example",
        "--policy", "meta", "--dry-run", env=cli_env(), cwd=tmp_path,
    )  # fmt: skip
    assert meta.code == 0, meta.stderr
    assert [p["buttonActions"] for p in _json_parts(meta.stdout)] == [
        [{"type": "URL", "label": "A", "url": "https://a.example"}],
        [{"type": "URL", "label": "B", "url": "https://b.example"}],
    ]
    refused = await run_cli(
        "send-actions", *SEED_FLAGS, "--no-split", "--dry-run", env=cli_env(), cwd=tmp_path
    )
    assert refused.code == 2
    assert refused.stdout == ""
    assert refused.stderr.startswith("zapi-async: error: the message cannot be sent as is: ")
    assert "should not mix REPLY buttons with CALL/URL buttons" in refused.stderr
    assert refused.stderr.rstrip().endswith("(drop --no-split to split it automatically)")


async def test_sends_the_parts_in_order(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    run = await run_cli(
        "send-actions", *SEED_FLAGS, "--title", "Hi", env=cli_env(sandbox), cwd=tmp_path
    )
    assert run.code == 0, run.stderr
    assert [m.body for m in sandbox.messages] == [
        {**CALL_URL_PART, "title": "Hi"},
        {**REPLY_PART, "title": "Hi"},
    ]
    assert run.stdout.splitlines() == [
        f"part {n} of 2 sent: messageId={m.message_id} zaapId={m.zaap_id}"
        for n, m in enumerate(sandbox.messages, 1)
    ]
    assert all(m.headers.get("Client-Token") == CLIENT_TOKEN for m in sandbox.messages)
    run.assert_no_secrets()


async def test_bad_flag_value_names_the_flag(tmp_path: Path) -> None:
    bad_phone = await run_cli(
        "send-actions", "--phone", "+55 11", "--message", "hi", "--reply", "a=Yes",
        "--dry-run", env=cli_env(), cwd=tmp_path,
    )  # fmt: skip
    assert bad_phone.code == 2
    assert bad_phone.stderr.startswith("zapi-async: error: --phone: should be digits only")
    bad_button = await run_cli(
        "send-actions", "--phone", "551199999999", "--message", "hi",
        "--url", "Site=ftp://x", "--dry-run", env=cli_env(), cwd=tmp_path,
    )  # fmt: skip
    assert bad_button.code == 2
    assert bad_button.stderr == (
        "zapi-async: error: --url 'Site=ftp://x': should be a URL starting with "
        "http:// or https://, but was 'ftp://x'\n"
    )
    no_buttons = await run_cli(
        "send-actions", "--phone", "551199999999", "--message", "hi", "--dry-run",
        env=cli_env(), cwd=tmp_path,
    )  # fmt: skip
    assert no_buttons.code == 2
    assert "give at least one button with --call, --url or --reply" in no_buttons.stderr


async def test_missing_credentials_name_the_variables(tmp_path: Path) -> None:
    run = await run_cli(
        "send-actions", *SEED_FLAGS, env=cli_env(ZAPI_INSTANCE_ID="x"), cwd=tmp_path
    )
    assert run.code == 2
    assert run.stderr == (
        "zapi-async: error: missing credentials: set ZAPI_TOKEN in the environment or put "
        "them in a --credentials FILE (ZAPI_CLIENT_TOKEN too if your account requires the "
        "Client-Token header)\n"
    )


async def test_auth_failures_say_which_credential(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    wrong_token = await run_cli(
        "send-actions", *SEED_FLAGS, env=cli_env(sandbox, ZAPI_TOKEN="nope"), cwd=tmp_path
    )
    assert wrong_token.code == 3
    assert "refused the instance id or token in the URL: check ZAPI_INSTANCE_ID and ZAPI_TOKEN" in (
        wrong_token.stderr
    )
    no_client_token = cli_env(sandbox)
    del no_client_token["ZAPI_CLIENT_TOKEN"]
    missing = await run_cli("send-actions", *SEED_FLAGS, env=no_client_token, cwd=tmp_path)
    assert missing.code == 3
    assert "requires the Client-Token header; set ZAPI_CLIENT_TOKEN" in missing.stderr
    wrong = await run_cli(
        "send-actions", *SEED_FLAGS, env=cli_env(sandbox, ZAPI_CLIENT_TOKEN="bad"), cwd=tmp_path
    )
    assert wrong.code == 3
    assert "refused the Client-Token header: check ZAPI_CLIENT_TOKEN" in wrong.stderr
    assert sandbox.messages == []
    for run in (wrong_token, missing, wrong):
        run.assert_no_secrets()
        assert run.stdout == ""


async def test_credentials_file_dotenv_and_json(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    dotenv = tmp_path / "zapi.env"
    dotenv.write_text(
        f"# Z-API\nexport ZAPI_INSTANCE_ID={INSTANCE}\nZAPI_TOKEN='{TOKEN}'\n"
        f'ZAPI_CLIENT_TOKEN="{CLIENT_TOKEN}"\n'
    )
    dotenv.chmod(0o600)
    as_json = tmp_path / "zapi.json"
    as_json.write_text(
        json.dumps({"instance_id": INSTANCE, "token": TOKEN, "client_token": CLIENT_TOKEN})
    )
    as_json.chmod(0o644)
    env = cli_env(ZAPI_BASE_URL=sandbox.base_url)
    for path in (dotenv, as_json):
        run = await run_cli(
            "send-actions", "--credentials", str(path), "--phone", "551199999999",
            "--message", "hi", "--reply", "a=Yes", env=env, cwd=tmp_path,
        )  # fmt: skip
        assert run.code == 0, run.stderr
        run.assert_no_secrets()
    assert len(sandbox.messages) == 2
    assert (
        run.stderr == f"warning: {as_json} is readable by other users; run: chmod 600 {as_json}\n"
    )


#: The seed page's two request bodies, as flags: ``--id`` names the button before it.
SEED_BODY_FLAGS = (
    "--phone", "551199999999",
    "--message", "a message",
    "--title", "if you want to add a title",
    "--footer", "if you want to add a footer",
    "--image", "https://app.z-api.io/logos/zapi-dark.png",
    "--call", "Contact us=554498398733", "--id", "1",
    "--url", "Visit our website=https://z-api.io", "--id", "2",
    "--reply", "3=Talk to an agent",
)  # fmt: skip


async def test_dry_run_reproduces_the_seed_bodies_exactly(tmp_path: Path) -> None:
    run = await run_cli("send-actions", *SEED_BODY_FLAGS, "--dry-run", env=cli_env(), cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert _json_parts(run.stdout) == [SEED_CALL_URL_BODY, SEED_REPLY_BODY]
    assert "--- part 1 of 2: POST send-button-actions (CALL, URL)" in run.stdout.splitlines()


async def test_ids_go_to_the_sandbox_too(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    run = await run_cli("send-actions", *SEED_BODY_FLAGS, env=cli_env(sandbox), cwd=tmp_path)
    assert run.code == 0, run.stderr
    assert [m.body for m in sandbox.messages] == [SEED_CALL_URL_BODY, SEED_REPLY_BODY]


async def test_an_url_with_hash_equals_and_colon_keeps_its_text(tmp_path: Path) -> None:
    url = "https://shop.example/p?a=1&b=c:d#frag=x"
    run = await run_cli(
        "send-actions", "--phone", "551199999999", "--message", "hi",
        "--url", f"Shop: 50% off={url}", "--id", "shop#1",
        "--call", "Call=+554498398733", "--dry-run", env=cli_env(), cwd=tmp_path,
    )  # fmt: skip
    assert run.code == 0, run.stderr
    assert _json_parts(run.stdout)[0]["buttonActions"] == [
        {"type": "URL", "id": "shop#1", "label": "Shop: 50% off", "url": url},
        {"type": "CALL", "label": "Call", "phone": "+554498398733"},
    ]


FLAG_ERRORS = {
    ("--reply", "Yes"): "--reply 'Yes': expected --reply ID=LABEL",
    ("--call", "Call us"): "--call 'Call us': expected --call LABEL=PHONE",
    ("--url", "Site"): "--url 'Site': expected --url LABEL=URL",
    ("--id", "1", "--call", "A=554498398733"): (
        "--id '1': give it after the --call or --url button it names"
    ),
    ("--reply", "a=A", "--id", "2"): (
        "--id '2': the --reply button before it already has its id (--reply ID=LABEL); "
        "--id names the --call or --url button just before it"
    ),
    ("--call", "A=554498398733", "--id", "1", "--id", "2"): (
        "--id '2': the --call button before it already got an --id"
    ),
    ("--call", "A=554498398733", "--id", ""): "--id '': should not be empty (omit it instead)",
    ("--call", "A=554498398733", "--id", "1", "--url", "B=https://z-api.io", "--id", "1"): (
        "--call/--url/--reply/--id: should be unique within the message, but '1' is repeated"
    ),
}


@pytest.mark.parametrize("flags", list(FLAG_ERRORS), ids=[" ".join(f) for f in FLAG_ERRORS])
def test_flag_errors_show_flag_syntax(
    flags: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    # In-process (the same main() the command runs): eight subprocesses would be slow.
    base = ("send-actions", "--phone", "551199999999", "--message", "hi")
    assert main([*base, *flags, "--dry-run"]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", f"zapi-async: error: {FLAG_ERRORS[flags]}\n")
