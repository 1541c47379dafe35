"""The files as the housing office and KPU actually keep them, through the commands."""

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from buildings.models import Building, Tower, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """These tests read the English wording (the Indonesian is checked in test_translations).

    Messages are worded while the import runs, in the active language (Indonesian by
    default), so English is chosen for the whole test, not just where messages are read.
    """
    with translation.override("en"):
        yield


HEADER = "nama;jenis;alamat;kelurahan;kecamatan;kota;pengelola;latitude;longitude\n"


def _write(tmp_path, text, name="gedung.csv", bom=True):
    path = tmp_path / name
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return str(path)


def _refusals(path, *args):
    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("import_buildings", path, *args)
    return str(error.value).splitlines()[1:]


def test_excel_semicolon_file_with_bom_and_decimal_commas_imports(tmp_path, capsys):
    path = _write(
        tmp_path,
        HEADER
        + "Kalibata City;Apartemen;Jl. Raya Kalibata No. 1;Rawajati;Pancoran;Jakarta Selatan;"
        "PT Pengelola Kalibata;-6,257100;106,852400\n"
        "Rusunawa Marunda;RUSUNAWA;Jl. Marunda Baru;Marunda;Cilincing;Jakarta Utara;"
        "UPRS Marunda;-6,102;106,962\n",
    )
    call_command("import_buildings", path)
    kalibata = Building.objects.get(name="Kalibata City")
    assert kalibata.kelurahan.code == "31.74.08.1003"
    assert str(kalibata.latitude) == "-6.257100"
    assert kalibata.manager_org == "PT Pengelola Kalibata"
    # The same file again creates nothing new.
    call_command("import_buildings", path)
    assert Building.objects.count() == 2
    assert "0 new, 0 updated, 2 unchanged" in capsys.readouterr().out


def test_comma_separated_utf8_without_bom_imports(tmp_path):
    path = _write(
        tmp_path,
        HEADER.replace(";", ",") + "Green Pramuka City,apartemen,,Rawasari,,,,,\n",
        bom=False,
    )
    call_command("import_buildings", path)
    assert Building.objects.get().kelurahan.name == "Rawasari"


def test_xlsx_file_imports(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(";"))
    sheet.append(["Bassura City", "apartemen", "Jl. Basuki Rahmat", "Cipinang Besar Selatan",
                  "Jatinegara", "Jakarta Timur", "", -6.2237, 106.8784])  # fmt: skip
    path = tmp_path / "gedung.xlsx"
    book.save(path)
    call_command("import_buildings", str(path))
    assert Building.objects.get().kelurahan.code == "31.75.03.1007"


@pytest.mark.parametrize(
    "kelurahan,kecamatan,kota",
    [
        ("Setia Budi", "Setiabudi", "Jakarta Selatan"),
        ("setiabudi", "SETIA BUDI", "Kota Administrasi Jakarta Selatan"),
        ("Palmerah", "Pal Merah", "Jakarta Barat"),
        ("Kramat Jati", "Kramatjati", "Jakarta Timur"),
    ],
)
def test_place_names_match_whatever_their_spacing_and_case(tmp_path, kelurahan, kecamatan, kota):
    path = _write(tmp_path, HEADER + f"Gedung Uji;lainnya;;{kelurahan};{kecamatan};{kota};;;\n")
    call_command("import_buildings", path)
    assert Building.objects.get().kelurahan.parent.parent.name.endswith(
        kota.split()[-2] + " " + kota.split()[-1]
    )


