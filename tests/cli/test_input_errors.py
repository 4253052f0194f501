"""Malformed campaign files (issue 19, item 11, and the CLI side of item 1): every
problem is reported with its line number, without a traceback, and nothing is sent;
a row that breaks while being recorded is a ``failed`` row, never a lost one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from aiohttp import web

from tests.support.bulk_runs import final_statuses, held_env
from tests.support.fake_zapi import Arrival, FakeZapi
from zapi_async.sandbox import ZapiSandbox

from .conftest import cli_env, run_cli

OK = b'{"phone": "5511999990001", "message": "Hi"}\n'
HEADER = b"phone,message\n5511999990001,Hi\n"
DEEP = b"[" * 200_000 + b"]" * 200_000

CASES = {
    "csv-not-utf8": (
        "c.csv",
        HEADER + b'5511999990002,"two\nlines \xff here"\n',
        "  c.csv line 4: not valid UTF-8: byte 0xFF at column 7; save the file as UTF-8\n",
    ),
    "jsonl-not-utf8": (
        "c.jsonl",
        OK + b'{"phone": "5511999990002", "message": "caf\xe9"}\n',
        "  c.jsonl line 2: not valid UTF-8: byte 0xE9 at column 43; save the file as UTF-8\n",
    ),
    "jsonl-200k-deep": (
        "c.jsonl",
        OK + b'{"phone": "5511999990002", "message": ' + DEEP + b"}\n",
        "  c.jsonl line 2: not valid JSON: nests deeper than 32 levels\n",
    ),
    "jsonl-huge-integer": (
        "c.jsonl",
        OK + b'{"phone": "5511999990002", "message": ' + b"9" * 5000 + b"}\n",
        "  c.jsonl line 2: not valid JSON: Exceeds the limit (4300 digits) for integer "
        "string conversion",
    ),
    "jsonl-lone-surrogate": (
        "c.jsonl",
        OK + b'{"phone": "5511999990002", "message": "Hi \\ud83d"}\n',
        "  c.jsonl line 2, column 'message': should be valid Unicode text, but has a lone "
        "surrogate '\\ud83d' at position 3 (a truncated emoji?)\n",
    ),
    "csv-deep-json-cell": (
        "c.csv",
        b'type,phone,contacts\ncontacts,5511999990002,"' + b"[" * 5000 + b'"\n',
        "  c.csv line 2, column 'contacts': should be JSON: nests deeper than 32 levels\n",
    ),
    # Python 3.10's csv module refuses the line instead ("a NUL byte", also by line).
    "csv-nul-byte": (
        "c.csv",
        HEADER + b"5511999990002,H\x00i\n",
        "  c.csv line 3, column 'message': should not contain control character '\\x00' "
        "(at position 1)\n",
    ),
}
FATAL = {
    "csv-cell-over-128-KiB": (
        "c.csv",
        HEADER + b"5511999990002," + b"x" * 140_000 + b"\n",
        "zapi-async: error: c.csv line 3: cannot read the CSV: a cell is longer than 131072 "
        "characters, the most a CSV cell may hold; put large values (Base64 media) behind a "
        "URL or in a JSONL file; nothing was sent\n",
    ),
}


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", sorted(CASES))
async def test_a_bad_row_is_reported_with_its_line_and_nothing_is_sent(
    case: str, sandbox: ZapiSandbox, tmp_path: Path
) -> None:
    name, data, expected = CASES[case]
    campaign = _write(tmp_path, name, data)
    run = await run_cli("bulk", str(campaign), env=cli_env(sandbox), cwd=tmp_path)
    assert run.code == 2, run.stderr
    assert run.stderr.startswith("zapi-async: error: 1 invalid row(s), nothing was sent:\n")
    assert expected in run.stderr.replace(str(tmp_path) + "/", "")
    assert "Traceback" not in run.stderr
    assert sandbox.messages == []
    assert _names(tmp_path) == [name]  # no results, no journal


@pytest.mark.parametrize("case", sorted(FATAL))
async def test_an_unreadable_file_stops_with_the_line_even_with_skip_invalid(
    case: str, sandbox: ZapiSandbox, tmp_path: Path
) -> None:
    name, data, expected = FATAL[case]
    campaign = _write(tmp_path, name, data)
    for flags in ((), ("--skip-invalid",)):
        run = await run_cli("bulk", str(campaign), *flags, env=cli_env(sandbox), cwd=tmp_path)
        assert (run.code, run.stderr.replace(str(tmp_path) + "/", "")) == (2, expected)
        assert sandbox.messages == []
        assert _names(tmp_path) == [name]


async def test_skip_invalid_records_a_row_that_is_not_utf8_and_sends_the_rest(
    sandbox: ZapiSandbox, tmp_path: Path
) -> None:
    campaign = _write(tmp_path, "c.csv", HEADER + b"5511999990002,caf\xe9\n")
    run = await run_cli(
        "bulk", str(campaign), "--skip-invalid", "--progress", "none",
        env=cli_env(sandbox), cwd=tmp_path,
    )  # fmt: skip
    assert run.code == 1, run.stderr
    assert [m.phone for m in sandbox.messages] == ["5511999990001"]
    final = final_statuses(tmp_path / "c.results.jsonl")
    assert final[3] == {
        "line": 3,
        "status": "invalid",
        "field": "-",
        "error": "not valid UTF-8: byte 0xE9 at column 18; save the file as UTF-8",
    }


async def test_check_numbers_reports_lines_it_cannot_read(
    sandbox: ZapiSandbox, tmp_path: Path
) -> None:
    campaign = _write(tmp_path, "c.jsonl", OK + b'{"phone": "55119\xff"}\n' + DEEP + b"\n")
    run = await run_cli("check-numbers", str(campaign), "--rate", "0", env=cli_env(sandbox),
                        cwd=tmp_path)  # fmt: skip
    assert run.code == 1, run.stderr
    assert "Traceback" not in run.stderr
    records = [json.loads(line) for line in (tmp_path / "c.numbers.jsonl").read_text().splitlines()]
    assert [(r["line"], r["status"], r.get("error")) for r in records] == [
        (1, "whatsapp", None),
        (2, "invalid", "not valid UTF-8: byte 0xFF at column 17; save the file as UTF-8"),
        (3, "invalid", "not valid JSON: nests deeper than 32 levels"),
    ]
    big = _write(tmp_path, "big.csv", HEADER + b"5511999990002," + b"x" * 140_000 + b"\n")
    run = await run_cli("check-numbers", str(big), env=cli_env(sandbox), cwd=tmp_path)
    assert run.code == 2
    assert run.stderr.startswith(f"zapi-async: error: {big} line 3: cannot read the CSV: a cell")


async def test_an_error_text_that_cannot_be_written_as_is_still_gives_a_failed_record(
    fake_zapi: FakeZapi, tmp_path: Path
) -> None:
    """Z-API's error body holds a lone surrogate (a JSON escape): the record used to
    crash on writing, dropping the row with exit code 0."""

    async def refuse(arrival: Arrival, request: web.Request) -> web.StreamResponse | None:
        if arrival.phone.endswith("2"):
            body = '{"error": "bad \\ud83d"}'
            return web.Response(status=400, text=body, content_type="application/json")
        return None

    fake_zapi.behaviour = refuse
    campaign = _write(tmp_path, "c.csv", HEADER + b"5511999990002,Hello\n5511999990003,Yo\n")
    run = await run_cli(
        "bulk", str(campaign), "--progress", "none", env=held_env(fake_zapi), cwd=tmp_path
    )
    assert run.code == 1, run.stderr
    assert "Task exception was never retrieved" not in run.stderr
    assert "Traceback" not in run.stderr
    assert run.stdout.startswith("sent 2, failed 1,")
    final = final_statuses(tmp_path / "c.results.jsonl")
    assert sorted(final) == [2, 3, 4]
    assert final[3]["status"] == "failed"
    assert final[3]["error"].endswith("HTTP 400: bad \ud83d")
    assert "HTTP 400: bad \\ud83d" in (tmp_path / "c.results.jsonl").read_text()  # escaped
