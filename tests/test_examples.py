"""Every file in ``examples/`` runs here, against the sandbox, so none of them rots."""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from zapi_async.sandbox import ZapiSandbox

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

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
