"""Reading campaign files line by line, every problem tied to a line number.

Shared by ``bulk`` (:mod:`.input`) and ``check-numbers`` (:mod:`.check_numbers`).
What spoils one line is returned as that line's problem, so the row is reported
(or recorded ``invalid``) and the others still count: bytes that are not UTF-8
(the line of the bad byte and its column), JSON that does not parse, nests deeper
than :data:`MAX_ROW_DEPTH` or deeper than Python can decode. What stops the reader
itself (a CSV cell longer than :data:`CSV_FIELD_LIMIT` characters, a NUL byte in a
CSV file) raises :class:`~zapi_async.CommandLineError` naming the line: nothing
after it can be trusted.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

import attrs

from ..wire.codec import nesting_within
from .config import CliError

__all__ = [
    "CSV_FIELD_LIMIT",
    "MAX_ROW_DEPTH",
    "JsonLine",
    "Record",
    "csv_records",
    "decode_json",
    "jsonl_lines",
    "open_text",
    "utf8_problem",
]

#: The longest CSV cell, in characters: the csv module's limit (128 KiB). Larger
#: values (Base64 media) belong in a JSONL file, or behind a URL.
CSV_FIELD_LIMIT = csv.field_size_limit()
#: Deepest nesting of objects and arrays in a JSONL row or a JSON cell. Rows are a
#: few levels deep (a carousel card's buttons: 4).
MAX_ROW_DEPTH = 32
# Bytes that are not UTF-8 come out of the "surrogateescape" decoder as U+DC80..U+DCFF,
# which valid UTF-8 never produces.
_NOT_UTF8 = re.compile("[\udc80-\udcff]")


def utf8_problem(text: str) -> str | None:
    """Why a line read by :func:`open_text` is not UTF-8 (its first bad byte), or ``None``."""
    match = _NOT_UTF8.search(text)
    if match is None:
        return None
    byte = ord(match.group()) - 0xDC00
    return (
        f"not valid UTF-8: byte 0x{byte:02X} at column {match.start() + 1}; save the file as UTF-8"
    )


@contextmanager
def open_text(path: Path) -> Iterator[TextIO]:
    """``path`` as text whose lines keep their endings (``newline=""``), with a UTF-8
    byte-order mark dropped and bad bytes kept for :func:`utf8_problem` to name."""
    try:
        handle = path.open(encoding="utf-8-sig", errors="surrogateescape", newline="")
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        yield handle


def decode_json(text: str) -> tuple[Any, str | None]:
    """``(value, None)`` for JSON text, or ``(None, problem)``."""
    try:
        value = json.loads(text)
    except RecursionError:
        return None, f"not valid JSON: nests deeper than {MAX_ROW_DEPTH} levels"
    except ValueError as exc:  # also an integer of more than 4,300 digits
        return None, f"not valid JSON: {exc}"
    if not nesting_within(value, MAX_ROW_DEPTH):
        return None, f"not valid JSON: nests deeper than {MAX_ROW_DEPTH} levels"
    return value, None


@attrs.frozen
class JsonLine:
    """One non-blank JSONL line: its ``line`` number and ``value``, or the ``problem``."""

    line: int
    value: Any = None
    problem: str | None = None


def jsonl_lines(path: Path) -> Iterator[JsonLine]:
    """Every non-blank line of a JSONL file, decoded."""
    with open_text(path) as handle:
        for number, text in enumerate(handle, 1):
            if not text.strip():
                continue
            problem = utf8_problem(text)
            if problem is None:
                value, problem = decode_json(text)
                yield JsonLine(number, value, problem)
            else:
                yield JsonLine(number, problem=problem)


@attrs.frozen
class Record:
    """One CSV record (the header first): its first ``line`` and its ``cells``; or,
    when one of its lines is not UTF-8, that ``line`` and the ``problem``."""

    line: int
    cells: list[str]
    problem: str | None = None


def _csv_problem(path: Path, line: int, error: csv.Error) -> CliError:
    text = str(error)
    if "field larger than field limit" in text:
        text = (
            f"a cell is longer than {CSV_FIELD_LIMIT} characters, the most a CSV cell may "
            "hold; put large values (Base64 media) behind a URL or in a JSONL file"
        )
    elif "NUL" in text:
        text = "a NUL byte: this is not a text file"
    return CliError(f"{path} line {line}: cannot read the CSV: {text}")


def csv_records(path: Path) -> Iterator[Record]:
    """Every record of a CSV file, quoted multi-line cells included; a reader error
    raises :class:`~zapi_async.CommandLineError` with the line number."""
    bad: dict[int, str] = {}
    with open_text(path) as handle:

        def lines() -> Iterator[str]:
            for number, text in enumerate(handle, 1):
                problem = utf8_problem(text)
                if problem is not None:
                    bad[number] = problem
                yield text

        reader = csv.reader(lines())
        end = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise _csv_problem(path, reader.line_num, exc) from None
            first, end = end + 1, reader.line_num
            spoiled = next((n for n in range(first, end + 1) if n in bad), None)
            if spoiled is not None:
                yield Record(spoiled, cells, bad[spoiled])
            else:
                yield Record(first, cells)
