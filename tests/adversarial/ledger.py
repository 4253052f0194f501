"""The adversarial suite's figures: one row per scenario, printed as a table in the
pytest terminal summary (tests/adversarial/conftest.py)."""

from __future__ import annotations

import attrs

__all__ = ["ROWS", "Row", "record"]


@attrs.define
class Row:
    """What one scenario threw at the library and what came out wrong."""

    scenario: str
    messages: int
    faults: int
    lost: int = 0
    duplicated: int = 0
    leaks: int = 0
    note: str = ""


#: Rows recorded by this session's scenarios, in the order they ran.
ROWS: list[Row] = []


def record(row: Row) -> Row:
    """Keep ``row`` for the summary table and return it (tests assert on it)."""
    ROWS.append(row)
    return row


def table(rows: list[Row]) -> list[str]:
    """``rows`` as aligned text lines, with a total line."""
    header = ("scenario", "N messages", "faults injected", "lost", "duplicated", "leaks found")
    body = [(r.scenario, r.messages, r.faults, r.lost, r.duplicated, r.leaks) for r in rows]
    total = (
        "total",
        sum(r.messages for r in rows),
        sum(r.faults for r in rows),
        sum(r.lost for r in rows),
        sum(r.duplicated for r in rows),
        sum(r.leaks for r in rows),
    )
    cells = [tuple(str(c) for c in line) for line in (header, *body, total)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(header))]

    def fmt(line: tuple[str, ...]) -> str:
        first = line[0].ljust(widths[0])
        rest = "  ".join(c.rjust(w) for c, w in zip(line[1:], widths[1:], strict=True))
        return f"{first}  {rest}"

    rule = "-" * len(fmt(cells[0]))
    lines = [fmt(cells[0]), rule, *(fmt(c) for c in cells[1:-1]), rule, fmt(cells[-1])]
    notes = [f"  {r.scenario}: {r.note}" for r in rows if r.note]
    return lines + (["notes:", *notes] if notes else [])
