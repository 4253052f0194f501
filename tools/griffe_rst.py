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


def _walk(obj: griffe.Object) -> Any:
    """``obj`` and every object defined under it (aliases, i.e. imports, skipped)."""
    yield obj
    for member in obj.members.values():
        if not member.is_alias:
            yield from _walk(member)  # type: ignore[arg-type]


def _comment_docstring(attr: griffe.Object) -> str | None:
    """The ``#:`` comment lines just above ``attr`` (Sphinx's attribute docs)."""
    lines = attr.module.lines
    index = (attr.lineno or 1) - 2
    found: list[str] = []
    while index >= 0 and lines[index].lstrip().startswith("#:"):
        found.insert(0, lines[index].lstrip()[2:].strip())
        index -= 1
    return "\n".join(found) or None


def _helper_function(cls: griffe.Object, name: str, lineno: int | None) -> griffe.Function:
    """The method a ``SendHelper`` descriptor makes, as griffe sees a ``def``."""
    import importlib  # noqa: PLC0415
    import inspect  # noqa: PLC0415

    runtime: Any = importlib.import_module(cls.module.path)
    for part in cls.path.removeprefix(cls.module.path + ".").split("."):
        runtime = getattr(runtime, part)
    function = getattr(runtime, name)
    signature = inspect.signature(function)
    parameters = []
    for index, parameter in enumerate(signature.parameters.values()):
        kind = (
            griffe.ParameterKind.positional_or_keyword
            if index == 0
            else griffe.ParameterKind(parameter.kind.description)
        )
        annotation, default = parameter.annotation, parameter.default
        parameters.append(
            griffe.Parameter(
                parameter.name,
                annotation=None if annotation is inspect.Parameter.empty else str(annotation),
                kind=kind,
                default=None if default is inspect.Parameter.empty else repr(default),
            )
        )
    made = griffe.Function(
        name,
        lineno=lineno,
        endlineno=lineno,
        parameters=griffe.Parameters(*parameters),
        returns="SendResult",
    )
    made.docstring = griffe.Docstring(rest_to_markdown(function.__doc__ or ""), parent=made)
    made.labels.add("async")
    return made


class SendHelpersAndAliases(griffe.Extension):
    """Makes the reference show what the source states indirectly: each
    ``send_x = SendHelper(Model)`` descriptor as the ``async def`` it becomes
    (signature and docstring taken from the runtime function), and each
    ``#:``-commented module attribute (the type aliases ``Button``, ``AnyEvent``...)
    with that comment as its docstring."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Called by griffe once the whole package is loaded."""
        if pkg.name != "zapi_async":
            return
        for obj in list(_walk(pkg)):
            if obj.is_attribute and obj.docstring is None:
                text = _comment_docstring(obj)
                if text is not None:
                    obj.docstring = griffe.Docstring(rest_to_markdown(text), parent=obj)
            if not obj.is_class:
                continue
            for name, member in list(obj.members.items()):
                value = getattr(member, "value", None)
                if not member.is_alias and str(value).startswith("SendHelper("):
                    obj.set_member(name, _helper_function(obj, name, member.lineno))
