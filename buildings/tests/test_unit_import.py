import pytest
import tablib
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from accounts.validators import NIK_MESSAGE
from buildings.imports import dataset_load, import_problems, units_import
from buildings.models import Tower, Unit
from buildings.resources import UnitResource
from buildings.tests.factories import BuildingFactory, TowerFactory, UnitFactory, kelurahan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """These tests read the English wording (the Indonesian is checked in test_translations).

    Messages are worded while the import runs, in the active language (Indonesian by
    default), so English is chosen for the whole test, not just where messages are read.
    """
    with translation.override("en"):
        yield


HEADERS = ["building", "kelurahan", "tower", "floor", "number", "residential"]


@pytest.fixture
def kalibata():
    return BuildingFactory(name="Kalibata City", kelurahan=kelurahan("31.74.08.1003"))


def dataset(*rows, headers=HEADERS):
    return tablib.Dataset(*rows, headers=headers)


def problems(result):
    with translation.override("en"):
        return import_problems(result)


def test_units_are_imported_and_missing_towers_made_as_tall_as_their_highest_floor(kalibata):
    result = units_import(
        dataset=dataset(
            ["Kalibata City", "31.74.08.1003", "Tower Jasmine", 1, "JA-0101", "tidak"],
            ["Kalibata City", "31.74.08.1003", "Tower Jasmine", 18, "JA-1801", ""],
            ["kalibata city", "Rawajati", "Tower Borneo", 2, "BO-0201", "ya"],
        )
    )

    assert problems(result) == []
    assert result.totals["new"] == 3
    towers = {t.name: t.floors for t in Tower.objects.filter(building=kalibata)}
    assert towers == {"Tower Jasmine": 18, "Tower Borneo": 2}
    shop = Unit.objects.get(number="JA-0101")
    assert (shop.tower.name, shop.floor, shop.residential) == ("Tower Jasmine", 1, False)
    assert Unit.objects.get(number="JA-1801").residential is True


def test_units_go_into_an_existing_tower_whatever_the_case_of_its_name(kalibata):
    tower = TowerFactory(building=kalibata, name="Tower Jasmine", floors=30)

    units_import(dataset=dataset(["Kalibata City", "Rawajati", "TOWER  JASMINE", 3, "0301", ""]))

    assert list(Unit.objects.values_list("tower_id", flat=True)) == [tower.pk]
    tower.refresh_from_db()
    assert tower.floors == 30


def test_a_unit_found_again_is_updated_but_keeps_its_coverage_status(kalibata):
    unit = UnitFactory(
        tower=TowerFactory(building=kalibata, name="A"),
        number="A-0501",
        floor=4,
        status=Unit.Status.DONE,
    )

    result = units_import(dataset=dataset(["Kalibata City", "Rawajati", "A", 5, "A-0501", "0"]))

    assert (result.totals["update"], result.totals["new"]) == (1, 0)
    unit.refresh_from_db()
    assert (unit.floor, unit.residential, unit.status) == (5, False, Unit.Status.DONE)


def test_importing_the_same_units_again_skips_every_row(kalibata):
    rows = dataset(
        ["Kalibata City", "Rawajati", "A", 1, "A-0101", "1"],
        ["Kalibata City", "Rawajati", "A", 1, "A-0102", "0"],
    )
    units_import(dataset=rows)

    again = units_import(dataset=rows)

    assert (again.totals["skip"], again.totals["new"], again.totals["update"]) == (2, 0, 0)
    assert Unit.objects.count() == 2


def test_a_unit_of_an_unknown_building_is_refused_with_the_reason(kalibata):
    result = units_import(
        dataset=dataset(
            ["Kalibata City", "Rawajati", "A", 1, "A-0101", ""],
            ["Green Pramuka", "Rawajati", "A", 1, "A-0101", ""],
            ["Kalibata City", "Atlantis", "A", 1, "A-0102", ""],
        )
    )

    assert problems(result) == [
        "Line 3, column gedung: No building “Green Pramuka” in kelurahan Rawajati; import the "
        "building list first.",
        "Line 4, column kelurahan: Unknown kelurahan “Atlantis”: give its Kemendagri code or exact name.",
    ]
    assert not Unit.objects.exists()
    assert not Tower.objects.exists()


def test_the_same_unit_twice_in_one_file_is_refused(kalibata):
    result = units_import(
        dataset=dataset(
            ["Kalibata City", "Rawajati", "A", 1, "A-0101", ""],
            ["Kalibata City", "Rawajati", "a", 2, "A-0101", ""],
        )
    )

    assert problems(result) == [
        "Line 3, column nomor: This unit already appears on line 2 of this file."
    ]
    assert not Unit.objects.exists()


def test_missing_tower_number_or_a_bad_floor_are_reported_per_column(kalibata):
    result = units_import(
        dataset=dataset(
            ["Kalibata City", "Rawajati", "", 1, "0101", ""],
            ["Kalibata City", "Rawajati", "A", 1, "", ""],
            ["Kalibata City", "Rawajati", "A", 200, "0102", ""],
            ["Kalibata City", "Rawajati", "A", "lima", "0103", ""],
        )
    )

    assert [p.split(":")[0] for p in problems(result)] == [
        "Line 2, column tower",
        "Line 3, column nomor",
        "Line 4, column lantai",
        "Line 5, column lantai",
    ]


