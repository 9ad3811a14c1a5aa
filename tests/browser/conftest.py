"""Playwright driving Debian's Chromium (headless) at 10-inch tablet sizes."""

import datetime
import os
from pathlib import Path

import pytest

from tests import clock

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# A 10-inch tablet, both ways round.
LANDSCAPE = {"width": 1024, "height": 768}
PORTRAIT = {"width": 768, "height": 1024}
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


@pytest.fixture(scope="session")
def chromium():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (requirements-dev.txt)")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=[LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def viewport(request):
    return request.param


@pytest.fixture
def page(chromium, viewport, settings):
    # Chromium's cookie jar runs on the real clock, the server on the test's (TEST_CLOCK, a clock marker):
    # a cookie dated by the server could be expired on arrival. Cookies without an expiry date cannot.
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = True
    settings.CSRF_COOKIE_AGE = None
    context = chromium.new_context(viewport=viewport, locale="zh-CN", timezone_id="Asia/Shanghai")
    if clock.moved():
        # The page's Date agrees with the server's moved clock; time keeps flowing.
        context.clock.install(time=datetime.datetime.now(datetime.UTC))
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shoot(page, viewport, request):
    """``shoot("list")`` saves a full-page screenshot under test-artifacts/browser/ (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    orientation = "landscape" if viewport["width"] > viewport["height"] else "portrait"

    def shoot(name):
        path = ARTIFACTS / f"{name}-{orientation}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot
