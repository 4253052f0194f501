"""The webhooks package imports without FastAPI (its names: tests/test_smoke.py)."""

from __future__ import annotations

import subprocess
import sys


def test_imports_without_fastapi() -> None:
    code = (
        "import sys; sys.modules['fastapi'] = None\n"
        "import zapi_async.webhooks as w\n"
        "assert 'fastapi' not in {m for m in sys.modules if sys.modules[m] is not None}\n"
        "print(w.WebhookRouter.__name__)\n"
        "try:\n"
        "    w.make_fastapi_router\n"
        "except ImportError as e:\n"
        "    print('ImportError', e.name)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.splitlines() == ["WebhookRouter", "ImportError fastapi"]
