import pytest
from django.core.exceptions import ValidationError

from accounts.phones import normalize_phone, whatsapp_number
from buildings.tests.factories import BuildingFactory


@pytest.mark.parametrize(
    "given,stored",
    [
        ("0812 3456 7890", "+6281234567890"),
        ("+62 812-3456-7890", "+6281234567890"),
        ("6281234567890", "+6281234567890"),
        ("(021) 7998 1234", "+622179981234"),
        ("", ""),
    ],
)
def test_phone_numbers_are_stored_in_one_format(given, stored):
    assert normalize_phone(given) == stored


@pytest.mark.parametrize("given", ["12345", "0812-345", "telepon kantor"])
def test_a_number_that_is_not_indonesian_is_refused(given):
    with pytest.raises(ValidationError):
        normalize_phone(given)


def test_whatsapp_link_number_is_digits_without_plus():
    assert whatsapp_number("+6281234567890") == "6281234567890"
    assert whatsapp_number("(021) 7998 1234") == ""


@pytest.mark.django_db
def test_building_contact_phone_is_normalised_when_cleaned():
    building = BuildingFactory.build(contact_phone="0812 3456 7890")
    building.full_clean(exclude=["kelurahan"])
    assert building.contact_phone == "+6281234567890"


@pytest.mark.django_db
def test_a_bad_contact_phone_names_the_field():
    building = BuildingFactory.build(contact_phone="123")
    with pytest.raises(ValidationError) as error:
        building.full_clean(exclude=["kelurahan"])
    assert "contact_phone" in error.value.message_dict
