import datetime
import types

import pytest
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from buildings.tests.factories import (
    BuildingFactory,
    BuildingManagerFactory,
    TowerFactory,
    UnitFactory,
    kelurahan,
)
from visits.tests.factories import AssignmentFactory, pilkada_2024

# The 2024 window: 24 June – 24 July.
FIRST, LAST = datetime.date(2024, 6, 24), datetime.date(2024, 7, 24)


def jakarta(day, hour=9):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def area(db):
    """One assigned building in Rawajati with four units, its manager, pantarlih and staff."""
    rawajati = kelurahan()
    building = BuildingFactory(name="Rusun Uji", kelurahan=rawajati)
    tower = TowerFactory(building=building, name="A")
    units = [UnitFactory(tower=tower, number=f"A-{n}") for n in range(4)]

    def user(key, role, region=None):
        region = kelurahan(region) if region else None
        return UserFactory(email=f"{key}@uji.coklit.id", role=role, region=region)

    a = types.SimpleNamespace(
        period=pilkada_2024(),
        building=building,
        tower=tower,
        units=units,
        manager=BuildingManagerFactory(
            building=building, user=user("pengelola", Role.PENGELOLA)
        ).user,
        pantarlih=user("pantarlih", Role.PANTARLIH, "31.74.08.1003"),
        pps=user("pps", Role.PPS, "31.74.08.1003"),
        pps_elsewhere=user("pps-marunda", Role.PPS, "31.72.04.1003"),
        kpu_kota=user("kota", Role.KPU_KOTA, "31.74"),
        ppk=user("ppk", Role.PPK, "31.74.08"),
    )
    AssignmentFactory(period=a.period, pantarlih=a.pantarlih, building=building, tps="012")
    return a
