"""Reading a bulk campaign: CSV or JSONL rows into messages, with line numbers.

Columns (CSV header) / keys (JSONL objects):

* ``phone`` (required): the recipient, digits only (``5511999999999``), a group id, a
  LID (``…@lid``) or a channel (``…@newsletter``);
* ``message`` (required): the text;
* ``title``, ``footer``, ``image`` (optional; they need buttons);
* ``buttons`` (optional): in CSV a ``;``-separated list such as
  ``reply:yes=Yes please;url:Website=https://z-api.io;call:Call us=+554498398733``;
  in JSONL the same string or a list of ``{"type": "REPLY", "id": ..., "label": ...}``
  objects (Z-API's ``buttonActions`` form). A row without buttons is a plain text
  message (``send-text``).
* ``type`` (optional): ``text``/``buttons`` (the columns above), or any content
  type of :data:`~zapi_async.cli.content_rows.TYPES` (``image``, ``document``,
  ``poll``...), whose fields are then the columns (see :mod:`.content_rows`).

Every problem names the file line and the column, so a person can fix the file;
bytes that are not UTF-8, unreadable CSV and JSON too deep to read are reported by
line too (see :mod:`.input_files`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, cast

import attrs

from ..errors import ValidationError
from ..models._checks import is_chat_id
from ..models.buttons import Button, CallButton, ReplyButton, UrlButton
from ..models.messages import ButtonActionsMessage, Message
from ..models.text import TextMessage
from ..wire import to_wire
from .config import CliError
from .content_rows import LEGACY_TYPES, TYPED_COLUMNS, CellProblem, build_typed
from .input_files import csv_records, jsonl_lines

__all__ = [
    "COLUMNS",
    "BadRow",
    "InputProblem",
    "InputRow",
    "detect_format",
    "input_format",
    "make_button",
    "parse_buttons",
    "read_rows",
]

#: Every column (CSV) or key (JSONL) a campaign row may have.
COLUMNS = ("phone", "message", "title", "footer", "image", "buttons")
_REQUIRED = ("phone", "message")
#: Rewrites a phone as written into Z-API's form, or raises ValidationError.
Normalizer = Callable[[str], str]
#: Columns of a file with a ``type`` column: the legacy ones and every typed field.
_KNOWN_COLUMNS = {*COLUMNS, "type", *TYPED_COLUMNS}
_BUTTON_SYNTAX = "reply:ID=LABEL, url:LABEL=URL or call:LABEL=PHONE"
_KINDS = {"CALL": "call", "URL": "url", "REPLY": "reply"}


class InputProblem(ValueError):
    """A value that cannot become a message: ``field`` (column) and ``problem``."""

    def __init__(self, field: str, problem: str) -> None:
        self.field = field
        self.problem = problem
        super().__init__(f"{field}: {problem}")


@attrs.frozen
class InputRow:
    """One valid input: its file ``line``, the ``message`` and a fingerprint ``key``;
    ``original_phone`` is the phone as written when a normalizer rewrote it."""

    line: int
    message: Message
    key: str
    original_phone: str | None = None

    @property
    def phone(self) -> str:
        """The message's recipient."""
        return self.message.phone


@attrs.frozen
class BadRow:
    """One invalid input: its file ``line``, the ``field`` (column) and the ``problem``."""

    line: int
    field: str
    problem: str

    def __str__(self) -> str:
        if self.field == "-":  # the whole line is unreadable
            return f"line {self.line}: {self.problem}"
        return f"line {self.line}, column {self.field!r}: {self.problem}"


def make_button(kind: str, text: str) -> Button:
    """A button from ``call`` + ``LABEL=PHONE``, ``url`` + ``LABEL=URL`` or ``reply`` +
    ``ID=LABEL`` (split at the first ``=``)."""
    left, sep, right = text.partition("=")
    left, right = left.strip(), right.strip()
    if kind == "reply":
        if not sep:
            raise InputProblem("buttons", f"expected reply:ID=LABEL, got {text!r}")
        return ReplyButton(right, id=left)
    if not sep:
        shape = "LABEL=PHONE" if kind == "call" else "LABEL=URL"
        raise InputProblem("buttons", f"expected {kind}:{shape}, got {text!r}")
    if kind == "call":
        return CallButton(left, phone=right)
    if kind == "url":
        return UrlButton(left, url=right)
    raise InputProblem("buttons", f"unknown button kind {kind!r}; use {_BUTTON_SYNTAX}")


