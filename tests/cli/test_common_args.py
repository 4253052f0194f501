"""The flag blocks several commands share (zapi_async/cli/common_args.py): one
number check for every rate and count (NaN refused everywhere, as
``check-numbers --rate`` already did), one input and results file block for
``bulk`` and ``check-numbers``, with each command's own help."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from zapi_async.cli.app import build_parser

from .conftest import cli_env, run_cli


@pytest.mark.parametrize(
    ("command", "flag"),
    [
        (["bulk", "campaign.csv"], "--rate"),
        (["check-numbers", "campaign.csv"], "--rate"),
        (["campaign", "create", "campaign.csv", "--name", "c"], "--rate"),
    ],
)
async def test_every_rate_refuses_nan(tmp_path: Path, command: list[str], flag: str) -> None:
    env = cli_env(ZAPI_REDIS_URL="redis://127.0.0.1:9/0")
    run = await run_cli(*command, flag, "nan", env=env, cwd=tmp_path)
    assert run.code == 2
    prog = " ".join(command[: 2 if command[0] == "campaign" else 1])
    assert run.stderr.endswith(
        f"zapi-async {prog}: error: argument {flag}: should be >= 0, but was nan\n"
    )


def _options(*command: str) -> dict[str, tuple[object, str | None]]:
    """``{flag: (default, help)}`` of a sub-command's parser."""
    parser = build_parser()
    for name in command:
        sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        parser = sub.choices[name]
    return {
        (action.option_strings or [action.dest])[0]: (action.default, action.help)
        for action in parser._actions
    }


def test_bulk_and_check_numbers_share_the_results_file_flags() -> None:
    bulk, check = _options("bulk"), _options("check-numbers")
    shared = ("file", "--format", "--results", "--resume", "--overwrite")
    assert {flag: bulk[flag] for flag in shared} == {
        "file": (None, None),
        "--format": (None, "default: from the extension"),
        "--results": (None, "default: <FILE stem>.results.jsonl"),
        "--resume": (
            False,
            "skip rows the results file shows as sent (or possibly sent); send the rest",
        ),
        "--overwrite": (False, "replace an existing results file"),
    }
    assert check["--results"] == (None, "default: <FILE stem>.numbers.jsonl")
    assert check["--resume"] == (False, "skip lines already checked")
    assert check["--overwrite"] == (False, "replace the results file")
    assert check["--format"] == bulk["--format"]
