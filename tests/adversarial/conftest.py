"""Prints the adversarial figures (tests/adversarial/ledger.py) as a terminal-summary
section, after the test results rather than in the middle of the output."""

from __future__ import annotations

from _pytest.terminal import TerminalReporter

from .ledger import ROWS, table


def pytest_terminal_summary(terminalreporter: TerminalReporter) -> None:
    if not ROWS:
        return
    terminalreporter.section("adversarial figures (issue 19)")
    for line in table(ROWS):
        terminalreporter.write_line(line)