def parse_buttons(spec: str) -> list[Button]:
    """Buttons from ``reply:ID=LABEL;url:LABEL=URL;call:LABEL=PHONE`` (any number)."""
    buttons: list[Button] = []
    for index, item in enumerate(part for part in spec.split(";") if part.strip()):
        kind, sep, rest = item.strip().partition(":")
        if not sep or kind.strip().lower() not in ("call", "url", "reply"):
            raise InputProblem(
                "buttons", f"button {index + 1} {item.strip()!r}: use {_BUTTON_SYNTAX}"
            )
        try:
            buttons.append(make_button(kind.strip().lower(), rest))
        except ValidationError as exc:
            raise InputProblem("buttons", f"button {index + 1}: {exc}") from None
    return buttons


def _json_buttons(value: list[Any]) -> list[Button]:
    buttons: list[Button] = []
    for index, item in enumerate(value):
        where = f"button {index + 1}"
        if not isinstance(item, dict) or str(item.get("type", "")).upper() not in _KINDS:
            raise InputProblem(
                "buttons", f"{where}: expected an object with type CALL, URL or REPLY"
            )
        kind = str(item["type"]).upper()
        try:
            # Values go to the button classes as they are: those check the types.
            label, button_id = cast(str, item.get("label")), cast(str, item.get("id"))
            if kind == "CALL":
                buttons.append(CallButton(label, phone=cast(str, item.get("phone")), id=button_id))
            elif kind == "URL":
                buttons.append(UrlButton(label, url=cast(str, item.get("url")), id=button_id))
            else:
                buttons.append(ReplyButton(label, id=button_id))
        except ValidationError as exc:
            raise InputProblem("buttons", f"{where}: {exc}") from None
    return buttons


def _column_of(error: ValidationError) -> str:
    """``ButtonActionsMessage.buttons[1].id`` -> ``buttons``."""
    name = error.field.split(".", 1)[-1]
    return name.split("[", 1)[0].split(".", 1)[0]


def _any_buttons(value: Any) -> list[Button]:
    try:
        if isinstance(value, str):
            return parse_buttons(value)
        if isinstance(value, list):
            return _json_buttons(value)
    except InputProblem as exc:
        raise ValidationError("buttons", exc.problem) from None
    raise ValidationError("buttons", "should be a string or a list of button objects")


def build_message(values: Mapping[str, Any], *, csv: bool = False) -> Message:
    """The message described by one row (keys from :data:`COLUMNS`, or a ``type``
    and that type's fields)."""
    kind = values.get("type")
    if kind not in (None, "", *LEGACY_TYPES):
        if not isinstance(kind, str):
            raise InputProblem("type", f"should be a string, but was {type(kind).__name__}")
        try:
            return build_typed(kind.strip().lower(), values, csv=csv, buttons=_any_buttons)
        except CellProblem as exc:
            raise InputProblem(exc.field, exc.problem) from None
    values = {key: value for key, value in values.items() if key != "type"}
    extra = sorted(key for key, value in values.items() if key not in COLUMNS and value)
    if extra:
        raise InputProblem(extra[0], "is not a column of a text or buttons row (set type)")
    for key in _REQUIRED:
        if values.get(key) in (None, ""):
            raise InputProblem(key, "required, but empty")
    for key in COLUMNS:
        value = values.get(key)
        if value is not None and key != "buttons" and not isinstance(value, str):
            raise InputProblem(key, f"should be a string, but was {type(value).__name__}")
    raw_buttons = values.get("buttons")
    if raw_buttons in (None, ""):
        buttons: list[Button] = []
    elif isinstance(raw_buttons, str):
        buttons = parse_buttons(raw_buttons)
    elif isinstance(raw_buttons, list):
        buttons = _json_buttons(raw_buttons)
    else:
        raise InputProblem("buttons", "should be a string or a list of button objects")
    extras = {k: values.get(k) or None for k in ("title", "footer", "image")}
    try:
        if not buttons:
            given = [k for k, v in extras.items() if v is not None]
            if given:
                raise InputProblem("buttons", f"required when {', '.join(given)} is given")
            return TextMessage(values["phone"], values["message"])
        return ButtonActionsMessage(values["phone"], values["message"], buttons, **extras)
    except ValidationError as exc:
        raise InputProblem(_column_of(exc), exc.rule) from None


