"""A fictional partnership whose plan is mid-flight today, for demonstrations and for newcomers.

East Ayrshire's record is the exact 2009 paper, and against today's clock it is thirteen years overdue. Riverside is
made up: the same national recommendations (Haringey JAR 2008, Laming 2009), answered by a plan that started a year
ago, with a year of progress recorded by its members, meetings every two months, an issued paper for the last
meeting and a draft for the next.

The year is *replayed* through the application's own services (``action_create``, ``action_record_progress``,
``decision_record``, ``paper_create``, ``paper_issue``), each step at the moment it is meant to have happened: the
clock (``django.utils.timezone.now``) is set to that moment while the step runs. So the history, versions and
progress updates are exactly those that people using the site would have left, and the "as at" pages and papers
read them like any other. Nothing here touches another partnership: every row belongs to Riverside.
"""

import datetime
from contextlib import contextmanager
from unittest import mock

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from actions.models import Action, Status
from actions.services import ProgressChange, action_create, action_record_progress
from agencies.models import Agency, Membership, Partnership
from agencies.services import create_demo_users
from recommendations.decisions import decision_record
from recommendations.models import ApplicabilityDecision, Recommendation, SourceReport

from . import services
from .models import Meeting

SLUG = "riverside-demo"
NAME = "Riverside (fictional demo)"
COMMITTEE = "Riverside Child Protection Committee (fictional demo partnership)"
JAR, LAMING = "jar-haringey-2008", "laming-2009"

#: (slug, name, short name, kind)
AGENCIES = [
    ("cpc", "Riverside Child Protection Committee", "CPC", Agency.Kind.GROUP),
    ("cp-coordinator", "Child Protection Co-ordinator", "CP Co-ordinator", Agency.Kind.GROUP),
    ("social-work", "Riverside Social Work Services", "Social Work", Agency.Kind.AGENCY),
    ("health", "Riverside Health Board", "Health", Agency.Kind.AGENCY),
    ("police", "Riverside Police Division", "Police", Agency.Kind.AGENCY),
    ("education", "Riverside Council Education", "Education", Agency.Kind.AGENCY),
    ("council", "Riverside Council", "Council", Agency.Kind.AGENCY),
]

#: (username, first name, last name, agency slug, role, superuser), as agencies.services.DEMO_ACCOUNTS.
#: Education and the Council own actions but have no member who updates them: the dashboard says so.
ACCOUNTS = [
    ("riverside.coordinator", "Rory", "Coordinator", "cp-coordinator", Membership.Role.COORDINATOR, False),
    ("riverside.social.work", "Saira", "Social Work", "social-work", Membership.Role.MEMBER, False),
    ("riverside.health", "Hugh", "Health", "health", Membership.Role.MEMBER, False),
    ("riverside.police", "Priya", "Police", "police", Membership.Role.MEMBER, False),
    ("riverside.chief", "Carol", "Chief Executive", "council", Membership.Role.READER, False),
]

#: Meetings, in days before today (negative: still to come).
MEETINGS = [(350, "cpc"), (290, "cpc"), (230, "cpc"), (200, "cog"), (170, "cpc"), (110, "cpc"), (50, "cpc")]
NEXT_MEETING = -12
PLAN_STARTED = 355  # days ago

