import datetime

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.tests.factories import UserFactory
from buildings.models import Unit
from buildings.tests.factories import TowerFactory, UnitFactory
from visits.models import UnitOutcome
from visits.services import outcome_record
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db

Outcome = UnitOutcome.Outcome


def wib(day, hour, minute=0):
    return timezone.make_aware(datetime.datetime(2024, 6, day, hour, minute))


@pytest.fixture
def tower():
    return TowerFactory(name="Tower Jasmine")


@pytest.fixture
def unit(tower):
    return UnitFactory(tower=tower, floor=5, number="J-0512")


def visit_to(tower, pantarlih=None, started_at=None):
    return VisitFactory(
        building=tower.building,
        tower=tower,
        pantarlih=pantarlih or UserFactory(),
        started_at=started_at or wib(25, 9, 0),
    )


def test_recording_an_outcome_stores_it_and_moves_the_unit_status(tower, unit):
    visit = visit_to(tower)
    result = outcome_record(
        visit=visit,
        unit=unit,
        outcome=Outcome.DONE,
        recorded_at=wib(25, 9, 20),
        voters_verified=3,
        voters_new=1,
        sticker=UnitOutcome.Sticker.PLACED,
    )

    stored = UnitOutcome.objects.get()
    assert stored == result
    assert (stored.visit, stored.unit, stored.outcome) == (visit, unit, Outcome.DONE)
    assert (stored.voters_verified, stored.voters_removed, stored.voters_new) == (3, 0, 1)
    assert stored.sticker == UnitOutcome.Sticker.PLACED
    unit.refresh_from_db()
    assert unit.status == Outcome.DONE
    assert unit.status_at == wib(25, 9, 20)
    assert unit.is_closed


def test_recording_touches_no_other_unit(tower, unit):
    neighbour = UnitFactory(tower=tower, floor=5, number="J-0513")
    outcome_record(
        visit=visit_to(tower), unit=unit, outcome=Outcome.VACANT, recorded_at=wib(25, 9, 20)
    )
    neighbour.refresh_from_db()
    assert (neighbour.status, neighbour.status_at) == (Unit.Status.UNVISITED, None)


def test_a_newer_outcome_replaces_the_status_of_an_older_one(tower, unit):
    outcome_record(
        visit=visit_to(tower), unit=unit, outcome=Outcome.NOT_HOME, recorded_at=wib(25, 9, 20)
    )
    revisit = visit_to(tower, started_at=wib(28, 18, 0))
    outcome_record(visit=revisit, unit=unit, outcome=Outcome.DONE, recorded_at=wib(28, 18, 10))

    unit.refresh_from_db()
    assert (unit.status, unit.status_at) == (Outcome.DONE, wib(28, 18, 10))
    assert unit.outcomes.count() == 2


def test_an_older_outcome_arriving_late_is_stored_but_does_not_overwrite_the_status(tower, unit):
    # The phone that recorded "not home" on the 25th was offline and uploads after the revisit.
    revisit = visit_to(tower, started_at=wib(28, 18, 0))
    outcome_record(visit=revisit, unit=unit, outcome=Outcome.DONE, recorded_at=wib(28, 18, 10))
    late = visit_to(tower, started_at=wib(25, 9, 0))
    outcome_record(visit=late, unit=unit, outcome=Outcome.NOT_HOME, recorded_at=wib(25, 9, 20))

    unit.refresh_from_db()
    assert (unit.status, unit.status_at) == (Outcome.DONE, wib(28, 18, 10))
    assert list(unit.outcomes.values_list("outcome", flat=True)) == [
        Outcome.DONE,
        Outcome.NOT_HOME,
    ]


def test_an_outcome_with_the_same_recorded_at_takes_over_the_status(tower, unit):
    # Equal times cannot be ordered by the phone's clock; the later arrival wins.
    at = wib(25, 9, 20)
    outcome_record(visit=visit_to(tower), unit=unit, outcome=Outcome.NOT_HOME, recorded_at=at)
    outcome_record(visit=visit_to(tower), unit=unit, outcome=Outcome.DONE, recorded_at=at)

    unit.refresh_from_db()
    assert (unit.status, unit.status_at) == (Outcome.DONE, at)
    assert unit.outcomes.count() == 2


def test_two_pantarlih_recording_the_same_unit_are_both_stored(tower, unit):
    first = visit_to(tower, pantarlih=UserFactory(full_name="Rizky Ramadhan"))
    second = visit_to(tower, pantarlih=UserFactory(full_name="Fitri Handayani"))
    outcome_record(visit=first, unit=unit, outcome=Outcome.REFUSED, recorded_at=wib(25, 9, 20))
    outcome_record(
        visit=second, unit=unit, outcome=Outcome.SENT_TO_POSKO, recorded_at=wib(25, 9, 25)
    )

    stored = UnitOutcome.objects.filter(unit=unit)
    assert {o.visit.pantarlih.full_name for o in stored} == {"Rizky Ramadhan", "Fitri Handayani"}
    unit.refresh_from_db()
    assert unit.status == Outcome.SENT_TO_POSKO
    assert not unit.is_closed


def test_unvisited_is_not_an_outcome_and_leaves_nothing_behind(tower, unit):
    with pytest.raises(IntegrityError), transaction.atomic():
        outcome_record(
            visit=visit_to(tower), unit=unit, outcome="unvisited", recorded_at=wib(25, 9, 20)
        )

    assert not UnitOutcome.objects.exists()
    unit.refresh_from_db()
    assert (unit.status, unit.status_at) == (Unit.Status.UNVISITED, None)
