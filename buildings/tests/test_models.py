from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounts.tests.factories import UserFactory
from buildings.models import Building, BuildingManager, Tower, Unit, UnitOccupancy
from buildings.tests.factories import (
    BuildingFactory,
    BuildingManagerFactory,
    TowerFactory,
    UnitFactory,
    UnitOccupancyFactory,
    kelurahan,
)
from regions.models import Region

pytestmark = pytest.mark.django_db


# REGION


def test_region_level_must_be_a_known_level():
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(code="31.99", name="Kota Uji", level="provinsi")


def test_region_str_shows_name_and_code():
    assert str(kelurahan("31.74.08.1003")) == "Rawajati (31.74.08.1003)"


# BUILDING


def test_building_name_is_unique_per_kelurahan_ignoring_case():
    BuildingFactory(name="Kalibata City")
    with pytest.raises(IntegrityError), transaction.atomic():
        BuildingFactory(name="KALIBATA city")


def test_same_building_name_is_allowed_in_another_kelurahan():
    BuildingFactory(name="Apartemen Sentosa")
    other = BuildingFactory(name="Apartemen Sentosa", kelurahan=kelurahan("31.72.04.1003"))
    assert Building.objects.filter(name="Apartemen Sentosa").count() == 2
    assert other.kelurahan.name == "Marunda"


def test_building_kind_must_be_a_known_kind():
    with pytest.raises(IntegrityError), transaction.atomic():
        BuildingFactory(kind="kos")


@pytest.mark.parametrize("latitude", ["90.000001", "-90.000001", "120"])
def test_building_latitude_must_be_within_range(latitude):
    with pytest.raises(IntegrityError), transaction.atomic():
        BuildingFactory(latitude=Decimal(latitude))


@pytest.mark.parametrize("longitude", ["180.000001", "-180.000001", "250"])
def test_building_longitude_must_be_within_range(longitude):
    with pytest.raises(IntegrityError), transaction.atomic():
        BuildingFactory(longitude=Decimal(longitude))


def test_building_accepts_jakarta_coordinates_or_none():
    BuildingFactory(latitude=Decimal("-6.257000"), longitude=Decimal("106.852800"))
    BuildingFactory(latitude=None, longitude=None)
    BuildingFactory(latitude=Decimal("90"), longitude=Decimal("-180"))
    assert Building.objects.count() == 3


def test_building_in_region_is_a_code_prefix_test():
    rawajati = BuildingFactory(kelurahan=kelurahan("31.74.08.1003"))
    BuildingFactory(kelurahan=kelurahan("31.72.04.1003"))
    assert list(Building.objects.in_region("31.74")) == [rawajati]
    assert list(Building.objects.in_region("31.74.08.1003")) == [rawajati]


# TOWER


def test_tower_name_is_unique_within_a_building():
    tower = TowerFactory(name="Tower Jasmine")
    with pytest.raises(IntegrityError), transaction.atomic():
        TowerFactory(building=tower.building, name="Tower Jasmine")


def test_same_tower_name_is_allowed_in_another_building():
    TowerFactory(name="Tower A")
    TowerFactory(name="Tower A")
    assert Tower.objects.filter(name="Tower A").count() == 2


@pytest.mark.parametrize("floors", [0, 151])
def test_tower_floors_must_be_between_1_and_150(floors):
    with pytest.raises(IntegrityError), transaction.atomic():
        TowerFactory(floors=floors)


@pytest.mark.parametrize("floors", [1, 150])
def test_tower_floors_at_the_limits_are_accepted(floors):
    assert TowerFactory(floors=floors).floors == floors


# UNIT


def test_unit_number_is_unique_within_a_tower():
    unit = UnitFactory(number="J-0512")
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory(tower=unit.tower, number="J-0512", floor=6)


def test_same_unit_number_is_allowed_in_another_tower():
    UnitFactory(number="1205")
    UnitFactory(number="1205")
    assert Unit.objects.filter(number="1205").count() == 2


@pytest.mark.parametrize("floor", [-11, 151])
def test_unit_floor_must_be_between_minus_10_and_150(floor):
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory(floor=floor)


@pytest.mark.parametrize("floor", [-10, 0, 150])
def test_unit_floor_at_the_limits_is_accepted(floor):
    assert UnitFactory(floor=floor).floor == floor


@pytest.mark.parametrize("status", ["visited", ""])
def test_unit_status_must_be_a_known_status(status):
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitFactory(status=status)


def test_new_unit_is_unvisited_and_open():
    unit = UnitFactory()
    assert unit.status == Unit.Status.UNVISITED
    assert unit.status_at is None
    assert not unit.is_closed


@pytest.mark.parametrize(
    ("status", "closed"),
    [
        (Unit.Status.DONE, True),
        (Unit.Status.VACANT, True),
        (Unit.Status.NO_LOCAL_VOTERS, True),
        (Unit.Status.NON_RESIDENTIAL, True),
        (Unit.Status.NOT_HOME, False),
        (Unit.Status.REFUSED, False),
        (Unit.Status.SECURITY_REFUSED, False),
        (Unit.Status.SENT_TO_POSKO, False),
    ],
)
def test_only_done_vacant_no_local_voters_and_non_residential_close_a_unit(status, closed):
    assert Unit(status=status).is_closed is closed


# UNIT OCCUPANCY


def test_unit_occupancy_status_must_be_a_known_status():
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitOccupancyFactory(status="sold")


def test_unit_has_at_most_one_occupancy_report():
    report = UnitOccupancyFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        UnitOccupancyFactory(unit=report.unit, status=UnitOccupancy.Status.VACANT)


# BUILDING MANAGER


def test_a_user_is_linked_to_a_building_once():
    link = BuildingManagerFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        BuildingManagerFactory(user=link.user, building=link.building)


def test_a_manager_may_run_several_buildings():
    link = BuildingManagerFactory(is_primary=True)
    BuildingManagerFactory(user=link.user, is_primary=True)
    assert link.user.managed_buildings.count() == 2


def test_a_building_has_at_most_one_primary_manager():
    link = BuildingManagerFactory(is_primary=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        BuildingManagerFactory(building=link.building, is_primary=True)


def test_a_building_may_have_several_other_managers():
    link = BuildingManagerFactory(is_primary=True)
    BuildingManagerFactory(building=link.building, is_primary=False)
    BuildingManagerFactory(building=link.building, is_primary=False)
    assert BuildingManager.objects.filter(building=link.building).count() == 3


# __str__


def test_str_of_every_buildings_model_is_readable():
    manager = UserFactory(full_name="Yohanes Pratama", email="yohanes@example.id")
    building = BuildingFactory(name="Kalibata City")
    tower = TowerFactory(building=building, name="Tower Jasmine")
    unit = UnitFactory(tower=tower, number="J-0512", floor=5)
    occupancy = UnitOccupancyFactory(unit=unit, status=UnitOccupancy.Status.VACANT)
    link = BuildingManagerFactory(user=manager, building=building)

    assert str(building) == "Kalibata City"
    assert str(tower) == "Kalibata City – Tower Jasmine"
    assert str(unit) == "Tower Jasmine / J-0512"
    assert str(occupancy) == f"Tower Jasmine / J-0512: {occupancy.get_status_display()}"
    assert str(link) == "Yohanes Pratama <yohanes@example.id> – Kalibata City"
