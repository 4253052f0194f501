"""One run per results *file*, whatever name reaches it: a hard link (another name
for the same inode) or a symbolic link is refused while a run holds the file, and
the journal of a symbolic link's run sits next to the file it points to."""

from __future__ import annotations

import os
from pathlib import Path

from tests.support.bulk_runs import BulkScenario, campaign_file, wait_for_records
from tests.support.fake_zapi import FakeZapi
from zapi_async.cli.results_file import open_results

from .conftest import cli_env, run_cli

ROWS = 20


def _names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def _refused(path: Path) -> str:
    return (
        f"zapi-async: error: the results file {path} is in use by another run under "
        "another name (a hard link to the same file); wait for it to end or stop it, "
        "then --resume\n"
    )


async def test_a_hard_link_to_a_results_file_in_use_is_refused(
    fake_zapi: FakeZapi, tmp_path: Path
) -> None:
    bulk = BulkScenario(fake_zapi, tmp_path, ROWS)
    first = await bulk.start_holding(4)  # the results file does not exist yet
    bulk.held.release(2)
    await wait_for_records(bulk.results, 2)  # created by the first run's first record
    other = tmp_path / "other.jsonl"
    os.link(bulk.results, other)
    before = bulk.results.read_bytes()
    for flags in (("--resume",), ("--overwrite",)):
        run = await bulk.run("--results", str(other), *flags)
        assert (run.code, run.out, run.err) == (2, "", _refused(other))
    assert bulk.results.read_bytes() == before  # --overwrite did not touch it
    assert not (tmp_path / "other.jsonl.journal").exists()
    assert len(fake_zapi.arrivals) == 6  # the first run's only

    bulk.held.open()
    run = await bulk.finish(first)
    assert run.code == 0, run.err
    assert bulk.held.duplicates() == 0


async def test_check_numbers_refuses_a_hard_link_to_a_results_file_in_use(
    tmp_path: Path,
) -> None:
    campaign = campaign_file(tmp_path, 3)
    held = tmp_path / "held.jsonl"
    held.write_text('{"line": 2, "status": "whatsapp"}\n')
    link = tmp_path / "link.jsonl"
    os.link(held, link)
    env = cli_env(None, ZAPI_INSTANCE_ID="i", ZAPI_TOKEN="t", ZAPI_BASE_URL="http://127.0.0.1:9")
    with open_results(held, resume=True, overwrite=False, warn=print, resume_hint=""):
        run = await run_cli(
            "check-numbers", str(campaign), "--results", str(link), "--overwrite",
            env=env, cwd=tmp_path,
        )  # fmt: skip
    assert (run.code, run.stdout, run.stderr) == (2, "", _refused(link))
    assert link.read_text() == '{"line": 2, "status": "whatsapp"}\n'
    assert _names(tmp_path) == ["campaign.csv", "held.jsonl", "link.jsonl"]


async def test_a_symbolic_link_shares_the_real_files_journal_and_lock(tmp_path: Path) -> None:
    campaign = campaign_file(tmp_path, 3)
    real = tmp_path / "real.jsonl"
    real.write_text('{"line": 2, "status": "whatsapp"}\n')
    link = tmp_path / "link.jsonl"
    link.symlink_to(real)
    env = cli_env(None, ZAPI_INSTANCE_ID="i", ZAPI_TOKEN="t", ZAPI_BASE_URL="http://127.0.0.1:9")
    with open_results(real, resume=True, overwrite=False, warn=print, resume_hint=""):
        assert (tmp_path / "real.jsonl.journal").exists()
        run = await run_cli(
            "check-numbers", str(campaign), "--results", str(link), "--resume",
            env=env, cwd=tmp_path,
        )  # fmt: skip
    assert run.code == 2
    assert run.stderr == (
        f"zapi-async: error: the results file {link} is in use by another run "
        f"(process {os.getpid()}); wait for it to end or stop it, then --resume\n"
    )
    assert not (tmp_path / "link.jsonl.journal").exists()
