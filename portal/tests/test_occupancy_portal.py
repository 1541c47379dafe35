"""Occupancy before the visits: by unit, by floor, or from a spreadsheet; a hint, never coverage."""

import pytest
import tablib
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from buildings.models import Unit, UnitOccupancy
from buildings.tests.factories import TowerFactory, UnitFactory, UnitOccupancyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tower(world):
    tower = TowerFactory(building=world.building_a, name="Jasmine", floors=5)
    for n in range(1, 5):
        UnitFactory(tower=tower, floor=2, number=f"J-020{n}")
    UnitFactory(tower=tower, floor=3, number="J-0301")
    return tower


@pytest.fixture
def manager(client, world):
    client.cookies["django_language"] = "en"
    client.force_login(world.manager_a)
    return client


def _units(tower):
    return {u.number: u for u in tower.units.all()}


def test_manager_reports_a_floor_unit_by_unit(manager, world, tower):
    units = _units(tower)
    UnitOccupancyFactory(unit=units["J-0204"], status="vacant")
    data = {"action": "units"}
    for unit in units.values():
        data[f"residential_{unit.pk}"] = "on"
    data[f"status_{units['J-0201'].pk}"] = "vacant"
    data[f"status_{units['J-0202'].pk}"] = "occupied"
    data[f"best_{units['J-0202'].pk}"] = "Setelah 18.00"
    data[f"status_{units['J-0203'].pk}"] = "business"
    data.pop(f"residential_{units['J-0203'].pk}")  # a shop, not a dwelling
    data[f"status_{units['J-0301'].pk}"] = "vacant"  # another floor: not on this form
    response = manager.post(reverse("portal_floor", args=[tower.pk, 2]), data)
    assert response.status_code == 302

    occupancy = {o.unit.number: o for o in UnitOccupancy.objects.filter(unit__tower=tower)}
    assert set(occupancy) == {"J-0201", "J-0202", "J-0203"}  # J-0204 cleared, J-0301 untouched
    assert occupancy["J-0202"].best_time == "Setelah 18.00"
    assert occupancy["J-0202"].reported_by == world.manager_a
    assert not Unit.objects.get(pk=units["J-0203"].pk).residential
    # A hint, never coverage.
    assert not tower.units.exclude(status=Unit.Status.UNVISITED).exists()

    # Every change leaves an audit row (who, before, after), though the floor is one statement.
    logged = {
        (
            entry.object_repr,
            entry.action,
            tuple((k, tuple(v)) for k, v in sorted(entry.changes.items())),
        )
        for entry in LogEntry.objects.filter(actor=world.manager_a)
    }
    assert (
        "Jasmine / J-0202: occupied",
        LogEntry.Action.CREATE,
        (("best_time", ("None", "Setelah 18.00")), ("status", ("None", "occupied"))),
    ) in logged
    assert ("Jasmine / J-0203", LogEntry.Action.UPDATE,
            (("residential", ("True", "False")),)) in logged  # fmt: skip
    deleted = LogEntry.objects.get(action=LogEntry.Action.DELETE, object_repr__contains="J-0204")
    assert deleted.actor == world.manager_a


def test_a_sheet_leaves_an_audit_row_per_changed_unit_only(manager, world, tower):
    UnitOccupancyFactory(unit=_units(tower)["J-0201"], status="vacant")
    content = b"tower,nomor,status\nJasmine,J-0201,kosong\nJasmine,J-0202,dihuni\n"
    assert _upload(manager, world.building_a, content).status_code == 302
    entries = LogEntry.objects.filter(actor=world.manager_a)
    assert [(e.object_repr, e.changes) for e in entries] == [
        ("Jasmine / J-0202: occupied", {"status": ["None", "occupied"], "best_time": ["None", ""]})
    ]  # J-0201 was already vacant: nothing changed, nothing logged


def test_manager_sets_a_whole_floor_at_once(manager, tower):
    manager.post(
        reverse("portal_floor", args=[tower.pk, 2]),
        {"action": "all", "status": "business", "best_time": "Buka 09–17"},
    )
    assert UnitOccupancy.objects.filter(unit__tower=tower, status="business").count() == 4


def test_nik_in_the_best_time_refuses_the_unit_and_saves_nothing(manager, tower):
    unit = _units(tower)["J-0201"]
    response = manager.post(
        reverse("portal_floor", args=[tower.pk, 2]),
        {
            "action": "units",
            f"status_{unit.pk}": "occupied",
            f"best_{unit.pk}": "3174084501900003",
        },  # fmt: skip
    )
    assert response.status_code == 200
    assert "NIK" in response.context["form"].errors[f"best_{unit.pk}"][0]
    assert not UnitOccupancy.objects.filter(unit__tower=tower).exists()


