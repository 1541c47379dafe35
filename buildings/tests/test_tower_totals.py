"""The towers' totals, kept by triggers, always equal a recount of their units.

Every way units are written is played at random — bulk inserts, outcomes through the service,
updates of status, residence and tower, deletes of units and of whole towers — and after each
step the stored totals and daily counts are compared with a recount (buildings.totals).
"""

import datetime
import io
import random
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F

from buildings import totals
from buildings.models import Tower, TowerClosedDay, TowerTotals, Unit
from buildings.tests.factories import BuildingFactory, TowerFactory, UnitFactory
from visits.services import outcome_record
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db

JAKARTA = ZoneInfo("Asia/Jakarta")
STATUSES = list(Unit.Status.values)


def _moment(rng) -> datetime.datetime:
    # Around midnight too, where a UTC day and a Jakarta day differ.
    day = datetime.datetime(2024, 6, 24, tzinfo=JAKARTA) + datetime.timedelta(days=rng.randrange(5))
    return day + datetime.timedelta(
        hours=rng.choice([0, 1, 6, 16, 17, 23]), minutes=rng.randrange(60)
    )


def _assert_no_drift():
    found = totals.drift()
    assert not found.towers, f"totals differ from a recount for towers {sorted(found.towers)}"


def _step(rng, building, towers, visit):
    units = list(Unit.objects.filter(tower__building=building).order_by("pk"))
    action = rng.choice(
        ["insert", "outcome", "outcome", "status", "residential", "move", "delete", "tower"]
    )
    if action == "insert" or not units:
        tower = rng.choice(towers)
        Unit.objects.bulk_create(
            Unit(
                tower=tower,
                floor=rng.randint(1, 5),
                number=uuid.uuid4().hex[:8],
                residential=rng.random() > 0.2,
                status=rng.choice(STATUSES),
                status_at=_moment(rng),
                outcome_count=rng.randint(0, 3),
                refusal_count=rng.randint(0, 3),
                voters_verified=rng.randint(0, 4),
            )
            for _ in range(rng.randint(1, 6))
        )
    elif action == "outcome":
        unit = rng.choice(units)
        outcome_record(
            visit=visit,
            unit=unit,
            outcome=rng.choice(STATUSES[1:]),
            recorded_at=_moment(rng),
            voters_verified=rng.randint(0, 4),
            client_uuid=uuid.uuid4(),
        )
    elif action == "status":
        picked = [u.pk for u in rng.sample(units, min(len(units), 3))]
        Unit.objects.filter(pk__in=picked).update(
            status=rng.choice(STATUSES), status_at=_moment(rng)
        )
    elif action == "residential":
        unit = rng.choice(units)
        unit.residential = not unit.residential
        unit.save()
    elif action == "move":
        unit = rng.choice(units)
        Unit.objects.filter(pk=unit.pk).update(
            tower=rng.choice(towers), number=uuid.uuid4().hex[:8]
        )
    elif action == "delete":
        unit = rng.choice(units)
        unit.outcomes.all().delete()
        unit.delete()
    elif action == "tower":
        # A tower deleted with its units (and their outcomes), and a new one in its place.
        tower = rng.choice(towers[1:])  # not the visit's own
        for unit in tower.units.all():
            unit.outcomes.all().delete()
        tower.delete()
        towers.remove(tower)
        towers.append(TowerFactory(building=building))


@pytest.mark.parametrize("seed", range(6))
def test_totals_equal_a_recount_whatever_writes_the_units(seed):
    rng = random.Random(seed)
    building = BuildingFactory()
    towers = [TowerFactory(building=building) for _ in range(3)]
    visit = VisitFactory(building=building, tower=towers[0])
    for _ in range(40):
        _step(rng, building, towers, visit)
        _assert_no_drift()
    assert TowerTotals.objects.filter(residential_units__gt=0).exists()
    assert TowerClosedDay.objects.filter(closed__gt=0).exists()


def test_a_unit_closed_just_after_midnight_counts_on_that_jakarta_day():
    unit = UnitFactory()
    at = datetime.datetime(2024, 6, 25, 0, 30, tzinfo=JAKARTA)  # 24 June 17:30 UTC
    Unit.objects.filter(pk=unit.pk).update(status=Unit.Status.DONE, status_at=at)
    assert list(TowerClosedDay.objects.filter(closed__gt=0).values_list("day", "closed")) == [
        (datetime.date(2024, 6, 25), 1)
    ]


def test_reopening_the_newest_closed_unit_moves_the_towers_time_back():
    tower = TowerFactory()
    early = datetime.datetime(2024, 6, 25, 9, tzinfo=JAKARTA)
    late = early + datetime.timedelta(days=2)
    first, second = UnitFactory(tower=tower), UnitFactory(tower=tower)
    Unit.objects.filter(pk=first.pk).update(status=Unit.Status.DONE, status_at=early)
    Unit.objects.filter(pk=second.pk).update(status=Unit.Status.VACANT, status_at=late)
    assert TowerTotals.objects.get(tower=tower).last_closed_at == late
    Unit.objects.filter(pk=second.pk).update(status=Unit.Status.NOT_HOME)
    assert TowerTotals.objects.get(tower=tower).last_closed_at == early
    assert TowerTotals.objects.get(tower=tower).closed_units == 1


def test_a_deleted_tower_leaves_no_totals_behind():
    tower = TowerFactory()
    UnitFactory.create_batch(
        3,
        tower=tower,
        status=Unit.Status.DONE,
        status_at=datetime.datetime(2024, 6, 25, 9, tzinfo=JAKARTA),
    )
    assert TowerTotals.objects.filter(tower=tower).exists()
    Tower.objects.filter(pk=tower.pk).delete()
    assert not TowerTotals.objects.filter(tower_id=tower.pk).exists()
    assert not TowerClosedDay.objects.filter(tower_id=tower.pk).exists()


def test_mend_repairs_totals_written_behind_the_triggers_back():
    tower = TowerFactory()
    UnitFactory.create_batch(4, tower=tower)
    TowerTotals.objects.filter(tower=tower).update(residential_units=F("residential_units") + 7)
    TowerClosedDay.objects.create(tower=tower, day=datetime.date(2024, 6, 30), closed=2)
    assert totals.drift().towers == {tower.pk}
    totals.mend([tower.pk])
    assert not totals.drift().towers
    assert TowerTotals.objects.get(tower=tower).residential_units == 4


def test_the_recount_command_finds_and_mends_drift():
    tower = TowerFactory()
    UnitFactory.create_batch(2, tower=tower)
    call_command("recount_totals", stdout=io.StringIO())  # all in order: no error
    TowerTotals.objects.filter(tower=tower).update(closed_units=5)
    with pytest.raises(CommandError, match="--mend"):
        call_command("recount_totals", stdout=io.StringIO())
    out = io.StringIO()
    call_command("recount_totals", "--mend", stdout=out)
    assert "Mended 1 tower" in out.getvalue()
    assert not totals.drift().towers
