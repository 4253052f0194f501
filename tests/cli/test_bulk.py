"""``zapi-async bulk``, run as a real subprocess against the sandbox."""

from __future__ import annotations

import json
from pathlib import Path

from zapi_async.sandbox import ZapiSandbox

from .conftest import cli_env, read_results, run_cli

CSV = """\
phone,message,title,buttons,customer
5511999990001,Hello Ana,Offer,reply:yes=Yes please;reply:no=No thanks,Ana
5511999990002,Hello Bo,,url:Website=https://z-api.io;reply:yes=Yes,Bo

5511999990003,"Just text,
on two lines",,,Cy
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


async def test_csv_campaign_sends_and_records_every_row(
    sandbox: ZapiSandbox, tmp_path: Path
) -> None:
    campaign = _write(tmp_path, "campaign.csv", CSV)
    run = await run_cli(
        "bulk", str(campaign), "--rate", "0", "--progress", "plain",
        env=cli_env(sandbox), cwd=tmp_path,
    )  # fmt: skip
    assert run.code == 0, run.stderr
    results_path = tmp_path / "campaign.results.jsonl"
    assert run.stdout == (
        "sent 3, failed 0, partial 0, unknown 0, unsent 0, invalid 0; skipped 0 already "
        f"done; results in {results_path}\n"
    )
    assert "warning: ignoring unknown column(s): customer\n" in run.stderr
    assert "progress: 3/3 (100%) sent 3, failed 0, unknown 0 | " in run.stderr
    by_phone = {m.phone: m for m in sandbox.messages if m.endpoint == "send-text"}
    assert by_phone["5511999990003"].body == {
        "phone": "5511999990003",
        "message": "Just text,\non two lines",
    }
    assert sandbox.messages_to("5511999990001")[0].body == {
        "phone": "5511999990001",
        "message": "Hello Ana",
        "title": "Offer",
        "buttonActions": [
            {"type": "REPLY", "id": "yes", "label": "Yes please"},
            {"type": "REPLY", "id": "no", "label": "No thanks"},
        ],
    }
    assert [m.body["buttonActions"] for m in sandbox.messages_to("5511999990002")] == [
        [{"type": "URL", "label": "Website", "url": "https://z-api.io"}],
        [{"type": "REPLY", "id": "yes", "label": "Yes"}],
    ]
    records = sorted(read_results(results_path), key=lambda r: r["line"])
    assert [(r["line"], r["status"], r["phone"]) for r in records] == [
        (2, "sent", "5511999990001"),
        (3, "sent", "5511999990002"),
        (5, "sent", "5511999990003"),  # the blank line 4 is skipped, line numbers are kept
    ]
    assert records[1]["message_ids"] == [m.message_id for m in sandbox.messages_to("5511999990002")]
    assert records[1]["zaap_ids"] == [m.zaap_id for m in sandbox.messages_to("5511999990002")]
    assert all(len(r["key"]) == 16 for r in records)
    run.assert_no_secrets()


async def test_bad_rows_are_listed_with_line_and_column_and_nothing_is_sent(
    sandbox: ZapiSandbox, tmp_path: Path
) -> None:
    campaign = _write(
        tmp_path,
        "bad.csv",
        "phone,message,buttons\n"
        "5511999990001,Hi,reply:yes=Yes\n"
        "+55 11 9999,Hi,\n"
        "5511999990003,,\n"
        "5511999990004,Hi,url:Site=ftp://nope\n",
    )
    run = await run_cli("bulk", str(campaign), env=cli_env(sandbox), cwd=tmp_path)
    assert run.code == 2
    assert run.stderr.splitlines() == [
        "zapi-async: error: 3 invalid row(s), nothing was sent:",
        f"  {campaign} line 3, column 'phone': should be digits only in DDI DDD NUMBER "
        "form (e.g. '5511999999999'), a group id (e.g. '120363019502650977-group'), a LID "
        "(e.g. '81896604192873@lid') or a channel id (e.g. '120363166555745933@newsletter'), "
        "but was '+55 11 9999'",
        f"  {campaign} line 4, column 'message': required, but empty",
        f"  {campaign} line 5, column 'buttons': button 1: UrlButton.url: should be a URL "
        "starting with http:// or https://, but was 'ftp://nope'",
        "Fix the file, or pass --skip-invalid to send the valid rows only.",
    ]
    assert sandbox.requests == []
    assert not (tmp_path / "bad.results.jsonl").exists()

    skipped = await run_cli(
        "bulk", str(campaign), "--skip-invalid", "--progress", "none",
        env=cli_env(sandbox), cwd=tmp_path,
    )  # fmt: skip
    assert skipped.code == 1
    records = sorted(read_results(tmp_path / "bad.results.jsonl"), key=lambda r: r["line"])
    assert [(r["line"], r["status"], r.get("field")) for r in records] == [
        (2, "sent", None),
        (3, "invalid", "phone"),
        (4, "invalid", "message"),
        (5, "invalid", "buttons"),
    ]
    assert [m.phone for m in sandbox.messages] == ["5511999990001"]


async def test_progress_counts_invalid_rows_in_total_and_done(
    sandbox: ZapiSandbox, tmp_path: Path
) -> None:
    campaign = _write(
        tmp_path,
        "mixed.csv",
        "phone,message\n5511999990001,a\n5511999990002,b\nnot-a-phone,c\n5511999990004,d\n",
    )
    run = await run_cli(
        "bulk", str(campaign), "--skip-invalid", "--rate", "0", "--progress", "plain",
        env=cli_env(sandbox), cwd=tmp_path,
    )  # fmt: skip
    assert run.code == 1, run.stderr
    lines = [line for line in run.stderr.splitlines() if line.startswith("progress: ")]
    assert lines[-1].startswith("progress: 4/4 (100%) sent 3, failed 0, unknown 0, invalid 1 | ")
    assert "133%" not in run.stderr
    assert run.stdout.startswith("sent 3, failed 0, partial 0, unknown 0, unsent 0, invalid 1;")


async def test_resume_sends_only_what_was_not_sent(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    rows = [
        {"phone": f"55119999900{n:02d}", "message": f"Hello {n}", "buttons": "reply:yes=Yes"}
        for n in range(12)
    ]
    campaign = _write(tmp_path, "c.jsonl", "".join(json.dumps(r) + "\n" for r in rows))
    sandbox.fail_next(3, status=400, body={"error": "try later"}, endpoint="send-button-actions")
    args = ("bulk", str(campaign), "--concurrency", "1", "--rate", "0", "--progress", "none")
    first = await run_cli(*args, env=cli_env(sandbox), cwd=tmp_path)
    assert first.code == 1
    assert first.stdout.startswith("sent 9, failed 3, partial 0, unknown 0, unsent 0")
    assert "hint: run the same command with --resume" in first.stderr
    results = tmp_path / "c.results.jsonl"
    failed = [r for r in read_results(results) if r["status"] == "failed"]
    assert [r["line"] for r in failed] == [1, 2, 3]
    assert failed[0]["error_type"] == "ZapiHTTPError"
    assert "HTTP 400: try later" in failed[0]["error"]

    again = await run_cli(*args, env=cli_env(sandbox), cwd=tmp_path)
    assert again.code == 2
    assert f"the results file {results} exists: pass --resume" in again.stderr

    resumed = await run_cli(*args, "--resume", env=cli_env(sandbox), cwd=tmp_path)
    assert resumed.code == 0, resumed.stderr
    assert resumed.stdout.startswith("sent 3, failed 0, partial 0, unknown 0, unsent 0, invalid 0;")
    assert "skipped 9 already done" in resumed.stdout
    assert sandbox.duplicates() == {}
    assert sorted(m.phone for m in sandbox.messages) == sorted(r["phone"] for r in rows)
    final: dict[int, str] = {}
    for record in read_results(results):
        final[record["line"]] = record["status"]
    assert final == dict.fromkeys(range(1, 13), "sent")

    # Editing a line that was sent makes --resume refuse (line numbers would lie).
    rows[4]["message"] = "Changed"
    campaign.write_text("".join(json.dumps(r) + "\n" for r in rows))
    changed = await run_cli(*args, "--resume", env=cli_env(sandbox), cwd=tmp_path)
    assert changed.code == 2
    assert f"{campaign} line 5 changed since {results} was written" in changed.stderr


async def test_auth_failure_stops_before_sending(sandbox: ZapiSandbox, tmp_path: Path) -> None:
    campaign = _write(tmp_path, "c.csv", "phone,message\n5511999990001,Hi\n")
    run = await run_cli("bulk", str(campaign), env=cli_env(sandbox, ZAPI_TOKEN="x"), cwd=tmp_path)
    assert run.code == 3
    assert "check ZAPI_INSTANCE_ID and ZAPI_TOKEN" in run.stderr
    assert sandbox.messages == []
    sandbox.disconnect()
    offline = await run_cli("bulk", str(campaign), env=cli_env(sandbox), cwd=tmp_path)
    assert offline.code == 4
    assert "the Z-API instance is not connected" in offline.stderr
    assert "--no-status-check" in offline.stderr
