"""No page answers a server error (5xx), whoever asks, whatever the address and whatever the query string.

Every URL pattern is read from the URL resolver (a new page is covered the day it is added), its path parameters
filled with the keys of a small world of real objects and with generated values, and every query parameter a page
reads (the declared filters of every FilterSet, the parameters the project's code reads from ``request.GET``, the
admin's) sent with generated values: dates of any year and impossible ones, numbers out of range, repeated and
unknown parameters. Each role asks: anonymous, reader, member, coordinator and an administrator.

The default run is bounded for CI; ``NO_500_EXAMPLES=2000`` (``scripts/no_server_errors.sh``) runs the long one.
"""

import ast
import datetime
import inspect
import itertools
import os
import re
from dataclasses import dataclass
from pathlib import Path
from unittest import mock
from urllib.parse import quote, urlencode

import django_filters
import pytest
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.admin.views import main as admin_main
from django.forms import BooleanField, DateField, ModelChoiceField
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from agencies.models import Invitation, Membership
from agencies.services import token_hash
from reports import services
from reports.models import Paper
from tests.factories import (
    ActionFactory,
    AgencyFactory,
    DecisionFactory,
    FindingFactory,
    MeetingFactory,
    MembershipFactory,
    PartnershipFactory,
    ProgressUpdateFactory,
    RecommendationFactory,
    SourceReportFactory,
    ThemeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
_TODAY = datetime.date.today()
#: Days in the world's plan: before it began, its meeting, its due date, since, today.
PLAN_DAYS = ["2009-01-04", "2009-06-03", "2009-09-02", "2009-10-31", "2023-03-03", "2026-09-02", _TODAY.isoformat()]
PROJECT_APPS = ("actions", "agencies", "config", "recommendations", "reports")
EXAMPLES = int(os.environ.get("NO_500_EXAMPLES", "40"))
PROFILE = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: The pages that read the query string are where most can go wrong: three times as many examples.
QUERY_PROFILE = settings(PROFILE, max_examples=3 * EXAMPLES)
ROLES = ["anonymous", "reader", "member", "coordinator", "administrator"]
INVITATION_TOKEN = "an-invitation-token-of-the-world"
THE_PLAN_BEGAN = datetime.datetime(2009, 1, 5, 12, tzinfo=datetime.UTC)


# --- the pages: every URL pattern of the resolver -------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    segments: tuple  # the patterns from the root to the page (RoutePattern or RegexPattern)
    name: str
    callback: object

    @property
    def is_admin(self):
        return str(self.segments[0]) == "admin/"

    @property
    def params(self):
        names = []
        for segment in self.segments:
            names += [n for n in _param_names(segment) if n not in names]
        return names

    @property
    def model(self):
        """For an admin page of a model, the model."""
        model_admin = getattr(self.callback, "model_admin", None)
        return model_admin.model if model_admin else None

    def path(self, values):
        return "/" + "".join(_fill(segment, values) for segment in self.segments)

    def __str__(self):
        return "/" + "".join(str(s) for s in self.segments)


def _param_names(segment):
    if isinstance(segment, RoutePattern):
        return list(segment.converters)
    return list(segment.regex.groupindex)


ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")


def _fill(segment, values):
    """The segment of a path with its parameters replaced by ``values`` (matching the converters or not)."""
    if isinstance(segment, RoutePattern):
        return ROUTE_PARAM.sub(lambda m: quote(str(values[m["name"]]), safe="/"), str(segment))
    source = segment._regex.lstrip("^").removesuffix("$").removeprefix("\\Z")
    return REGEX_GROUP.sub(lambda m: quote(str(values[m["name"]]), safe="/"), source).replace("\\", "")


def every_page(resolver=None, segments=()):
    """Every page the project serves, the admin's included, read from the URL resolver."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            yield from every_page(entry, (*segments, entry.pattern))
        elif isinstance(entry, URLPattern):
            yield Page((*segments, entry.pattern), entry.name or "", entry.callback)


PAGES = list(every_page())
OUR_PAGES = [page for page in PAGES if not page.is_admin]
ADMIN_PAGES = [page for page in PAGES if page.is_admin]


def _view_source(callback):
    view = getattr(callback, "view_class", None) or inspect.unwrap(callback)
    try:
        return inspect.getsource(view)
    except (OSError, TypeError):
        return ""


# --- the query parameters the pages read ----------------------------------------------------------------------------


def _project_sources():
    for app in PROJECT_APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                yield path.read_text(encoding="utf-8")


GET_READ = re.compile(r"\bGET(?:\.(?:get|getlist|pop)\(\s*|\[)[\"'](\w+)[\"']")


def functions_reading_the_query():
    """Names of the project's module-level functions and classes that read ``request.GET`` (a view calling one
    reads the query)."""
    names = set()
    for source in _project_sources():
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef) and ".GET" in ast.unparse(node):
                names.add(node.name)
    return names


def filterset_parameters():
    """{parameter: values worth trying} for every filter of every FilterSet of the project, as its form names them
    (a date range's ``due_after`` and ``due_before``), with its choices."""
    found = {}
    for filterset in _subclasses(django_filters.FilterSet):
        if filterset.__module__.split(".")[0] not in PROJECT_APPS:
            continue
        instance = filterset(queryset=filterset._meta.model._default_manager.none())
        for name, field in instance.form.fields.items():
            listed = [] if isinstance(field, ModelChoiceField) else getattr(field, "choices", [])  # keys: the world's
            choices = [str(value) for value, _ in listed if value not in ("", None)]
            if isinstance(field, DateField | django_filters.fields.DateRangeField):
                choices = PLAN_DAYS
            elif isinstance(field, BooleanField):
                choices = ["on", "true", "false", "1", "0"]
            if isinstance(instance.filters[name], django_filters.OrderingFilter):
                choices += [",".join(choices), "-", ","]
            suffixes = getattr(field.widget, "suffixes", None)
            for param in [f"{name}_{s}" if s else name for s in suffixes] if suffixes else [name]:
                found[param] = choices
    return found


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def query_parameters():
    """Every query parameter a page of the project reads: its FilterSets' and what its code reads from GET."""
    found = filterset_parameters()
    for source in _project_sources():
        for name in GET_READ.findall(source):
            found.setdefault(name, [])
    for page in OUR_PAGES:
        page_kwarg = getattr(getattr(page.callback, "view_class", None), "page_kwarg", None)
        if page_kwarg:
            found.setdefault(page_kwarg, ["1", "2", "last"])
    found.setdefault("next", ["/", "//example.org/", "/actions/"])
    return found


def admin_parameters():
    """The admin's own (search, order, page, popup...) and those of each model's filters and date hierarchy."""
    names = {
        admin_main.ALL_VAR,
        admin_main.ORDER_VAR,
        admin_main.PAGE_VAR,
        admin_main.SEARCH_VAR,
        admin_main.ERROR_FLAG,
        admin_main.IS_POPUP_VAR,
        admin_main.TO_FIELD_VAR,
        admin_main.IS_FACETS_VAR,
        "_changelist_filters",
    }
    for model_admin in admin.site._registry.values():
        for spec in model_admin.list_filter:
            field = spec[0] if isinstance(spec, list | tuple) else spec
            if isinstance(field, str):
                names |= {f"{field}{lookup}" for lookup in ("", "__exact", "__id__exact", "__isnull", "__gte", "__lt")}
        if model_admin.date_hierarchy:
            names |= {f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day")}
    return sorted(names)


QUERY_PARAMETERS = query_parameters()
ADMIN_PARAMETERS = admin_parameters()
READERS = functions_reading_the_query()
#: The pages whose view reads the query string, itself or through a function it calls (``read_as_at``...).
QUERY_PAGES = [
    page
    for page in OUR_PAGES
    if (source := _view_source(page.callback))
    and (".GET" in source or "Filter" in source or any(re.search(rf"\b{n}\(", source) for n in READERS))
]


# --- generated values -----------------------------------------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=["Cs"]), max_size=30)
ODD_DATES = st.sampled_from(
    [
        "2009-02-30",
        "2009-13-01",
        "2009-00-10",
        "0000-01-01",
        "0001-01-01",
        "9999-12-31",
        "10000-01-01",
        "-2009-06-03",
        "2009-6-3",
        "20090603",
        "03/06/2009",
        "2009-06-03T12:00",
        "2009-06-03 ",
        " ",
        "",
    ]
)
#: The days at the edges: the first and last the date input accepts, around the earliest as-at day, around today.
EDGE_DATES = st.sampled_from(
    [
        day.isoformat()
        for day in (
            datetime.date.min,
            datetime.date(1, 12, 31),
            datetime.date(1899, 12, 31),
            datetime.date(1900, 1, 1),
            _TODAY - datetime.timedelta(days=1),
            _TODAY,
            _TODAY + datetime.timedelta(days=1),
            datetime.date.max,
        )
    ]
)
DATES = st.one_of(
    EDGE_DATES,
    st.sampled_from(PLAN_DAYS),
    st.dates(datetime.date(2008, 1, 1), _TODAY + datetime.timedelta(days=1000)).map(datetime.date.isoformat),
    st.dates().map(datetime.date.isoformat),
    ODD_DATES,
)
#: An "as at" day: often one in the world's plan, so that pages show it as it stood.
AS_AT = st.one_of(st.sampled_from(PLAN_DAYS), st.sampled_from(PLAN_DAYS), DATES)
NUMBERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["0", "-1", "2147483648", "9223372036854775808", "1e309", "NaN", "inf", "1.5", "٣"]),
)