def _fingerprint(message: Message) -> str:
    canonical = json.dumps([message.endpoint, to_wire(message)], sort_keys=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def _row(
    line: int, values: Mapping[str, Any], normalize: Normalizer | None, *, csv: bool = False
) -> InputRow | BadRow:
    original = values.get("phone")
    if (
        normalize is not None
        and isinstance(original, str)
        and original
        and not is_chat_id(original)
    ):
        try:
            phone = normalize(original)
        except ValidationError as exc:
            return BadRow(line, "phone", exc.rule)
        values = {**values, "phone": phone}
    try:
        message = build_message(values, csv=csv)
        key = _fingerprint(message)
    except InputProblem as exc:
        return BadRow(line, exc.field, exc.problem)
    except RecursionError:
        return BadRow(line, "-", "nests too deep to read")
    except Exception as exc:  # whatever breaks on a row, report it with its line
        return BadRow(line, "-", f"cannot be read: {type(exc).__name__}: {exc}")
    rewritten = original if values.get("phone") != original else None
    return InputRow(line, message, key, rewritten)


def detect_format(path: Path, given: str | None) -> str:
    """``csv`` or ``jsonl``: ``given``, else from the file name's extension."""
    if given is not None:
        return given
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix in (".jsonl", ".ndjson", ".json"):
        return "jsonl"
    raise InputProblem("--format", f"cannot tell the format of {path.name}: pass --format")


def input_format(path: Path, given: str | None) -> str:
    """:func:`detect_format` of an input file that must exist; else a usage error."""
    try:
        fmt = detect_format(path, given)
    except ValueError as exc:
        raise CliError(str(exc)) from None
    if not path.is_file():
        raise CliError(f"no such input file: {path}")
    return fmt


def _csv_rows(
    path: Path, unknown: list[str], normalize: Normalizer | None
) -> Iterator[InputRow | BadRow]:
    records = csv_records(path)
    header = next(records, None)
    if header is None:
        return
    if header.problem is not None:
        yield BadRow(header.line, "-", f"{header.problem} (the header line)")
        return
    names = [name.strip().lower() for name in header.cells]
    for key in _REQUIRED if "type" not in names else ("phone",):
        if key not in names:
            yield BadRow(header.line, key, "missing column in the header line")
            return
    known = _KNOWN_COLUMNS if "type" in names else set(COLUMNS)
    unknown.extend(name for name in names if name not in known)
    names = [name if name in known else "" for name in names]
    for record in records:
        if record.problem is not None:
            yield BadRow(record.line, "-", record.problem)
            continue
        if not any(cell.strip() for cell in record.cells):
            continue
        if len(record.cells) > len(names):
            yield BadRow(
                record.line, "-", f"{len(record.cells)} cells but the header has {len(names)}"
            )
            continue
        cells = zip(names, (cell.strip() for cell in record.cells), strict=False)
        yield _row(record.line, {name: cell for name, cell in cells if name}, normalize, csv=True)


def _jsonl_rows(path: Path, normalize: Normalizer | None) -> Iterator[InputRow | BadRow]:
    for item in jsonl_lines(path):
        if item.problem is not None:
            yield BadRow(item.line, "-", item.problem)
            continue
        values = item.value
        if not isinstance(values, dict):
            yield BadRow(item.line, "-", "expected a JSON object")
            continue
        extra = sorted(set(values) - (_KNOWN_COLUMNS if "type" in values else set(COLUMNS)))
        if extra:
            yield BadRow(item.line, extra[0], f"unknown key (expected {', '.join(COLUMNS)})")
            continue
        yield _row(item.line, values, normalize)


def read_rows(
    path: Path,
    fmt: str,
    unknown_columns: list[str] | None = None,
    *,
    normalize: Normalizer | None = None,
) -> Iterator[InputRow | BadRow]:
    """Stream the rows of ``path`` (``fmt`` ``csv`` or ``jsonl``), blank lines skipped.

    CSV columns not in :data:`COLUMNS` are ignored and appended to
    ``unknown_columns``; unknown JSONL keys are errors. ``normalize`` (e.g.
    :func:`~zapi_async.normalize_phone`) rewrites each phone that is not a chat id
    first; a phone it refuses makes the row bad.
    """
    if fmt == "csv":
        return _csv_rows(path, unknown_columns if unknown_columns is not None else [], normalize)
    return _jsonl_rows(path, normalize)
