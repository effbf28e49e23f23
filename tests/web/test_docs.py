"""/docs and /redoc in a real headless Chromium with no network but this server.

Every request the browser makes to another host is refused and recorded: the docs must
render from the server's own assets, and Swagger UI's "Authorize" and "Try it out" must
reach the API with the key.
"""

from __future__ import annotations

import shutil

import pytest

from tests.support.media import REPO
from tests.support.processes import server

pytestmark = pytest.mark.slow

sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed (pip install -e .[test])")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = REPO / "test-artifacts"
KEY = "docs-test-key-0123456789"


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("docs")
    env = {"DANCE_DATA_DIR": str(tmp / "data"), "DANCE_WORKERS": "1", "DANCE_API_KEYS": KEY}
    with server(env, tmp / "server.log") as client:
        yield client


@pytest.fixture
def offline_page(api):
    if CHROMIUM is None:
        pytest.skip("chromium not installed (Debian package chromium; scripts/test.sh installs it as root)")
    refused: list[str] = []
    base = str(api.base_url).rstrip("/")

    def only_this_server(route):
        if route.request.url.startswith(base + "/"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort("internetdisconnected")

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.route("**/*", only_this_server)
        page = context.new_page()
        failed: list[str] = []
        page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
        page.base = base
        yield page
        browser.close()
    assert refused == [], f"the docs reached outside the server: {refused}"
    # Only "Try it out" without a key may fail, and it must fail with 401.
    assert all(line.startswith("401 ") for line in failed), failed


def execute(page, operation: str) -> str:
    """Click Execute in an expanded operation; the status code Swagger UI shows."""
    block = page.locator(operation)
    if block.locator("button.btn-clear").count():
        block.locator("button.btn-clear").click()  # the last answer, so the next one is waited for
    block.locator("button.execute").click()
    status = block.locator(".live-responses-table .response .response-col_status").first
    status.wait_for(timeout=30_000)
    return status.inner_text().strip()


def test_swagger_ui_renders_offline_and_tries_a_call_with_the_api_key(offline_page):
    page = offline_page
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(page.base + "/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
    assert "dance-analyzer" in page.inner_text(".swagger-ui .info .title")
    assert page.locator(".opblock").count() >= 15  # every operation is listed

    # Try GET /poses without a key: refused; then Authorize with the key: answered.
    operation = "#operations-poses-list_poses_poses_get"
    page.locator(f"{operation} .opblock-summary").click()
    page.locator(f"{operation} button.try-out__btn").click()
    assert execute(page, operation).startswith("401")

    page.locator("button.authorize").first.click()
    dialog = page.locator(".modal-ux")
    dialog.locator("input[type=text], input[type=password]").first.fill(KEY)
    dialog.locator("button.modal-btn.auth.authorize").first.click()
    dialog.locator("button.btn-done").first.click()
    assert execute(page, operation).startswith("200")
    answer = page.locator(f"{operation} .live-responses-table .response-col_description .microlight").first
    assert '"poses"' in answer.inner_text()
    page.screenshot(path=str(ARTIFACTS / "docs-swagger-offline.png"), full_page=False)


def test_with_keys_every_operation_but_health_documents_the_401(api):
    spec = api.get("/openapi.json", headers={"X-API-Key": KEY}).json()
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            assert ("401" in operation["responses"]) == (path != "/health"), f"{method} {path}"


def test_redoc_renders_offline_with_the_operations_and_their_models(offline_page):
    page = offline_page
    page.goto(page.base + "/redoc")
    heading = page.get_by_role("heading", name="Analyse an uploaded video and return its poses")
    heading.wait_for(timeout=60_000)
    assert page.locator("h1").first.inner_text().startswith("dance-analyzer")
    page.screenshot(path=str(ARTIFACTS / "docs-redoc-offline.png"), full_page=False)
