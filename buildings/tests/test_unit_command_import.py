"""The command line's units import (buildings/unit_import.py): the admin's rules, set-based.

Most tests here run one file both ways, the admin's (django-import-export, the resource) and
the command's, each from the same data, and require the same refusals word for word, the same
counts and the same units, towers and audit rows stored.
"""

import csv as csv_module
import io

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from accounts.audit import SYSTEM_EMAIL, UPDATE
from accounts.models import User
from accounts.tests.factories import UserFactory
from buildings.imports import import_problems, sheet_read, spreadsheet_read, units_import
from buildings.models import Tower, TowerTotals, Unit
from buildings.tests.factories import BuildingFactory, TowerFactory, UnitFactory, kelurahan
from buildings.unit_import import units_bulk_import
from buildings.unit_rules import UNIT_ROW_FIELDS
from coklit.tests.fuzzing import EXAMPLES, FUZZ, csv_cell

pytestmark = pytest.mark.django_db

NIK = "3174081203900001"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def kalibata():
    return BuildingFactory(name="Kalibata City", kelurahan=kelurahan("31.74.08.1003"))


@pytest.fixture
def world(kalibata):
    """Kalibata City with a tower of surveyed units, two buildings sharing a name, one
    building outside Jakarta Selatan."""
    tower = TowerFactory(building=kalibata, name="Jasmine", floors=20)
    now = timezone.now()
    UnitFactory(tower=tower, number="J-0101", floor=1, residential=True)
    UnitFactory(tower=tower, number="J-0102", floor=1, residential=False)
    UnitFactory(
        tower=tower, number="J-0201", floor=2, status=Unit.Status.DONE, status_at=now,
        outcome_count=2, voters_verified=3,
    )  # fmt: skip
    UnitFactory(tower=tower, number="J-0202", floor=2, status=Unit.Status.REFUSED,
                outcome_count=1, refusal_count=1)  # fmt: skip
    BuildingFactory(name="Rusun Kembar", kelurahan=kelurahan("31.74.08.1003"))
    BuildingFactory(name="Rusun Kembar", kelurahan=kelurahan("31.72.04.1003"))
    BuildingFactory(name="Rusunawa Marunda", kelurahan=kelurahan("31.72.04.1003"))
    return tower