def _upload(client, building, content: bytes, name="hunian.csv"):
    return client.post(
        reverse("portal_occupancy_upload", args=[building.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )


def test_a_semicolon_csv_with_bom_is_imported(manager, world, tower):
    csv = (
        "\ufefftower;lantai;nomor;status;waktu_terbaik\n"
        "Jasmine;2;J-0201;kosong;\n"
        "jasmine;2;J-0202;Dihuni;Sabtu–Minggu\n"
        "Jasmine;3;J-0301;usaha;\n"
    )
    response = _upload(manager, world.building_a, csv.encode("utf-8"))
    assert response.status_code == 302
    statuses = dict(
        UnitOccupancy.objects.filter(unit__tower=tower).values_list("unit__number", "status")
    )
    assert statuses == {"J-0201": "vacant", "J-0202": "occupied", "J-0301": "business"}


def test_an_xlsx_sheet_updates_what_was_reported(manager, world, tower):
    UnitOccupancyFactory(unit=_units(tower)["J-0201"], status="occupied")
    sheet = tablib.Dataset(headers=["tower", "lantai", "nomor", "status", "waktu_terbaik"])
    sheet.append(["Jasmine", 2, "J-0201", "vacant", ""])
    response = _upload(manager, world.building_a, sheet.export("xlsx"), "hunian.xlsx")
    assert response.status_code == 302
    assert UnitOccupancy.objects.get(unit__number="J-0201").status == "vacant"


def test_an_unknown_unit_names_the_line_and_nothing_is_written(manager, world, tower):
    csv = "tower,lantai,nomor,status\nJasmine,2,J-0201,kosong\nJasmine,2,J-0299,kosong\n"
    response = _upload(manager, world.building_a, csv.encode())
    assert response.status_code == 200
    assert response.context["problems"] == ["Line 3: there is no unit “J-0299” in tower “Jasmine”."]
    assert not UnitOccupancy.objects.filter(unit__tower=tower).exists()


def test_a_unit_of_another_building_is_unknown(manager, world, tower):
    csv = "tower,nomor,status\nB,B-0101,kosong\n"
    response = _upload(manager, world.building_a, csv.encode())
    assert "Line 2: there is no unit “B-0101” in tower “B”." in response.context["problems"]


def test_a_name_column_refuses_the_whole_file(manager, world, tower):
    for column in ("nama", "NIK", "No KK"):
        csv = f"tower,nomor,status,{column}\nJasmine,J-0201,dihuni,x\n"
        response = _upload(manager, world.building_a, csv.encode())
        assert "never accepted" in response.context["problems"][0], column
    assert not UnitOccupancy.objects.filter(unit__tower=tower).exists()


def test_nik_like_text_refuses_the_row(manager, world, tower):
    csv = "tower,nomor,status,waktu_terbaik\nJasmine,J-0201,dihuni,3174084501900003\n"
    response = _upload(manager, world.building_a, csv.encode())
    assert response.context["problems"][0].startswith("Line 2: This looks like a NIK")


def test_a_wrong_floor_or_status_names_line_and_column(manager, world, tower):
    csv = "tower,lantai,nomor,status\nJasmine,5,J-0201,kosong\nJasmine,2,J-0202,entah\n"
    problems = _upload(manager, world.building_a, csv.encode()).context["problems"]
    assert problems[0] == "Line 2, column lantai: unit J-0201 is on floor 2, not 5."
    assert problems[1].startswith("Line 3, column status: “entah” is not one of")


def test_a_broken_file_gets_a_message_not_an_error(manager, world):
    response = _upload(manager, world.building_a, b"PK\x03\x04 rusak", "hunian.xlsx")
    assert response.status_code == 200
    assert "could not be read" in response.context["form"].errors["file"][0]


def test_import_runs_the_same_queries_in_a_small_and_a_big_building(manager, world, tower):
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    content = b"tower,nomor,status\nJasmine,J-0201,kosong\n"
    ContentType.objects.get_for_model(UnitOccupancy)  # cached in every running process
    counts = []
    for size in ("small", "big"):
        if size == "big":
            _grow(world.building_a)
            content = content.replace(b"kosong", b"dihuni")  # a change again, so audited again
        with CaptureQueriesContext(connection) as queries:
            assert _upload(manager, world.building_a, content).status_code == 302
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


def _grow(building):
    """A 30-floor tower of 20 units a floor, and two more towers."""
    big = TowerFactory(building=building, name="Besar", floors=30)
    Unit.objects.bulk_create(
        Unit(tower=big, floor=f, number=f"B-{f:02d}{u:02d}")
        for f in range(1, 31)
        for u in range(1, 21)
    )
    for name in ("T2", "T3"):
        TowerFactory(building=building, name=name)
