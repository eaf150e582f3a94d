"""Screenshot every page every demo account sees, at 1280 and 375 px, to look at them as people will.

    DEBUG=1 make run PORT=8001 &            # or any running demo
    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8001 var/screenshots

Uses Debian's Chromium (/usr/bin/chromium) through Playwright; prints, per page and width, whether the page
scrolls sideways.
"""

import re
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PASSWORD = "cpc-demo-2009"
ACCOUNTS = [
    "coordinator",
    "social.work",
    "health",
    "chief.officer",
    "riverside.coordinator",
    "riverside.social.work",
    "riverside.health",
    "riverside.police",
    "riverside.chief",
]
PAGES = [
    ("home", "/"),
    ("my-actions", "/actions/mine/"),
    ("actions", "/actions/"),
    ("recommendations", "/recommendations/"),
    ("report-jar", "/recommendations/jar-haringey-2008/"),
    ("report-laming", "/recommendations/laming-2009/"),
    ("recommendation-jar-2", "/recommendations/jar-haringey-2008/2/"),
    ("dashboard", "/reports/dashboard/"),
    ("papers", "/reports/papers/"),
    ("meetings", "/reports/meetings/"),
    ("plan", "/actions/plan/"),
    ("accessibility", "/accessibility/"),
]
WIDTHS = (1280, 375)


def main(base, out):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for username in ACCOUNTS:
            for width in WIDTHS:
                context = browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
                page = context.new_page()
                page.goto(f"{base}/accounts/login/")
                page.get_by_label("Username").fill(username)
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_load_state("load")
                landing = page.url.removeprefix(base)
                extra = _first_links(page, base)
                for name, path in [*PAGES, *extra]:
                    response = page.goto(base + path)
                    wide = page.evaluate("document.documentElement.scrollWidth") > width
                    shot = out / f"{username}-{name}-{width}.png"
                    page.screenshot(path=str(shot), full_page=True)
                    print(f"{username:22} {width:5} {name:22} {response.status} {'SCROLLS SIDEWAYS' if wide else ''}")
                print(f"{username:22} {width:5} lands on {landing}")
                context.close()
        browser.close()


def _first_links(page, base):
    """An action, its progress form and a paper, as found in the lists."""
    found = []
    page.goto(f"{base}/actions/")
    href = page.locator("table a[href^='/actions/']").first.get_attribute("href")
    found += [("action", href), ("record-progress", href + "progress/")]
    page.goto(f"{base}/reports/papers/")
    papers = page.locator("table a[href^='/reports/papers/']")
    if papers.count():
        found.append(("paper", papers.first.get_attribute("href")))
    return [(name, path) for name, path in found if path and re.match(r"^/", path)]


if __name__ == "__main__":
    main(*sys.argv[1:3])
