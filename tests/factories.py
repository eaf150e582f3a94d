import datetime

import factory
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from actions.models import Action, ActionRecommendation, ProgressUpdate, Status
from agencies.models import Agency, Membership, Partnership
from recommendations.models import ApplicabilityDecision, Finding, Recommendation, SourceReport, Theme
from reports.models import Meeting

PASSWORD = "test-password-123"


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Partnership {n}")
    slug = factory.Sequence(lambda n: f"partnership-{n}")
    committee_name = factory.LazyAttribute(lambda o: f"{o.name} Child Protection Committee")


class AgencyFactory(DjangoModelFactory):
    class Meta:
        model = Agency

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Agency {n}")
    short_name = factory.Sequence(lambda n: f"Ag{n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    kind = Agency.Kind.AGENCY


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    agency = factory.SubFactory(AgencyFactory)
    role = Membership.Role.MEMBER


class SourceReportFactory(DjangoModelFactory):
    class Meta:
        model = SourceReport

    slug = factory.Sequence(lambda n: f"report-{n}")
    title = factory.Sequence(lambda n: f"National report {n}")
    short_title = factory.Sequence(lambda n: f"Report {n}")
    publisher = "The Stationery Office"
    published_on = datetime.date(2009, 3, 12)


class ThemeFactory(DjangoModelFactory):
    class Meta:
        model = Theme

    report = factory.SubFactory(SourceReportFactory)
    slug = factory.Sequence(lambda n: f"theme-{n}")
    title = factory.Sequence(lambda n: f"Theme {n}")
    position = factory.Sequence(lambda n: n + 1)


class RecommendationFactory(DjangoModelFactory):
    class Meta:
        model = Recommendation

    report = factory.SubFactory(SourceReportFactory)
    theme = None
    position = factory.Sequence(lambda n: n + 1)
    reference = factory.LazyAttribute(lambda o: str(o.position))
    text = factory.Faker("sentence", nb_words=20)


class FindingFactory(DjangoModelFactory):
    class Meta:
        model = Finding

    report = factory.LazyAttribute(lambda o: o.recommendation.report)
    recommendation = factory.SubFactory(RecommendationFactory)
    kind = Finding.Kind.CIRCUMSTANCE
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Faker("sentence", nb_words=15)


class ActionFactory(DjangoModelFactory):
    class Meta:
        model = Action
        skip_postgeneration_save = True

    partnership = factory.LazyAttribute(lambda o: o.owner.partnership)
    owner = factory.SubFactory(AgencyFactory)
    reference = factory.Sequence(lambda n: f"act-{n}")
    level = Action.Level.COMMITTEE
    description = factory.Faker("sentence", nb_words=12)
    timescale_text = "October 2009"
    due_date = datetime.date(2009, 10, 31)
    status = Status.NOT_STARTED
    percent_complete = 0

    @factory.post_generation
    def recommendations(obj, create, extracted, **kwargs):
        """ActionFactory(recommendations=[rec, ...]) links them, the first primary."""
        if create and extracted:
            for index, rec in enumerate(extracted):
                ActionRecommendation.objects.create(
                    action=obj, recommendation=rec, is_primary=index == 0, position=index + 1
                )


class ActionRecommendationFactory(DjangoModelFactory):
    class Meta:
        model = ActionRecommendation

    action = factory.SubFactory(ActionFactory)
    recommendation = factory.SubFactory(RecommendationFactory)
    is_primary = True
    position = factory.Sequence(lambda n: n + 1)


class ProgressUpdateFactory(DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    author = factory.SubFactory(UserFactory)
    status_before = Status.NOT_STARTED
    status_after = Status.IN_PROGRESS
    percent_before = 0
    percent_after = 25
    note = factory.Faker("sentence")


class DecisionFactory(DjangoModelFactory):
    class Meta:
        model = ApplicabilityDecision

    partnership = factory.SubFactory(PartnershipFactory)
    recommendation = factory.SubFactory(RecommendationFactory)
    decision = ApplicabilityDecision.Decision.ADOPT
    reason = "Applies in Scotland through the national guidance."
    decided_on = datetime.date(2009, 6, 22)


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    partnership = factory.SubFactory(PartnershipFactory)
    body = Meeting.Body.COG
    date = datetime.date(2009, 6, 3)
    title = "Chief Officers Group"