def test_a_unit_number_that_looks_like_a_nik_is_refused(kalibata):
    result = units_import(
        dataset=dataset(["Kalibata City", "Rawajati", "A", 1, "3174081203900001", ""])
    )

    with translation.override("en"):
        assert problems(result) == [f"Line 2, column nomor: {NIK_MESSAGE}"]


def test_a_new_tower_named_like_a_nik_is_refused(kalibata):
    result = units_import(
        dataset=dataset(["Kalibata City", "Rawajati", "3174081203900001", 1, "0101", ""])
    )

    with translation.override("en"):
        assert problems(result) == [f"Line 2, column tower: {NIK_MESSAGE}"]
    assert not Tower.objects.exists()


def test_units_only_find_buildings_inside_the_importers_region(kalibata):
    BuildingFactory(name="Rusunawa Marunda", kelurahan=kelurahan("31.72.04.1003"))

    result = units_import(
        dataset=dataset(
            ["Kalibata City", "Rawajati", "A", 1, "A-0101", ""],
            ["Rusunawa Marunda", "Marunda", "Blok 1", 1, "101", ""],
        ),
        region_code="31.74",
    )

    assert problems(result) == [
        "Line 3, column kelurahan: Kelurahan Marunda is outside your region."
    ]
    assert not Unit.objects.exists()


def test_a_dry_run_creates_neither_towers_nor_units(kalibata):
    result = units_import(
        dataset=dataset(["Kalibata City", "Rawajati", "A", 1, "A-0101", ""]), dry_run=True
    )

    assert result.totals["new"] == 1
    assert not Tower.objects.exists()
    assert not Unit.objects.exists()


def test_unit_numbers_typed_as_numbers_in_excel_keep_their_digits(kalibata, tmp_path):
    path = tmp_path / "unit.xlsx"
    path.write_bytes(dataset(["Kalibata City", "Rawajati", "A", 12, 1205.0, 1]).export("xlsx"))

    result = units_import(dataset=dataset_load(path))

    assert problems(result) == []
    assert Unit.objects.get().number == "1205"


def test_an_import_runs_the_same_number_of_queries_for_ten_or_eighty_rows(kalibata):
    def queries_for(count, tower, floor=None):
        rows = [
            ["Kalibata City", "Rawajati", tower, floor or 1 + i // 20, f"{i:04d}", ""]
            for i in range(count)
        ]
        with CaptureQueriesContext(connection) as captured:
            result = units_import(dataset=dataset(*rows))
        assert result.totals["new"] + result.totals["update"] == count
        return len(captured)

    TowerFactory(building=kalibata, name="Existing")
    # Both fit in one INSERT, even on SQLite, whose limit on parameters splits bigger batches.
    assert queries_for(10, "A") == queries_for(80, "B")
    # Updates are grouped by their new values: one UPDATE when every unit moves to floor 9.
    assert queries_for(10, "A", floor=9) == queries_for(80, "B", floor=9)


def test_an_export_of_units_imports_back_unchanged(kalibata):
    tower = TowerFactory(building=kalibata, name="A")
    UnitFactory.create_batch(3, tower=tower)

    exported = UnitResource().export()
    result = units_import(dataset=tablib.Dataset().load(exported.csv, format="csv"))

    # The README's column names, and the kelurahan readable by name as well as by code.
    assert exported.headers == ["gedung", "kelurahan", "tower", "lantai", "nomor", "hunian"]
    assert set(exported["kelurahan"]) == {"Rawajati (31.74.08.1003)"}
    assert (result.totals["skip"], result.totals["new"]) == (3, 0)


def test_an_export_keeps_to_the_region_and_reads_no_row_twice(kalibata, django_assert_num_queries):
    UnitFactory.create_batch(3, tower=TowerFactory(building=kalibata, name="A"))
    marunda = BuildingFactory(name="Rusunawa Marunda", kelurahan=kelurahan("31.72.04.1003"))
    UnitFactory(tower=TowerFactory(building=marunda, name="Blok 1"))

    with django_assert_num_queries(1):
        exported = UnitResource(region_code="31.74").export(queryset=Unit.objects.all())

    assert set(exported["gedung"]) == {"Kalibata City"}
    assert len(exported) == 3


def test_an_import_leaves_one_audit_row_per_tower_it_wrote_to(kalibata):
    from auditlog.models import LogEntry

    tower = TowerFactory(building=kalibata, name="A")
    UnitFactory(tower=tower, number="A-0101", floor=1)
    units_import(
        dataset=dataset(
            ["Kalibata City", "Rawajati", "A", 2, "A-0101", "1"],  # moved a floor up
            ["Kalibata City", "Rawajati", "A", 1, "A-0102", "1"],
            ["Kalibata City", "Rawajati", "B", 1, "B-0101", "1"],
        )
    )
    rows = {
        e.object_repr: e.changes for e in LogEntry.objects.filter(changes__has_key="units_imported")
    }
    assert rows == {
        "Kalibata City / A": {"units_imported": ["0", "1"], "units_updated": ["0", "1"]},
        "Kalibata City / B": {"units_imported": ["0", "1"], "units_updated": ["0", "0"]},
    }
    units_import(dataset=dataset(["Kalibata City", "Rawajati", "A", 3, "A-0103", "1"]),
                 dry_run=True)  # fmt: skip
    assert LogEntry.objects.filter(changes__has_key="units_imported").count() == 2
