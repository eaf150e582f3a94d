"""Every write moves the plan cache: after each POST endpoint of the application and each management command that
writes, every cached page as served equals a fresh render of it (agencies/plan_cache.py).

The lists of endpoints and commands are checked against the URLconf and the project's commands, so a new POST
page or command fails here until it is added with what it writes.
"""

import csv
import datetime
import io
import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, get_commands
from django.test import Client, TestCase
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from actions.models import Action, Status
from agencies.models import Membership
from recommendations.models import Recommendation
from reports import services as paper_services
from reports.models import Meeting, Paper
from tests.actions.test_views import plan_data, progress_data
from tests.factories import ActionFactory, AgencyFactory, MeetingFactory, UserFactory
from tests.recommendations.template_report import fill
from tests.reports.test_plan_cache import without_tokens

pytestmark = pytest.mark.django_db

REQUEST_ID = re.compile(r"<code>[0-9a-f]{32}</code>")


def days(world, n):
    return (world["today"] + datetime.timedelta(days=n)).isoformat()


@pytest.fixture
def world(partnership, agency, other_agency, member, other_agency_member, coordinator, reader, recommendation, today):
    police = AgencyFactory(partnership=partnership, name="Police Scotland", short_name="Police", slug="police")
    actions = {
        "sw": ActionFactory(owner=agency, reference="SW-1", description="Audit referral handling",
                            due_date=today - datetime.timedelta(days=3), recommendations=[recommendation]),
        "health": ActionFactory(owner=other_agency, reference="H-1", description="Train health visitors",
                                due_date=today + datetime.timedelta(days=60), recommendations=[recommendation]),
        "police": ActionFactory(owner=police, reference="P-1", description="Joint interview protocol",
                                due_date=today + datetime.timedelta(days=20), recommendations=[recommendation]),
    }  # fmt: skip
    meeting = MeetingFactory(partnership=partnership, date=today - datetime.timedelta(days=40))
    paper = draft_paper(partnership, coordinator, recommendation, meeting, today)
    admin = UserFactory(username="ada", is_staff=True, is_superuser=True)
    return {
        "partnership": partnership, "agency": agency, "other_agency": other_agency, "police": police,
        "member": member, "other_member": other_agency_member, "coordinator": coordinator, "reader": reader,
        "admin": admin, "recommendation": recommendation, "actions": actions, "meeting": meeting, "paper": paper,
        "today": today,
    }  # fmt: skip


def draft_paper(partnership, coordinator, recommendation, meeting, today):
    return paper_services.paper_create(
        partnership=partnership,
        created_by=coordinator,
        reports=[recommendation.report],
        meeting=meeting,
        title="Progress on the national recommendations",
        purpose="To advise the Chief Officers Group of progress.",
        proposals="The plan is on course.",
        recommendation="The Chief Officers Group is asked to note the contents of this report.",
        prepared_by_name="Susan Taylor",
        prepared_by_role="Chair of Child Protection Committee",
        signed_on=today - datetime.timedelta(days=2),
        period_start=today - datetime.timedelta(days=39),
        as_at=today,
    )


def clients(world):
    made = {}
    for role in ("member", "coordinator", "reader", "admin"):
        made[role] = Client()
        made[role].force_login(world[role])
    return made


def cached_pages(world):
    """(who, address) of every page with a cached part, as each kind of reader sees it."""
    return [
        ("coordinator", reverse("reports:dashboard")),
        ("reader", reverse("reports:dashboard")),
        ("coordinator", reverse("actions:list")),
        ("coordinator", reverse("actions:list") + "?status=in_progress&sort=-due"),
        ("member", reverse("actions:list") + "?overdue=on"),
        ("member", reverse("actions:my_actions")),
        ("coordinator", reverse("actions:bulk_export_csv")),
        ("member", reverse("actions:bulk_export_csv")),
        ("coordinator", reverse("reports:paper_detail", args=[world["paper"].pk])),
        ("member", world["recommendation"].report.get_absolute_url()),
        ("coordinator", world["recommendation"].get_absolute_url()),
        ("reader", world["recommendation"].get_absolute_url()),
    ]


