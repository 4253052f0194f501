"""The examples in docs/sandbox.md run as written."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest

DOC = Path(__file__).parents[2] / "docs" / "sandbox.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL)
SCRIPTS = [block for block in BLOCKS if "asyncio.run(main())" in block]
PYTEST_BLOCKS = [block for block in BLOCKS if block.startswith("import pytest")]


def _run(code: str) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(DOC), "exec"), {"__name__": "__main__"})
    return out.getvalue()


@pytest.mark.parametrize("index", range(len(SCRIPTS)))
async def test_script_examples_run(index: int) -> None:
    output = await asyncio.to_thread(_run, SCRIPTS[index])
    assert output.strip()
    for line in output.splitlines():
        assert "False" not in line, output


async def test_quick_start_output() -> None:
    output = await asyncio.to_thread(_run, SCRIPTS[0])
    assert output.splitlines() == ["True ['CALL', 'URL']", "True ['REPLY']"]


def test_pytest_example_passes_in_a_fresh_project(tmp_path: Path) -> None:
    [block] = PYTEST_BLOCKS
    (tmp_path / "test_example.py").write_text(block, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-W", "error",
         "-o", "asyncio_mode=auto", "-o", "asyncio_default_fixture_loop_scope=function",
         str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout
