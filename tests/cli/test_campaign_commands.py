"""``zapi-async campaign ...`` and ``zapi-async worker`` as real subprocesses, against
a real redis-server and the sandbox."""

from __future__ import annotations

import asyncio
import json
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from tests.cli.conftest import cli_env, finish, run_cli, start_cli
from tests.support.credentials import CLIENT_TOKEN, TOKEN
from tests.support.redis_server import RedisServer, unreachable_redis
from zapi_async.sandbox import ZapiSandbox

pytestmark = pytest.mark.redis

OTHER = "3C0FFEE0OTHERINSTANCE"
OTHER_TOKEN = "SECRET-OTHER-TOKEN-93d1"


@pytest.fixture
async def other() -> AsyncIterator[ZapiSandbox]:
    async with ZapiSandbox(OTHER, OTHER_TOKEN, seed=5) as running:
        yield running


def write_csv(tmp_path: Path, rows: int) -> Path:
    path = tmp_path / "campaign.csv"
    lines = ["phone,message,buttons"]
    lines += [f"55119888{n:05d},hello {n}," for n in range(rows)]
    lines.append("5511988899999,pick one,url:Site=https://z-api.io;reply:y=Yes")
    path.write_text("\n".join(lines) + "\n")
    return path


async def test_create_work_status_and_results_over_two_instances(
    tmp_path: Path, redis_server: RedisServer, redis: Redis, sandbox: ZapiSandbox,
    other: ZapiSandbox,
) -> None:  # fmt: skip
    file = write_csv(tmp_path, 30)
    env = cli_env(
        sandbox,
        ZAPI_B_INSTANCE_ID=OTHER,
        ZAPI_B_TOKEN=OTHER_TOKEN,
        ZAPI_B_BASE_URL=other.base_url,
    )
    url = redis_server.url
    created = await run_cli(
        "campaign", "create", str(file), "--name", "cli-1", "--redis", url, "--rate", "100",
        "--instance", "default", "--instance", "b", "--partitions", "4", env=env, cwd=tmp_path,
    )  # fmt: skip
    assert created.code == 0, created.stderr
    assert created.stdout.startswith("campaign 'cli-1' created: 31 messages in 4 partitions")

    status = await run_cli(
        "campaign", "status", "cli-1", "--redis", url, "--json", env=env, cwd=tmp_path
    )
    assert json.loads(status.stdout) == {
        "name": "cli-1", "state": "ready", "total": 31, "pending": 31, "in_flight": 0,
        "sent": 0, "failed": 0, "partial": 0, "unknown": 0, "unsent": 0, "partitions": 4,
        "instances": ["default", "b"], "finished": 0, "done": False,
    }  # fmt: skip

    worker = await run_cli("worker", "--redis", url, "--exit-when-idle", env=env, cwd=tmp_path)
    assert worker.code == 0, worker.stderr
    assert "sent 31" in worker.stdout
    worker.assert_no_secrets()

    status = await run_cli(
        "campaign", "status", "cli-1", "--redis", url, "--json", env=env, cwd=tmp_path
    )
    assert json.loads(status.stdout)["done"] is True
    text = await run_cli("campaign", "status", "cli-1", "--redis", url, env=env, cwd=tmp_path)
    assert text.stdout == (
        "cli-1: ready (done); 31 messages: pending 0, in flight 0, sent 31, failed 0, "
        "partial 0, unknown 0, unsent 0\n"
    )
    results = await run_cli("campaign", "results", "cli-1", "--redis", url, env=env, cwd=tmp_path)
    lines = [json.loads(line) for line in results.stdout.splitlines()]
    assert [line["line"] for line in lines] == list(range(2, 33))
    assert {line["status"] for line in lines} == {"sent"}
    assert lines[0]["input"] == {
        "kind": "TextMessage", "endpoint": "send-text",
        "body": {"phone": "5511988800000", "message": "hello 0"},
    }  # fmt: skip
    assert len(lines[-1]["message_ids"]) == 2  # the mixed buttons were split in two
    # Each partition went through its instance; together every message, once.
    assert len(sandbox.messages) + len(other.messages) == 32
    assert sandbox.messages
    assert other.messages
    assert sandbox.duplicates() == {}
    assert other.duplicates() == {}
    for run in (created, status, results):
        run.assert_no_secrets()
    assert OTHER_TOKEN not in worker.stdout + worker.stderr
    # Nothing of the credentials is in Redis.
    stored = repr(await redis.hgetall("zapi:campaign:{cli-1}:meta"))
    stored += repr(await redis.xrange("zapi:campaign:{cli-1}:stream:0"))
    stored += repr(await redis.hgetall("zapi:campaign:{cli-1}:outcome"))
    assert "hello" in stored
    for secret in (TOKEN, CLIENT_TOKEN, OTHER_TOKEN, OTHER):
        assert secret not in stored