def served(client, url):
    """The page as its reader gets it: its status, then its text (a write can close a page: archiving a plan)."""
    response = client.get(url)
    if response["Content-Type"].startswith("text/html"):  # without the request's own id on an error page
        return f"{response.status_code}\n{REQUEST_ID.sub('', without_tokens(response))}"
    return f"{response.status_code}\n{response.content.decode('utf-8-sig')}"


def all_served(world, made):
    pages = {(who, url): served(made[who], url) for who, url in cached_pages(world)}
    assert all(page.startswith("200\n") for page in pages.values()), "a page to compare does not open"
    return pages


# --- the writes, through the pages people use ---------------------------------------------------------------------


def _progress(world, made):
    action = world["actions"]["sw"]
    data = progress_data(action, status=Status.IN_PROGRESS, percent_complete=55, note="Half the audit is done.")
    return made["member"].post(reverse("actions:record_progress", args=[action.pk]), data)


def _create(world, made):
    data = {
        "reference": "NEW-1", "owner": world["agency"].pk, "level": "single_agency",
        "description": "A new action", "timescale_text": "", "due_date": days(world, -1),
        "recommendations": [world["recommendation"].pk], "primary": "",
    }  # fmt: skip
    return made["coordinator"].post(reverse("actions:create"), data)


def _edit(world, made):
    action = world["actions"]["health"]
    data = plan_data(action, description="Train every health visitor", owner=world["agency"].pk)
    return made["coordinator"].post(reverse("actions:edit", args=[action.pk]), data)


def _bulk(world, made):
    sheet = list(csv.DictReader(io.StringIO(served(made["member"], reverse("actions:bulk_export_csv"))[4:])))
    for row in sheet:
        if row["id"] == str(world["actions"]["sw"].pk):
            row["status"], row["percent_complete"], row["note"] = "in_progress", "70", "By spreadsheet."
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(sheet[0]))
    writer.writeheader()
    writer.writerows(sheet)
    upload = SimpleUploadedFile("actions.csv", out.getvalue().encode())
    preview = made["member"].post(reverse("actions:bulk_preview"), {"file": upload})
    assert preview.status_code == 200, preview.content.decode()[:2000]
    token = re.search(r'name="token" value="([^"]+)"', preview.content.decode()).group(1)
    return made["member"].post(reverse("actions:bulk_apply"), {"token": token})


def _partnership_create(world, made):
    data = {
        "name": "North Ayrshire", "slug": "north-ayrshire-2", "committee_name": "North Ayrshire CPC",
        "coordinator_agency": "Child Protection Co-ordinator", "coordinator_email": "cora@example.org",
    }  # fmt: skip
    return made["admin"].post(reverse("agencies:partnership_create"), data)


def _invite(world, made):
    slug = world["partnership"].slug
    data = {"email": "pat@example.org", "agency": world["police"].pk, "role": "member", "job_title": "Inspector"}
    return made["coordinator"].post(reverse("agencies:invite", args=[slug]), data)


def _accept(world, made):
    with TestCase.captureOnCommitCallbacks(execute=True):  # the invitation's e-mail is sent on commit
        assert _invite(world, made).status_code == 302
    path = re.search(r"http://testserver(/partnerships/invitations/[^/\s]+/)", mail.outbox[-1].body).group(1)
    data = {"first_name": "Pat", "last_name": "Police", "password1": "a-long-pass-phrase-2009",
            "password2": "a-long-pass-phrase-2009"}  # fmt: skip
    return Client().post(path, data)


def _member_edit(world, made):
    membership = world["other_member"].membership
    data = {"agency": world["agency"].pk, "role": "member", "job_title": "Moved"}
    return made["coordinator"].post(
        reverse("agencies:member_edit", args=[world["partnership"].slug, membership.pk]), data
    )


def _member_active(world, made):
    membership = world["other_member"].membership
    url = reverse("agencies:member_active", args=[world["partnership"].slug, membership.pk])
    return made["coordinator"].post(url, {"active": "0"})


