"""Every page a demo account reaches, on a desktop and on a phone: axe finds nothing, whatever its impact, and
nothing scrolls sideways at 375 px (WCAG 1.4.10 reflow).

Each demo account (``create_demo_users``, on the demo's own data: ``load_recommendations``) signs in, and the walk
opens its landing page and every page its landing page links to, plus the People pages, the load page and the
issued paper where the account may open them, at 1280 and at 375 px. The walk gathers every finding before
failing, so one run names them all. On every page about the past, every link to a page that shows the plan keeps
its day, and no overdue age is longer than the plan had existed (East Ayrshire is an archived record). ``BROWSER_SCREENSHOTS=/some/dir`` keeps a screenshot of each page at 375 px.

axe runs once per *shape* of address at each width (the path and the names of its query parameters): the landing
page links to the action list once per agency and per report (``?owner=1``, ``?owner=2``...), the same template
showing a subset of the rows that the unfiltered list, also walked, shows in full. Every address is still opened,
its status, its links' days and its reflow checked.
"""

import io
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.urls import reverse

from agencies.management.commands.create_demo_users import DEMO_PASSWORD
from agencies.models import Partnership
from reports.as_at import AS_AT_PAGES
from reports.models import Meeting, Paper

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ACCOUNTS = ["admin", "coordinator", "social.work", "health", "chief.officer"]
WIDTHS = [(1280, 900), (375, 740)]
#: Links that are not pages: files to download, and the site administration (Django's own pages).
NOT_PAGES = (".csv", ".xlsx", "/docx/", "/admin/", "/evidence/", "/accounts/logout/")


@pytest.fixture
def demo(settings):
    """The demo as ``make run`` builds it (East Ayrshire and its five accounts); returns its issued paper."""
    settings.DEBUG = True  # the demo accounts' command refuses to run otherwise
    call_command("load_recommendations", verbosity=0)
    call_command("create_demo_users", stdout=io.StringIO())
    settings.DEBUG = False
    return Paper.objects.first()  # East Ayrshire's paper for its meeting of 3 June 2009


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page.url


def links_on(page, base):
    """Every page the current page links to on this site, once each, in page order."""
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)")
    seen = {}
    for href in hrefs:
        url = urldefrag(href).url
        if url.startswith(base) and not any(part in urlsplit(url).path for part in NOT_PAGES):
            seen.setdefault(url, None)
    return list(seen)


def pages_for(page, base, username, paper):
    landing = sign_in(page, base, username)
    pages = [landing, *links_on(page, base)]
    extra = [
        reverse("agencies:people", args=["east-ayrshire"]),
        reverse("agencies:history", args=["east-ayrshire"]),
        reverse("recommendations:load"),
    ]
    if paper is not None:
        extra.append(reverse("reports:paper_detail", args=[paper.pk]))
    pages += [base + path for path in extra]
    return list(dict.fromkeys(pages))


def day_of(url):
    return parse_qs(urlsplit(url).query).get("as_at", [None])[0]


def misleads(page, url, findings, limit):
    """A page about the past whose links drop its day, or an overdue age longer than the plan has existed."""
    from django.urls import Resolver404, resolve

    day = day_of(url)
    if day:
        for link in page.eval_on_selector_all("main a[href]", "links => links.map(a => a.href)"):
            try:
                name = resolve(urlsplit(link).path).view_name
            except Resolver404:
                continue
            if name in AS_AT_PAGES and day_of(link) != day:
                findings.append(f"{url} links to {link} without its day {day}")
    text = page.inner_text("main")
    for age in re.findall(r"overdue by (\d+) days?", text):  # an action's age ("31 to 90 days overdue" is a band)
        days = int(age)
        if days > limit:
            findings.append(f"{url}: an overdue age of {days} days, longer than the plan has existed ({limit})")


def shape(url):
    """The path and the names of the query parameters: ``/actions/?owner=1`` and ``?owner=2`` are one shape."""
    parts = urlsplit(url)
    return parts.path, tuple(sorted(parse_qs(parts.query, keep_blank_values=True)))


def check(page, axe, url, width, findings, shots, limit=None, *, run_axe=True):
    """Open ``url`` at ``width``; record what axe finds (``run_axe``) and any sideways scroll. Pages the account
    may not open (403, 404) are passed over: the walk checks the pages a person can reach."""
    response = page.goto(url)
    if response is None or response.status in (403, 404):
        return False
    if response.status >= 400:
        findings.append(f"{url} at {width}px: HTTP {response.status}")
        return True
    page.wait_for_load_state("load")
    if limit is not None and width >= 768:
        misleads(page, url, findings, limit)
    for violation in axe.run(page).response["violations"] if run_axe else ():
        targets = "; ".join(", ".join(map(str, node["target"])) for node in violation["nodes"][:3])
        findings.append(f"{url} at {width}px: {violation['id']} ({violation['impact']}): {targets}")
    if width < 768:
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            findings.append(f"{url} at {width}px: scrolls sideways ({scroll}px wide)")
        if shots:
            parts = urlsplit(url)
            name = (parts.path.strip("/").replace("/", "_") or "landing") + (
                f"-{abs(hash(parts.query))}" * bool(parts.query)
            )
            page.screenshot(path=str(Path(shots) / f"{name}-{width}.png"), full_page=True)
    return True


@pytest.mark.parametrize("username", ACCOUNTS)
def test_every_page_a_demo_account_reaches_is_accessible_and_reflows(username, page, live_server, demo):
    from axe_playwright_python.sync_playwright import Axe

    axe, findings, visited = Axe(), [], 0
    shots = os.environ.get("BROWSER_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
    urls = pages_for(page, live_server.url, username, demo)
    east_ayrshire = Partnership.objects.get(slug="east-ayrshire")
    assert east_ayrshire.is_archived  # the demo's historical record: nothing a newcomer does makes it live
    first_meeting = Meeting.objects.filter(partnership=east_ayrshire).order_by("date").first()
    limit = (east_ayrshire.archived_as_at - first_meeting.date).days
    axe_runs = 0
    for width, height in WIDTHS:
        page.set_viewport_size({"width": width, "height": height})
        shapes = set()
        for url in urls:
            run_axe = shape(url) not in shapes
            opened = check(page, axe, url, width, findings, shots, limit, run_axe=run_axe)
            if opened and run_axe:
                shapes.add(shape(url))
                axe_runs += 1
            visited += opened
    assert visited >= 2 * 4, f"{username} reached only {visited} pages"
    assert axe_runs >= 2 * 4, f"{username}: axe ran on only {axe_runs} pages"
    assert not findings, f"{username}, {visited} page views:\n" + "\n".join(findings)
