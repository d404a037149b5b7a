"""The HTML evidence report in a real browser: headless Chromium driven by Playwright.

Needs Debian's ``chromium`` and the ``playwright`` package (``.ci/run`` installs both); skipped,
with the reason, where either is missing.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowscan.cli import main

from .conftest import FIXTURES

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
# Without the background-networking switches Chromium phones home at start-up.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (.ci/run installs it)")
def test_html_report_opens_offline_filters_and_shows_the_graph(tmp_path, monkeypatch) -> None:
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed (.ci/run installs it)")
    import shutil

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764460800")
    # eu, us and internal endpoints, a file that does not parse, secrets, a policy exemption, and an inline allowance
    app = tmp_path / "app"
    shutil.copytree(FIXTURES / "python-eu-app", app)
    llm = app / "src" / "shopbot" / "clients" / "llm.py"
    llm.write_text(llm.read_text().replace(
        "fallback = OpenAI()  # expect: residency/region-not-allowed",
        'fallback = OpenAI()  # flowscan: allow[residency/region-not-allowed] reason="DPA signed" owner=platform'))
    page_file = tmp_path / "residency.html"
    result = CliRunner().invoke(main, ["report", str(app), "--format", "html", "-o", str(page_file)])
    assert result.exit_code == 0, result.output
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            requests: list[str] = []
            page.on("request", lambda request: requests.append(request.url))
            page.goto(page_file.as_uri())
            assert requests == [page_file.as_uri()]  # nothing but the file itself: no network, fonts or CDN
            assert "Of " in page.inner_text(".verdict")
            assert page.locator("#flow-graph circle").count() >= 10
            rows = page.locator("#inventory tbody tr")
            total = rows.count()
            assert total >= 5
            page.fill("#filter", "posthog")
            visible = [rows.nth(i).inner_text() for i in range(total) if rows.nth(i).is_visible()]
            assert len(visible) == 1 and "PostHog" in visible[0]
            page.fill("#filter", "")
            assert all(rows.nth(i).is_visible() for i in range(total))
            assert "scripts/broken.py" in page.inner_text("#coverage + ul")
            assert "allowed inline with a reason: api.openai.com" in page.inner_text(".verdict")
            assert "Suppressed residency/region-not-allowed" in page.inner_text("#allowances + ul")
            assert "Exempt: hooks.slack.com" in page.inner_text("#allowances + ul")
            for secret in ("abc123def456", "sk-local-not-a-secret-000000"):
                assert secret not in page.content()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "evidence-report.png"), full_page=True)
        finally:
            browser.close()
