"""The explorer in a real browser (issue 13, item 5): Debian's chromium driven by Playwright.

Runs ``kg serve`` on the store built from ``data/`` and drives the system chromium (never a
downloaded browser). Skipped, with the reason, when Playwright or chromium is missing; CI installs
both (``.ci/run``). Screenshots go to a temporary folder, or to ``docs/screenshots/`` (what the
README shows) with ``PARITYKG_UPDATE_SCREENSHOTS=1``.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed "
                               "(pip install -e '.[test]')")

CHROMIUM = os.environ.get("PARITYKG_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[1]
SLOW_PAGE_MS = 180_000  # a cold answer on a busy CI machine; warm answers come from the cache

pytestmark = pytest.mark.skipif(not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)),
                                reason=f"no chromium at {CHROMIUM} (apt-get install chromium, "
                                       "or set PARITYKG_CHROMIUM)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(real_store):
    """``kg serve`` on the data/ store, on a free local port."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--store", str(real_store), "--port", str(port),
         "--workers", "2", "--no-access-log"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(f"{base}/api", timeout=5) as response:
                if response.status == 200:
                    break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"kg serve did not start: {process.stdout.read().decode()[-2000:]}")
            time.sleep(0.5)
    yield base
    process.terminate()
    process.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser, server):
    """A fresh page that records every request it makes to another host."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, base_url=server)
    context.set_default_timeout(SLOW_PAGE_MS)
    opened = context.new_page()
    opened.foreign_requests = []
    opened.on("request", lambda request: None if request.url.startswith((server, "data:", "blob:"))
              else opened.foreign_requests.append(request.url))
    yield opened
    assert opened.foreign_requests == [], "the page loaded something from another host"
    context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    if os.environ.get("PARITYKG_UPDATE_SCREENSHOTS") == "1":
        folder = ROOT / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("screenshots")


def test_parity_form_sets_the_date_and_policy(page, shots):
    page.goto("/")
    assert page.locator("table.parity tbody tr").count() > 5
    page.screenshot(path=shots / "parity-table.png")
    page.evaluate("document.querySelector('figure.chart').scrollIntoView()")
    page.screenshot(path=shots / "parity-chart.png")
    page.click("details.policy-box summary")
    page.fill("#f-as_of", "2026-03-02")
    page.select_option("#f-openness", "osi")
    page.select_option("#f-tools", "without")
    page.click("form.policy button[type=submit]")
    page.wait_for_url(re.compile(r"as_of=2026-03-02.*openness=osi"))
    policy = page.inner_text(".policy-line")
    assert "as_of = 2026-03-02" in policy and "openness = osi" in policy and "tools = without" in policy
    assert page.input_value("#f-as_of") == "2026-03-02"
    page.goto(page.url.replace("format=json", "") + "&format=json")
    assert '"question":"parity"' in page.content().replace(" ", "")


def test_a_number_leads_to_its_claim_on_the_source_page(page, shots):
    page.goto("/")
    number = page.locator("table.parity a.num").first
    value = number.inner_text()
    locator = number.locator("xpath=following-sibling::span[@class='loc'][1]").inner_text().strip("()")
    number.click()
    page.wait_for_url(re.compile(r"/source/[^#]+#claim-"))
    row = page.locator("tr:target")
    assert row.is_visible()
    assert value.lstrip("~") in row.inner_text() and locator in row.inner_text()
    page.screenshot(path=shots / "source.png")


def test_model_page_shows_conflicts_scores_and_lineage(page, shots):
    page.goto("/model/deepseek-v3")
    assert page.locator("h1").inner_text().startswith("DeepSeek-V3")
    assert page.locator("tr.conflict").count() > 0
    assert page.locator("#lineage ~ figure svg, h2#lineage + figure svg").count() >= 1
    page.evaluate("document.querySelector('tr.conflict').scrollIntoView({block: 'center'})")
    page.screenshot(path=shots / "model.png")
    page.evaluate("document.querySelector('h2#lineage').scrollIntoView()")
    page.screenshot(path=shots / "lineage.png")
    page.locator("figure.chart svg a").first.click()
    page.wait_for_url(re.compile(r"/model/"))
    assert page.locator("h1").count() == 1


def test_benchmark_page_shows_the_trend_and_every_score(page, shots):
    page.goto("/benchmark/mmmu")
    assert page.locator("figure.chart svg").count() >= 1
    assert page.locator("figure.chart ol.notes li").count() >= 2
    assert page.locator("table.claims tbody tr").count() >= 5
    page.evaluate("document.querySelector('#trend').scrollIntoView()")
    page.screenshot(path=shots / "benchmark.png")


def test_contradictions_browser_filters(page, shots):
    page.goto("/contradictions")
    if not page.is_visible("#f-kind"):
        page.click("details.policy-box summary")
    page.select_option("#f-kind", "fact")
    page.select_option("#f-verdict", "conflict")
    page.click("form.policy button[type=submit]")
    page.wait_for_url(re.compile(r"kind=fact.*verdict=conflict"))
    groups = page.locator("section.group")
    assert groups.count() > 0
    assert all(kind.inner_text() == "fact" for kind in groups.locator("h2 .kind").all())
    page.screenshot(path=shots / "contradictions.png")


def test_yasgui_runs_a_query_against_the_endpoint(page, shots):
    page.goto("/query")
    page.wait_for_selector(".yasqe .CodeMirror")
    assert "ScoreClaim" in page.evaluate("window.paritykgYasgui.getTab().getYasqe().getValue()")
    page.click(".yasqe_queryButton")
    cells = page.locator(".yasr table tbody tr")
    cells.first.wait_for()
    assert cells.count() >= 5
    header = page.inner_text(".yasr table thead")
    assert "benchmark" in header and "scores" in header
    page.screenshot(path=shots / "query.png")