def _agency_create(world, made):
    data = {"name": "Education Services", "short_name": "Education", "kind": "agency", "email": ""}
    return made["coordinator"].post(reverse("agencies:agency_create", args=[world["partnership"].slug]), data)


def _load(world, made):
    upload = SimpleUploadedFile("national-review-2022.xlsx", fill())
    response = made["admin"].post(reverse("recommendations:load"), {"file": upload})
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def _load_confirm(world, made):
    location = _load(world, made)["Location"]
    return made["admin"].post(location + "confirm/")


def _decision(world, made):
    rec = world["recommendation"]
    data = {"decision": "adapt", "reason": "Scottish guidance instead.", "decided_on": days(world, -1)}
    return made["coordinator"].post(reverse("recommendations:decision", args=[rec.report.slug, rec.reference]), data)


def _own_report(world, made):
    data = {
        "kind": "learning_review", "title": "Learning Review: Child Q", "short_title": "LR Child Q",
        "recommendations": "Share chronologies.\n\nReview the threshold.", "findings": "Nobody held the whole picture.",
    }  # fmt: skip
    return made["coordinator"].post(reverse("recommendations:own_report_create"), data)


def _meeting_create(world, made):
    data = {"body": "cog", "date": days(world, -1), "title": "Chief Officers Group"}
    return made["coordinator"].post(reverse("reports:meeting_create"), data)


def _paper_data(world, **overrides):
    data = {
        "meeting": world["meeting"].pk, "title": "Progress", "purpose": "To advise.", "proposals": "Text.",
        "recommendation": "Note.", "prepared_by_name": "Susan Taylor", "prepared_by_role": "Chair",
        "signed_on": days(world, -2), "reports": [world["recommendation"].report.pk], "as_at": days(world, 0),
    }  # fmt: skip
    data.update(overrides)
    return data


def _paper_create(world, made):
    return made["coordinator"].post(reverse("reports:paper_create"), _paper_data(world))


def _paper_edit(world, made):
    paper = world["paper"]
    data = _paper_data(world, title="Progress, revised", form=paper.form, sections=paper.sections or [])
    return made["coordinator"].post(reverse("reports:paper_edit", args=[paper.pk]), data)


