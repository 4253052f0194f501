"""Run every ```python block of README.md and docs/*.md, so the docs never rot.

The convention (for everyone writing docs)
==========================================

* Every fenced block opened with ```` ```python ```` is an example and runs here.
  Blocks in other languages (``sh``, ``json``, ``text``...) are not run.
* A block runs on its own, in a fresh namespace, with ``__name__ == "__main__"``.
  Top-level ``await`` / ``async with`` / ``async for`` are allowed.
* **Sync blocks** (no top-level ``await``) run with no event loop running, so they
  may call ``asyncio.run(main())`` and start their own ``ZapiSandbox``.
* **Async blocks** (top-level ``await``, a harness name below used without being
  defined in the block, or the ``sandbox`` marker) run inside an event loop, with
  these names already defined, all bound to a fresh fake Z-API:

  ==================  ===========================================================
  ``sandbox``         a running :class:`~zapi_async.sandbox.ZapiSandbox` that
                      requires a Client-Token
  ``instance_id``,    credentials it accepts, for ``ZapiClient(instance_id, token,
  ``token``,          client_token=client_token, base_url=base_url)``
  ``client_token``,
  ``base_url``
  ``zapi``            a :class:`~zapi_async.ZapiClient` already open on it
  ==================  ===========================================================

* An HTML comment on the line(s) just before the fence changes how a block runs:

  - ``<!-- docs-example: sandbox -->``: run as an async block with the names
    above, even without a top-level ``await``;
  - ``<!-- docs-example: continue -->``: run in the namespace (and the sandbox)
    left by the previous block of the same page, for pages that build up an
    example in steps;
  - ``<!-- docs-example: skip: <reason> -->``: do not run (fragments that cannot
    run anywhere, e.g. production-only settings). A reason is required;
  - ``<!-- docs-example: script -->``: a complete program a reader saves and runs
    with ``python``. It does not run here but in tests/test_docs_scripts.py: as a
    file, in a subprocess, with ``ZAPI_INSTANCE_ID``, ``ZAPI_TOKEN``,
    ``ZAPI_CLIENT_TOKEN`` and ``ZAPI_BASE_URL`` pointing at a sandbox, and no
    harness names. Every block of README.md and docs/index.md is one.

* Blocks check themselves with ``assert``; an exception fails the test, whose id
  is ``<file>:<line of the fence>``. Warnings are errors here too, so an unclosed
  session or an un-awaited coroutine in a block fails it.
"""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from zapi_async import ZapiClient
from zapi_async.sandbox import ZapiSandbox

ROOT = Path(__file__).resolve().parent.parent
#: Seconds one chain of blocks may run.
BLOCK_TIMEOUT = 30.0
#: Credentials of the harness sandbox (public: only the sandbox knows them).
HARNESS_INSTANCE = "DOCS-INSTANCE"
HARNESS_TOKEN = "DOCS-TOKEN"
HARNESS_CLIENT_TOKEN = "DOCS-CLIENT-TOKEN"

_FENCE_OPEN = re.compile(r"^(?P<indent>\s*)```(?:python|py)\s*$")
_FENCE_CLOSE = re.compile(r"^\s*```\s*$")
_MARKER = re.compile(r"^\s*<!--\s*docs-example:\s*(?P<kind>[\w-]+)(?P<rest>.*?)\s*-->\s*$")
_KINDS = ("sandbox", "continue", "skip", "script")
#: Names an async block finds defined.
HARNESS_NAMES = ("sandbox", "zapi", "instance_id", "token", "client_token", "base_url")


@attrs.frozen
class Block:
    """One fenced python block: where it is, its code and its marker (if any)."""

    path: Path
    line: int  # 1-based line of the opening fence
    code: str
    marker: str | None = None
    reason: str = ""

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    def compiled(self) -> Any:
        # Pad so tracebacks show the Markdown file's own line numbers.
        source = "\n" * self.line + self.code
        return compile(
            source, str(self.path), "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, dont_inherit=True
        )

    @property
    def is_async(self) -> bool:
        return (
            self.marker == "sandbox"
            or bool(self.compiled().co_flags & inspect.CO_COROUTINE)
            or bool(_uses_harness_names(self.code))
        )


def _uses_harness_names(code: str) -> set[str]:
    """Harness names the code reads without defining them itself."""
    tree = ast.parse(code)
    loaded: set[str] = set()
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, ast.alias):
            bound.add((node.asname or node.name).split(".")[0])
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
    return (loaded - bound) & set(HARNESS_NAMES)


def _marker(lines: list[str], fence: int) -> tuple[str | None, str]:
    """The docs-example marker on the last non-blank line before the fence."""
    index = fence - 1
    while index >= 0 and not lines[index].strip():
        index -= 1
    if index < 0:
        return None, ""
    match = _MARKER.match(lines[index])
    if match is None:
        return None, ""
    kind, rest = match["kind"], match["rest"].strip().lstrip(":").strip()
    if kind not in _KINDS:
        raise ValueError(f"unknown docs-example marker {kind!r} before line {fence + 1}")
    if kind == "skip" and not rest:
        raise ValueError(f"docs-example skip before line {fence + 1} needs a reason")
    return kind, rest


