"""Every file in ``examples/`` runs here, against the sandbox, so none of them rots."""

from __future__ import annotations

import asyncio
import importlib.util
import json
import re
import shlex
import shutil
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from tests.cli.conftest import RUN_TIMEOUT, cli_env
from zapi_async.sandbox import ZapiSandbox

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
#: A row of the README's examples table: | `examples/FILE` | what | `COMMAND` |
_ROW = re.compile(r"^\| `(?P<file>examples/[^`]+)` \| [^|]+ \| `(?P<command>[^`]+)` \|$")


def readme_commands() -> dict[str, str]:
    """``{file: command}`` from the README's examples table."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    return {m["file"]: m["command"] for m in map(_ROW.match, lines) if m is not None}


MENU_URL_PART = {
    "phone": "5511999999999",
    "message": "Hi! What can we do for you?",
    "footer": "Acme Store",
    "buttonActions": [{"type": "URL", "label": "Our website", "url": "https://z-api.io"}],
}
MENU_REPLY_PART = {
    **MENU_URL_PART,
    "buttonActions": [
        {"type": "REPLY", "id": "order", "label": "Track my order"},
        {"type": "REPLY", "id": "agent", "label": "Talk to an agent"},
    ],
}


def load(name: str) -> ModuleType:
    """Import ``examples/<name>.py`` as a module (examples are not a package)."""
    spec = importlib.util.spec_from_file_location(f"_example_{name}", EXAMPLES / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_every_example_file_is_tested_here() -> None:
    assert sorted(p.name for p in EXAMPLES.iterdir() if not p.name.startswith((".", "_"))) == [
        "aiohttp_bot.py",
        "bulk_campaign.py",
        "campaign.csv",  # read by bulk_campaign.py
        "fastapi_bot.py",
    ]
    assert sorted(readme_commands()) == sorted(
        f"examples/{p.name}" for p in EXAMPLES.iterdir() if not p.name.startswith((".", "_"))
    )


async def _run(args: list[str], env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env, cwd=cwd
    )
    out, err = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def _argv(command: str) -> list[str]:
    """The README's command, with this interpreter for ``python`` and ``zapi-async``."""
    words = shlex.split(command)
    if words[0] == "python":
        return [sys.executable, *words[1:]]
    assert words[0] == "zapi-async"
    return [sys.executable, "-m", "zapi_async", *words[1:]]


@pytest.mark.parametrize("name", ["aiohttp_bot.py", "fastapi_bot.py", "bulk_campaign.py"])
async def test_the_readme_command_of_each_script_runs(name: str) -> None:
    if name == "fastapi_bot.py":
        pytest.importorskip("uvicorn")
    command = readme_commands()[f"examples/{name}"]
    assert command == f"python examples/{name} --sandbox"
    code, out, err = await _run(_argv(command), cli_env(), ROOT)
    assert code == 0, err
    assert err == ""
    assert out.strip()


async def test_campaign_csv_is_a_bulk_file(tmp_path: Path) -> None:
    command = readme_commands()["examples/campaign.csv"]
    (tmp_path / "examples").mkdir()
    shutil.copy(EXAMPLES / "campaign.csv", tmp_path / "examples")
    async with ZapiSandbox("EXAMPLE", "EXAMPLE-TOKEN", client_token="EXAMPLE-CT") as sandbox:
        code, out, err = await _run(_argv(command), cli_env(sandbox), tmp_path)
        bodies = [m.body for m in sandbox.messages]
    assert code == 0, err
    assert "warning" not in err  # no unknown column
    assert out.startswith("sent 10, failed 0, partial 0, unknown 0, unsent 0, invalid 0;")
    assert bodies[0] == {
        "phone": "5511990000001",
        "message": "Hi Ana! Your Premium plan renews next week. Shall we keep it?",
        "footer": "Reply with a button",
        "buttonActions": [
            {"type": "REPLY", "id": "renew", "label": "Yes, renew"},
            {"type": "REPLY", "id": "talk", "label": "Talk to us first"},
        ],
    }
    records = (tmp_path / "examples" / "campaign.results.jsonl").read_text().splitlines()
    assert [json.loads(r)["status"] for r in records] == ["sent"] * 10


async def test_aiohttp_bot_answers_the_button_press() -> None:
    bodies = await load("aiohttp_bot").try_in_sandbox()
    assert bodies == [
        MENU_URL_PART,
        MENU_REPLY_PART,
        {"phone": "5511999999999", "message": "Thanks! An agent will call you within 10 minutes."},
    ]


async def test_fastapi_bot_answers_the_button_press() -> None:
    pytest.importorskip("uvicorn")
    bodies = await load("fastapi_bot").try_in_sandbox()
    assert bodies == [
        MENU_URL_PART,
        MENU_REPLY_PART,
        {"phone": "5511999999999", "message": "Your order #1042 left our warehouse this morning."},
    ]


async def test_bulk_campaign_from_csv(monkeypatch: pytest.MonkeyPatch) -> None:
    example = load("bulk_campaign")
    async with ZapiSandbox("EXAMPLE", "EXAMPLE-TOKEN", client_token="EXAMPLE-CT") as sandbox:
        monkeypatch.setenv("ZAPI_INSTANCE_ID", "EXAMPLE")
        monkeypatch.setenv("ZAPI_TOKEN", "EXAMPLE-TOKEN")
        monkeypatch.setenv("ZAPI_CLIENT_TOKEN", "EXAMPLE-CT")
        sandbox.fail_next(1, status=503)  # retried by the client
        statuses = await example.main(base_url=sandbox.base_url, rate=1000)
        assert statuses == Counter(sent=10)
        assert sandbox.duplicates() == {}
        assert [m.phone for m in sandbox.messages].count("5511990000009") == 1  # normalised
        assert sandbox.messages_to("5511990000001")[0].body == {
            "phone": "5511990000001",
            "message": "Hi Ana! Your Premium plan renews next week. Shall we keep it?",
            "footer": "Reply with a button",
            "buttonActions": [
                {"type": "REPLY", "id": "renew", "label": "Yes, renew"},
                {"type": "REPLY", "id": "talk", "label": "Talk to us first"},
            ],
        }


async def test_bulk_campaign_sandbox_demo(capsys: pytest.CaptureFixture[str]) -> None:
    statuses = await load("bulk_campaign").try_in_sandbox(rate=1000)
    assert statuses == Counter(sent=10)
    assert capsys.readouterr().out == "10 messages accepted: {'sent': 10}\n"
