"""Import each named module alone, as a fresh interpreter would, in forks.

Usage: ``python -W error import_alone.py PACKAGE MODULE...``; prints a JSON object
``{module: [exit code, output]}`` (0: imported) and exits 0 when every module
imported (1 otherwise; 2 when PACKAGE itself does not import).

Why forks of this process are fresh interpreters for the purpose: in a fresh
interpreter, ``import PACKAGE.a.b`` imports ``PACKAGE`` to completion first (a
package's ``__init__`` runs to its end before any submodule of it is looked for),
then ``PACKAGE.a``, then ``PACKAGE.a.b``. So the modules of a package all start
from one state: a fresh interpreter that imported their ancestors in order and
nothing else. This process (itself a fresh interpreter, started for the check)
imports ``PACKAGE``, then forks one child per module or subpackage beneath it; a
subpackage's child imports it and forks again for what lies beneath. Every module
is so imported from exactly the state a fresh interpreter would import it from,
never from one where another module was loaded before it: a module importing only
because another one loaded its dependency fails here as it would there (the tests
drive this script over a package built to show that). Each package is imported
once instead of once per module, which is what makes the check fast.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import tempfile
import traceback
from pathlib import Path


def _import(module: str, output: Path) -> tuple[int, str]:
    """Import ``module`` with stdout/stderr going to ``output`` (in a fork only)."""
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)
    code = 1
    try:
        importlib.import_module(module)
        code = 0
    except BaseException:  # the child reports whatever stopped the import
        traceback.print_exc()
    sys.stdout.flush()
    sys.stderr.flush()
    return code, output.read_text(errors="replace")


class Run:
    """The modules to import (``wanted``), as a tree under the root package, and the
    directory each forked process writes its module's ``[code, output]`` to."""

    def __init__(self, root: str, wanted: list[str], directory: Path) -> None:
        self.wanted = set(wanted)
        self.directory = directory
        self.children: dict[str, list[str]] = {}
        for module in wanted:
            parts = module.split(".")
            for depth in range(root.count(".") + 2, len(parts) + 1):
                parent, name = ".".join(parts[: depth - 1]), ".".join(parts[:depth])
                siblings = self.children.setdefault(parent, [])
                if name not in siblings:
                    siblings.append(name)

    def below(self, module: str) -> list[str]:
        """Every wanted module beneath ``module``."""
        found = []
        for child in self.children.get(module, []):
            found += [child] if child in self.wanted else []
            found += self.below(child)
        return found

    def report(self, module: str, code: int, text: str) -> None:
        if module in self.wanted:
            path = self.directory / f"{module}.json"
            path.write_text(json.dumps([code, text]))

    def spawn(self, parent: str, jobs: int) -> None:
        """Fork a process per child of ``parent`` (imported here), ``jobs`` at a time."""
        pending = list(reversed(self.children.get(parent, [])))
        running: set[int] = set()
        while pending or running:
            while pending and len(running) < jobs:
                module = pending.pop()
                sys.stdout.flush()
                sys.stderr.flush()
                pid = os.fork()
                if pid == 0:
                    self._in_child(module)
                running.add(pid)
            pid, _ = os.wait()
            running.discard(pid)

    def _in_child(self, module: str) -> None:
        """Import ``module``, report it, then the same for what lies beneath; never returns."""
        try:
            code, text = _import(module, self.directory / f"{module}.out")
            self.report(module, code, text)
            if code == 0:
                self.spawn(module, jobs=1)
            else:  # as in a fresh interpreter: what lies beneath fails with it
                for below in self.below(module):
                    self.report(below, code, f"importing {module} failed:\n{text}")
        finally:
            os._exit(0)


def import_each(root: str, modules: list[str], jobs: int) -> dict[str, tuple[int, str]]:
    """Import each of ``modules`` (beneath ``root``, imported here) alone; the exit
    code (0: imported) and output of each."""
    results: dict[str, tuple[int, str]] = {}
    with tempfile.TemporaryDirectory(prefix="import-alone-") as directory:
        run = Run(root, modules, Path(directory))
        run.spawn(root, jobs)
        for module in modules:
            path = Path(directory) / f"{module}.json"
            if module == root:
                results[module] = (0, "")
            elif path.exists():
                code, text = json.loads(path.read_text())
                results[module] = (code, text)
            else:  # pragma: no cover - a child died without reporting
                results[module] = (1, "the forked import did not report (crashed?)")
    return results


def main(argv: list[str]) -> int:
    package, modules = argv[0], argv[1:]
    try:
        importlib.import_module(package)
    except BaseException:
        print(json.dumps({package: [1, traceback.format_exc()]}))
        return 2
    results = import_each(package, modules, jobs=max(2, os.cpu_count() or 2))
    print(json.dumps({module: list(result) for module, result in results.items()}))
    return 0 if all(code == 0 for code, _ in results.values()) else 1


if __name__ == "__main__":
    # Look modules up as ``python -c "import ..."`` does: from the working directory,
    # not from this script's.
    sys.path[0] = ""
    sys.exit(main(sys.argv[1:]))
