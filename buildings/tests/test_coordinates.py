"""A building's coordinates lie in DKI Jakarta, Kepulauan Seribu included (issue #15).

A lost minus sign or a swapped pair is refused with a hint naming the slip, in the model,
the admin's form and the import; the manager portal offers no coordinates at all.
"""

from decimal import Decimal

import pytest
import tablib
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from buildings.imports import buildings_import, import_problems
from buildings.models import Building
from buildings.tests.factories import BuildingFactory, kelurahan
from buildings.validators import (
    LATITUDE_MAX,
    LATITUDE_MIN,
    LONGITUDE_MAX,
    LONGITUDE_MIN,
    latitude_problem,
    longitude_problem,
)

pytestmark = pytest.mark.django_db

SIGN_FLIP_ID = (
    "Lintang 6.1827 berada di utara khatulistiwa; gedung di DKI memiliki lintang negatif: "
    "maksud Anda -6.1827?"
)
SIGN_FLIP_EN = (
    "Latitude 6.1827 is north of the equator; buildings in DKI have a negative latitude: "
    "did you mean -6.1827?"
)
# Places that must be accepted: the mainland, and the far ends of Kepulauan Seribu.
INSIDE = {
    "Kalibata City": ("-6.257240", "106.853450"),
    "Rusunawa Marunda (north-east)": ("-6.105380", "106.957920"),
    "Jagakarsa (south edge)": ("-6.368000", "106.823000"),
    "Pulau Pramuka (Kepulauan Seribu seat)": ("-5.745700", "106.613900"),
    "Pulau Sebira (northernmost)": ("-5.203000", "106.458000"),
    "Pulau Untung Jawa": ("-5.976000", "106.706000"),
}


def _errors(**coordinates):
    building = BuildingFactory.build(kelurahan=kelurahan(), **coordinates)
    with pytest.raises(ValidationError) as refused:
        building.full_clean(validate_unique=False, validate_constraints=False)
    return {
        field: [str(m) for m in messages] for field, messages in refused.value.message_dict.items()
    }


def _accepts(latitude, longitude):
    BuildingFactory.build(
        kelurahan=kelurahan(),
        latitude=None if latitude is None else Decimal(latitude),
        longitude=None if longitude is None else Decimal(longitude),
    ).full_clean(validate_unique=False, validate_constraints=False)


# --- the box and the messages


def test_the_box_holds_jakarta_and_kepulauan_seribu_and_not_its_neighbours():
    assert (LATITUDE_MIN, LATITUDE_MAX) == (Decimal("-6.42"), Decimal("-5.10"))
    assert (LONGITUDE_MIN, LONGITUDE_MAX) == (Decimal("106.30"), Decimal("107.00"))
    for latitude, longitude in INSIDE.values():
        assert latitude_problem(Decimal(latitude)) is None
        assert longitude_problem(Decimal(longitude)) is None
    assert latitude_problem(Decimal("-6.48"))  # Cibinong: south of the border and its margin
    assert latitude_problem(Decimal("-6.9"))  # Bandung
    assert longitude_problem(Decimal("107.6"))  # Bandung
    assert longitude_problem(Decimal("106.15"))  # Serang


def test_a_lost_minus_sign_is_named_in_indonesian_by_default():
    with translation.override("id"):
        assert latitude_problem(Decimal("6.182700")) == SIGN_FLIP_ID
        assert longitude_problem(Decimal("-106.8")) == (
            "Bujur -106.8 berada di barat Greenwich; gedung di DKI memiliki bujur positif: "
            "maksud Anda 106.8?"
        )
        assert "lintang dan bujur tertukar?" in latitude_problem(Decimal("106.8456"))
        assert "di luar DKI Jakarta" in latitude_problem(Decimal("-7.25"))


# --- the model (what the admin, every ModelForm and the importer run)


@pytest.mark.parametrize("place", INSIDE)
def test_mainland_and_island_buildings_are_accepted(place):
    _accepts(*INSIDE[place])


def test_a_building_without_coordinates_is_accepted():
    _accepts(None, None)


def test_a_sign_flipped_latitude_is_refused_with_the_hint():
    with translation.override("en"):
        errors = _errors(latitude=Decimal("6.1827"), longitude=Decimal("106.8271"))
    assert errors == {"latitude": [SIGN_FLIP_EN]}


def test_a_swapped_pair_is_refused_on_both_fields_saying_so():
    with translation.override("en"):
        errors = _errors(latitude=Decimal("106.8271"), longitude=Decimal("-6.1827"))
    assert set(errors) == {"latitude", "longitude"}
    assert all("are latitude and longitude swapped?" in m for m in errors["latitude"])
    assert all("are latitude and longitude swapped?" in m for m in errors["longitude"])


def test_a_point_elsewhere_is_outside_dki():
    with translation.override("en"):
        errors = _errors(latitude=Decimal("-6.9175"), longitude=Decimal("107.6191"))  # Bandung
    assert errors["latitude"][0].startswith("Latitude -6.9175 is outside DKI Jakarta")
    assert errors["longitude"][0].startswith("Longitude 107.6191 is outside DKI Jakarta")


def test_one_coordinate_without_the_other_is_refused():
    with translation.override("en"):
        assert _errors(latitude=Decimal("-6.2"), longitude=None) == {
            "longitude": [
                "Give the longitude too, or leave both empty: a latitude alone does not place "
                "the building."
            ]
        }
        assert set(_errors(latitude=None, longitude=Decimal("106.8"))) == {"latitude"}
        # A latitude refused on its own is not also told to bring a longitude.
        assert _errors(latitude=Decimal("6.2"), longitude=None) == {
            "latitude": ["Latitude 6.2 is north of the equator; buildings in DKI have a "
                         "negative latitude: did you mean -6.2?"]
        }  # fmt: skip


