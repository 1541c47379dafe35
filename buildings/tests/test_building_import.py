from decimal import Decimal

import pytest
import tablib
from django.utils import translation

from accounts.validators import NIK_MESSAGE
from buildings.imports import buildings_import, dataset_load, import_problems
from buildings.models import Building
from buildings.resources import BuildingResource
from buildings.tests.factories import BuildingFactory, kelurahan

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """These tests read the English wording (the Indonesian is checked in test_translations).

    Messages are worded while the import runs, in the active language (Indonesian by
    default), so English is chosen for the whole test, not just where messages are read.
    """
    with translation.override("en"):
        yield


HEADERS = ["name", "kind", "address", "kelurahan", "latitude", "longitude", "posko_available"]


def dataset(*rows, headers=HEADERS):
    return tablib.Dataset(*rows, headers=headers)


def problems(result):
    with translation.override("en"):
        return import_problems(result)


def test_building_list_is_imported_with_the_kelurahan_given_by_code_or_name():
    result = buildings_import(
        dataset=dataset(
            ["Kalibata City", "apartemen", "Jl. Raya Kalibata", "31.74.08.1003", "", "", "ya"],
            ["Rusunawa Marunda", "Rusunawa", "Jl. Marunda Baru", "Marunda", "", "", "tidak"],
        )
    )

    assert problems(result) == []
    assert result.totals["new"] == 2
    kalibata = Building.objects.get(name="Kalibata City")
    assert kalibata.kelurahan.code == "31.74.08.1003"
    assert kalibata.posko_available is True
    marunda = Building.objects.get(name="Rusunawa Marunda")
    assert (marunda.kind, marunda.kelurahan.name) == ("rusunawa", "Marunda")


def test_kelurahan_names_are_matched_whatever_their_spacing_case_or_prefix():
    result = buildings_import(
        dataset=dataset(
            ["Apartemen Satu", "apartemen", "", "pal merah", "", "", ""],
            ["Apartemen Dua", "apartemen", "", "Kelurahan KEBON MELATI", "", "", ""],
        )
    )

    assert problems(result) == []
    codes = set(Building.objects.values_list("kelurahan__code", flat=True))
    assert codes == {"31.73.07.1001", "31.71.07.1005"}


def test_a_building_is_found_again_by_name_ignoring_case_and_updated():
    existing = BuildingFactory(name="Kalibata City", address="old", kelurahan=kelurahan())

    result = buildings_import(
        dataset=dataset(
            ["KALIBATA  CITY", "apartemen", "Jl. Raya Kalibata No. 1", "Rawajati", "", "", ""]
        )
    )

    assert problems(result) == []
    assert result.totals["update"] == 1
    existing.refresh_from_db()
    assert existing.address == "Jl. Raya Kalibata No. 1"
    assert Building.objects.count() == 1


def test_importing_the_same_file_again_changes_nothing():
    rows = dataset(["Kalibata City", "apartemen", "Jl. Raya", "Rawajati", "-6.25", "106.85", "1"])
    buildings_import(dataset=rows)

    again = buildings_import(dataset=rows)

    assert (again.totals["new"], again.totals["update"], again.totals["skip"]) == (0, 0, 1)


def test_one_refused_row_means_nothing_is_written():
    result = buildings_import(
        dataset=dataset(
            ["Kalibata City", "apartemen", "", "Rawajati", "", "", ""],
            ["Villa Atlantis", "villa", "", "Atlantis", "", "", ""],
        )
    )

    assert problems(result) == [
        "Line 3, column jenis: Unknown value “villa”; use one of: apartemen, rusunami, rusunawa, lainnya.",
        "Line 3, column kelurahan: Unknown kelurahan “Atlantis”: give its Kemendagri code or exact name.",
    ]
    assert not Building.objects.exists()


def test_dry_run_counts_what_would_happen_and_writes_nothing():
    result = buildings_import(
        dataset=dataset(["Kalibata City", "apartemen", "", "Rawajati", "", "", ""]), dry_run=True
    )

    assert result.totals["new"] == 1
    assert not Building.objects.exists()


def test_a_nik_in_any_free_text_column_refuses_the_row_with_the_nik_message():
    result = buildings_import(
        dataset=dataset(
            [
                "Kalibata City",
                "apartemen",
                "Jl. X, pemilik 3174 0812 0390 0001",
                "Rawajati",
                "",
                "",
                "",
            ]
        )
    )

    with translation.override("en"):
        assert problems(result) == [f"Line 2, column alamat: {NIK_MESSAGE}"]
    assert not Building.objects.exists()