# Each action: reference, owner, level, [(report, recommendation)], description, timescale, due (days from today;
# None: no date), and its story: [(days ago, status, percent, note)], or with a moved due date
# (days ago, status, percent, note, new due in days from today, reason). "created" (days ago) defaults to the start.
C, S = Action.Level.COMMITTEE, Action.Level.SINGLE_AGENCY
IP, DONE, ONGOING, NS = Status.IN_PROGRESS, Status.COMPLETE, Status.ONGOING, Status.NOT_STARTED
ACTIONS = [
    (
        "jar-1-c1",
        "cpc",
        C,
        [(JAR, "1")],
        "Review the committee's constitution and membership against national guidance.",
        "Within six months",
        -170,
        [
            (330, IP, 30, "Draft constitution circulated to members for comment."),
            (260, IP, 80, "Comments from Police and Health taken in; legal check done."),
            (215, DONE, 100, "Revised constitution approved by the committee."),
        ],
    ),
    (
        "jar-1-c2",
        "cp-coordinator",
        C,
        [(JAR, "1")],
        "Publish a business plan with a named lead for each priority and report on it every quarter.",
        "Quarterly reports; plan reviewed within 13 months",
        40,
        [
            (300, IP, 20, "Leads named for each of the seven priorities."),
            (180, IP, 45, "First quarterly report presented to the committee."),
            (60, IP, 60, "Second quarterly report presented: two priorities behind, recovery plans agreed."),
        ],
    ),
    (
        "jar-2-c1",
        "social-work",
        S,
        [(JAR, "2"), (LAMING, "20")],
        "Introduce a single multi-agency referral and initial assessment route (the Front Door).",
        "Within eleven months",
        -30,
        [
            (320, IP, 10, "Project group set up; terms of reference agreed."),
            (240, IP, 35, "Referral form agreed with Police and Health."),
            (150, IP, 55, "Pilot running in the north locality since the start of the month."),
            (
                45,
                IP,
                70,
                "Pilot evaluated: referrals answered within a day in 9 cases out of 10. Roll-out waits for the "
                "new case recording release.",
            ),
        ],
    ),
    (
        "jar-2-c2",
        "health",
        S,
        [(JAR, "2")],
        "Health visitors complete the shared pre-birth assessment for every vulnerable pregnancy.",
        "Within thirteen months",
        20,
        [
            (200, IP, 15, "Assessment form agreed with midwifery."),
            (70, IP, 30, "Training for health visitors half done; 14 assessments completed."),
        ],
    ),
    (
        "jar-3-c1",
        "cp-coordinator",
        C,
        [(JAR, "3")],
        "A programme of multi-agency case file audits: four themed audits a year.",
        "Ongoing",
        10,
        [
            (300, IP, 25, "First audit (neglect) complete; findings to the committee."),
            (200, IP, 50, "Second audit (pre-birth) complete."),
            (100, ONGOING, 100, "Audit programme embedded: a themed audit every quarter, reported to the committee."),
        ],
    ),
    (
        "jar-3-c2",
        "social-work",
        S,
        [(JAR, "3")],
        "Team managers audit two case files each a month against the quality framework.",
        "Within eight months",
        -120,
        [
            (280, IP, 20, "Quality framework issued to team managers."),
            (
                130,
                IP,
                40,
                "Framework revised; audits restart against it.",
                60,
                "The quality framework was revised after the first multi-agency "
                "audit, and managers were trained again on it.",
            ),
            (40, IP, 55, "Audits running in four of six teams."),
        ],
    ),
    (
        "jar-4-c1",
        "police",
        S,
        [(JAR, "4")],
        "Record the reason for every decision taken at an interagency referral discussion.",
        "Within nine months",
        -90,
        [
            (250, IP, 40, "Recording template agreed with Social Work."),
            (95, DONE, 100, "Dip sample of 40 discussions: the reason recorded in all of them."),
        ],
    ),
    (
        "jar-4-c2",
        "social-work",
        S,
        [(JAR, "4"), (LAMING, "16")],
        "Monthly recorded supervision for every worker holding a child protection case.",
        "Within fifteen months",
        90,
        [
            (210, IP, 25, "Supervision policy revised and issued."),
            (80, IP, 40, "Recording of supervision added to the case recording system."),
        ],
    ),
    (
        "jar-5-c1",
        "council",
        S,
        [(JAR, "5")],
        "A shared chronology in the case recording systems of social work, health and education.",
        "Within eighteen months",
        150,
        [],
    ),
    (
        "jar-5-c2",
        "education",
        S,
        [(JAR, "5")],
        "A named child protection co-ordinator in every school, with a refresher each year.",
        "Within fourteen months",
        45,
        [
            (150, IP, 50, "Recorded by the co-ordinator for Education: 41 of 52 schools have a named co-ordinator."),
        ],
    ),
    (
        "jar-6-c1",
        "cpc",
        C,
        [(JAR, "6")],
        "Chief officers' self-evaluation of their leadership of child protection.",
        "Within nineteen months",
        200,
        [],
    ),
    (
        "jar-7-c1",
        "cp-coordinator",
        C,
        [(JAR, "7")],
        "A quarterly multi-agency performance report to the committee and the chief officers.",
        "Quarterly",
        None,
        [
            (270, IP, 30, "Indicators agreed with each agency."),
            (180, ONGOING, 100, "First report presented; now produced every quarter."),
        ],
    ),
    (
        "jar-8-c1",
        "cpc",
        C,
        [(JAR, "8"), (LAMING, "29")],
        "A multi-agency training calendar for all staff, with an annual refresher.",
        "Within eight months",
        -110,
        [
            (290, IP, 30, "Training needs analysis returned by every agency."),
            (200, IP, 70, "Calendar drafted; courses booked."),
            (150, DONE, 100, "Calendar published; the first courses ran full."),
        ],
    ),
    (
        "jar-9-c1",
        "health",
        S,
        [(JAR, "9")],
        "Audit child protection records in the health visiting service.",
        "Within eleven months",
        -10,
        [
            (190, IP, 40, "Audit tool agreed; sample of 60 records drawn."),
            (60, IP, 80, "Records audited; report being written."),
        ],
    ),
    (
        "jar-10-c1",
        "police",
        S,
        [(JAR, "10"), (LAMING, "20")],
        "A joint protocol on sharing information between police, social work and health.",
        "Within thirteen months",
        30,
        [
            (240, IP, 30, "First draft shared with Social Work and Health."),
            (120, IP, 60, "Data protection officers' comments taken in."),
            (30, IP, 75, "Final draft with the three chief officers for signature."),
        ],
    ),
    (
        "jar-10-c2",
        "health",
        S,
        [(JAR, "10")],
        "Emergency department staff check the child protection register for every child who attends with an injury.",
        "To be agreed with the emergency department",
        None,
        [],
    ),
    (
        "jar-11-c1",
        "social-work",
        S,
        [(JAR, "11")],
        "A competence framework and training in supervision for team managers.",
        "Within twelve months",
        10,
        [
            (100, IP, 20, "Framework drafted with Human Resources."),
        ],
    ),
    (
        "jar-12-c1",
        "cpc",
        C,
        [(JAR, "12")],
        "Appoint an independent chair of the committee.",
        "Within four months",
        -235,
        [
            (300, IP, 50, "Post advertised."),
            (250, DONE, 100, "Independent chair appointed; took the chair at the committee's last meeting."),
        ],
    ),
    (
        "jar-gp1-c1",
        "council",
        S,
        [(JAR, "GP1")],
        "Disclosure checks for all elected members.",
        "Within six months",
        -175,
        [
            (200, DONE, 100, "Recorded by the co-ordinator for the Council: all 32 elected members checked."),
        ],
    ),
    (
        "jar-gp2-c1",
        "council",
        S,
        [(JAR, "GP2")],
        "A child protection briefing for all elected members.",
        "Within ten months",
        -60,
        [
            (140, IP, 40, "Recorded by the co-ordinator for the Council: first briefing held, 13 members attended."),
        ],
    ),
    (
        "lam-33-c1",
        "health",
        S,
        [(LAMING, "33")],
        "Review the health visiting pathway for children under five.",
        "Within six months",
        160,
        [
            (8, IP, 10, "Review group met for the first time."),
        ],
        20,
    ),
    (
        "lam-45-c1",
        "cp-coordinator",
        C,
        [(LAMING, "45")],
        "Train two local staff as chairs and authors of significant case reviews.",
        "Within eighteen months",
        120,
        [],
    ),
]

