"""The programs the README and the Quickstart tell a reader to save and run, run
exactly as printed: each ``<!-- docs-example: script -->`` block is written to a
file and started with ``python`` in a subprocess whose environment holds only the
``ZAPI_*`` variables a reader sets (pointing at a sandbox), as the README says.
Nothing else is defined for them (see tests/test_docs_examples.py for the marker)."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.test_docs_examples import ROOT, Block, blocks_of
from zapi_async.sandbox import ZapiSandbox

#: Pages a new user copies programs from: every python block there is a script.
FIRST_PAGES = ("README.md", "docs/index.md")
#: Seconds one script may run.
SCRIPT_TIMEOUT = 60.0
INSTANCE, TOKEN, CLIENT_TOKEN = "SCRIPT-INSTANCE", "SCRIPT-TOKEN", "SCRIPT-CLIENT-TOKEN"


def scripts() -> list[Block]:
    """Every script block of the README and the docs."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    return [block for page in pages for block in blocks_of(page) if block.marker == "script"]


def test_every_block_of_the_first_pages_is_a_script() -> None:
    for page in FIRST_PAGES:
        blocks = list(blocks_of(ROOT / page))
        assert blocks, page
        assert [b.name for b in blocks if b.marker != "script"] == []


def _environment(sandbox: ZapiSandbox) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZAPI_")}
    env.update(
        ZAPI_INSTANCE_ID=INSTANCE,
        ZAPI_TOKEN=TOKEN,
        ZAPI_CLIENT_TOKEN=CLIENT_TOKEN,
        ZAPI_BASE_URL=sandbox.base_url,
        PYTHONWARNINGS="error",
    )
    return env


@pytest.mark.parametrize("block", [pytest.param(b, id=b.name) for b in scripts()])
async def test_script_runs_as_printed(block: Block, tmp_path: Path) -> None:
    script = tmp_path / "script.py"
    script.write_text(block.code, encoding="utf-8")
    async with ZapiSandbox(INSTANCE, TOKEN, client_token=CLIENT_TOKEN) as sandbox:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(script),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=_environment(sandbox),
            cwd=tmp_path,
        )
        out, err = await asyncio.wait_for(process.communicate(), SCRIPT_TIMEOUT)
        uses_env = "from_env" in block.code or "ZAPI_" in block.code
        received = len(sandbox.requests) if uses_env else None
    assert process.returncode == 0, err.decode()
    assert err.decode() == ""
    assert out.decode().strip(), "a script shows the reader what it did"
    if uses_env:
        assert received, "the script talked to the sandbox named by ZAPI_BASE_URL"
    for secret in (TOKEN, CLIENT_TOKEN):
        assert secret not in out.decode()
