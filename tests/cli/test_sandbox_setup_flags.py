"""``zapi-async sandbox --disconnected --whatsapp-numbers``: pairing and phone-exists
against the standalone sandbox, driven by the other commands (issue 17)."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path

from .conftest import RUN_TIMEOUT, cli_env, run_cli, start_cli


async def test_standalone_sandbox_pairing_and_numbers(tmp_path: Path) -> None:
    process = await start_cli(
        "sandbox", "--port", "0", "--disconnected",
        "--whatsapp-numbers", "5511999990001, 5511999990002",
        env=cli_env(), cwd=tmp_path,
    )  # fmt: skip
    assert process.stdout is not None
    banner: list[str] = []
    try:
        while not banner or banner[-1] != "Press Ctrl+C to stop.":
            line = await asyncio.wait_for(process.stdout.readline(), RUN_TIMEOUT)
            assert line, f"the sandbox exited early after {banner}"
            banner.append(line.decode().rstrip("\n"))
        assert "  WhatsApp    : 2 number(s) (phone-exists)" in banner
        assert "  phone       : disconnected (pair it: zapi-async qr)" in banner
        env = cli_env(
            ZAPI_INSTANCE_ID="SANDBOX",
            ZAPI_TOKEN="sandbox-token",
            ZAPI_BASE_URL=banner[0].rsplit(" ", 1)[1],
        )
        status = await run_cli("status", env=env, cwd=tmp_path)
        assert status.code == 4
        numbers = tmp_path / "n.csv"
        numbers.write_text("phone\n5511999990001\n5511999990009\n")
        checked = await run_cli("check-numbers", str(numbers), "--rate", "0", env=env, cwd=tmp_path)
        assert checked.stdout.startswith("checked 2: 1 have WhatsApp, 1 do not")
        qr = await run_cli("qr", "--interval", "0.1", "--max-codes", "1", env=env, cwd=tmp_path)
        assert qr.code == 4
        assert "QR code 1: scan it with WhatsApp" in qr.stdout
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.communicate(), RUN_TIMEOUT)