def query_value(choices):
    """A value the parameter takes (often, so that the page goes past its form) or anything at all."""
    valid = st.sampled_from(choices)
    return st.one_of(valid, valid, valid, DATES, NUMBERS, TEXT)


def query_strings(parameters, keys):
    """Lists of (name, value): known parameters with any value (repeated at will), unknown ones, and an ``as_at``."""
    known = st.sampled_from(sorted(parameters)).flatmap(
        lambda name: st.tuples(st.just(name), query_value(parameters[name] or keys))
    )
    unknown = st.tuples(TEXT, TEXT)
    as_at = st.lists(st.tuples(st.just("as_at"), AS_AT), max_size=2)  # most queries ask for a day, some twice
    return st.tuples(as_at, st.lists(st.one_of(known, known, known, unknown), max_size=6)).map(lambda q: q[0] + q[1])


def path_value(name, real):
    """A value for the path parameter ``name``: a real object's key, or a generated one."""
    generated = st.one_of(
        st.integers(min_value=0, max_value=10**30),
        st.integers(max_value=-1),
        st.from_regex(r"[-a-zA-Z0-9_]{1,60}", fullmatch=True),
        TEXT.filter(lambda t: t.strip("/.") != "" and "\x00" not in t),
        st.sampled_from(["0", "999999999", "nonexistent-slug", "😀", "..", "%2e%2e"]),
    )
    return st.one_of(st.sampled_from(real[name]), generated) if real.get(name) else generated


