"""Synthetic partnerships for measuring the installation at the size of a nation (``generate_scale_data``).

Every partnership gets agencies, members, a coordinator and a reader, quarterly meetings, a decision on every
national recommendation loaded by ``load_recommendations`` (with its history row), and actions linked to those
recommendations, each with progress updates spread over the two years before ``until`` and the history rows the
application itself would have written (one on creation, one per update). Rows are written with ``bulk_create``, one
transaction per partnership. The same seed and ``until`` give the same data: each partnership draws from its own
random generator, seeded with the seed and its number.

Synthetic partnerships are recognisable by their slug, ``synthetic-NNN``; their users cannot sign in with a
password unless one is given (the benchmarks sign in through sessions).
"""

import contextlib
import csv
import datetime
import io
import json
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from agencies.models import Agency, Membership, Partnership
from agencies.plan_cache import mark_changed
from recommendations.loading import default_fixture_paths
from recommendations.models import ApplicabilityDecision, Recommendation
from reports.models import Meeting

from .models import Action, ActionRecommendation, ProgressUpdate, Status

SLUG_PREFIX = "synthetic-"
UNUSABLE_PASSWORD = "!synthetic"  # Django treats a hash starting with "!" as unusable: no password sign-in.

PLACES = (
    "Aberdeen",
    "Aberdeenshire",
    "Angus",
    "Argyll and Bute",
    "Clackmannanshire",
    "Dumfries and Galloway",
    "Dundee",
    "East Dunbartonshire",
    "East Lothian",
    "East Renfrewshire",
    "Edinburgh",
    "Falkirk",
    "Fife",
    "Glasgow",
    "Highland",
    "Inverclyde",
    "Midlothian",
    "Moray",
    "North Ayrshire",
    "North Lanarkshire",
    "Orkney",
    "Perth and Kinross",
    "Renfrewshire",
    "Scottish Borders",
    "Shetland",
    "South Ayrshire",
    "South Lanarkshire",
    "Stirling",
    "West Dunbartonshire",
    "West Lothian",
    "Western Isles",
    "Barnsley",
    "Bradford",
    "Calderdale",
    "Cumbria",
    "Derbyshire",
    "Devon",
    "Dorset",
    "Durham",
    "Essex",
    "Gateshead",
    "Hampshire",
    "Kent",
    "Kirklees",
    "Lancashire",
    "Leeds",
    "Lincolnshire",
    "Norfolk",
    "Northumberland",
    "Nottingham",
    "Oldham",
    "Rochdale",
    "Salford",
    "Sheffield",
    "Somerset",
    "Stockport",
    "Suffolk",
    "Sunderland",
    "Wakefield",
    "Wigan",
)

#: (slug, name, short name, kind, members): the agencies of every synthetic partnership.
AGENCIES = (
    ("cpc", "{place} Child Protection Committee", "CPC", Agency.Kind.GROUP, 1),
    ("performance-audit", "Performance and Audit Sub Group", "P&A Sub Group", Agency.Kind.GROUP, 1),
    ("cp-coordinator", "Child Protection Co-ordinator", "CP Co-ordinator", Agency.Kind.GROUP, 0),
    ("social-work", "Social Work Services", "Social Work", Agency.Kind.AGENCY, 3),
    ("health", "NHS {place}", "Health", Agency.Kind.AGENCY, 3),
    ("police", "Police: {place} Division", "Police", Agency.Kind.AGENCY, 2),
    ("education", "Education Services", "Education", Agency.Kind.AGENCY, 2),
    ("housing", "Housing Services", "Housing", Agency.Kind.AGENCY, 1),
    ("voluntary", "Voluntary Sector Forum", "Voluntary", Agency.Kind.AGENCY, 1),
)

VERBS = ("Review", "Audit", "Develop", "Introduce", "Strengthen", "Publish", "Evaluate", "Agree", "Deliver", "Embed")
OBJECTS = (
    "the multi-agency child protection guidelines",
    "training on recognising and responding to non-accidental injury",
    "supervision arrangements for front-line social workers",
    "information sharing between health visitors and social work",
    "the quality of case conference minutes",
    "the Child Protection Register procedures",
    "joint investigative interview training",
    "the escalation protocol for professional disagreement",
    "the case file audit programme",
    "GIRFEC practice guidance for named persons",
    "arrangements for children missing from education",
    "the vetting of staff and volunteers",
)
NOTES = (
    "Draft circulated to the sub group for comment.",
    "Agreed at the committee; implementation under way.",
    "Training dates set; first cohort attended.",
    "Audit sample drawn; findings to the next meeting.",
    "Delayed by staff absence; revised plan agreed.",
    "Evidence lodged with the co-ordinator.",
    "",
)
REASONS = {
    ApplicabilityDecision.Decision.ADOPT: "Applies here through the national guidance.",
    ApplicabilityDecision.Decision.ADAPT: "Adapted to the Scottish framework (GIRFEC).",
    ApplicabilityDecision.Decision.NOT_APPLICABLE: "Addressed to English bodies only.",
    ApplicabilityDecision.Decision.UNDER_CONSIDERATION: "",
}


