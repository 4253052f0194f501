"""``--normalize-phones`` leaves every chat id that is not a number alone (groups,
LIDs, channels), and ``check-numbers`` names the kind it refused (issues 15 and 17)."""

from __future__ import annotations

import functools
from pathlib import Path

from tests.support.credentials import CLIENT_TOKEN, INSTANCE, TOKEN
from zapi_async import normalize_phone
from zapi_async.cli.input import InputRow, read_rows
from zapi_async.sandbox import ZapiSandbox

from .conftest import cli_env, read_results, run_cli

ROWS = (
    "phone,message\n"
    "+55 (11) 99999-0001,hi\n"
    "81896604192873@lid,hi\n"
    "120363166555745933@newsletter,hi\n"
    "120363019502650977-group,hi\n"
)


def test_read_rows_normalizes_numbers_only(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(ROWS)
    normalize = functools.partial(normalize_phone, default_country="55")
    rows = list(read_rows(path, "csv", normalize=normalize))
    assert all(isinstance(row, InputRow) for row in rows)
    assert [(row.line, row.phone, row.original_phone) for row in rows] == [  # type: ignore[union-attr]
        (2, "5511999990001", "+55 (11) 99999-0001"),
        (3, "81896604192873@lid", None),
        (4, "120363166555745933@newsletter", None),
        (5, "120363019502650977-group", None),
    ]


async def test_check_numbers_names_the_kind_of_chat_id(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(ROWS)
    async with ZapiSandbox(INSTANCE, TOKEN, client_token=CLIENT_TOKEN, seed=5) as sandbox:
        run = await run_cli(
            "check-numbers", str(path), "--normalize-phones", "--rate", "0",
            env=cli_env(sandbox), cwd=tmp_path,
        )  # fmt: skip
        checked = [r.endpoint for r in sandbox.requests if r.endpoint.startswith("phone-exists")]
    assert run.code == 1
    assert run.stderr == "line 2: phone '+55 (11) 99999-0001' -> '5511999990001'\n"
    records = read_results(tmp_path / "c.numbers.jsonl")
    assert [(r["line"], r["status"], r.get("error")) for r in records] == [
        (2, "whatsapp", None),
        (3, "invalid", "a lid id: phone-exists checks phone numbers only"),
        (4, "invalid", "a newsletter id: phone-exists checks phone numbers only"),
        (5, "invalid", "a group id: phone-exists checks phone numbers only"),
    ]
    assert checked == ["phone-exists/5511999990001"]
    run.assert_no_secrets()


async def test_bulk_sends_to_lids_and_channels_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(ROWS)
    async with ZapiSandbox(INSTANCE, TOKEN, client_token=CLIENT_TOKEN, seed=6) as sandbox:
        run = await run_cli(
            "bulk", str(path), "--normalize-phones", "--check-numbers", "--progress", "none",
            env=cli_env(sandbox), cwd=tmp_path,
        )  # fmt: skip
        sent = sorted(m.phone for m in sandbox.messages)
        batch = [r.endpoint for r in sandbox.requests if r.endpoint.startswith("phone-exists")]
    assert run.code == 0, run.stderr
    assert sent == [
        "120363019502650977-group",
        "120363166555745933@newsletter",
        "5511999990001",
        "81896604192873@lid",
    ]
    assert batch == ["phone-exists-batch"]
    run.assert_no_secrets()