# --- the world ------------------------------------------------------------------------------------------------------


@pytest.fixture
def world(db):
    """One partnership with a user of every role and one object behind every kind of key in an address, and
    another partnership whose objects its people must not reach."""
    partnership = PartnershipFactory(name="East Ayrshire", slug="east-ayrshire")
    agency = AgencyFactory(partnership=partnership, slug="social-work")
    coordinator_agency = AgencyFactory(partnership=partnership, slug="cp-coordinator", kind="group")
    users = {
        "reader": MembershipFactory(agency=agency, role=Membership.Role.READER).user,
        "member": MembershipFactory(agency=agency, role=Membership.Role.MEMBER).user,
        "coordinator": MembershipFactory(agency=coordinator_agency, role=Membership.Role.COORDINATOR).user,
        "administrator": MembershipFactory(
            agency=coordinator_agency,
            role=Membership.Role.READER,
            user=UserFactory(username="admin", is_staff=True, is_superuser=True),
        ).user,
    }
    report = SourceReportFactory(slug="laming-2009")
    recommendation = RecommendationFactory(report=report, theme=ThemeFactory(report=report), reference="3.1")
    FindingFactory(recommendation=recommendation)
    DecisionFactory(partnership=partnership, recommendation=recommendation)
    with mock.patch("django.utils.timezone.now", return_value=THE_PLAN_BEGAN):  # a plan with a past, to ask "as at"
        action = ActionFactory(owner=agency, recommendations=[recommendation], due_date=datetime.date(2009, 10, 31))
        ActionFactory(owner=agency, due_date=None)
        updates = [
            ProgressUpdateFactory(action=action, author=users["member"], evidence_file="east-ayrshire/missing.pdf"),
            ProgressUpdateFactory(action=action, author=users["member"]),
        ]
    elsewhere = ActionFactory(owner=AgencyFactory(partnership=PartnershipFactory(slug="north-ayrshire")))
    meeting = MeetingFactory(partnership=partnership, date=datetime.date(2009, 9, 2))
    paper = {
        "meeting": meeting,
        "title": "Progress on the national recommendations",
        "purpose": "To advise the Chief Officers Group.",
        "proposals": "The plan is on course.",
        "recommendation": "To note.",
        "prepared_by_name": "Susan Taylor",
        "prepared_by_role": "Chair of Child Protection Committee",
        "signed_on": datetime.date(2009, 8, 25),
        "as_at": datetime.date(2009, 9, 2),
    }
    coordinator = users["coordinator"]
    issued = services.paper_create(partnership=partnership, created_by=coordinator, reports=[report], **paper)
    services.paper_issue(paper=issued, issued_by=coordinator)
    draft = services.paper_create(partnership=partnership, created_by=coordinator, reports=[report], **paper)
    never_generated = Paper.objects.create(partnership=partnership, created_by=coordinator, **paper)
    never_generated.reports.set([report])
    Invitation.objects.create(
        agency=agency,
        email="new.person@example.org",
        token_hash=token_hash(INVITATION_TOKEN),
        invited_by=coordinator,
        expires_at=timezone.now() + datetime.timedelta(hours=72),
    )
    from recommendations.loading import load_stage

    load = load_stage(user=users["administrator"], name="report.json", content=b'{"reports": []}')
    memberships = list(Membership.objects.values_list("pk", flat=True))
    keys = {
        "pk": [action.pk, elsewhere.pk, issued.pk, draft.pk, never_generated.pk, *memberships],
        "update_pk": [u.pk for u in updates],
        "slug": [partnership.slug, "north-ayrshire", report.slug],
        "reference": [recommendation.reference],
        "token": [INVITATION_TOKEN, load.token],
        "app_label": sorted({m._meta.app_label for m in admin.site._registry}),
        "url": ["nowhere/"],
    }
    return {"users": users, "keys": keys, "choices": [str(pk) for pk in keys["pk"] + keys["update_pk"]]}


