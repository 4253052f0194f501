"""The README's path from a clone to a bot answering a button press, run as a new
user would: the commands it prints, in subprocesses, against ``zapi-async sandbox``.

The only liberty taken: the sandbox and the bot listen on free ports (``--port 0``)
instead of 8080/8081/8000, which may be taken on the machine running the tests.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import shutil
import signal
import socket
import sys
from pathlib import Path

from tests.cli.conftest import RUN_TIMEOUT

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECRET = "my-webhook-secret"
PHONE = "5511999999999"
#: The commands of the README's walk-through, as printed there.
SANDBOX = f"zapi-async sandbox --webhook-url http://127.0.0.1:8000/zapi/{SECRET}"
BOT_ENV = f"export WEBHOOK_SECRET={SECRET} PORT=8000 HOST=127.0.0.1"
BOT = f"python examples/aiohttp_bot.py --send-menu {PHONE}"
PRESS = "zapi-async sandbox press --message-id <id> --button-id agent"
BULK = "zapi-async bulk examples/campaign.csv --rate 5"


def test_the_readme_prints_the_commands_tested_here() -> None:
    for command in (SANDBOX, BOT_ENV, BOT, PRESS, BULK, "make demo", ". .venv/bin/activate"):
        assert command in README, command


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ZAPI_", "WEBHOOK_"))}
    env.update(PYTHONUNBUFFERED="1", **extra)
    return env


async def _start(*args: str, env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, *args, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE, env=env, cwd=cwd,
    )  # fmt: skip


async def _read_until(process: asyncio.subprocess.Process, prefix: str) -> list[str]:
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or not lines[-1].startswith(prefix):
        line = await asyncio.wait_for(process.stdout.readline(), RUN_TIMEOUT)
        assert line, f"exited before printing {prefix!r}: {lines}"
        lines.append(line.decode().rstrip("\n"))
    return lines


async def _run(*args: str, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    process = await _start(*args, env=env, cwd=cwd)
    out, err = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


async def _stop(process: asyncio.subprocess.Process) -> str:
    if process.returncode is None:
        process.send_signal(signal.SIGINT)
    out, err = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT)
    return out.decode() + err.decode()


def _exports(line: str) -> dict[str, str]:
    words = shlex.split(line.split("#", maxsplit=1)[0])
    assert words[0] == "export"
    return dict(word.split("=", 1) for word in words[1:])


async def _answers(env: dict[str, str], inspector: str, cwd: Path) -> list[str]:
    """The bot's texts in the chat, as ``zapi-async sandbox state`` shows them."""
    code, out, err = await _run(
        "-m", "zapi_async", "sandbox", "state", "--url", inspector, "--chat", PHONE,
        env=env, cwd=cwd,
    )  # fmt: skip
    assert code == 0, err
    items = json.loads(out)["chat"]["items"]
    return [json.dumps(item, ensure_ascii=False) for item in items]


async def test_from_sandbox_to_a_bot_answering_a_button_press(tmp_path: Path) -> None:
    for name in ("aiohttp_bot.py", "campaign.csv"):
        (tmp_path / "examples").mkdir(exist_ok=True)
        shutil.copy(ROOT / "examples" / name, tmp_path / "examples" / name)
    bot_port = _free_port()
    sandbox_args = shlex.split(SANDBOX.replace(":8000/", f":{bot_port}/"))[1:]
    sandbox = await _start(
        "-m", "zapi_async", *sandbox_args, "--port", "0", env=_clean_env(), cwd=tmp_path
    )
    bot = None
    try:
        banner = await _read_until(sandbox, "Press Ctrl+C to stop.")
        [export] = [line.strip() for line in banner if line.strip().startswith("export ")]
        [inspector] = [line.split(" : ")[1] for line in banner if "inspector   :" in line]
        env = _clean_env(**_exports(export))
        assert set(env) >= {"ZAPI_INSTANCE_ID", "ZAPI_TOKEN", "ZAPI_BASE_URL"}

        bot_env = {**env, **_exports(BOT_ENV), "PORT": str(bot_port)}
        bot = await _start(*shlex.split(BOT)[1:], env=bot_env, cwd=tmp_path)
        printed = await _read_until(bot, "menu sent to")
        assert printed[0] == f"bot listening on port {bot_port}; Ctrl+C to stop"
        ids = printed[-1].split(": ", 1)[1].split(", ")
        assert printed[-1].startswith(f"menu sent to {PHONE} as 2 messages: ")

        press = shlex.split(PRESS.replace("<id>", ids[1]))[1:]
        code, out, err = await _run("-m", "zapi_async", *press, "--url", inspector, env=env,
                                    cwd=tmp_path)  # fmt: skip
        assert code == 0, out + err
        assert json.loads(out)["ok"] is True

        answer = "Thanks! An agent will call you within 10 minutes."

        async def answered() -> None:
            # The bot answers after its 200; another process: look until it shows.
            while not any(  # noqa: ASYNC110 (another process: nothing to wait on)
                answer in item for item in await _answers(env, inspector, tmp_path)
            ):
                await asyncio.sleep(0.1)

        await asyncio.wait_for(answered(), RUN_TIMEOUT)

        code, out, err = await _run("-m", "zapi_async", *shlex.split(BULK)[1:], env=env,
                                    cwd=tmp_path)  # fmt: skip
        assert code == 0, err
        assert out.startswith("sent 10, failed 0, partial 0, unknown 0, unsent 0, invalid 0;")
        assert "warning" not in err
        results = (tmp_path / "examples" / "campaign.results.jsonl").read_text().splitlines()
        assert [json.loads(line)["status"] for line in results] == ["sent"] * 10
    finally:
        rest = await _stop(bot) if bot is not None else ""
        rest += await _stop(sandbox)
    assert "Traceback" not in rest
    assert re.search(r"token/(?!\*\*\*)", rest) is None  # no instance token in any output
