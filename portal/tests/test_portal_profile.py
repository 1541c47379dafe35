"""Building profile, towers and units in the manager portal."""

import pytest
from django.urls import reverse

from buildings.models import Building, Tower, Unit
from buildings.tests.factories import TowerFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(client, world):
    client.cookies["django_language"] = "en"
    client.force_login(world.manager_a)
    return client


def test_manager_completes_the_profile_and_the_phone_is_normalised(manager, world):
    url = reverse("portal_building_edit", args=[world.building_a.pk])
    response = manager.post(
        url,
        {
            "address": "Jl. Raya Kalibata No. 1",
            "access_hours": "Senin–Sabtu 09.00–20.00",
            "access_requirements": "Kartu petugas KPU dan surat tugas",
            "access_report_point": "Pos keamanan lobi Tower A",
            "access_notes": "",
            "contact_name": "Budi (chief security)",
            "contact_phone": "0812 3456 7890",
            "posko_available": "on",
        },
    )
    assert response.status_code == 302
    building = Building.objects.get(pk=world.building_a.pk)
    assert building.contact_phone == "+6281234567890"
    assert building.posko_available and building.access_report_point.startswith("Pos")


def test_extra_fields_posted_with_the_profile_change_nothing(manager, world):
    before = Building.objects.get(pk=world.building_a.pk)
    manager.post(
        reverse("portal_building_edit", args=[world.building_a.pk]),
        {
            "address": "Jl. Baru",
            "name": "Nama Lain",
            "kind": "rusunawa",
            "kelurahan": world.building_b.kelurahan_id,
            "active": "",
            "contact_phone": "",
        },
    )
    after = Building.objects.get(pk=world.building_a.pk)
    assert after.address == "Jl. Baru"
    assert (after.name, after.kind, after.kelurahan_id, after.active) == (
        before.name,
        before.kind,
        before.kelurahan_id,
        before.active,
    )


def test_a_bad_phone_or_a_nik_is_refused_with_the_field_named(manager, world):
    url = reverse("portal_building_edit", args=[world.building_a.pk])
    response = manager.post(url, {"contact_phone": "12345", "contact_name": "3174084501900003"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "not an Indonesian phone number" in form.errors["contact_phone"][0]
    assert "NIK" in form.errors["contact_name"][0]
    assert Building.objects.get(pk=world.building_a.pk).contact_phone == ""


def test_manager_adds_a_tower_and_generates_30_floors_without_4_13_14(manager, world):
    response = manager.post(
        reverse("portal_tower_add", args=[world.building_a.pk]),
        {"name": "Jasmine", "floors": "30", "building": world.building_b.pk},
    )
    tower = Tower.objects.get(name="Jasmine")
    assert tower.building == world.building_a
    assert response["Location"] == reverse("portal_tower", args=[tower.pk])

    response = manager.post(
        reverse("portal_tower", args=[tower.pk]),
        {
            "action": "generate",
            "first_floor": "1",
            "last_floor": "",
            "units_per_floor": "20",
            "skip_floors": "4, 13, 14",
            "number_format": "J-{floor:02d}{unit:02d}",
        },
        follow=True,
    )
    assert "540 units created on 27 floors" in response.content.decode()
    assert tower.units.count() == 27 * 20
    assert not tower.units.filter(floor__in=[4, 13, 14]).exists()
    assert tower.units.filter(number="J-3020", residential=True).exists()


def test_generating_again_keeps_what_exists_and_can_mark_shops(manager, world):
    tower = TowerFactory(building=world.building_a, name="Ruko", floors=3)
    url = reverse("portal_tower", args=[tower.pk])
    plan = {"action": "generate", "first_floor": "1", "last_floor": "1", "units_per_floor": "4",
            "number_format": "R-{floor}{unit:02d}", "non_residential": "on"}  # fmt: skip
    manager.post(url, plan)
    Unit.objects.filter(tower=tower, number="R-101").update(status=Unit.Status.NON_RESIDENTIAL)
    manager.post(url, {**plan, "units_per_floor": "6"})
    assert tower.units.count() == 6
    assert tower.units.filter(residential=False).count() == 6
    assert tower.units.get(number="R-101").status == Unit.Status.NON_RESIDENTIAL


def test_a_bad_numbering_pattern_names_the_field(manager, world):
    url = reverse("portal_tower", args=[world.tower_a.pk])
    response = manager.post(
        url,
        {
            "action": "generate",
            "first_floor": "1",
            "units_per_floor": "5",
            "number_format": "{floor}",
        },  # fmt: skip
    )
    assert response.status_code == 200
    assert "must use {unit}" in response.context["generate_form"].errors["number_format"][0]
    response = manager.post(
        url,
        {
            "action": "generate",
            "first_floor": "1",
            "units_per_floor": "5",
            "skip_floors": "empat",
            "number_format": "{floor}{unit}",
        },  # fmt: skip
    )
    assert "e.g. 4, 13, 14" in response.context["generate_form"].errors["skip_floors"][0]


@pytest.mark.parametrize(
    "pattern", ["{unit:,>100000000}", "{unit[0]}", "{floor[x]}{unit}", "{unit}" + "x" * 1_000_000]
)
def test_a_hostile_numbering_pattern_is_a_message_not_a_crash_or_an_echo(manager, world, pattern):
    # Issue #13: Python's str.format ran on this field; one post took a worker to 923 MB.
    url = reverse("portal_tower", args=[world.tower_a.pk])
    units = world.tower_a.units.count()

    response = manager.post(url, {"action": "generate", "first_floor": "1", "last_floor": "2",
                                  "units_per_floor": "5", "number_format": pattern})  # fmt: skip

    assert response.status_code == 200
    assert response.context["generate_form"].errors["number_format"]
    assert len(response.content) < 100_000 and "x" * 1000 not in response.content.decode()
    assert world.tower_a.units.count() == units


def test_a_unit_number_that_exists_is_refused_and_nothing_is_lost(manager, world):
    unit = UnitFactory(tower=world.tower_a, number="A-0502", floor=5)
    response = manager.post(
        reverse("portal_tower", args=[world.tower_a.pk]),
        {"action": "unit", "floor": "7", "number": "a-0502", "residential": "on"},
    )
    assert response.status_code == 200
    assert (
        "Unit number a-0502 already exists in tower A."
        in (response.context["unit_form"].errors["number"][0])
    )
    unit.refresh_from_db()
    assert unit.floor == 5 and world.tower_a.units.filter(number__iexact="a-0502").count() == 1


def test_a_tower_name_used_twice_is_refused(manager, world):
    response = manager.post(
        reverse("portal_tower_add", args=[world.building_a.pk]), {"name": "a", "floors": "5"}
    )
    assert "already has a tower named" in response.context["form"].errors["name"][0]


def test_renaming_a_tower_cannot_move_it_to_another_building(manager, world):
    manager.post(
        reverse("portal_tower", args=[world.tower_a.pk]),
        {"action": "tower", "name": "A Baru", "floors": "12", "building": world.building_b.pk},
    )
    tower = Tower.objects.get(pk=world.tower_a.pk)
    assert (tower.name, tower.floors, tower.building_id) == ("A Baru", 12, world.building_a.pk)
