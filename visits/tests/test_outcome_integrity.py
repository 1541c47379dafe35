"""Issue #13, outcome integrity: only assigned towers, only open periods, one bad item alone,
and a household's voters counted once."""

import datetime

import pytest
from django.utils import timezone

from buildings.models import Unit
from buildings.tests.factories import TowerFactory
from visits.models import Assignment, UnitOutcome
from visits.tests.factories import CoklitPeriodFactory, VisitFactory, field_day
from visits.tests.test_field_sync import item, send

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return field_day()


@pytest.fixture
def phone(client, day):
    client.force_login(day.pantarlih)
    return client


def test_a_tower_assigned_to_another_officer_is_refused(phone, day):
    # The officer's assignment names one tower; the building has another with its own officer.
    Assignment.objects.filter(pk=day.assignment.pk).update(tower=day.tower)
    other = TowerFactory(building=day.building, name="Lain")
    unit = Unit.objects.create(tower=other, floor=1, number="L-0101")

    results = send(phone, item(day, unit=unit), item(day)).json()["results"]

    assert [r["status"] for r in results] == ["invalid", "stored"]
    assert "unit" in results[0]["errors"]
    assert not UnitOutcome.objects.filter(unit=unit).exists()


def test_a_building_level_assignment_covers_every_tower(phone, day):
    other = TowerFactory(building=day.building, name="Lain")
    unit = Unit.objects.create(tower=other, floor=1, number="L-0101")

    results = send(phone, item(day, unit=unit)).json()["results"]

    assert [r["status"] for r in results] == ["stored"]


def test_an_outcome_backdated_into_a_closed_period_is_refused(client):
    # A visit of the 2024 window; today is long after it ended.
    period = CoklitPeriodFactory(
        starts_on=datetime.date(2024, 6, 24), ends_on=datetime.date(2024, 7, 24)
    )
    day = field_day(period=period)
    old = timezone.make_aware(datetime.datetime(2024, 7, 1, 10))
    VisitFactory._meta.model.objects.filter(pk=day.visit.pk).update(started_at=old)
    client.force_login(day.pantarlih)

    results = send(client, item(day, recorded_at=old.isoformat())).json()["results"]

    assert results[0]["status"] == "invalid" and "recorded_at" in results[0]["errors"]
    assert "closed" in results[0]["errors"]["recorded_at"]
    assert not UnitOutcome.objects.exists()


@pytest.mark.parametrize(
    "recorded_at", ["0001-01-01T00:00:00", "9999-12-31T23:59:59", "0001-01-01T00:00:00+14:00"]
)
def test_a_year_one_time_is_answered_alone_and_the_rest_is_stored(phone, day, recorded_at):
    # Issue #13: this made the whole batch a 500, so the phone retried it for ever.
    bad = item(day, recorded_at=recorded_at)
    good = item(day, unit=day.units[1])

    response = send(phone, bad, good)

    assert response.status_code == 200
    assert [r["status"] for r in response.json()["results"]] == ["invalid", "stored"]
    assert UnitOutcome.objects.get().unit == day.units[1]


def test_a_household_is_counted_once_with_its_newest_figures(phone, day):
    unit = day.units[0]
    earlier = timezone.now() - datetime.timedelta(minutes=30)
    send(phone, item(day, voters_verified=3, recorded_at=earlier.isoformat()))
    send(phone, item(day, voters_verified=4))  # the same flat, checked again: 4 voters now
    late = item(
        day, voters_verified=9, recorded_at=(earlier - datetime.timedelta(hours=1)).isoformat()
    )
    send(phone, late)  # an older record arriving late changes nothing

    unit.refresh_from_db()
    assert unit.voters_verified == 4
    assert UnitOutcome.objects.filter(unit=unit).count() == 3