def _meeting_decisions(world, made):
    paper = paper_services.paper_issue(paper=world["paper"], issued_by=world["coordinator"])
    data = {"minute": "Asked for a report on the plan at the next meeting."}
    response = made["coordinator"].post(reverse("reports:meeting_decisions", args=[paper.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return response


def _logout(world, made):
    client = Client()
    client.force_login(world["reader"])
    return client.post(reverse("logout"))


def _paper(name, **data):
    def write(world, made):
        return made["coordinator"].post(reverse(f"reports:{name}", args=[world["paper"].pk]), data)

    return write


def _regenerate_after_progress(world, made):
    assert _progress(world, made).status_code == 302
    return _paper("paper_regenerate")(world, made)


def _locked_accounts(world, made):
    return made["coordinator"].post(reverse("locked_accounts"), {"username": "nobody"})


def _anonymous(name, **data):
    def write(world, made):
        return Client().post(reverse(name), data)

    return write


def _as(role, name, **data):
    def write(world, made):
        return made[role].post(reverse(name), data)

    return write


#: URL name -> (a write through it, whether it changes what a cached page shows). Every URL that accepts a POST is
#: here: the ones that change nothing a plan page shows are performed too, and the pages compared all the same.
WRITES = {
    "actions:record_progress": (_progress, True),
    "actions:create": (_create, True),
    "actions:edit": (_edit, True),
    "actions:bulk_preview": (_bulk, True),
    "actions:bulk_apply": (_bulk, True),
    "agencies:partnership_create": (_partnership_create, False),
    "agencies:invite": (_invite, False),
    "agencies:accept": (_accept, True),  # Police has somebody to update its actions
    "agencies:member_edit": (_member_edit, True),  # Health has nobody left
    "agencies:member_active": (_member_active, True),  # Health has nobody left
    "agencies:agency_create": (_agency_create, True),  # a new owner to choose in the list's filter
    "recommendations:load": (_load, False),  # a preview writes nothing of the plan
    "recommendations:load_confirm": (_load_confirm, True),  # a new report to choose in the list's filter
    "recommendations:decision": (_decision, False),
    "recommendations:own_report_create": (_own_report, True),  # the partnership's own report, in the list's filter
    "reports:meeting_create": (_meeting_create, True),  # "since the last meeting" counts from it
    "reports:paper_create": (_paper_create, False),
    "reports:paper_edit": (_paper_edit, True),
    "reports:paper_regenerate": (_regenerate_after_progress, True),
    "reports:paper_issue": (_paper("paper_issue", confirm="on"), True),
    "reports:paper_delete": (_paper("paper_delete"), False),
    "reports:meeting_decisions": (
        _meeting_decisions,
        False,
    ),  # a minute: recorded, shown on no cached page  # its page is gone: compared as the 404 it becomes
    "reports:paper_pdf_prepare": (_paper("paper_pdf_prepare"), False),
    "reports:plan_settings": (_as("coordinator", "reports:plan_settings", committee_actions_need_sign_off=""), False),
    "reports:plan_archive": (_as("coordinator", "reports:plan_archive", reason="Kept as a record."), True),
    "login": (_anonymous("login", username="member", password="wrong"), False),
    "logout": (_logout, False),
    "password_change": (_as("member", "password_change", old_password="x"), False),
    "two_factor_setup": (_as("member", "two_factor_setup", code="000000"), False),
    "two_factor_verify": (_as("member", "two_factor_verify", code="000000"), False),
    "two_factor_disable": (_as("member", "two_factor_disable", password="x"), False),
    "recovery_codes": (_as("member", "recovery_codes", password="x"), False),
    "locked_accounts": (_locked_accounts, False),
}


@pytest.mark.parametrize("name", sorted(WRITES))
def test_after_every_write_each_cached_page_as_served_equals_a_fresh_render(
    world, name, django_capture_on_commit_callbacks
):
    write, changes_pages = WRITES[name]
    made = clients(world)
    before = all_served(world, made)
    all_served(world, made)  # and once more: every page is now served from the cache

    with django_capture_on_commit_callbacks(execute=True):  # the invitation's e-mail is sent on commit
        response = write(world, made)
    assert response.status_code < 500, f"{name} answered {response.status_code}"

    if name == "reports:paper_delete":
        assert not Paper.objects.filter(pk=world["paper"].pk).exists()
        world["paper"] = draft_paper(
            world["partnership"], world["coordinator"], world["recommendation"], world["meeting"], world["today"]
        )
        before = None
    for client in made.values():
        client.get(reverse("privacy"))  # the write's message shows once, on the next page: here
    after = {(who, url): served(made[who], url) for who, url in cached_pages(world)}
    caches["plan"].clear()
    caches["papers"].clear()
    fresh = {(who, url): served(made[who], url) for who, url in cached_pages(world)}
    for page in after:
        assert after[page] == fresh[page], f"after {name}, {page} is served stale"
    if changes_pages:
        assert before is not None and after != before, f"{name} changed nothing a cached page shows: a weak test"


def post_urls():
    """Every URL name of the application (not the admin) whose view accepts a POST, found by asking each."""
    admin = UserFactory(username="probe", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    found = set()

    def walk(patterns, namespace, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                walk(pattern.url_patterns, pattern.namespace or namespace, prefix + str(pattern.pattern))
            elif isinstance(pattern, URLPattern) and pattern.name:
                route = re.sub(r"<(str|slug):[a-z_]+>", "x", prefix + str(pattern.pattern))
                client.force_login(admin)  # again: the sign-out page accepts a POST
                if client.post("/" + re.sub(r"<(int:)?[a-z_]+>", "1", route)).status_code != 405:
                    found.add(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None, "")
    return found


def test_every_url_that_accepts_a_post_is_performed_above(db):
    assert post_urls() == set(WRITES)


# --- management commands ------------------------------------------------------------------------------------------


def _command(*args):
    def run(world):
        call_command(*args, stdout=io.StringIO(), stderr=io.StringIO())

    return run


def _scale_data(world):
    call_command("generate_scale_data", "--partnerships", "1", "--actions-per-partnership", "3",
                 "--updates-per-action", "1", "--allow-existing", stdout=io.StringIO())  # fmt: skip


def _reminders(world):
    ActionFactory(owner=world["agency"], reference="SOON-1", due_date=world["today"] + datetime.timedelta(days=5))
    call_command("send_action_reminders", stdout=io.StringIO())


def _demo_users(world):
    """The demo accounts, into the world's partnership: "health" becomes the member Health had lost."""
    for slug in ("cpc", "council"):
        AgencyFactory(partnership=world["partnership"], slug=slug, name=slug.upper(), short_name=slug.upper())
    world["other_member"].is_active = False
    world["other_member"].save()
    before = all_served(world, clients(world))
    call_command("create_demo_users", "--partnership", world["partnership"].slug, stdout=io.StringIO())
    return before


def _demo_partnership(world):
    for fixture in ("fixtures/laming-2009.json", "fixtures/jar-haringey-2008.json"):
        call_command("load_recommendations", fixture, stdout=io.StringIO())
    before = all_served(world, clients(world))
    call_command("create_demo_partnership", stdout=io.StringIO())
    return before


COMMANDS = {
    "load_recommendations": (_command("load_recommendations", "fixtures/laming-2009.json"), True),
    "create_demo_users": (_demo_users, True),
    "create_demo_partnership": (_demo_partnership, False),
    "generate_scale_data": (_scale_data, False),
    "send_action_reminders": (_reminders, True),
    "prune_audit": (_command("prune_audit"), False),
    "recover_pdf_renders": (_command("recover_pdf_renders", "--worker-id", "worker-1"), False),
    "recommendation_template": (
        lambda world: _command("recommendation_template", str(world["tmp"] / "t.xlsx"))(world),
        False,
    ),
}


def test_every_command_of_the_project_is_run_below():
    ours = {
        name
        for name, app in get_commands().items()
        if app.split(".")[0] in {"actions", "agencies", "recommendations", "reports"}
    }
    assert ours == set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_after_every_command_each_cached_page_as_served_equals_a_fresh_render(world, name, settings, tmp_path):
    settings.DEBUG = True  # the demo commands refuse to make known passwords otherwise
    world["tmp"] = tmp_path
    run, changes_pages = COMMANDS[name]
    made = clients(world)
    before = all_served(world, made)
    before = run(world) or before  # a command that needs a setting-up first says what was served before it ran
    for user in ("member", "coordinator", "reader", "admin"):
        world[user].refresh_from_db()
    made = clients(world)  # signed in again: the demo accounts' passwords were reset (the cache is not a session's)
    after = all_served(world, made)
    caches["plan"].clear()
    caches["papers"].clear()
    assert after == all_served(world, made), f"after {name}, a cached page is served stale"
    if changes_pages:
        assert after != before, f"{name} changed nothing a cached page shows: a weak test"


def test_a_sign_in_alone_keeps_the_cached_pages(world, client_as):
    """Signing in saves the person's last sign-in: nothing a plan page shows, so nothing is built again."""
    from agencies.plan_cache import version

    before = version(world["partnership"])
    Client().post(reverse("login"), {"username": world["member"].username, "password": "test-password-123"})
    world["member"].refresh_from_db()
    assert world["member"].last_login is not None
    assert version(world["partnership"]) == before


def nobody(page):
    """The dashboard's list of agencies with nobody to update their actions."""
    return page.split("Agencies with nobody to update their actions")[1].split("</ul>")[0]


def test_deactivating_an_agencys_only_member_lists_it_as_having_nobody(world):
    made = clients(world)
    page = served(made["coordinator"], reverse("reports:dashboard"))
    assert "NHS Ayrshire" not in nobody(page)
    assert _member_active(world, made).status_code == 302
    assert "NHS Ayrshire" in nobody(served(made["coordinator"], reverse("reports:dashboard")))
    assert not User.objects.get(pk=world["other_member"].pk).is_active
    assert Membership.objects.filter(user=world["other_member"]).exists()
    assert Action.objects.filter(owner=world["other_agency"]).exists()
    assert Meeting.objects.exists() and Recommendation.objects.exists()