# --- the admin's form


def _admin_post(client, latitude, longitude):
    client.cookies["django_language"] = "en"
    url = reverse("admin:buildings_building_add")
    page = client.get(url)
    data = {
        "name": "Rusun Uji Koordinat",
        "kind": "rusunawa",
        "kelurahan": kelurahan().pk,
        "active": "on",
        "latitude": latitude,
        "longitude": longitude,
    }
    for inline in page.context["inline_admin_formsets"]:
        prefix = inline.formset.prefix
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return client.post(url, data)


def test_the_admin_refuses_a_sign_flip_with_the_hint(admin_client):
    response = _admin_post(admin_client, "6.1827", "106.8271")
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["latitude"] == [SIGN_FLIP_EN]
    assert not Building.objects.filter(name="Rusun Uji Koordinat").exists()


def test_the_admin_refuses_a_swapped_pair_saying_so(admin_client):
    response = _admin_post(admin_client, "106.8271", "-6.1827")
    errors = response.context["adminform"].form.errors
    assert "are latitude and longitude swapped?" in errors["latitude"][0]
    assert "are latitude and longitude swapped?" in errors["longitude"][0]
    assert not Building.objects.filter(name="Rusun Uji Koordinat").exists()


@pytest.mark.parametrize(
    "latitude,longitude", [INSIDE["Pulau Sebira (northernmost)"], INSIDE["Kalibata City"], ("", "")]
)
def test_the_admin_saves_island_mainland_and_blank_coordinates(admin_client, latitude, longitude):
    response = _admin_post(admin_client, latitude, longitude)
    assert response.status_code == 302
    building = Building.objects.get(name="Rusun Uji Koordinat")
    assert building.latitude == (Decimal(latitude) if latitude else None)


# --- the manager portal: its profile form offers no coordinates


def test_the_portal_profile_form_offers_no_coordinates_to_slip_on(client, world):
    client.force_login(world.manager_a)
    url = reverse("portal_building_edit", args=[world.building_a.pk])
    assert "latitude" not in client.get(url).context["form"].fields
    client.post(url, {"address": "Jl. Baru", "latitude": "6.1827", "longitude": "106.8"})
    building = Building.objects.get(pk=world.building_a.pk)
    assert (building.address, building.latitude) == ("Jl. Baru", world.building_a.latitude)


# --- the import: the row and column are named, and nothing is written


HEADERS = ["name", "kind", "kelurahan", "latitude", "longitude"]


def _import(*rows):
    with translation.override("en"):
        result = buildings_import(dataset=tablib.Dataset(*rows, headers=HEADERS))
        return import_problems(result)


def test_an_import_with_a_sign_flip_names_the_row_and_writes_nothing():
    problems = _import(
        ["Kalibata City", "apartemen", "Rawajati", "-6,25724", "106,85345"],
        ["Rusun Utara", "rusunawa", "Marunda", "6.1827", "106.8271"],
    )
    assert problems == [f"Line 3, column latitude: {SIGN_FLIP_EN}"]
    assert not Building.objects.filter(name__in=["Kalibata City", "Rusun Utara"]).exists()


def test_an_import_with_a_swapped_pair_says_so_on_both_columns():
    problems = _import(["Rusun Tukar", "rusunawa", "Marunda", "106,8271", "-6,1827"])
    assert [p.split(":")[0] for p in problems] == [
        "Line 2, column latitude",
        "Line 2, column longitude",
    ]
    assert all(p.endswith("are latitude and longitude swapped?") for p in problems)
    assert not Building.objects.filter(name="Rusun Tukar").exists()


def test_an_import_accepts_island_mainland_and_blank_coordinates():
    pulau_harapan = "31.01.01.1003"  # Pulau Sebira belongs to Kelurahan Pulau Harapan
    problems = _import(
        ["Rusun Sebira", "rusunawa", pulau_harapan, *INSIDE["Pulau Sebira (northernmost)"]],
        ["Kalibata City", "apartemen", "Rawajati", *INSIDE["Kalibata City"]],
        ["Rusun Tanpa Titik", "rusunawa", "Marunda", "", ""],
    )
    assert problems == []
    assert Building.objects.get(name="Rusun Sebira").latitude == Decimal("-5.203000")
    assert Building.objects.get(name="Rusun Tanpa Titik").latitude is None


def test_an_import_in_indonesian_gives_the_hint_in_indonesian():
    with translation.override("id"):
        result = buildings_import(
            dataset=tablib.Dataset(
                ["Rusun Utara", "rusunawa", "Marunda", "6.1827", "106.8"], headers=HEADERS
            )
        )
        assert import_problems(result) == [f"Baris 2, kolom latitude: {SIGN_FLIP_ID}"]


@pytest.mark.urls("buildings.tests.import_admin_urls")
def test_the_admin_import_preview_shows_the_hint_and_offers_no_confirm(admin_client):
    admin_client.cookies["django_language"] = "en"
    content = "nama;jenis;kelurahan;lintang;bujur\nRusun Utara;rusunawa;Marunda;6,1827;106,8271\n"
    preview = admin_client.post(
        "/admin/buildings/building/import/",
        {
            "resource": 0,
            "format": 0,
            "import_file": SimpleUploadedFile("gedung.csv", content.encode(), "text/csv"),
        },
    )
    assert preview.context["result"].totals["invalid"] == 1
    assert "confirm_form" not in preview.context
    assert "did you mean -6.1827?" in preview.content.decode()
    assert not Building.objects.filter(name="Rusun Utara").exists()
