"""The API docs render in Debian's Chromium from local assets only (no CDN, no web fonts)."""

import pytest

from tests.browser.conftest import ARTIFACTS, LANDSCAPE


@pytest.fixture
def docs_page(chromium, live_server, transactional_db):
    context = chromium.new_context(viewport=LANDSCAPE, locale="zh-CN")
    context.set_default_timeout(20_000)
    page = context.new_page()
    requested, blocked = [], {}
    page.on("request", lambda request: requested.append(request.url))
    page.on("requestfailed", lambda request: blocked.__setitem__(request.url, request.failure))
    yield page, requested, blocked
    context.close()


@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "ready"),
    [("/api/docs/", ".swagger-ui .opblock-tag"), ("/api/redoc/", "h1")],
)
def test_docs_render_from_local_assets(live_server, world, docs_page, path, ready):
    page, requested, blocked = docs_page
    # The docs need a login (issue 9 item 2): the page sends the browser to the login form first.
    page.goto(f"{live_server.url}{path}")
    page.wait_for_url(f"{live_server.url}/login/?next={path}")
    page.fill("#id_username", world.people.city_legal.username)
    page.fill("#id_password", "pass-1234-word")
    page.click("form.login__form button[type=submit]")
    page.wait_for_url(f"{live_server.url}{path}")
    page.wait_for_selector(ready)
    page.wait_for_load_state("networkidle")
    text = page.locator("body").inner_text()
    assert "安全生产行政执法监督系统 API" in text
    assert "生产经营单位" in text
    foreign = [url for url in requested if not url.startswith((live_server.url, "data:", "blob:"))]
    # Redoc's bundle always asks for its logo on cdn.redoc.ly: the page's Content-Security-Policy must
    # stop it in the browser. Anything else foreign, or not stopped, fails.
    assert {url: blocked.get(url) for url in foreign} == {
        url: "csp" for url in foreign if url == "https://cdn.redoc.ly/redoc/logo-mini.svg"
    }
    assert any("/static/drf_spectacular_sidecar/" in url for url in requested)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"api{path.replace('/', '-').rstrip('-')}.png"))