def csv(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def stored() -> dict:
    """What an import leaves, whatever the ids: units, towers, totals, audit rows."""
    return {
        "units": sorted(
            Unit.objects.values_list(
                "tower__building__name", "tower__building__kelurahan__code", "tower__name",
                "floor", "number", "residential", "status", "outcome_count", "refusal_count",
            )
        ),
        "towers": sorted(Tower.objects.values_list("building__name", "name", "floors")),
        "totals": sorted(
            TowerTotals.objects.values_list(
                "tower__name", "residential_units", "closed_units", "visited_units",
                "outcome_count", "refused_twice_units",
            )
        ),
        "audit": sorted(
            (
                e.action, e.object_repr, str(e.changes_dict) if e.action == UPDATE else "",
                e.actor_id, str(e.additional_data),
            )
            for e in LogEntry.objects.filter(content_type__model="tower")
        ),
        "accounts": sorted(User.objects.values_list("email", flat=True)),
    }  # fmt: skip


def _admin_way(raw: bytes, **options):
    result = units_import(dataset=spreadsheet_read(raw), **options)
    totals = {key: result.totals[key] for key in ("new", "update", "skip", "invalid")}
    return import_problems(result, limit=None), totals


def _command_way(raw: bytes, **options):
    result = units_bulk_import(sheet=sheet_read(raw), **options)
    totals = {key: result.totals[key] for key in ("new", "update", "skip", "invalid")}
    return result.problems, totals


def both_ways(raw: bytes, **options) -> list[tuple]:
    """(problems, totals, stored()) of the admin's import and of the command's, each run
    from the same data (the first is rolled back before the second)."""
    outcomes = []
    for way in (_admin_way, _command_way):
        with transaction.atomic():
            problems, totals = way(raw, **options)
            outcomes.append((problems, totals, stored()))
            transaction.set_rollback(True)
    return outcomes


def assert_same_both_ways(raw: bytes, **options) -> tuple:
    admin, command = both_ways(raw, **options)
    assert command[0] == admin[0]  # the refusals, word for word and in order
    assert command[1] == admin[1]  # new, updated, unchanged, refused
    assert command[2] == admin[2]  # what was stored
    return command


# --- Same rules, same words, same result as the admin's import ----------------------------------


def test_new_units_in_new_and_existing_towers_are_stored_as_the_admin_stores_them(world):
    problems, totals, after = assert_same_both_ways(
        csv(
            "gedung;kelurahan;menara;lantai;nomor;hunian",
            "Kalibata City;31.74.08.1003;Tower Borneo;1;BO-0101;tidak",
            "kalibata city;Rawajati;tower  borneo;18;BO-1801;",
            "Kalibata City;;JASMINE;3;J-0301;ya",
            "Kalibata City;Rawajati;Herbras;-2;H-B201;Y",
            "Rusun Kembar;Marunda;A;1;A-0101;1",
        )
    )

    assert problems == []
    assert totals == {"new": 5, "update": 0, "skip": 0, "invalid": 0}
    # New towers as tall as their highest floor (at least 1); Jasmine keeps its 20.
    assert ("Kalibata City", "Tower Borneo", 18) in after["towers"]
    assert ("Kalibata City", "Herbras", 1) in after["towers"]
    assert ("Kalibata City", "Jasmine", 20) in after["towers"]


def test_found_units_change_floor_and_flag_and_nothing_else_as_in_the_admin(world):
    problems, totals, after = assert_same_both_ways(
        csv(
            "gedung,tower,lantai,nomor,hunian",
            "Kalibata City,Jasmine,1,J-0101,ya",  # unchanged
            "Kalibata City,Jasmine,1,J-0102,",  # empty hunian keeps "not a dwelling"
            "Kalibata City,Jasmine,3,J-0201,tidak",  # moved up, no longer a dwelling
            "Kalibata City,jasmine,2,J-0202,ya",  # unchanged, whatever the case of the tower
        )
    )

    assert problems == []
    assert totals == {"new": 0, "update": 1, "skip": 3, "invalid": 0}
    units = {u[4]: u[3:] for u in after["units"]}
    # Floor and flag from the file; status, outcomes and refusals as they were.
    assert units["J-0201"] == (3, "J-0201", False, Unit.Status.DONE, 2, 0)
    assert units["J-0102"] == (1, "J-0102", False, Unit.Status.UNVISITED, 0, 0)
    assert units["J-0202"] == (2, "J-0202", True, Unit.Status.REFUSED, 1, 1)


def test_every_problem_of_every_row_is_told_as_the_admin_tells_it(world):
    long_tower = "T" * 51
    problems, totals, after = assert_same_both_ways(
        csv(
            "gedung,kelurahan,tower,lantai,nomor,hunian",
            "Kalibata City,,Jasmine,4,J-0401,ya",  # line 2: fine
            "Gedung Hantu,,A,satu,,mungkin",  # every column wrong
            "Kalibata City,Atlantis,A,1,A-0101,",  # unknown kelurahan
            "Rusun Kembar,,A,1,A-0101,",  # two buildings of that name
            "Rusunawa Marunda,Marunda,,1,M-1,",  # no tower
            f"Kalibata City,,{long_tower},1,X-1,",  # tower name too long
            f"Kalibata City,,{NIK},1,X-2,",  # a NIK as a tower
            f"Kalibata City,,Jasmine,1,{NIK},",  # a NIK as a number
            "Kalibata City,,Jasmine,1,NOMOR-YANG-TERLALU-PANJANG,",  # number too long
            "Kalibata City,,Jasmine,200,J-20001,",  # floor out of range
            "Kalibata City,,Jasmine,,J-0000,",  # no floor
            "Kalibata City,,Jasmine,2.5,J-0025,",  # not a whole number
            "",  # a blank line keeps its number
            "Kalibata City,,Jasmine,5,J-0401,ya",  # line 15: twice in the file
            "Kalibata City,,Jasmine,5,J-0101,mungkin",  # found again, but a bad row
            "Kalibata City,,Jasmine,x,J-0501,",  # a bad floor, first of two
            "Kalibata City,,Jasmine,5,J-0501,",  # so this one repeats line 17
        )
    )

    assert totals == {"new": 1, "update": 0, "skip": 0, "invalid": 15}
    assert [p.split(":")[0] for p in problems] == [
        "Line 3, column gedung", "Line 3, column nomor", "Line 3, column lantai",
        "Line 3, column hunian", "Line 4, column kelurahan", "Line 5, column gedung",
        "Line 6, column tower", "Line 7, column tower", "Line 8, column tower",
        "Line 9, column nomor", "Line 10, column nomor", "Line 11, column lantai",
        "Line 12, column lantai", "Line 13, column lantai", "Line 15, column nomor",
        "Line 16, column hunian", "Line 17, column lantai", "Line 18, column nomor",
    ]  # fmt: skip
    assert "Line 15, column nomor: This unit already appears on line 2 of this file." in problems
    assert "Line 18, column nomor: This unit already appears on line 17 of this file." in problems
    assert "Line 12, column lantai: This field cannot be null." in problems
    # All or nothing: not a unit, not a tower, not an audit row.
    assert after["units"] == stored()["units"] and after["towers"] == stored()["towers"]
    assert after["audit"] == stored()["audit"]


def test_the_indonesian_words_are_the_admins_too(world):
    with translation.override("id"):
        problems, _totals, _after = assert_same_both_ways(
            csv(
                "gedung,tower,lantai,nomor,hunian",
                "Gedung Hantu,A,satu,,mungkin",
                "Kalibata City,Jasmine,200,J-9,",
                "Kalibata City,Jasmine,,J-10,",
            )
        )
    assert problems[0].startswith("Baris 2, kolom gedung: ")


def test_skip_invalid_writes_the_good_rows_as_the_admin_does(world):
    problems, totals, after = assert_same_both_ways(
        csv(
            "gedung,tower,lantai,nomor,hunian",
            "Kalibata City,Jasmine,7,J-0701,ya",
            "Kalibata City,Jasmine,3,J-0201,",  # an update
            "Kalibata City,Melati,lima,M-0501,ya",  # refused (its new tower is still made)
            "Gedung Hantu,A,1,A-0101,ya",
        ),
        skip_invalid=True,
    )

    assert [p.split(":")[0] for p in problems] == ["Line 4, column lantai", "Line 5, column gedung"]
    assert totals == {"new": 1, "update": 1, "skip": 0, "invalid": 2}
    assert ("Kalibata City", "Melati", 1) in after["towers"]


def test_a_units_xlsx_with_numbers_typed_as_numbers_reads_as_in_the_admin(world):
    book = openpyxl.Workbook()
    book.active.append(["Gedung", "Blok", "Lantai", "Nomor Unit", "Hunian"])
    book.active.append(["Kalibata City", "Jasmine", 12.0, 1205.0, 1])
    book.active.append(["Kalibata City", "Jasmine", 2, "J-0201", False])
    book.active.append(["Kalibata City", 7, 3, 301, True])
    book.active.append(["Kalibata City", "Jasmine", 0, 1, "ya"])  # 0 reads as empty there
    book.active.append([None, None, None, None, None])
    book.active.append(["Kalibata City", "Jasmine", 12.5, 1206, "ya"])
    out = io.BytesIO()
    book.save(out)

    problems, totals, after = assert_same_both_ways(out.getvalue())

    assert [p.split(":")[0] for p in problems] == ["Line 5, column lantai", "Line 7, column lantai"]
    assert totals == {"new": 2, "update": 1, "skip": 0, "invalid": 2}


@pytest.mark.parametrize(
    "header, row",
    [
        ("gedung,tower,nomor,hunian", "Kalibata City,Jasmine,J-0201,tidak"),  # no lantai
        ("gedung,tower,nomor,hunian", "Kalibata City,Jasmine,J-0901,tidak"),  # a new one
        ("gedung,tower,lantai,nomor", "Kalibata City,Jasmine,6,J-0102"),  # no hunian
        ("gedung,tower,lantai,nomor", "Kalibata City,Jasmine,6,J-0601"),
        ("gedung,tower,blok,lantai,nomor", "Kalibata City,X,Jasmine,6,J-0102"),  # blok wins
    ],
)
def test_a_missing_optional_column_is_read_as_in_the_admin(world, header, row):
    assert_same_both_ways(csv(header, row))


def test_a_region_limit_is_kept_as_in_the_admin(world):
    problems, totals, _after = assert_same_both_ways(
        csv(
            "gedung,kelurahan,tower,lantai,nomor",
            "Kalibata City,Rawajati,Jasmine,9,J-0901",
            "Rusunawa Marunda,Marunda,Blok 1,1,101",
            "Rusunawa Marunda,,Blok 1,1,102",
        ),
        region_code="31.74",
    )
    assert problems == [
        "Line 3, column kelurahan: Kelurahan Marunda is outside your region.",
        "Line 4, column gedung: No building “Rusunawa Marunda”; import the building list first.",
    ]


def test_the_audit_rows_name_the_actor_and_the_file_as_in_the_admin(world):
    agus = UserFactory(role="kpu_provinsi")
    _problems, _totals, after = assert_same_both_ways(
        csv("gedung,tower,lantai,nomor", "Kalibata City,Jasmine,2,J-0101",
            "Kalibata City,Melati,4,M-0401"),
        user=agus, file_name="unit.csv",
    )  # fmt: skip
    assert {row[1] for row in after["audit"] if row[3] == agus.pk} == {
        "Kalibata City – Melati", "Kalibata City / Jasmine", "Kalibata City / Melati",
    }  # fmt: skip


# The three a units file needs, then the others it may have (blok and nomor_unit are aliases,
# so a file may name a column twice).
UNIT_HEADERS = ["gedung", "tower", "nomor", "blok", "nomor_unit", "kelurahan", "lantai",
                "hunian", "kecamatan", "kota", "status", "catatan"]  # fmt: skip
PLAUSIBLE = {
    "gedung": ["Kalibata City", "kalibata  city", "Rusun Kembar", "Rusunawa Marunda", ""],
    "kelurahan": ["Rawajati", "31.74.08.1003", "Marunda", "Rawajati (31.74.08.1003)", "", "X"],
    "tower": ["Jasmine", "JASMINE", "Melati", "", "T" * 51], "blok": ["Jasmine", "B"],
    "lantai": ["1", "2", "-10", "-11", "0", "150", "151", "2.0", "2,5", "", "x"],
    "nomor": ["J-0101", "J-0102", "J-0201", "M-1", "1", "", "N" * 21],
    "hunian": ["ya", "tidak", "", "1", "0", "mungkin", "Y"],
    "kecamatan": ["Pancoran", "Cilincing", ""], "kota": ["Jakarta Selatan", "Depok", ""],
}  # fmt: skip


@st.composite
def unit_files(draw):
    # Without one of the three the command refuses the file by naming it (tested above).
    headers = UNIT_HEADERS[:3]
    headers += draw(st.lists(st.sampled_from(UNIT_HEADERS[3:]), max_size=6, unique=True))
    headers = draw(st.permutations(headers))
    cell = {h: st.sampled_from(PLAUSIBLE.get(h, [""])) | csv_cell for h in headers}
    rows = draw(st.lists(st.tuples(*[cell[h] for h in headers]), min_size=1, max_size=8))
    out = io.StringIO()
    writer = csv_module.writer(out)
    writer.writerow(headers)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


# Each example imports twice: half the examples of the other fuzz tests keeps the quick set quick.
@settings(FUZZ, max_examples=max(EXAMPLES // 2, 10))
@given(raw=unit_files(), skip_invalid=st.booleans())
def test_any_units_file_is_refused_counted_and_stored_as_in_the_admin(world, raw, skip_invalid):
    try:
        sheet = sheet_read(raw)
    except ValueError:
        assume(False)  # the same reader refuses it for both
    # A header alone: the admin asks for a kelurahan column (in django-import-export's English).
    assume(sheet.rows)
    assert_same_both_ways(raw, skip_invalid=skip_invalid)


def test_the_unit_fields_a_row_sets_are_checked_in_the_models_order():
    # full_clean() reports the fields in the model's order; the command reports them so too.
    order = [f.name for f in Unit._meta.concrete_fields if f.name in UNIT_ROW_FIELDS]
    assert order == list(UNIT_ROW_FIELDS)


# --- The command ----------------------------------------------------------------------------


def _file(tmp_path, *lines, name="unit.csv"):
    path = tmp_path / name
    path.write_bytes(csv(*lines))
    return str(path)


def test_the_command_names_each_refused_row_by_line_and_column_and_writes_nothing(world, tmp_path):
    before = stored()
    path = _file(
        tmp_path,
        "gedung;menara;lantai;nomor;hunian",
        "Kalibata City;Melati;1;M-0101;ya",
        "",
        "Kalibata City;Melati;151;M-0102;ya",
        "Kalibata City;Jasmine;2;J-0201;tidak",
        "Kalibata City;Melati;1;M-0101;ya",
    )

    with pytest.raises(CommandError) as error:
        call_command("import_units", path, stdout=io.StringIO())

    assert str(error.value).splitlines() == [
        "Nothing was imported: 2 row(s) refused.",
        "Line 4, column lantai: Ensure this value is less than or equal to 150.",
        "Line 6, column nomor: This unit already appears on line 2 of this file.",
    ]
    # Not the new tower, not the update of J-0201, not even the system account.
    assert stored() == before
    assert not User.objects.filter(email=SYSTEM_EMAIL).exists()


def test_a_unit_written_meanwhile_by_another_import_undoes_the_whole_file(
    world, tmp_path, monkeypatch
):
    from django.db import IntegrityError

    def taken(rows):
        raise IntegrityError(
            'duplicate key value violates unique constraint "buildings_unit_unique"'
        )

    monkeypatch.setattr("buildings.unit_import._units_insert", taken)
    before = stored()
    path = _file(tmp_path, "gedung,tower,lantai,nomor", "Kalibata City,Melati,1,M-0101")

    with pytest.raises(CommandError) as error:
        call_command("import_units", path, stdout=io.StringIO())

    assert "another import may have written the same units meanwhile" in str(error.value)
    assert stored() == before  # not the tower made before the units, not the system account


def test_a_file_without_a_key_column_is_refused_by_name(world, tmp_path):
    path = _file(tmp_path, "gedung,lantai,hunian", "Kalibata City,1,ya")

    with pytest.raises(CommandError) as error:
        call_command("import_units", path, stdout=io.StringIO())

    assert "The file has no column tower, nomor; a units file needs gedung, tower and nomor." in (
        str(error.value)
    )
    assert Tower.objects.count() == 1


def test_the_command_imports_updates_and_keeps_every_towers_totals_true(world, tmp_path):
    path = _file(
        tmp_path,
        "gedung,tower,lantai,nomor,hunian",
        "Kalibata City,Jasmine,2,J-0201,tidak",  # a surveyed unit is no longer a dwelling
        "Kalibata City,Jasmine,1,J-0102,ya",  # a shop becomes a dwelling
        "Kalibata City,Jasmine,3,J-0301,ya",
        "Kalibata City,Melati,5,M-0501,ya",
    )
    out = io.StringIO()

    call_command("import_units", path, stdout=out)

    assert "Imported: 2 new, 2 updated, 0 unchanged" in out.getvalue()
    jasmine = TowerTotals.objects.get(tower=world)
    assert (jasmine.residential_units, jasmine.closed_units, jasmine.outcome_count) == (4, 0, 1)
    assert TowerTotals.objects.get(tower__name="Melati").residential_units == 1
    recount = io.StringIO()
    call_command("recount_totals", stdout=recount)  # raises CommandError on any drift
    assert "Every tower's totals equal a recount of its units." in recount.getvalue()


def test_a_dry_run_counts_and_writes_nothing(world, tmp_path):
    before = stored()
    path = _file(tmp_path, "gedung,tower,lantai,nomor", "Kalibata City,Melati,1,M-0101",
                 "Kalibata City,Jasmine,9,J-0101")  # fmt: skip
    out = io.StringIO()

    call_command("import_units", path, "--dry-run", stdout=out)

    assert "Dry run: 1 new, 1 updated, 0 unchanged" in out.getvalue()
    assert stored() == before


def test_the_command_records_its_actor_or_the_system_account(world, tmp_path):
    agus = UserFactory(role="kpu_provinsi", email="agus@kpu.go.id")
    first = _file(tmp_path, "gedung,tower,lantai,nomor", "Kalibata City,Melati,1,M-0101")
    second = _file(tmp_path, "gedung,tower,lantai,nomor", "Kalibata City,Melati,1,M-0102",
                   name="kedua.csv")  # fmt: skip

    call_command("import_units", first, "--actor", "agus@kpu.go.id", stdout=io.StringIO())
    call_command("import_units", second, stdout=io.StringIO())

    entries = LogEntry.objects.filter(changes__icontains="units_imported").order_by("pk")
    system = User.objects.get(email=SYSTEM_EMAIL)
    assert [(e.actor, e.additional_data) for e in entries] == [
        (agus, {"file": "unit.csv"}),
        (system, {"file": "kedua.csv"}),
    ]
    created = LogEntry.objects.get(
        action=LogEntry.Action.CREATE, content_type__model="tower", object_repr__endswith="Melati"
    )
    assert (created.actor, created.object_repr) == (agus, "Kalibata City – Melati")


def test_skip_invalid_writes_the_valid_rows_and_lists_the_others(world, tmp_path):
    path = _file(tmp_path, "gedung,tower,lantai,nomor", "Kalibata City,Melati,1,M-0101",
                 "Gedung Hantu,A,1,A-1")  # fmt: skip
    err = io.StringIO()

    call_command("import_units", path, "--skip-invalid", stdout=io.StringIO(), stderr=err)

    assert "Line 3, column gedung" in err.getvalue()
    assert Unit.objects.filter(number="M-0101").exists()


def _rows(count: int, tower: str, moved: int = 0) -> bytes:
    """`count` units of Kalibata City's `tower`, 20 a floor; `moved` floors higher, and with
    the other residential flag, when `moved`."""
    lines = ["gedung,tower,lantai,nomor,hunian"]
    lines += [
        f"Kalibata City,{tower},{1 + i // 20 + moved},{i:04d},"
        f"{'ya' if bool(i % 3) != bool(moved) else 'tidak'}"
        for i in range(count)
    ]
    return csv(*lines)


def _queries(raw: bytes, expected: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        result = units_bulk_import(sheet=sheet_read(raw), user=User.objects.first())
    assert {key: result.totals[key] for key in expected} == expected
    return len(captured)


def test_the_query_count_does_not_grow_with_the_file(kalibata):
    UserFactory()
    TowerFactory(building=kalibata, name="Warm")  # the first import also reads content types
    _queries(_rows(2, "Warm"), {"new": 2})

    assert _queries(_rows(10, "A"), {"new": 10}) == _queries(_rows(400, "B"), {"new": 400})
    # Every unit moves and changes its flag, to values of its own: still one statement.
    assert _queries(_rows(10, "A", moved=2), {"update": 10}) == _queries(
        _rows(400, "B", moved=2), {"update": 400}
    )
    assert _queries(_rows(10, "A", moved=2), {"skip": 10}) == _queries(
        _rows(400, "B", moved=2), {"skip": 400}
    )


def test_a_big_file_keeps_the_totals_true(kalibata):
    tower = TowerFactory(building=kalibata, name="A")
    UnitFactory(tower=tower, number="0005", status=Unit.Status.DONE, status_at=timezone.now())

    units_bulk_import(sheet=sheet_read(_rows(1500, "A")))
    units_bulk_import(sheet=sheet_read(_rows(1500, "A", moved=3)))

    assert Unit.objects.filter(tower=tower).count() == 1500
    totals = TowerTotals.objects.get(tower=tower)
    assert totals.residential_units == Unit.objects.filter(tower=tower, residential=True).count()
    call_command("recount_totals", stdout=io.StringIO())
