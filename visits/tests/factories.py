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


class CoklitPeriodFactory(factory.django.DjangoModelFactory):
    """A period open today (from ten days ago to twenty days ahead), for the field pages."""

    class Meta:
        model = CoklitPeriod

    name = factory.Sequence(lambda n: f"Periode uji {n}")
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=10))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=20))


def field_day(*, floors=2, units_per_floor=5, pantarlih=None, period=None):
    """A pantarlih assigned today to a tower of `floors` × `units_per_floor` units, visiting it.

    Returns a namespace with period, building, tower, units, pantarlih, assignment and visit.
    """
    import types

    from buildings.models import Unit
    from buildings.tests.factories import TowerFactory

    period = period or CoklitPeriodFactory()
    tower = TowerFactory(floors=floors)
    Unit.objects.bulk_create(
        Unit(tower=tower, floor=f, number=f"{tower.name}-{f:02d}{u:02d}")
        for f in range(1, floors + 1)
        for u in range(1, units_per_floor + 1)
    )
    pantarlih = pantarlih or UserFactory(role="pantarlih")
    assignment = AssignmentFactory(period=period, pantarlih=pantarlih, building=tower.building)
    visit = VisitFactory(
        period=period,
        pantarlih=pantarlih,
        building=tower.building,
        tower=tower,
        started_at=timezone.now() - datetime.timedelta(hours=1),
    )
    return types.SimpleNamespace(
        period=period,
        building=tower.building,
        tower=tower,
        units=list(Unit.objects.filter(tower=tower).order_by("floor", "number")),
        pantarlih=pantarlih,
        assignment=assignment,
        visit=visit,
    )