@dataclass(frozen=True)
class ScaleSpec:
    partnerships: int = 200
    actions_per_partnership: int = 500
    updates_per_action: int = 10
    seed: int = 2009
    until: datetime.date = field(default_factory=timezone.localdate)
    password: str = ""


@dataclass
class ScaleCounts:
    partnerships: int = 0
    actions: int = 0
    updates: int = 0
    history: int = 0

    def add(self, other):
        for name in ("partnerships", "actions", "updates", "history"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


class ScaleDataError(Exception):
    """The database or the arguments do not allow generating scale data; the message says why."""


def fixture_partnership_slugs():
    """The slugs of the demo partnerships the fixture files load (East Ayrshire): not real data."""
    slugs = set()
    for path in default_fixture_paths():
        with open(path, encoding="utf-8") as f:
            slugs |= {r["fields"]["slug"] for r in json.load(f) if r["model"] == "agencies.partnership"}
    return slugs


def check_database(*, allow_existing):
    """Raise ScaleDataError unless the database can take synthetic partnerships."""
    if not Recommendation.objects.exists():
        raise ScaleDataError("No national recommendations: run `manage.py load_recommendations` first.")
    synthetic = Partnership.objects.filter(slug__startswith=SLUG_PREFIX).count()
    if synthetic:
        raise ScaleDataError(f"The database already holds {synthetic} synthetic partnerships: use a fresh database.")
    real = Partnership.objects.exclude(slug__in=fixture_partnership_slugs()).order_by("name")
    if real.exists() and not allow_existing:
        names = ", ".join(real.values_list("name", flat=True)[:3])
        raise ScaleDataError(
            f"The database holds real partnerships ({names}): refusing to add synthetic ones beside them. "
            "Use a database of its own, or --allow-existing if you are sure."
        )


def check_spec(spec):
    limits = (
        ("partnerships", spec.partnerships, 1, 999),
        ("actions per partnership", spec.actions_per_partnership, 1, 9999),
        ("updates per action", spec.updates_per_action, 0, 100),
    )
    for name, value, low, high in limits:
        if not low <= value <= high:
            raise ScaleDataError(f"The number of {name} must be between {low} and {high} (got {value}).")


@contextlib.contextmanager
def _timestamps_as_given():
    """bulk_create keeps the timestamps we set instead of stamping "now" (auto_now / auto_now_add)."""
    fields = [
        Action._meta.get_field("created_at"),
        Action._meta.get_field("updated_at"),
        ProgressUpdate._meta.get_field("created_at"),
        ApplicabilityDecision._meta.get_field("updated_at"),
    ]
    saved = [(f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, (auto_now, auto_now_add) in zip(fields, saved, strict=True):
            f.auto_now, f.auto_now_add = auto_now, auto_now_add


def generate(spec, *, progress=None):
    """Write ``spec.partnerships`` synthetic partnerships; call ``progress(done, counts)`` after each one."""
    check_spec(spec)
    recommendations = list(Recommendation.objects.select_related("report").order_by("report_id", "position"))
    password = make_password(spec.password) if spec.password else UNUSABLE_PASSWORD
    counts = ScaleCounts()
    with _timestamps_as_given():
        for number in range(1, spec.partnerships + 1):
            with transaction.atomic():
                counts.add(_Partnership(spec, number, recommendations, password).write())
            if progress:
                progress(number, counts)
    return counts


def _insert(model, rows):
    """Insert rows (dicts of column values) whose ids nobody needs back: COPY on PostgreSQL, several times faster
    than bulk_create (no model instances, no per-field conversion); bulk_create elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create((model(**row) for row in rows), batch_size=2000)
        return
    names = list(rows[0])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerows(["\\N" if row[n] is None else row[n] for n in names] for row in rows)
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(model._meta.get_field(n.removesuffix("_id")).column) for n in names)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buffer)


def _aware(day, rng):
    moment = datetime.datetime.combine(day, datetime.time(9)) + datetime.timedelta(minutes=rng.randrange(8 * 60))
    return timezone.make_aware(moment)


class _Partnership:
    """One synthetic partnership, drawn from its own random generator."""

    def __init__(self, spec, number, recommendations, password):
        self.spec, self.number, self.recommendations, self.password = spec, number, recommendations, password
        self.rng = random.Random(f"{spec.seed}-{number}")  # noqa: S311 - synthetic data, not secrets
        self.start = spec.until - datetime.timedelta(days=730)
        self.place = PLACES[(number - 1) % len(PLACES)]
        self.counts = ScaleCounts(partnerships=1)
        self.HistoricalAction = Action.history.model  # looked up once: the descriptor builds a manager every time

    def write(self):
        self.partnership = Partnership.objects.create(
            name=f"{self.place} (synthetic {self.number:03d})",
            slug=f"{SLUG_PREFIX}{self.number:03d}",
            committee_name=f"{self.place} Child Protection Committee",
        )
        self._people()
        self._meetings()
        self._decisions()
        self._actions()
        mark_changed(self.partnership.pk)  # the rows above went in by bulk insert and COPY, which send no signals
        return self.counts

    def _people(self):
        User = get_user_model()
        self.agencies = Agency.objects.bulk_create(
            Agency(
                partnership=self.partnership, slug=slug, name=name.format(place=self.place), short_name=short, kind=kind
            )
            for slug, name, short, kind, _ in AGENCIES
        )
        prefix = f"s{self.number:03d}"
        people = [(f"{prefix}.coordinator", "cp-coordinator", Membership.Role.COORDINATOR)]
        people.append((f"{prefix}.chief.officer", "cpc", Membership.Role.READER))
        for slug, *_, members in AGENCIES:
            people += [(f"{prefix}.{slug}.{n}", slug, Membership.Role.MEMBER) for n in range(1, members + 1)]
        users = User.objects.bulk_create(
            User(username=username, password=self.password, email=f"{username}@example.org")
            for username, _, _ in people
        )
        by_slug = {a.slug: a for a in self.agencies}
        Membership.objects.bulk_create(
            Membership(user=user, agency=by_slug[slug], role=role)
            for user, (_, slug, role) in zip(users, people, strict=True)
        )
        self.coordinator = users[0]
        self.authors = {
            a.pk: [u for u, (_, s, _) in zip(users, people, strict=True) if s == a.slug] for a in self.agencies
        }

    def _meetings(self):
        days = range(0, 731, 91)
        Meeting.objects.bulk_create(
            Meeting(partnership=self.partnership, body=body, date=self.start + datetime.timedelta(days=d))
            for d in days
            for body in (Meeting.Body.CPC, Meeting.Body.COG)
        )

    def _decisions(self):
        Decision = ApplicabilityDecision.Decision
        choices = [Decision.ADOPT] * 6 + [Decision.ADAPT] * 3 + [Decision.NOT_APPLICABLE, Decision.UNDER_CONSIDERATION]
        decisions = []
        for rec in self.recommendations:
            decision = self.rng.choice(choices)
            day = self.start + datetime.timedelta(days=self.rng.randrange(90))
            decided = decision != Decision.UNDER_CONSIDERATION
            decisions.append(
                ApplicabilityDecision(
                    partnership=self.partnership,
                    recommendation=rec,
                    decision=decision,
                    reason=REASONS[decision],
                    decided_by=self.coordinator if decided else None,
                    decided_on=day if decided else None,
                    updated_at=_aware(day, self.rng),
                )
            )
        decisions = ApplicabilityDecision.objects.bulk_create(decisions)
        History = ApplicabilityDecision.history.model
        _insert(
            History,
            [
                {
                    "id": d.pk,
                    "partnership_id": d.partnership_id,
                    "recommendation_id": d.recommendation_id,
                    "decision": d.decision,
                    "reason": d.reason,
                    "decided_by_id": d.decided_by_id,
                    "decided_on": d.decided_on,
                    "updated_at": d.updated_at,
                    "history_date": d.updated_at,
                    "history_type": "+",
                    "history_user_id": self.coordinator.pk,
                }
                for d in decisions
            ],
        )
        self.counts.history += len(decisions)

    def _actions(self):
        plans = [self._plan(j) for j in range(1, self.spec.actions_per_partnership + 1)]
        for plan in plans:
            plan["action"].fill_derived_fields()  # bulk_create does not call save(): the natural-order key
        actions = Action.objects.bulk_create([p["action"] for p in plans], batch_size=1000)
        links, updates, history = [], [], []
        for action, plan in zip(actions, plans, strict=True):
            for position, (rec, primary) in enumerate(plan["links"], start=1):
                links.append(
                    {
                        "action_id": action.pk,
                        "recommendation_id": rec.pk,
                        "is_primary": primary,
                        "position": position,
                        "shows_timescale": True,
                    }
                )
            for update in plan["updates"]:
                update["action_id"] = action.pk
                updates.append(update)
            history += [self._history_row(action, state) for state in plan["states"]]
        _insert(ActionRecommendation, links)
        _insert(ProgressUpdate, updates)
        _insert(self.HistoricalAction, history)
        self.counts.actions += len(actions)
        self.counts.updates += len(updates)
        self.counts.history += len(history)

    def _plan(self, j):
        """One action, its links, its updates and its states over time (not yet saved)."""
        rng = self.rng
        owner = rng.choice(self.agencies)
        created = _aware(self.start + datetime.timedelta(days=rng.randrange(60)), rng)
        due = created.date() + datetime.timedelta(days=rng.randrange(120, 900))
        primary = rng.choice(self.recommendations)
        others = rng.sample(self.recommendations, rng.choice((0, 0, 0, 1, 2)))
        linked = [(primary, True)] + [(r, False) for r in others if r.pk != primary.pk]
        action = Action(
            partnership=self.partnership,
            owner=owner,
            reference=slugify(f"{primary.report.slug[:12]}-{primary.reference}-{j}")[:40],
            level=Action.Level.COMMITTEE if owner.kind == Agency.Kind.GROUP else Action.Level.SINGLE_AGENCY,
            description=f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} ({self.place}).",
            timescale_text=f"{due:%B %Y}",
            due_date=due,
            status=Status.NOT_STARTED,
            percent_complete=0,
            version=1,
            created_at=created,
            updated_at=created,
        )
        states = [(created, "+", Status.NOT_STARTED, 0, due, 1, self.coordinator.pk)]
        updates = self._updates(action, created, states)
        last = states[-1]
        action.status, action.percent_complete, action.due_date, action.version = last[2:6]
        action.updated_at = last[0]
        return {"action": action, "links": linked, "updates": updates, "states": states}

    def _updates(self, action, created, states):
        rng, k = self.rng, self.spec.updates_per_action
        if not k:
            return []
        span = timezone.make_aware(datetime.datetime.combine(self.spec.until, datetime.time(17))) - created
        moments = sorted(created + span * rng.random() for _ in range(k))
        final = rng.choice((100, 100, 100, 80, 60, 50, 40, 25, 10, 0))
        authors = self.authors[action.owner.pk] or [self.coordinator]
        updates = []
        for n, moment in enumerate(moments, start=1):
            _, _, status_before, percent_before, due_before, version, _ = states[-1]
            percent = round(final * n / k / 5) * 5
            status = Status.COMPLETE if percent == 100 else Status.IN_PROGRESS if percent else Status.NOT_STARTED
            revised = rng.random() < 0.1 and status != Status.COMPLETE
            due = due_before + datetime.timedelta(days=90) if revised else due_before
            author = rng.choice(authors)
            updates.append(
                {
                    "author_id": author.pk,
                    "created_at": moment,
                    "status_before": status_before,
                    "status_after": status,
                    "percent_before": percent_before,
                    "percent_after": percent,
                    "note": rng.choice(NOTES),
                    "evidence_file": "",
                    "evidence_link": "",
                    "due_date_before": due_before,
                    "due_date_after": due,
                    "source": "form",
                    "revision_reason": "Slipped: resources moved to a review." if revised else "",
                    "action_version": version + 1,
                }
            )
            states.append((moment, "~", status, percent, due, version + 1, author.pk))
        return updates

    def _history_row(self, action, state):
        moment, kind, status, percent, due, version, user_id = state
        return {
            "id": action.pk,
            "partnership_id": action.partnership_id,
            "reference": action.reference,
            "sort_key": action.sort_key,
            "owner_id": action.owner_id,
            "level": action.level,
            "description": action.description,
            "timescale_text": action.timescale_text,
            "due_date": due,
            "status": status,
            "percent_complete": percent,
            "version": version,
            "created_at": action.created_at,
            "history_date": moment,
            "history_type": kind,
            "history_user_id": user_id,
        }
