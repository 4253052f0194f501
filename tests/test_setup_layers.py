"""Issue 17's modules keep the layering: the sandbox imports nothing of the library,
and the credentials reader sits below client/ (so the CLI and the client share it)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "zapi_async"


def _imports(path: Path) -> list[tuple[int, str]]:
    """``(relative level, module)`` of every import in ``path``."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            found.append((node.level, node.module or ""))
        elif isinstance(node, ast.Import):
            found.extend((0, alias.name) for alias in node.names)
    return found


@pytest.mark.parametrize("module", sorted((PACKAGE / "sandbox").glob("*.py")), ids=lambda p: p.name)
def test_sandbox_modules_import_nothing_of_the_library(module: Path) -> None:
    for level, name in _imports(module):
        assert level <= 1, f"{module.name} imports from outside the sandbox: {'.' * level}{name}"
        assert not name.startswith("zapi_async"), f"{module.name} imports {name}"


def test_environment_sits_below_client() -> None:
    relative = {name for level, name in _imports(PACKAGE / "environment.py") if level == 1}
    assert relative == {"config", "errors"}


def test_setup_models_know_no_json() -> None:
    names = {name for _, name in _imports(PACKAGE / "models" / "setup.py")}
    assert not {"cattrs", "json"} & names