def client_for(world, role):
    client = Client(raise_request_exception=False)
    if role != "anonymous":
        client.force_login(world["users"][role])
    return client


def object_ids(page):
    """Keys of real objects for an admin page's ``object_id``: the first row of its model."""
    pk = page.model._default_manager.values_list("pk", flat=True).first() if page.model else None
    return [pk] if pk is not None else []


def get(client, path, query=()):
    url = f"{path}?{urlencode(list(query))}" if query else path
    response = client.get(url)
    if getattr(response, "streaming", False):
        response.close()
    assert response.status_code < 500, f"GET {url} answered {response.status_code}"
    return response


# --- every page with the world's keys, for every role ---------------------------------------------------------------


def real_paths(page, keys):
    """Every path of the page with the world's keys (a bounded product)."""
    keys = {**keys, "object_id": object_ids(page) or ["1"]}
    params = page.params
    if not params:
        return [page.path({})]
    combinations = itertools.product(*(keys.get(name) or ["1"] for name in params))
    return [page.path(dict(zip(params, values, strict=True))) for values in itertools.islice(combinations, 40)]


@pytest.mark.parametrize("role", ROLES)
def test_every_page_with_the_worlds_keys_answers_without_a_server_error(world, role):
    client = client_for(world, role)
    admin_pages = ADMIN_PAGES if role == "administrator" else ADMIN_PAGES[:: max(1, len(ADMIN_PAGES) // 10)]
    asked = 0
    for page in OUR_PAGES + admin_pages:
        for path in real_paths(page, world["keys"]):
            get(client, path)
            asked += 1
    assert asked > len(OUR_PAGES)


# --- generated addresses and queries --------------------------------------------------------------------------------


def _path_and_query(data, pages, parameters, world):
    page = data.draw(st.sampled_from(pages), label="page")
    keys = {**world["keys"], "object_id": object_ids(page)}
    values = {name: data.draw(path_value(name, keys), label=name) for name in page.params}
    query = data.draw(query_strings(parameters, world["choices"]), label="query")
    return page.path(values), query


@pytest.mark.parametrize("role", ROLES)
def test_no_page_answers_a_server_error_whatever_the_address_and_query(world, role):
    client = client_for(world, role)
    our = {**QUERY_PARAMETERS, **dict.fromkeys(ADMIN_PARAMETERS, [])}

    @PROFILE
    @given(st.data())
    def ask(data):
        get(client, *_path_and_query(data, PAGES, our, world))

    ask()


@pytest.mark.parametrize("page", QUERY_PAGES, ids=str)
def test_no_page_reading_the_query_answers_a_server_error_whatever_it_is_asked(world, page):
    clients = {role: client_for(world, role) for role in ROLES}

    @QUERY_PROFILE
    @given(st.data())
    def ask(data):
        client = clients[data.draw(st.sampled_from(ROLES), label="role")]
        get(client, *_path_and_query(data, [page], QUERY_PARAMETERS, world))

    ask()


def test_the_admin_answers_its_administrator_without_a_server_error_whatever_its_lists_are_asked(world):
    client = client_for(world, "administrator")
    lists = [page for page in ADMIN_PAGES if page.name.endswith("_changelist")]
    parameters = dict.fromkeys(ADMIN_PARAMETERS, [])

    @PROFILE
    @given(st.data())
    def ask(data):
        get(client, *_path_and_query(data, lists, parameters, world))

    ask()


def test_the_enumeration_finds_the_pages_and_the_parameters_they_read():
    """The resolver gives every page, and the parameters come from the filters and the code, not from a list here."""
    names = {page.name for page in OUR_PAGES}
    assert {"dashboard", "list", "paper_docx", "report", "detail", "people", "accept"} <= names
    assert {"as_at", "page", "sort", "q", "due_after", "due_before", "not_updated_since", "meeting"} <= set(
        QUERY_PARAMETERS
    )
    assert {"dashboard", "list", "report", "detail"} <= {page.name for page in QUERY_PAGES}
    assert "o" in ADMIN_PARAMETERS and any(p.endswith("__year") for p in ADMIN_PARAMETERS)
    assert django_settings.ROOT_URLCONF == "config.urls"