#: (report, recommendation, decision, reason, days ago)
DECISIONS = [
    (
        LAMING,
        "16",
        ApplicabilityDecision.Decision.ADAPT,
        "Supervision standards are set by the national guidance here; the committee adopts their intent.",
        330,
    ),
    (
        LAMING,
        "20",
        ApplicabilityDecision.Decision.ADOPT,
        "Referral routes from adult services are part of the Front Door project.",
        330,
    ),
    (LAMING, "29", ApplicabilityDecision.Decision.ADOPT, "Answered by the multi-agency training calendar.", 330),
    (LAMING, "33", ApplicabilityDecision.Decision.ADAPT, "The health visiting pathway is reviewed locally.", 25),
    (LAMING, "45", ApplicabilityDecision.Decision.ADOPT, "Local chairs and authors for significant case reviews.", 330),
    (
        LAMING,
        "49",
        ApplicabilityDecision.Decision.NOT_APPLICABLE,
        "Addressed to Ofsted, which does not inspect here.",
        330,
    ),
    (LAMING, "5", ApplicabilityDecision.Decision.UNDER_CONSIDERATION, "", 330),
]


ADOPTED = "Adopted by the committee: see the actions answering it."


class DemoError(Exception):
    """The demo cannot be built as things stand; the message says why."""


@contextmanager
def clock(moment):
    """Run the block as if it were ``moment``: every timestamp the application takes reads this time."""
    with mock.patch.object(timezone, "now", return_value=moment):
        yield


def _moment(today, days_ago, hour=10):
    day = today - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@transaction.atomic
