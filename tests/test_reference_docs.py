"""The built docs site: the API reference lists every public name exactly once and
every public ``ZapiClient`` method (the mixins' and the ``SendHelper`` ones
included); at 1280 px no table or code block spills out of the content column.

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
from tests.sandbox.inspector_fixtures import find_chromium

ROOT = Path(__file__).resolve().parent.parent
#: Where the reference documents names (a name re-exported by zapi_async is
#: documented once, at one of these).
HOMES = (
    "zapi_async",
    "zapi_async.webhooks",
    "zapi_async.environment",
    "zapi_async.sandbox",
    "zapi_async.limits.rate",
    "zapi_async.limits.redis_limiter",
    "zapi_async.limits.redis_pacer",
    "zapi_async.campaigns",
)
_HEADING = re.compile(r'<h\d id="(zapi_async[\w.]*)"')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
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
    return site


@pytest.fixture(scope="module")
def headings(site: Path) -> Counter[str]:
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


#: What sticks out of the content column: tables (unless inside a box that scrolls
#: them) and code blocks that hide part of a line behind a scroll.
_OVERFLOW = """() => {
  const column = document.querySelector('.md-content__inner').getBoundingClientRect();
  const scrolls = (el) => ['auto', 'scroll'].includes(getComputedStyle(el).overflowX);
  const bad = [];
  for (const el of document.querySelectorAll('.md-content__inner table')) {
    let box = el;
    while (box && box !== document.body && !scrolls(box)) box = box.parentElement;
    const right = (box && box !== document.body ? box : el).getBoundingClientRect().right;
    if (right > column.right + 1) bad.push('table: ' + el.textContent.slice(0, 60));
  }
  for (const el of document.querySelectorAll('.md-content__inner pre > code')) {
    if (el.scrollWidth > el.clientWidth + 1) bad.push('code: ' + el.textContent.slice(0, 60));
  }
  return bad;
}"""


@pytest.mark.parametrize("page_name", ["performance", "cli", "reference", "index"])
async def test_wide_content_stays_in_the_column_at_1280_px(site: Path, page_name: str) -> None:
    playwright_api = pytest.importorskip("playwright.async_api")
    executable = find_chromium()
    if executable is None:
        pytest.skip("no Chromium found (run scripts/install-chromium.sh, or set $CHROMIUM)")
    path = site / "index.html" if page_name == "index" else site / page_name / "index.html"
    async with playwright_api.async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox"]
        )
        try:
            page = await browser.new_page(viewport={"width": 1280, "height": 900})
            await page.goto(path.as_uri())
            assert await page.evaluate(_OVERFLOW) == []
        finally:
            await browser.close()
