"""A griffe extension for the docs build: render the project's reST-flavoured
docstrings as Markdown.

The code's docstrings use a few reStructuredText habits (they read well in
``help()`` and IDEs): ``>>>`` doctest examples, ``::`` literal blocks, and Sphinx
roles such as ``:class:`~zapi_async.ZapiClient```. mkdocstrings renders docstrings
as Markdown, where those come out mangled (``[a]`` then ``[b]`` on the next line
even reads as a reference link). This extension rewrites each docstring before
rendering; the source files are untouched.

Enabled in ``mkdocs.yml`` under the python handler's ``extensions``.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

import griffe

__all__ = ["RestToMarkdown", "rest_to_markdown"]

_ROLE = re.compile(r":(?:class|func|meth|attr|mod|data|exc|obj|const):`~?([^`]+)`")
_DOUBLE_BACKTICK = re.compile(r"``([^`]+)``")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def _role(match: re.Match[str]) -> str:
    target = match.group(1)
    return f"`{target.rsplit('.', 1)[-1]}`"


def _fence(lines: list[str], language: str) -> list[str]:
    body = textwrap.dedent("\n".join(lines)).splitlines()
    return [f"```{language}", *body, "```"]


def rest_to_markdown(text: str) -> str:
    """Doctests and ``::`` blocks become fenced code; roles and ````x```` become `x`."""
    lines = text.splitlines()
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        stripped = line.strip()
        if stripped.startswith(">>>"):
            block = []
            while index < len(lines) and lines[index].strip():
                block.append(lines[index])
                index += 1
            out.extend(_fence(block, "pycon"))
            continue
        if stripped.endswith("::") and not stripped.startswith(".."):
            head = line.rstrip()[:-2].rstrip()
            if head.strip():
                out.append(_inline(head + ":"))
            index += 1
            while index < len(lines) and not lines[index].strip():
                index += 1
            base = _indent(line)
            block = []
            while index < len(lines) and (not lines[index].strip() or _indent(lines[index]) > base):
                block.append(lines[index])
                index += 1
            while block and not block[-1].strip():
                block.pop()
            out.extend(["", *_fence(block, "python"), ""])
            continue
        out.append(_inline(line))
        index += 1
    return "\n".join(out)


def _inline(line: str) -> str:
    return _DOUBLE_BACKTICK.sub(r"`\1`", _ROLE.sub(_role, line))


class RestToMarkdown(griffe.Extension):
    """Rewrites every docstring with :func:`rest_to_markdown`."""

    def on_instance(self, *, node: Any, obj: griffe.Object, agent: Any, **kwargs: Any) -> None:
        """Called by griffe for every object it loads."""
        if obj.docstring is not None:
            obj.docstring.value = rest_to_markdown(obj.docstring.value)
