import datetime
import uuid

import factory
from django.utils import timezone

from accounts.tests.factories import UserFactory
from buildings.tests.factories import BuildingFactory, UnitFactory
from visits.models import AccessIssue, Assignment, CoklitPeriod, Schedule, UnitOutcome, Visit


def pilkada_2024():
    """The period the migrations seed."""
    return CoklitPeriod.objects.get(name="Pilkada DKI Jakarta 2024")


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    period = factory.LazyFunction(pilkada_2024)
    pantarlih = factory.SubFactory(UserFactory)
    building = factory.SubFactory(BuildingFactory)
    tps = factory.Sequence(lambda n: f"{n % 999 + 1:03d}")


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schedule

    period = factory.LazyFunction(pilkada_2024)
    building = factory.SubFactory(BuildingFactory)
    kind = Schedule.Kind.DOOR_TO_DOOR
    date = datetime.date(2024, 6, 26)
    start = datetime.time(9, 0)
    end = datetime.time(12, 0)
    proposed_by = factory.SubFactory(UserFactory, role="pps")


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    client_uuid = factory.LazyFunction(uuid.uuid4)
    period = factory.LazyFunction(pilkada_2024)
    pantarlih = factory.SubFactory(UserFactory)
    building = factory.SubFactory(BuildingFactory)
    started_at = factory.LazyFunction(
        lambda: timezone.make_aware(datetime.datetime(2024, 6, 26, 9, 0))
    )


class UnitOutcomeFactory(factory.django.DjangoModelFactory):
    """A bare outcome row; tests of the unit's status go through visits.services.outcome_record."""

    class Meta:
        model = UnitOutcome

    visit = factory.SubFactory(VisitFactory)
    unit = factory.SubFactory(
        UnitFactory, tower__building=factory.SelfAttribute("...visit.building")
    )
    outcome = UnitOutcome.Outcome.DONE
    voters_verified = 2
    recorded_at = factory.LazyAttribute(lambda o: o.visit.started_at)


class AccessIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessIssue

    building = factory.SubFactory(BuildingFactory)
    kind = AccessIssue.Kind.SECURITY_REFUSED
    description = "Petugas keamanan menolak pantarlih masuk tower."
    raised_by = factory.SubFactory(UserFactory)