def build_demo_partnership(*, today, password):
    """Build Riverside, or rebuild its accounts if it exists already; returns (partnership, usernames, built)."""
    recommendations = {(r.report.slug, r.reference): r for r in Recommendation.objects.select_related("report")}
    missing = {report for report, _ in [(JAR, ""), (LAMING, "")] if not SourceReport.objects.filter(slug=report)}
    if missing:
        raise DemoError(f"Load the national recommendations first (missing: {', '.join(sorted(missing))}).")
    partnership, created = Partnership.objects.get_or_create(
        slug=SLUG, defaults={"name": NAME, "committee_name": COMMITTEE}
    )
    if created:
        for slug, name, short, kind in AGENCIES:
            Agency.objects.create(partnership=partnership, slug=slug, name=name, short_name=short, kind=kind)
    usernames = create_demo_users(partnership_slug=SLUG, password=password, accounts=ACCOUNTS)
    if created:
        _replay_year(partnership, today, recommendations)
    return partnership, usernames, created


def _replay_year(partnership, today, recommendations):
    users = {
        u.membership.agency.slug: u for u in get_user_model().objects.filter(username__in=[a[0] for a in ACCOUNTS])
    }
    coordinator = users["cp-coordinator"]
    agencies = {a.slug: a for a in partnership.agencies.all()}
    for days_ago, body in MEETINGS:
        with clock(_moment(today, days_ago + 14)):
            services.meeting_create(partnership=partnership, body=body, date=today - datetime.timedelta(days=days_ago))
    with clock(_moment(today, 1)):
        next_meeting = services.meeting_create(
            partnership=partnership, body="cpc", date=today - datetime.timedelta(days=NEXT_MEETING)
        )
    jar_answered = sorted({ref for spec in ACTIONS for report, ref in spec[3] if report == JAR})
    adopted = [(JAR, ref, ApplicabilityDecision.Decision.ADOPT, ADOPTED, 335) for ref in jar_answered]
    for report, ref, decision, reason, days_ago in DECISIONS + adopted:
        with clock(_moment(today, days_ago, 11)):
            decision_record(
                partnership=partnership,
                recommendation=recommendations[(report, ref)],
                decision=decision,
                reason=reason,
                decided_by=coordinator,
                decided_on=today - datetime.timedelta(days=days_ago),
            )
    steps = []
    for spec in ACTIONS:
        reference, owner, level, recs, description, timescale, due, story = spec[:8]
        created_days_ago = spec[8] if len(spec) > 8 else PLAN_STARTED
        with clock(_moment(today, created_days_ago, 9)):
            action = action_create(
                partnership=partnership,
                reference=reference,
                owner=agencies[owner],
                level=level,
                description=description,
                timescale_text=timescale,
                due_date=_day(today, due),
                recommendations=[recommendations[key] for key in recs],
            )
        author = users.get(owner, coordinator)
        steps += [(step[0], reference, action.pk, author, step) for step in story]
    _record_steps(today, steps)
    _learning_review(partnership, today, users, agencies)
    issued = _papers(partnership, today, coordinator, next_meeting)
    _meeting_decisions(issued, today, coordinator)


def _day(today, days_from_today):
    return None if days_from_today is None else today + datetime.timedelta(days=days_from_today)


def _record_steps(today, steps):
    """Every progress update of the year, oldest first, each at its own moment."""
    for days_ago, _, pk, author, step in sorted(steps, key=lambda s: (-s[0], s[1])):
        _, status, percent, note, *moved = step
        action = Action.objects.get(pk=pk)
        due_date, reason = (_day(today, moved[0]), moved[1]) if moved else (action.due_date, "")
        change = ProgressChange(
            status=status, percent_complete=percent, note=note, due_date=due_date, revision_reason=reason
        )
        with clock(_moment(today, days_ago, 14)):
            action_record_progress(action=action, author=author, expected_version=action.version, change=change)


def _papers(partnership, today, coordinator, next_meeting):
    """The paper issued for the last meeting, and the draft for the next."""
    reports = list(SourceReport.objects.filter(slug__in=[JAR, LAMING]))
    last_meeting = Meeting.objects.get(partnership=partnership, date=today - datetime.timedelta(days=50))
    fields = {
        "title": "Progress on the national recommendations",
        "purpose": "To advise the committee of progress on the action plan answering the Haringey Joint Area "
        "Review and Lord Laming's progress report.",
        "proposals": "Most actions are on course. Three are overdue; the owners' recovery plans are set out in "
        "Appendix 1.",
        "recommendation": "The committee is asked to:\ni) note the contents of this report;\nii) agree the "
        "revised due dates.",
        "prepared_by_name": "Rory Coordinator",
        "prepared_by_role": "Child Protection Co-ordinator",
    }
    with clock(_moment(today, 57)):
        issued = services.paper_create(
            partnership=partnership,
            created_by=coordinator,
            reports=[r for r in reports if r.slug == JAR],  # the Haringey JAR only: a short paper to print
            meeting=last_meeting,
            signed_on=today - datetime.timedelta(days=57),
            as_at=today - datetime.timedelta(days=58),
            **fields,
        )
        issued = services.paper_issue(paper=issued, issued_by=coordinator)
    with clock(_moment(today, 0, 9)):
        services.paper_create(
            partnership=partnership,
            created_by=coordinator,
            reports=reports,
            meeting=next_meeting,
            signed_on=today,
            as_at=today - datetime.timedelta(days=1),
            **fields,
        )
    return issued


