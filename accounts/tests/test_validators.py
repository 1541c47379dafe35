import pytest
from django.core.exceptions import ValidationError

from accounts.validators import contains_nik, validate_no_nik
from buildings.models import Building
from buildings.tests.factories import kelurahan


@pytest.mark.parametrize(
    "text",
    [
        "3174051203900001",
        "3174 0512 0390 0001",
        "3174.0512.0390.0001",
        "3174-0512-0390-0001",
        "31.74.05.120390.0001",
        "NIK saya 3174051203900001, mohon dicatat",
        "NIK:3174051203900001.",
        "KK 3174 0512 0390 0001 atas nama kepala keluarga",
    ],
)
def test_sixteen_digits_are_flagged_plain_grouped_or_inside_text(text):
    assert contains_nik(text)


@pytest.mark.parametrize(
    "text",
    [
        "+6281234567890",
        "0812-3456-7890",
        "Hubungi 0812 3456 7890 atau +62 21 7988 1001",
        "317405120390000",  # 15 digits
        "31740512039000012",  # 17 digits
        "3174-0512-0390-00012",  # 17 digits, grouped
        "24-06-2024",
        "24.06.2024 s.d. 24.07.2024",
        "Jakarta Selatan 12750",
        "RT 005/RW 03, Rawajati, 12750",
        "Tower Jasmine lantai 12 unit J-1205",
        "",
        None,
    ],
)
def test_phone_numbers_dates_postcodes_and_other_lengths_are_not_flagged(text):
    assert not contains_nik(text)


def test_two_phone_numbers_separated_by_a_space_are_not_flagged():
    assert not contains_nik("021 7988 1001 0812 3456 7890")


def test_a_nik_written_next_to_a_phone_number_is_still_flagged():
    assert contains_nik("0812 3456 7890 3174051203900001")
    assert contains_nik("3174 0512 0390 0001 0812 3456 7890")


@pytest.mark.parametrize(
    "text",
    [
        "3174054503900001",  # a woman's NIK: day + 40
        "3174052406240001",  # a KK number: issued 24-06-2024
    ],
)
def test_the_nik_and_kk_date_structures_are_both_recognised(text):
    assert contains_nik(text)


def test_sixteen_digits_without_the_structure_are_not_a_nik():
    # No province 00 and no 13th month: an account or order number, not an ID.
    assert not contains_nik("0000123456789012")
    assert not contains_nik("3174051399000001")


def test_validate_no_nik_raises_with_the_nik_code():
    with pytest.raises(ValidationError) as excinfo:
        validate_no_nik("3174051203900001")
    assert excinfo.value.code == "nik"


def test_validate_no_nik_accepts_ordinary_text():
    validate_no_nik("Lapor ke pos keamanan, telepon +6281234567890")


@pytest.mark.django_db
def test_building_with_a_nik_in_its_address_fails_full_clean_naming_the_field():
    building = Building(
        name="Apartemen Uji NIK",
        kind=Building.Kind.APARTEMEN,
        kelurahan=kelurahan(),
        address="Jl. Uji No. 1, pemilik NIK 3174051203900001",
    )
    with pytest.raises(ValidationError) as excinfo:
        building.full_clean()
    errors = excinfo.value.error_dict
    assert list(errors) == ["address"]
    assert errors["address"][0].code == "nik"
