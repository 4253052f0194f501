"""The built API reference lists every public name exactly once, and every public
``ZapiClient`` method (the mixins' and the ``SendHelper`` ones included).

The site is built with mkdocs (as ``make docs`` does) into a temporary directory and
the reference page's heading ids are read: mkdocstrings gives each documented object
the id of its path (``zapi_async.ZapiClient.send_text``).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

import zapi_async
import zapi_async.webhooks

ROOT = Path(__file__).resolve().parent.parent
#: Where the reference documents names (a name re-exported by zapi_async is
#: documented once, at one of these).
HOMES = (
    "zapi_async",
    "zapi_async.webhooks",
    "zapi_async.sandbox",
    "zapi_async.limits.rate",
    "zapi_async.limits.redis_limiter",
)
_HEADING = re.compile(r'<h\d id="(zapi_async[\w.]*)"')


@pytest.fixture(scope="module")
def headings(tmp_path_factory: pytest.TempPathFactory) -> Counter[str]:
    pytest.importorskip("mkdocs")
    site = tmp_path_factory.mktemp("site")
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert build.returncode == 0, build.stderr
    page = (site / "reference" / "index.html").read_text(encoding="utf-8")
    return Counter(_HEADING.findall(page))


@pytest.mark.parametrize("name", sorted({*zapi_async.__all__, *zapi_async.webhooks.__all__}))
def test_every_public_name_is_documented_once(headings: Counter[str], name: str) -> None:
    places = [f"{home}.{name}" for home in HOMES if headings[f"{home}.{name}"]]
    assert [headings[place] for place in places] == [1], places


def test_no_object_is_documented_twice(headings: Counter[str]) -> None:
    assert [path for path, count in headings.items() if count > 1] == []


def test_every_zapi_client_method_is_shown(headings: Counter[str]) -> None:
    public = [name for name in dir(zapi_async.ZapiClient) if not name.startswith("_")]
    assert len(public) > 40
    missing = [name for name in public if not headings[f"zapi_async.ZapiClient.{name}"]]
    assert missing == []
