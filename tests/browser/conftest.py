"""Real-browser fixtures: Debian's Chromium driven by Playwright, against pytest-django's live server.

The browser is never downloaded: the tests use the system Chromium (``apt-get install -y chromium``) and skip
without it, except in CI (``CI=true``), where a missing Chromium fails the run. axe-core comes bundled with
axe-playwright-python and is injected from disk, so the accessibility checks need no network either.

Set ``BROWSER_SCREENSHOTS=/some/dir`` to save a full-page screenshot of every page the accessibility checks visit.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM refuses to run under one unless told.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
CHROMIUM_MISSING = "Chromium not found: install it with `apt-get install -y chromium` (Debian) to run the browser tests"
BLOCKING_IMPACTS = ("serious", "critical")

#: Every axe run of the session, {page name: ([violation summaries], [ids axe could not decide])}, for the summary.
AXE_FINDINGS = {}


def chromium_path():
    path = shutil.which("chromium") or "/usr/bin/chromium"
    return path if os.access(path, os.X_OK) else None


@pytest.fixture(scope="session")
def browser():
    executable = chromium_path()
    if executable is None:
        if os.environ.get("CI") == "true":
            pytest.fail(CHROMIUM_MISSING, pytrace=False)
        pytest.skip(CHROMIUM_MISSING)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        timezone_id="Europe/London",
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def login(page, live_server):
    """login(user) signs in through the real form and waits for the landing page."""
    from tests.factories import PASSWORD

    def sign_in(user, next_path=""):
        page.goto(f"{live_server.url}/accounts/login/{'?next=' + next_path if next_path else ''}")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    return sign_in


def _summary(violation):
    targets = [", ".join(map(str, node["target"])) for node in violation["nodes"]]
    return {
        "id": violation["id"],
        "impact": violation["impact"],
        "help": violation["help"],
        "nodes": len(targets),
        "targets": targets[:5],
    }


@pytest.fixture
def assert_accessible(page):
    """assert_accessible(name): run axe on the current page; fail on any serious or critical violation.

    Every violation, whatever its impact, is recorded for the end-of-run summary.
    """
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    shots = os.environ.get("BROWSER_SCREENSHOTS")

    def check(name):
        page.wait_for_load_state("load")
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)
        results = axe.run(page)
        violations = [_summary(v) for v in results.response["violations"]]
        AXE_FINDINGS[name] = (violations, sorted(v["id"] for v in results.response.get("incomplete", [])))
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, f"axe found serious/critical violations on {name}:\n" + json.dumps(blocking, indent=2)
        return violations

    return check


def pytest_terminal_summary(terminalreporter):
    if not AXE_FINDINGS:
        return
    terminalreporter.section("axe-core accessibility findings (all impacts)")
    for name, (violations, to_review) in AXE_FINDINGS.items():
        found = ", ".join(f"{v['id']} ({v['impact']}, {v['nodes']} node(s))" for v in violations) or "none"
        review = f"; needs review: {', '.join(to_review)}" if to_review else ""
        terminalreporter.write_line(f"{name}: {found}{review}")
