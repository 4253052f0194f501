"""Secret-leak scan: every failure rendered as an error reporter shows it (frame
locals included), plus str/repr of errors and the log records."""

from __future__ import annotations

import logging
import socket

import pytest

from tests.http.test_traceback_locals import SCENARIOS, SECRETS, client, render
from tests.support.fake_zapi import FakeZapi, text
from zapi_async import ZapiError

from .ledger import Row, record


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_no_secret_in_tracebacks_messages_or_logs(
    fake_zapi: FakeZapi, caplog: pytest.LogCaptureFixture
) -> None:
    leaks: list[str] = []
    failures = 0
    with caplog.at_level(logging.DEBUG):
        for name, handler in sorted(SCENARIOS.items()):
            fake_zapi.then(handler, handler)
            async with client(fake_zapi.base_url) as zapi:
                try:
                    await zapi.send(text("5511999999999", "hi"))
                except ZapiError as exc:
                    failures += 1
                    shown = render(exc) + str(exc) + repr(exc) + repr(zapi)
                    leaks += [f"{name}: {s}" for s in SECRETS if s in shown]
        for name, base_url, closed in [
            ("connection refused", f"http://127.0.0.1:{_closed_port()}", False),
            ("closed client", fake_zapi.base_url, True),
        ]:
            zapi = client(base_url)
            if closed:
                await zapi.close()
            try:
                await zapi.send(text("5511999999999", "hi"))
            except ZapiError as exc:
                failures += 1
                shown = render(exc) + str(exc) + repr(exc)
                leaks += [f"{name}: {s}" for s in SECRETS if s in shown]
            await zapi.close()
    # The library's records (the local server's own access log shows the paths it got).
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("zapi_async"))
    leaks += [f"log: {s}" for s in SECRETS if s in logged]
    row = record(
        Row(
            "secret scan: tracebacks with locals, str/repr, logs",
            failures,
            failures,
            leaks=len(leaks),
            note=f"{len(SCENARIOS) + 2} failure scenarios rendered with capture_locals=True",
        )
    )
    assert leaks == []
    assert row.messages == len(SCENARIOS) + 2