async def test_sigterm_finishes_the_send_under_way_and_gives_the_rest_back(
    tmp_path: Path, redis_server: RedisServer, redis: Redis, sandbox: ZapiSandbox
) -> None:
    file = write_csv(tmp_path, 40)
    env = cli_env(sandbox)
    url = redis_server.url
    sandbox.faults.set_latency(0.3)
    created = await run_cli(
        "campaign", "create", str(file), "--name", "term", "--redis", url, "--rate", "0",
        env=env, cwd=tmp_path,
    )  # fmt: skip
    assert created.code == 0, created.stderr
    process = await start_cli("worker", "--redis", url, "--concurrency", "2", env=env, cwd=tmp_path)
    while len(sandbox.messages) < 3:  # noqa: ASYNC110 (no arrival event to await)
        await asyncio.sleep(0.01)
    process.send_signal(signal.SIGTERM)
    run = await finish(process)
    assert run.code == 0, run.stderr
    assert "stopping" in run.stderr
    status = json.loads(
        (
            await run_cli(
                "campaign", "status", "term", "--redis", url, "--json", env=env, cwd=tmp_path
            )
        ).stdout
    )
    # Sends under way were finished and recorded; the rest wait, none lost or unknown.
    assert (status["in_flight"], status["unknown"], status["failed"]) == (0, 0, 0)
    # (one row per phone; the buttons row is two requests)
    assert status["sent"] == len({m.phone for m in sandbox.messages})
    assert status["pending"] == 41 - status["sent"] > 0
    sandbox.faults.set_latency(None)
    again = await run_cli(
        "worker", "--redis", url, "--exit-when-idle", "--idle-timeout", "1", env=env, cwd=tmp_path
    )
    assert again.code == 0, again.stderr
    status = json.loads(
        (
            await run_cli(
                "campaign", "status", "term", "--redis", url, "--json", env=env, cwd=tmp_path
            )
        ).stdout
    )
    assert (status["sent"], status["done"]) == (41, True)
    assert len(sandbox.messages) == 42
    assert sandbox.duplicates() == {}


async def test_control_commands_and_errors(
    tmp_path: Path, redis_server: RedisServer, redis: Redis
) -> None:
    file = write_csv(tmp_path, 5)
    env = cli_env()
    url = redis_server.url

    async def cli(*args: str) -> tuple[int, str, str]:
        run = await run_cli(*args, env=env, cwd=tmp_path)
        return run.code, run.stdout, run.stderr

    async def control() -> None:
        assert (await cli("campaign", "create", str(file), "--name", "ctl", "--redis", url))[0] == 0
        paused = await cli("campaign", "pause", "ctl", "--redis", url)
        assert paused == (0, "campaign 'ctl': paused\n", "")
        cancelled = await cli("campaign", "cancel", "ctl", "--redis", url)
        assert cancelled == (0, "campaign 'ctl': cancelled\n", "")
        code, out, _ = await cli("campaign", "results", "ctl", "--redis", url)
        assert code == 0
        assert {
            (json.loads(line)["status"], json.loads(line)["error"]) for line in out.splitlines()
        } == {("unsent", "the campaign was cancelled")}
        code, _, err = await cli("campaign", "create", str(file), "--name", "ctl", "--redis", url)
        assert (code, err) == (2, "zapi-async: error: a campaign named 'ctl' exists already\n")

    bad = tmp_path / "bad.csv"
    bad.write_text("phone,message\n5511988800001,ok\n,missing phone\n")
    gone = unreachable_redis()
    down = f"redis://:hunter2@127.0.0.1:{gone.connection_pool.connection_kwargs['port']}/0"
    await gone.aclose()
    # The errors do not depend on the control commands: run them alongside.
    _, missing, invalid, unreachable = await asyncio.gather(
        control(),
        cli("campaign", "status", "nope", "--redis", url),
        cli("campaign", "create", str(bad), "--name", "bad", "--redis", url),
        cli("campaign", "status", "x", "--redis", down),
    )
    assert missing == (2, "", "zapi-async: error: no campaign named 'nope' in this Redis\n")
    code, _, err = invalid
    assert code == 2
    assert "1 invalid row(s), nothing was stored" in err
    assert "line 3" in err
    assert not await redis.exists("zapi:campaign:{bad}:meta")
    code, _, err = unreachable
    assert code == 4
    assert "cannot use Redis at redis://:***@127.0.0.1" in err
    assert "hunter2" not in err