def blocks_of(path: Path) -> Iterator[Block]:
    """The python blocks of one Markdown file, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    index = 0
    while index < len(lines):
        opened = _FENCE_OPEN.match(lines[index])
        if opened is None:
            index += 1
            continue
        indent = len(opened["indent"])
        end = index + 1
        while end < len(lines) and not _FENCE_CLOSE.match(lines[end]):
            end += 1
        code = "\n".join(line[indent:] for line in lines[index + 1 : end]) + "\n"
        marker, reason = _marker(lines, index)
        yield Block(path, index + 1, code, marker, reason)
        index = end + 1


def chains() -> list[list[Block]]:
    """Blocks grouped so a ``continue`` block runs after the ones before it."""
    files = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    groups: list[list[Block]] = []
    for path in files:
        if not path.exists():
            continue
        for block in blocks_of(path):
            if block.marker == "script":
                continue  # run as programs by tests/test_docs_scripts.py
            if block.marker == "continue" and groups and groups[-1][0].path == path:
                groups[-1].append(block)
            else:
                groups.append([block])
    return groups


def _param(chain: list[Block]) -> Any:
    marks = []
    if chain[0].marker == "skip":
        marks.append(pytest.mark.skip(reason=f"docs-example skip: {chain[0].reason}"))
    return pytest.param(chain, id=chain[0].name, marks=marks)


async def _run_async(chain: list[Block]) -> None:
    async with (
        ZapiSandbox(HARNESS_INSTANCE, HARNESS_TOKEN, client_token=HARNESS_CLIENT_TOKEN) as sandbox,
        ZapiClient(
            HARNESS_INSTANCE,
            HARNESS_TOKEN,
            client_token=HARNESS_CLIENT_TOKEN,
            base_url=sandbox.base_url,
        ) as zapi,
    ):
        namespace: dict[str, Any] = {
            "__name__": "__main__",
            "sandbox": sandbox,
            "zapi": zapi,
            "instance_id": HARNESS_INSTANCE,
            "token": HARNESS_TOKEN,
            "client_token": HARNESS_CLIENT_TOKEN,
            "base_url": sandbox.base_url,
        }
        for block in chain:
            result = eval(block.compiled(), namespace)
            if inspect.iscoroutine(result):
                await asyncio.wait_for(result, BLOCK_TIMEOUT)


def _run_sync(chain: list[Block]) -> None:
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for block in chain:
        exec(block.compiled(), namespace)


@pytest.mark.parametrize("chain", [_param(chain) for chain in chains()])
def test_docs_block(chain: list[Block]) -> None:
    """The block (and the ``continue`` blocks after it) runs without error."""
    if any(block.is_async for block in chain):
        asyncio.run(_run_async(chain))
    else:
        _run_sync(chain)


def test_the_harness_finds_blocks_and_markers(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n```python\nx = 1\n```\n\n<!-- docs-example: continue -->\n\n"
        "```python\nassert x == 1\n```\n\n```sh\nls\n```\n\n"
        "- item\n\n  <!-- docs-example: skip: needs a real account -->\n  ```python\n"
        "  await zapi.send_text('5511999999999', 'hi')\n  ```\n"
    )
    found = list(blocks_of(page))
    assert [(b.line, b.code, b.marker, b.reason) for b in found] == [
        (3, "x = 1\n", None, ""),
        (9, "assert x == 1\n", "continue", ""),
        (20, "await zapi.send_text('5511999999999', 'hi')\n", "skip", "needs a real account"),
    ]
    assert [b.is_async for b in found] == [False, False, True]
    assert _uses_harness_names("sandbox.fail_next()\nzapi = 1\nzapi.x\n") == {"sandbox"}
    assert _uses_harness_names("def f(sandbox):\n    return sandbox\n") == set()
    page.write_text("<!-- docs-example: skip -->\n```python\npass\n```\n")
    with pytest.raises(ValueError, match="needs a reason"):
        list(blocks_of(page))
    page.write_text("<!-- docs-example: sandbxo -->\n```python\npass\n```\n")
    with pytest.raises(ValueError, match="unknown docs-example marker 'sandbxo'"):
        list(blocks_of(page))


def test_async_blocks_get_the_harness_names() -> None:
    block = Block(
        ROOT / "README.md",
        1,
        "assert sandbox.client_token == client_token\n"
        "sent = await zapi.send_text('5511999999999', 'hi')\n"
        "assert sandbox.find(sent.message_id).body == "
        "{'phone': '5511999999999', 'message': 'hi'}\n"
        "assert base_url == sandbox.base_url and instance_id == sandbox.instance_id\n",
    )
    asyncio.run(_run_async([block]))


def test_reference_docstrings_are_rewritten_to_markdown() -> None:
    """tools/griffe_rst.py (the docs build's griffe extension) fences doctests and
    ``::`` blocks and simplifies Sphinx roles."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_griffe_rst", ROOT / "tools" / "griffe_rst.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    text = (
        "Send with :class:`~zapi_async.ZapiClient` and ``split``::\n\n"
        "    async with zapi:\n        await zapi.send(m)\n\n"
        ">>> x['a']\n[1]\n\nAfter."
    )
    assert module.rest_to_markdown(text).splitlines() == [
        "Send with `ZapiClient` and `split`:",
        "",
        "```python",
        "async with zapi:",
        "    await zapi.send(m)",
        "```",
        "",
        "```pycon",
        ">>> x['a']",
        "[1]",
        "```",
        "",
        "After.",
    ]