def test_every_bad_row_is_named_by_line_and_column_and_nothing_is_written(tmp_path):
    path = _write(
        tmp_path,
        HEADER
        + "Gedung Baik;apartemen;;Rawajati;;;;;\n"  # line 2: fine
        + "Hotel Mewah;hotel;;Rawajati;;;;;\n"  # line 3: unknown kind
        + "Gedung Entah;apartemen;;Kebayoran;;;;;\n"  # line 4: unknown kelurahan
        + "Gedung Bogor;apartemen;;Cibinong;;;;;\n"  # line 5: outside DKI
        + "Gedung Depok;apartemen;;Beji;Beji;Depok;;;\n"  # line 6: outside DKI, by kota
        + "Gedung Salah;apartemen;;Rawajati;Setiabudi;;;;\n"  # line 7: kecamatan disagrees
        + "Gedung Laut;apartemen;;Rawajati;;;;106,8;-6,2\n"  # line 8: swapped coordinates
        + "Gedung NIK;apartemen;Jl. 3174081203850001;Rawajati;;;;;\n"  # line 9: NIK
        + "Gedung Kosong;;;Rawajati;;;;;\n",  # line 10: kind missing
    )
    lines = _refusals(path)
    by_line = {line.split(":")[0] for line in lines}
    assert by_line == {
        "Line 3, column jenis",
        "Line 4, column kelurahan",
        "Line 5, column kelurahan",
        "Line 6, column kelurahan",
        "Line 7, column kelurahan",
        "Line 8, column latitude",
        "Line 8, column longitude",
        "Line 9, column alamat",
        "Line 10, column jenis",
    }
    text = "\n".join(lines)
    assert "apartemen, rusunami, rusunawa, lainnya" in text
    assert "Cibinong is outside DKI Jakarta" in text
    assert "Depok is outside DKI Jakarta" in text
    assert "kecamatan Pancoran" in text
    assert "are latitude and longitude swapped?" in text
    assert not Building.objects.exists()


def test_skip_invalid_writes_the_good_rows_and_lists_the_rest(tmp_path, capsys):
    path = _write(
        tmp_path,
        HEADER + "Gedung Baik;apartemen;;Rawajati;;;;;\nHotel Mewah;hotel;;Rawajati;;;;;\n",
    )
    with translation.override("en"):
        call_command("import_buildings", path, "--skip-invalid")
    assert list(Building.objects.values_list("name", flat=True)) == ["Gedung Baik"]
    assert "Line 3, column jenis" in capsys.readouterr().err


def test_a_bad_row_leaves_what_was_stored_before_untouched(tmp_path):
    first = _write(tmp_path, HEADER + "Gedung Lama;apartemen;Jl. Lama;Rawajati;;;;;\n")
    call_command("import_buildings", first)
    second = _write(
        tmp_path,
        HEADER + "Gedung Lama;apartemen;Jl. Baru;Rawajati;;;;;\nX;villa;;Rawajati;;;;;\n",
        name="kedua.csv",
    )
    _refusals(second)
    assert Building.objects.get().address == "Jl. Lama"


def test_unit_file_in_the_documented_columns_creates_towers_as_needed(tmp_path, capsys):
    call_command(
        "import_buildings", _write(tmp_path, HEADER + "Kalibata City;apartemen;;Rawajati;;;;;\n")
    )
    units = _write(
        tmp_path,
        "gedung;tower;lantai;nomor;hunian\n"
        "Kalibata City;Jasmine;1;J-0101;tidak\n"
        "Kalibata City;Jasmine;2;J-0201;ya\n"
        "Kalibata City;Herbras;15;H-1501;YA\n",
        name="unit.csv",
    )
    call_command("import_units", units)
    call_command("import_units", units)
    assert Unit.objects.count() == 3
    assert dict(Tower.objects.values_list("name", "floors")) == {"Jasmine": 2, "Herbras": 15}
    assert not Unit.objects.get(number="J-0101").residential


def test_unit_rows_with_unknown_building_or_bad_values_are_named(tmp_path):
    call_command(
        "import_buildings", _write(tmp_path, HEADER + "Kalibata City;apartemen;;Rawajati;;;;;\n")
    )
    units = _write(
        tmp_path,
        "gedung;tower;lantai;nomor;hunian\n"
        "Gedung Hantu;A;1;A-0101;ya\n"
        "Kalibata City;Jasmine;satu;J-0101;ya\n"
        "Kalibata City;Jasmine;2;J-0201;mungkin\n"
        "Kalibata City;Jasmine;3;J-0301;ya\n"
        "Kalibata City;Jasmine;3;J-0301;ya\n",
        name="unit.csv",
    )
    with translation.override("en"), pytest.raises(CommandError) as error:
        call_command("import_units", units)
    lines = {line.split(":")[0] for line in str(error.value).splitlines()[1:]}
    assert lines == {
        "Line 2, column gedung",
        "Line 3, column lantai",
        "Line 4, column hunian",
        "Line 6, column nomor",
    }
    assert not Unit.objects.exists()
    assert not Tower.objects.exists()
