"""``check-numbers`` and ``bulk --check-numbers`` / ``--normalize-phones`` (issue 17)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.credentials import CLIENT_TOKEN, INSTANCE, TOKEN
from zapi_async.sandbox import ZapiSandbox

from .conftest import cli_env, read_results, run_cli

WHATSAPP = {"5511999990001", "5511999990003"}
CAMPAIGN = (
    "phone,message\n"
    "5511999990001,hi\n"
    "5511999990002,hi\n"
    "\n"
    "(11) 99999-0003,hi\n"
    "120363019502650977-group,hi\n"
    "0055 11 1,hi\n"
)


@pytest.fixture
async def sandbox() -> AsyncIterator[ZapiSandbox]:
    async with ZapiSandbox(
        INSTANCE, TOKEN, client_token=CLIENT_TOKEN, seed=3, whatsapp_numbers=WHATSAPP
    ) as running:
        yield running


@pytest.fixture
def campaign(tmp_path: Path) -> Path:
    path = tmp_path / "campaign.csv"
    path.write_text(CAMPAIGN)
    return path


def exists_requests(sandbox: ZapiSandbox) -> list[str]:
    return [r.endpoint for r in sandbox.requests if r.endpoint.startswith("phone-exists")]


async def test_check_numbers_writes_which_numbers_have_whatsapp(
    sandbox: ZapiSandbox, campaign: Path, tmp_path: Path
) -> None:
    run = await run_cli(
        "check-numbers", str(campaign), "--normalize-phones", "--default-country", "55",
        "--rate", "0", env=cli_env(sandbox), cwd=tmp_path,
    )  # fmt: skip
    assert run.code == 1  # two lines are not phone numbers
    assert run.stderr == "line 5: phone '(11) 99999-0003' -> '5511999990003'\n"
    results = tmp_path / "campaign.numbers.jsonl"
    assert run.stdout == (
        "checked 3: 2 have WhatsApp, 1 do not, 0 unclear; invalid 2, failed 0; skipped 0 "
        f"already checked; results in {results}\n"
    )
    records = read_results(results)
    assert [(r["line"], r["phone"], r["status"]) for r in records] == [
        (2, "5511999990001", "whatsapp"),
        (3, "5511999990002", "no_whatsapp"),
        (5, "5511999990003", "whatsapp"),
        (6, "120363019502650977-group", "invalid"),
        (7, "0055 11 1", "invalid"),
    ]
    assert records[0]["lid"].endswith("@lid")
    assert "lid" not in records[1]
    assert records[3]["error"] == "a group id: phone-exists checks phone numbers only"
    assert exists_requests(sandbox) == [
        "phone-exists/5511999990001",
        "phone-exists/5511999990002",
        "phone-exists/5511999990003",
    ]
    run.assert_no_secrets()


async def test_check_numbers_is_resumable(
    sandbox: ZapiSandbox, campaign: Path, tmp_path: Path
) -> None:
    results = tmp_path / "campaign.numbers.jsonl"
    results.write_text(
        '{"line": 2, "phone": "5511999990001", "status": "whatsapp"}\n'
        '{"line": 3, "phone": "5511999990002", "status": "failed", "error": "HTTP 500"}\n'
    )
    env = cli_env(sandbox)
    run = await run_cli("check-numbers", str(campaign), env=env, cwd=tmp_path)
    assert run.code == 2
    assert "pass --resume to go on where it stopped, or --overwrite" in run.stderr
    run = await run_cli(
        "check-numbers", str(campaign), "--resume", "--rate", "0", env=env, cwd=tmp_path
    )
    assert run.code == 1
    assert "skipped 1 already checked" in run.stdout
    assert exists_requests(sandbox) == ["phone-exists/5511999990002"]
    statuses = [(r["line"], r["status"]) for r in read_results(results)]
    assert statuses[2:] == [(3, "no_whatsapp"), (5, "invalid"), (6, "invalid"), (7, "invalid")]


async def test_check_numbers_is_paced(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    path = tmp_path / "numbers.jsonl"
    path.write_text("".join(f'{{"phone": "55119999900{n:02d}"}}\n' for n in range(1, 6)))
    run = await run_cli(
        "check-numbers", str(path), "--rate", "10", env=cli_env(sandbox), cwd=tmp_path
    )
    assert run.code == 0
    times = [r.monotonic for r in sandbox.requests if r.endpoint.startswith("phone-exists/")]
    assert len(times) == 5
    # 10 per second: the 5 checks span 0.4 s. The span, not each gap, is checked: a
    # loaded machine may delay one arrival and shorten the gap after it.
    assert times[-1] - times[0] >= 0.3


async def test_check_numbers_in_batches(
    sandbox: ZapiSandbox, campaign: Path, tmp_path: Path
) -> None:
    run = await run_cli(
        "check-numbers", str(campaign), "--batch", "2", "--normalize-phones",
        "--default-country", "55", "--rate", "0", env=cli_env(sandbox), cwd=tmp_path,
    )  # fmt: skip
    assert run.code == 1
    assert exists_requests(sandbox) == ["phone-exists-batch", "phone-exists-batch"]
    records = read_results(tmp_path / "campaign.numbers.jsonl")
    assert {r["line"]: r["status"] for r in records} == {
        2: "whatsapp", 3: "no_whatsapp", 5: "whatsapp", 6: "invalid", 7: "invalid",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (
            ["--default-country", "55"],
            "zapi-async: error: --default-country needs --normalize-phones",
        ),
        (
            ["--normalize-phones", "--default-country", "BR"],
            "zapi-async: error: --default-country: should be a country calling code",
        ),
    ],
)
async def test_country_flags_are_checked_before_any_io(
    sandbox: ZapiSandbox, campaign: Path, tmp_path: Path, flags: list[str], message: str
) -> None:
    for command in ("check-numbers", "bulk"):
        run = await run_cli(command, str(campaign), *flags, env=cli_env(sandbox), cwd=tmp_path)
        assert run.code == 2
        assert run.stderr.startswith(message)
    assert sandbox.requests == []


async def test_bulk_check_numbers_skips_numbers_without_whatsapp(
    sandbox: ZapiSandbox, campaign: Path, tmp_path: Path
) -> None:
    run = await run_cli(
        "bulk", str(campaign), "--check-numbers", "--normalize-phones", "--default-country", "55",
        "--skip-invalid", "--progress", "none", env=cli_env(sandbox), cwd=tmp_path,
    )  # fmt: skip
    assert run.code == 1  # the bad row
    assert run.stderr.splitlines()[:2] == [
        "line 5: phone '(11) 99999-0003' -> '5511999990003'",
        "check-numbers: 1 number(s) without WhatsApp will be skipped",
    ]
    assert run.stdout.startswith(
        "sent 3, failed 0, partial 0, unknown 0, unsent 0, invalid 1, no WhatsApp 1; "
    )
    assert sorted(m.phone for m in sandbox.messages) == [
        "120363019502650977-group", "5511999990001", "5511999990003",
    ]  # fmt: skip
    assert exists_requests(sandbox) == ["phone-exists-batch"]
    records = {r["line"]: r for r in read_results(tmp_path / "campaign.results.jsonl")}
    assert records[3]["status"] == "no_whatsapp"
    assert records[5]["status"] == "sent"
    assert (records[5]["phone"], records[5]["original_phone"]) == (
        "5511999990003",
        "(11) 99999-0003",
    )
    assert records[7]["status"] == "invalid"
    assert records[7]["error"].startswith(
        "should not start with the international dialling prefix 00"
    )
    run.assert_no_secrets()


async def test_bulk_normalize_without_default_country(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("phone,message\n+55 (11) 99999-0001,hi\n(11) 99999-0002,hi\n")
    run = await run_cli("bulk", str(path), "--normalize-phones", env=cli_env(sandbox), cwd=tmp_path)
    assert run.code == 2
    assert run.stderr.splitlines()[:3] == [
        "line 2: phone '+55 (11) 99999-0001' -> '5511999990001'",
        "zapi-async: error: 1 invalid row(s), nothing was sent:",
        f"  {path} line 3, column 'phone': has no country code (the area code is in "
        "parentheses): pass default_country= (e.g. '55' for Brazil) or write it with '+', but "
        "was '(11) 99999-0002'",
    ]
    assert sandbox.messages == []
