import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from buildings.models import Building, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """These tests read the English wording (the Indonesian is checked in test_translations).

    Messages are worded while the import runs, in the active language (Indonesian by
    default), so English is chosen for the whole test, not just where messages are read.
    """
    with translation.override("en"):
        yield


@pytest.fixture
def files(tmp_path):
    buildings = tmp_path / "gedung.csv"
    buildings.write_text(
        "name,kind,kelurahan\nKalibata City,apartemen,Rawajati\nRusunawa Marunda,rusunawa,Marunda\n"
    )
    units = tmp_path / "unit.csv"
    units.write_text(
        "gedung;kelurahan;menara;lantai;nomor;hunian\n"
        "Kalibata City;Rawajati;Jasmine;1;JA-0101;tidak\n"
        "Kalibata City;Rawajati;Jasmine;2;JA-0201;ya\n"
    )
    return buildings, units


def test_buildings_then_units_are_imported_from_files_and_counted(files, capsys):
    buildings, units = files

    call_command("import_buildings", str(buildings))
    call_command("import_units", str(units))

    out = capsys.readouterr().out
    assert "2 new, 0 updated, 0 unchanged" in out
    assert list(Unit.objects.order_by("floor").values_list("number", "residential")) == [
        ("JA-0101", False),
        ("JA-0201", True),
    ]


def test_a_dry_run_command_writes_nothing(files, capsys):
    call_command("import_buildings", str(files[0]), "--dry-run")

    assert "2 new" in capsys.readouterr().out
    assert not Building.objects.exists()


def test_a_command_limited_to_a_region_refuses_other_rows_and_writes_nothing(files):
    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("import_buildings", str(files[0]), "--region", "31.74")

    assert "Line 3, column kelurahan: Kelurahan Marunda is outside your region." in str(error.value)
    assert not Building.objects.exists()


def test_a_file_that_is_not_csv_or_xlsx_is_refused(tmp_path):
    path = tmp_path / "gedung.pdf"
    path.write_bytes(b"%PDF")

    with translation.override("en"), pytest.raises(CommandError, match="Only .csv and .xlsx"):
        call_command("import_buildings", str(path))


@pytest.mark.parametrize("content", [b"PK", b"PK\x03\x04garbage", b"\n\x00", b""])
@pytest.mark.parametrize("command", ["import_buildings", "import_units"])
def test_a_broken_sheet_is_refused_with_a_message_not_a_traceback(tmp_path, command, content):
    # Found by the fuzz tests (issue #8): a zip header with garbage escaped as BadZipFile,
    # a file starting with an empty line as a TypeError inside import-export.
    path = tmp_path / "gedung.xlsx"
    path.write_bytes(content)
    with (
        translation.override("en"),
        pytest.raises(CommandError, match="could not be read|no header row"),
    ):
        call_command(command, str(path))
