"""In-process tests of the CLI's pure parts: credentials, rows, results, progress lines."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from zapi_async import CallButton, ReplyButton, TextMessage, UrlButton
from zapi_async.cli.config import CliError, auth_advice, load_credentials
from zapi_async.cli.input import BadRow, InputProblem, InputRow, parse_buttons, read_rows
from zapi_async.cli.progress import PlainProgress, Tally
from zapi_async.cli.results_file import load_results
from zapi_async.errors import AuthenticationError


def test_parse_buttons_keeps_order_and_splits_at_the_first_equals() -> None:
    assert parse_buttons(
        "reply:yes=Yes please; url:Docs=https://z-api.io/?a=b ;call:Call us=+554498398733;"
    ) == [
        ReplyButton("Yes please", id="yes"),
        UrlButton("Docs", url="https://z-api.io/?a=b"),
        CallButton("Call us", phone="+554498398733"),
    ]


@pytest.mark.parametrize(
    ("spec", "problem"),
    [
        ("yes=Yes", "button 1 'yes=Yes': use reply:ID=LABEL, url:LABEL=URL or call:LABEL=PHONE"),
        ("reply:Yes", "expected reply:ID=LABEL, got 'Yes'"),
        ("call:Call", "expected call:LABEL=PHONE, got 'Call'"),
        (
            "reply:a=A;reply:b=",
            "button 2: ReplyButton.label: should not be empty or only whitespace",
        ),
    ],
)
def test_parse_buttons_problems(spec: str, problem: str) -> None:
    with pytest.raises(InputProblem) as caught:
        parse_buttons(spec)
    assert caught.value.field == "buttons"
    assert caught.value.problem == problem


def test_csv_rows_report_file_lines_and_text_rows(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text(
        "\ufeffPhone,Message,Image\n"
        '5511999990001,"two\nlines",\n'
        "\n"
        "5511999990002,hi,https://x.io/a.png\n"
    )
    rows = list(read_rows(path, "csv"))
    assert isinstance(rows[0], InputRow)
    assert (rows[0].line, rows[0].message) == (2, TextMessage("5511999990001", "two\nlines"))
    assert rows[1] == BadRow(5, "buttons", "required when image is given")
    assert str(rows[1]) == "line 5, column 'buttons': required when image is given"


def test_csv_without_required_column(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("phone,text\n5511999990001,hi\n")
    assert list(read_rows(path, "csv")) == [
        BadRow(1, "message", "missing column in the header line")
    ]


def test_jsonl_rows(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    path.write_text(
        json.dumps({"phone": "5511999990001", "message": "hi", "buttons": [
            {"type": "reply", "id": "y", "label": "Yes"}]}) + "\n"
        "[1]\n"
        + json.dumps({"phone": 5511999990001, "message": "hi"}) + "\n"
    )  # fmt: skip
    first, second, third = read_rows(path, "jsonl")
    assert isinstance(first, InputRow)
    assert first.message.endpoint == "send-button-actions"
    assert second == BadRow(2, "-", "expected a JSON object")
    assert str(second) == "line 2: expected a JSON object"
    assert third == BadRow(3, "phone", "should be a string, but was int")


def test_same_message_same_key(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("phone,message\n5511999990001,hi\n5511999990001,hi\n5511999990001,ho\n")
    keys = [row.key for row in read_rows(path, "csv") if isinstance(row, InputRow)]
    assert keys[0] == keys[1] != keys[2]


def test_credentials_precedence_and_errors(tmp_path: Path) -> None:
    env = {"ZAPI_INSTANCE_ID": "env-id", "ZAPI_TOKEN": "env-token", "ZAPI_BASE_URL": "http://e"}
    creds = load_credentials(env)
    assert (creds.instance_id, creds.token, creds.client_token, creds.base_url) == (
        "env-id", "env-token", None, "http://e",
    )  # fmt: skip
    assert "env-token" not in repr(creds)
    file = tmp_path / "creds"
    file.write_text("ZAPI_TOKEN=file-token\nZAPI_CLIENT_TOKEN=\n")
    file.chmod(0o600)
    from_file = load_credentials(env, file=file, base_url="https://flag")
    assert (from_file.instance_id, from_file.token, from_file.base_url) == (
        "env-id", "file-token", "https://flag",
    )  # fmt: skip
    file.write_text("ZAPI_TOKEN=t\nZAPI_TOKN=oops-secret\n")
    with pytest.raises(CliError, match="unknown key 'ZAPI_TOKN'") as caught:
        load_credentials({}, file=file)
    assert "oops-secret" not in str(caught.value)
    file.write_text("just-a-secret-value\n")
    with pytest.raises(CliError) as caught:
        load_credentials({}, file=file)
    assert str(caught.value) == f"{file} line 1: expected KEY=VALUE"
    with pytest.raises(
        CliError, match=r"^missing credentials: set ZAPI_INSTANCE_ID and ZAPI_TOKEN"
    ):
        load_credentials({})
    with pytest.raises(CliError, match="should start with http:// or https://"):
        load_credentials(env, base_url="localhost:8080")


def test_auth_advice_names_the_header() -> None:
    creds = load_credentials({"ZAPI_INSTANCE_ID": "i", "ZAPI_TOKEN": "t"})
    missing = AuthenticationError(400, endpoint="/x", error="null not allowed")
    assert auth_advice(missing, creds).startswith(
        "Z-API refused the request: your account requires the Client-Token header; "
        "set ZAPI_CLIENT_TOKEN"
    )
    wrong = AuthenticationError(401, endpoint="/x", method="GET", error="Invalid instance token")
    assert auth_advice(wrong, creds) == (
        "Z-API refused the instance id or token in the URL: check ZAPI_INSTANCE_ID and "
        "ZAPI_TOKEN (HTTP 401: Invalid instance token, GET /x)"
    )


def test_load_results_last_record_wins(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(
        '{"line": 2, "status": "unsent", "key": "a"}\n'
        '{"line": 2, "status": "sent", "key": "a"}\n'
        '{"line": 3, "status": "fa'
    )
    warnings: list[str] = []
    assert load_results(path, warnings.append) == {2: ("sent", "a")}
    assert warnings == [
        f"warning: {path} line 3 is incomplete (the run writing it stopped mid-line); ignored"
    ]


def test_plain_progress_prints_every_interval() -> None:
    now = [0.0]
    stream = io.StringIO()
    progress = PlainProgress(stream, interval=2.0, clock=lambda: now[0])
    tally = Tally(total=10)
    for status, at in (("sent", 1.0), ("failed", 2.5), ("sent", 3.0)):
        now[0] = at
        tally.add(status)
        progress.update(tally, rate=1.0)
    progress.close(tally)
    counts = "partial 0, unknown 0, unsent 0, invalid 0"
    assert stream.getvalue().splitlines() == [
        f"progress: 2/10 (20%) sent 1, failed 1, {counts} | 1.0 msg/s | ETA 0:00:08",
        f"progress: 3/10 (30%) sent 2, failed 1, {counts} | 1.0 msg/s average | ETA 0:00:07",
    ]


def test_plain_progress_counts_invalid_rows_and_never_passes_100_percent() -> None:
    stream = io.StringIO()
    now = [0.0]
    progress = PlainProgress(stream, interval=60.0, clock=lambda: now[0])
    tally = Tally(total=4)  # 3 rows to send + 1 invalid row
    for status in ("invalid", "sent", "sent", "sent"):
        tally.add(status)
        progress.update(tally, rate=2.0)
    now[0] = 2.0
    progress.close(tally)
    assert stream.getvalue() == (
        "progress: 4/4 (100%) sent 3, failed 0, partial 0, unknown 0, unsent 0, invalid 1 | "
        "1.5 msg/s average | ETA 0:00:00\n"
    )