def test_the_same_building_twice_in_one_file_is_refused():
    result = buildings_import(
        dataset=dataset(
            ["Kalibata City", "apartemen", "", "Rawajati", "", "", ""],
            ["kalibata city", "apartemen", "", "31.74.08.1003", "", "", ""],
        )
    )

    assert problems(result) == [
        "Line 3, column nama: This building already appears on line 2 of this file."
    ]


def test_the_same_name_in_another_kelurahan_is_another_building():
    result = buildings_import(
        dataset=dataset(
            ["Griya Uji", "apartemen", "", "Rawajati", "", "", ""],
            ["Griya Uji", "apartemen", "", "Marunda", "", "", ""],
        )
    )

    assert result.totals["new"] == 2


def test_rows_outside_the_importers_region_are_refused():
    result = buildings_import(
        dataset=dataset(
            ["Kalibata City", "apartemen", "", "Rawajati", "", "", ""],
            ["Rusunawa Marunda", "rusunawa", "", "Marunda", "", "", ""],
        ),
        region_code="31.74",
    )

    assert problems(result) == [
        "Line 3, column kelurahan: Kelurahan Marunda is outside your region."
    ]
    assert not Building.objects.exists()


def test_coordinates_are_rounded_to_six_places_and_may_use_a_decimal_comma():
    buildings_import(
        dataset=dataset(
            ["Kalibata City", "apartemen", "", "Rawajati", "-6,25661234", "106.8541", ""]
        )
    )

    building = Building.objects.get()
    assert (building.latitude, building.longitude) == (Decimal("-6.256612"), Decimal("106.8541"))


def test_a_latitude_outside_the_globe_is_refused():
    result = buildings_import(
        dataset=dataset(["Kalibata City", "apartemen", "", "Rawajati", "-96", "106.85", ""])
    )

    assert [p.split(":")[0] for p in problems(result)] == ["Line 2, column latitude"]


def test_a_blank_yes_no_column_keeps_the_current_value():
    existing = BuildingFactory(name="Kalibata City", kelurahan=kelurahan(), posko_available=True)

    buildings_import(dataset=dataset(["Kalibata City", "apartemen", "", "Rawajati", "", "", ""]))

    existing.refresh_from_db()
    assert existing.posko_available is True


def test_a_spreadsheet_saved_by_excel_in_indonesian_is_understood(tmp_path):
    path = tmp_path / "gedung.csv"
    path.write_text(
        "\ufeffNama;Jenis;Alamat;Kelurahan;Lintang;Bujur;Posko\n"
        "Kalibata City;Apartemen;Jl. Raya Kalibata;Rawajati;-6,2566;106,8541;Ya\n",
        encoding="utf-8",
    )

    result = buildings_import(dataset=dataset_load(path))

    assert problems(result) == []
    building = Building.objects.get()
    assert (building.name, building.latitude, building.posko_available) == (
        "Kalibata City",
        Decimal("-6.256600"),
        True,
    )


def test_an_xlsx_file_is_imported(tmp_path):
    path = tmp_path / "gedung.xlsx"
    path.write_bytes(
        dataset(["Kalibata City", "apartemen", "", "Rawajati", -6.2566, 106.8541, 1]).export("xlsx")
    )

    result = buildings_import(dataset=dataset_load(path))

    assert problems(result) == []
    assert Building.objects.get().longitude == Decimal("106.854100")


def test_an_export_imports_back_unchanged():
    BuildingFactory.create_batch(3, kelurahan=kelurahan())
    exported = BuildingResource().export()

    result = buildings_import(dataset=tablib.Dataset().load(exported.csv, format="csv"))

    assert (result.totals["skip"], result.totals["new"], result.totals["update"]) == (3, 0, 0)


def test_an_export_limited_to_a_region_holds_only_its_buildings():
    BuildingFactory(name="Selatan", kelurahan=kelurahan("31.74.08.1003"))
    BuildingFactory(name="Utara", kelurahan=kelurahan("31.72.04.1003"))

    exported = BuildingResource(region_code="31.74").export()

    assert exported["nama"] == ["Selatan"]
