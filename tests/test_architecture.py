"""The package's rooms: one-way layers, no import cycles, small modules.

Imports are read with :mod:`ast` (``TYPE_CHECKING`` and function-level imports
count: types are dependencies too); every module also imports alone in a fresh
interpreter (after aiohttp's ``tests/test_circular_imports.py``; one fork per module
of an interpreter that imported only the package: tests/support/import_alone.py).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import zapi_async

PACKAGE = Path(zapi_async.__file__).resolve().parent
MAX_LINES = 400
IMPORT_ALONE = Path(__file__).parent / "support" / "import_alone.py"
#: errors.py holds the whole tree in one module by design (one place to read it);
#: its ~40 small classes may take a little more.
LIMITS = {"zapi_async.errors": 430}

#: Layer of each top-level room; a module may import only its own room and rooms
#: of a lower layer (see docs/design.md). Rooms sharing the top layer do not import
#: each other, except that any of them may start the sandbox.
LAYERS: dict[str, int] = {
    "errors": 0,
    "config": 1,
    "environment": 2,
    "models": 3,
    "splitter": 4,
    "wire": 5,
    "limits": 6,
    "http": 7,
    "sending": 8,
    "client": 9,
    "campaigns": 10,
    "cli": 11,
    "webhooks": 11,
    "pytest_plugin": 11,
    "sandbox": 11,
    "__init__": 12,
    "__main__": 12,
}
#: Rooms whose modules must not import anything of the library outside themselves.
ISOLATED = {"sandbox"}
#: Where the json module may be used: Z-API's JSON is read and written in wire/ only;
#: the CLI's own files, the credentials file and the independent fake Z-API are JSON too.
JSON_ROOMS = {"wire", "cli", "environment", "sandbox"}


def _module_name(path: Path) -> str:
    parts = ["zapi_async", *path.relative_to(PACKAGE).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> Iterator[str]:
    if node.level:
        package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
        base = package[: len(package) - node.level + 1]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    if not target.startswith("zapi_async"):
        return
    if node.module is None or (node.level == 0 and target == "zapi_async"):
        # ``from .. import splitter`` imports the module ``zapi_async.splitter``.
        for alias in node.names:
            candidate = f"{target}.{alias.name}"
            yield candidate if candidate in MODULES else target
        return
    yield target


def imports_of(module: str) -> set[str]:
    """Every ``zapi_async`` module ``module`` imports, anywhere in its code."""
    path = MODULES[module]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            found.update(_resolve(module, path, node))
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("zapi_async"))
    found.discard(module)
    return found


def _stdlib_imports(module: str) -> set[str]:
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_flow_down_the_layers(module: str) -> None:
    room = _room(module)
    assert room in LAYERS, f"{module} is in no layer: add its room to LAYERS and design.md"
    wrong = []
    for target in sorted(imports_of(module)):
        other = _room(target)
        if other == room:
            continue
        if room in ISOLATED:
            wrong.append(f"{target} (the {room} imports nothing of the library)")
        elif LAYERS[other] > LAYERS[room]:
            wrong.append(f"{target} (layer {LAYERS[other]} > {LAYERS[room]})")
        elif LAYERS[other] == LAYERS[room] and other not in ISOLATED:
            wrong.append(f"{target} (a sibling room of the same layer)")
    assert not wrong, f"{module} imports upwards or sideways: {wrong}"


def test_there_is_no_import_cycle() -> None:
    graph = {module: imports_of(module) & MODULES.keys() for module in MODULES}
    # A package's __init__ re-exporting its own submodules is not a cycle.
    for module, targets in graph.items():
        if MODULES[module].name == "__init__.py":
            graph[module] = {t for t in targets if not t.startswith(module + ".")}
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == 1:
                cycles.append([*stack[stack.index(target) :], target])
            elif target not in state:
                visit(target)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_over_the_size_limit(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    limit = LIMITS.get(module, MAX_LINES)
    assert lines <= limit, f"{module} has {lines} lines (limit {limit}): split it"


def test_the_top_level_holds_only_the_rooms() -> None:
    flat = {p.stem for p in PACKAGE.glob("*.py")}
    assert flat <= {"__init__", "__main__", "config", "environment", "errors", "splitter"} | {
        "pytest_plugin"
    }, "a module lies flat in the package: put it in its room"
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert packages <= {r for r in LAYERS if not r.startswith("__")}


@pytest.mark.parametrize("module", [m for m in sorted(MODULES) if _room(m) == "models"])
def test_models_know_nothing_of_cattrs(module: str) -> None:
    assert "cattrs" not in _stdlib_imports(module)


@pytest.mark.parametrize("module", [m for m in sorted(MODULES) if _room(m) not in JSON_ROOMS])
def test_json_is_read_and_written_only_in_wire(module: str) -> None:
    assert "json" not in _stdlib_imports(module), f"{module}: use zapi_async.wire.codec"


def test_every_library_exception_is_in_the_tree() -> None:
    from zapi_async import errors

    defined = []
    for module, path in MODULES.items():
        if _room(module) in ISOLATED:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ClassDef)
                and node.name.endswith("Error")
                and not node.name.startswith("_")
            ):
                defined.append((module, node.name))
    outside = [f"{m}.{name}" for m, name in defined if m != "zapi_async.errors"]
    assert not outside, f"exceptions defined outside errors.py: {outside}"
    for name in errors.__all__:
        value = getattr(errors, name)
        if isinstance(value, type) and issubclass(value, Exception):
            assert issubclass(value, errors.ZapiError), name
            assert name in errors.__doc__, f"{name} is missing from the tree in errors.py"


def _import_alone(package: str, modules: list[str], **run: Any) -> dict[str, tuple[int, str]]:
    """Import each of ``modules`` alone: tests/support/import_alone.py, one fresh
    interpreter importing ``package`` once, then one fork per module."""
    done = subprocess.run(
        [sys.executable, "-W", "error", str(IMPORT_ALONE), package, *modules],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        **run,
    )
    assert done.stdout, done.stderr
    results = {m: (code, out) for m, (code, out) in json.loads(done.stdout).items()}
    assert set(results) == set(modules) or set(results) == {package}, done.stdout[-2000:]
    return results


def test_every_module_imports_alone_in_a_fresh_interpreter() -> None:
    optional = {"zapi_async.webhooks.fastapi_app"}  # needs the fastapi extra (installed in dev)
    # ``__main__`` runs the command line when imported.
    modules = sorted(m for m in MODULES if m != "zapi_async.__main__")
    results = _import_alone("zapi_async", modules, cwd=PACKAGE.parent)
    failed = {m: out[-400:] for m, (code, out) in results.items() if code and m not in optional}
    assert not failed, failed


def test_a_module_importing_only_after_another_fails_the_import_check(tmp_path: Path) -> None:
    # The check itself: each module starts from a state where no sibling was loaded.
    files = {
        "__init__.py": "",
        "room/__init__.py": "",
        "room/base.py": "VALUE = 1\n",
        # Works only once something else has imported layered.room.base.
        "room/lazy.py": "import layered.room\n\nX = layered.room.base.VALUE\n",
        # A cycle that imports in one order only.
        "first.py": "from layered import second\n\nA = 1\n",
        "second.py": "from layered.first import A\n",
        "warns.py": "import warnings\n\nwarnings.warn('old', DeprecationWarning)\n",
    }
    for name, text in files.items():
        (tmp_path / "layered" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "layered" / name).write_text(text)
    modules = [
        "layered.room.base", "layered.room.lazy", "layered.second", "layered.first",
        "layered.warns",
    ]  # fmt: skip
    results = _import_alone("layered", modules, cwd=tmp_path)
    codes = {m: code for m, (code, _) in results.items()}
    assert codes == {
        "layered.room.base": 0,
        "layered.room.lazy": 1,  # even though base was imported (in its own fork) before
        "layered.second": 0,
        "layered.first": 1,  # even though second (which imports first) was imported before
        "layered.warns": 1,  # warnings are errors, as with ``python -W error``
    }
    assert "AttributeError" in results["layered.room.lazy"][1]
    assert "ImportError: cannot import name 'A'" in results["layered.first"][1]
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "__init__.py").write_text("raise RuntimeError('no')\n")
    (code, output), *_ = _import_alone("broken", ["broken.x"], cwd=tmp_path).values()
    assert (code, "RuntimeError: no" in output) == (1, True)