#: The fictional local learning review Riverside's committee answers beside the national reports: restricted (read
#: by the coordinator and the members of the agencies that own its actions).
CHILD_R = {
    "kind": SourceReport.Kind.LEARNING_REVIEW,
    "title": "Learning Review: Child R (fictional)",
    "short_title": "LR Child R",
    "publisher": "Riverside Child Protection Committee",
    "published_text": "Fictional demo",
    "restricted": True,
    "description": "A fictional learning review written for this demo: a child known to several services whose "
    "circumstances nobody saw whole.",
    "recommendations": [
        "Agencies share a single multi-agency chronology for every child on the register.",
        "Health visitors are invited to every initial child protection case conference.",
        "Police notify social work of every domestic incident where a child lives at the address, within one "
        "working day.",
        "The committee audits the use of the escalation protocol within six months.",
    ],
    "findings": [
        "Each agency held part of the picture; no chronology brought it together.",
        "The health visitor was not invited to the first case conference.",
        "Two domestic incidents were not notified to social work for over a week.",
    ],
}

#: (reference, owner, level, recommendation number, description, due in days, story [(days ago, status, %, note)])
CHILD_R_ACTIONS = [
    ("lr-r-1", "social-work", S, 1, "Introduce one shared chronology template across agencies.", 40,
     [(100, IP, 40, "Template agreed with health; police reviewing it.")]),
    ("lr-r-2", "health", S, 2, "Add health visitors to the case conference invitation list.", -20,
     [(90, IP, 50, "Invitation list updated in two localities."), (65, DONE, 100, "All localities invite them.")]),
    ("lr-r-3", "police", S, 3, "Notify social work of domestic incidents with a child present within a day.", 70,
     [(80, IP, 30, "Daily notification report built; testing.")]),
    ("lr-r-4", "cpc", C, 4, "Audit the use of the escalation protocol.", 120, []),
]  # fmt: skip


def _learning_review(partnership, today, users, agencies):
    """Riverside's own restricted learning review, with actions across agencies and a little progress."""
    from recommendations.own_reports import own_report_create

    coordinator = users["cp-coordinator"]
    with clock(_moment(today, 130, 9)):
        report = own_report_create(partnership=partnership, published_on=today - datetime.timedelta(days=140),
                                   **CHILD_R)  # fmt: skip
    recs = {r.position: r for r in report.recommendations.all()}
    steps = []
    for reference, owner, level, number, description, due, story in CHILD_R_ACTIONS:
        with clock(_moment(today, 120, 9)):
            action = action_create(partnership=partnership, reference=reference, owner=agencies[owner], level=level,
                                   description=description, timescale_text="", due_date=_day(today, due),
                                   recommendations=[recs[number]])  # fmt: skip
        author = users.get(owner, coordinator)
        steps += [(step[0], reference, action.pk, author, step) for step in story]
    _record_steps(today, steps)


def _meeting_decisions(paper, today, coordinator):
    """What the last meeting decided on the paper it received: two actions signed off, one not (with the reason),
    and a minute. The actions chosen are those proposed for closure with nothing recorded on them since."""
    from actions.models import ProgressUpdate

    from .sign_off import Outcome, meeting_decisions_record, proposed_action_ids

    meeting = paper.meeting
    quiet = [
        pk
        for pk in proposed_action_ids(paper)
        if not ProgressUpdate.objects.filter(action_id=pk, created_at__gte=meeting.started_at).exists()
    ]
    outcomes = [Outcome(pk, True) for pk in quiet[:2]]
    if len(quiet) > 2:
        outcomes.append(Outcome(quiet[2], False, "The committee wants evidence that the change is used in practice: "
                                "bring the audit of ten cases to the next meeting."))  # fmt: skip
    with clock(_moment(today, 49, 12)):
        meeting_decisions_record(
            paper=paper,
            recorded_by=coordinator,
            today=meeting.date,
            outcomes=outcomes,
            minute="Asked for a report on the overdue actions, and their recovery plans, at the next meeting.",
        )
