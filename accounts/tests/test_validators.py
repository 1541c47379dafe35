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


@pytest.mark.parametrize(
    "text",
    [
        "3174/0812/0390/0001",
        "3174_0812_0390_0001",
        "3174,0812,0390,0001",
        "3174\t0812\t0390\t0001",
        "3174 0812\n0390 0001",  # a line break inside the number
        "3174\r\n08120390\r\n0001",
        "3174\u200b0812\u200c0390\u200d0001",  # zero-width space, non-joiner, joiner
        "3\u00ad174081203900001",  # a soft hyphen
        "\uff13\uff11\uff17\uff14\uff10\uff18\uff11\uff12\uff10\uff13\uff19\uff10\uff10\uff10\uff10\uff11",
        "\u0663\u0661\u0667\u0664\u0660\u0668\u0661\u0662\u0660\u0663\u0669\u0660\u0660\u0660\u0660\u0661",
        "\u0969\u0967\u096d\u096a081203900001",  # Devanagari digits mixed in
        "3174O81203900001",  # a letter O for a zero
        "3174 - 0812 - 0390 - 0001",
        "NIK: 3174 / 0812 / 0390 / 0001",
    ],
)
def test_a_nik_is_found_whatever_separators_or_digits_hide_it(text):
    # Issue #13: each of these was stored by every guarded field.
    assert contains_nik(text)


@pytest.mark.parametrize(
    "text",
    [
        "Lantai 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12",
        "Senin–Jumat 08.00–17.00, Sabtu 08.00–12.00",
        "0812-3456-7890 / 0813-9876-5432",
        "Tower 1: 120 unit, Tower 2: 118 unit, Tower 3: 96 unit",
        "24/06/2024 - 24/07/2024",
        "2026-12-03 09:08:12.123456+00:00",  # this timestamp's digits read as a NIK
        "{'created_at': [None, '2026-12-03 09:08:12.123456+00:00'], 'id': [None, 2]}",
        "12-03 09:08:12.123456",
    ],
)
def test_ordinary_numbers_with_any_separators_are_not_flagged(text):
    assert not contains_nik(text)


def test_a_megabyte_of_digits_and_separators_is_checked_quickly():
    import time

    start = time.monotonic()
    contains_nik("12 " * 350_000)
    assert time.monotonic() - start < 30  # a hang guard (it was quadratic), not a benchmark


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
