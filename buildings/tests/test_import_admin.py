import pytest
import tablib
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.tests.factories import UserFactory
from buildings.models import Building, Unit
from buildings.tests.factories import BuildingFactory, kelurahan
from regions.models import Region

pytestmark = [pytest.mark.django_db, pytest.mark.urls("buildings.tests.import_admin_urls")]

BUILDINGS_URL = "/admin/buildings/building/import/"
BUILDINGS_CONFIRM_URL = "/admin/buildings/building/process_import/"
UNITS_URL = "/admin/buildings/unit/import/"
UNITS_CONFIRM_URL = "/admin/buildings/unit/process_import/"

BUILDINGS_CSV = (
    "nama;jenis;kelurahan;posko\n"
    "Kalibata City;Apartemen;Rawajati;ya\n"
    "Rusunawa Marunda;rusunawa;Marunda;tidak\n"
).encode()


def staff(role, region_code=None):
    region = Region.objects.get(code=region_code) if region_code else None
    return UserFactory(role=role, region=region, is_staff=True)


def upload(client, url, content, name="gedung.csv", file_format=0):
    # The English wording is asserted: choose it as the language switcher does (a request
    # activates its own language, so an override around it would not reach the view).
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client.post(
        url,
        {
            "resource": 0,
            "format": file_format,
            "import_file": SimpleUploadedFile(name, content, content_type="text/csv"),
        },
    )


def test_provincial_staff_preview_then_confirm_a_building_import(client):
    client.force_login(staff("kpu_provinsi"))

    preview = upload(client, BUILDINGS_URL, BUILDINGS_CSV)

    assert preview.status_code == 200
    assert not Building.objects.exists()
    result = preview.context["result"]
    assert (result.totals["new"], result.totals["invalid"]) == (2, 0)
    confirm = preview.context["confirm_form"].initial

    response = client.post(BUILDINGS_CONFIRM_URL, confirm)

    assert response.status_code == 302
    assert set(Building.objects.values_list("name", flat=True)) == {
        "Kalibata City",
        "Rusunawa Marunda",
    }


def test_city_staff_preview_refuses_rows_of_another_kota_and_offers_no_confirm(client):
    client.force_login(staff("kpu_kota", "31.74"))

    preview = upload(client, BUILDINGS_URL, BUILDINGS_CSV)

    assert preview.context["result"].totals["invalid"] == 1
    assert "confirm_form" not in preview.context
    assert "Kelurahan Marunda is outside your region." in preview.content.decode()


def test_city_staff_units_find_only_buildings_of_their_kota(client):
    BuildingFactory(name="Kalibata City", kelurahan=kelurahan("31.74.08.1003"))
    BuildingFactory(name="Rusunawa Marunda", kelurahan=kelurahan("31.72.04.1003"))
    client.force_login(staff("kpu_kota", "31.74"))
    content = (
        b"building,kelurahan,tower,floor,number\n"
        b"Kalibata City,31.74.08.1003,A,1,A-0101\n"
        b"Rusunawa Marunda,31.72.04.1003,Blok 1,1,101\n"
    )

    preview = upload(client, UNITS_URL, content, name="unit.csv")

    totals = preview.context["result"].totals
    assert (totals["new"], totals["invalid"]) == (1, 1)
    assert "confirm_form" not in preview.context
    assert not Unit.objects.exists()


def test_a_unit_import_is_previewed_then_confirmed(client):
    BuildingFactory(name="Kalibata City", kelurahan=kelurahan("31.74.08.1003"))
    client.force_login(staff("kpu_kota", "31.74"))
    content = b"gedung,kelurahan,menara,lantai,nomor\nKalibata City,Rawajati,A,1,A-0101\n"

    preview = upload(client, UNITS_URL, content, name="unit.csv")
    response = client.post(UNITS_CONFIRM_URL, preview.context["confirm_form"].initial)

    assert response.status_code == 302
    assert list(Unit.objects.values_list("tower__name", "number")) == [("A", "A-0101")]


def test_a_large_preview_gives_the_totals_and_lists_only_the_first_rows(client):
    BuildingFactory(name="Kalibata City", kelurahan=kelurahan("31.74.08.1003"))
    client.force_login(staff("kpu_provinsi"))
    rows = [f"Kalibata City,Rawajati,A,{1 + i // 20},{i:04d}" for i in range(600)]
    content = "\n".join(["building,kelurahan,tower,floor,number", *rows]).encode()

    preview = upload(client, UNITS_URL, content, name="unit.csv")

    html = preview.content.decode()
    assert "600 new, 0 updated, 0 unchanged." in html
    assert "The first 500 rows are shown." in html
    assert "<td>0499</td>" in html
    assert "<td>0500</td>" not in html


@pytest.mark.parametrize(
    "role, region_code",
    [("pps", "31.74.08.1003"), ("pengelola", None), ("bawaslu", None), ("kpu_kota", None)],
)
def test_staff_who_do_not_onboard_buildings_cannot_open_the_import(client, role, region_code):
    client.force_login(staff(role, region_code))

    assert client.get(BUILDINGS_URL).status_code == 403
    assert upload(client, BUILDINGS_URL, BUILDINGS_CSV).status_code == 403
    assert not Building.objects.exists()


def test_an_upload_above_the_size_limit_is_refused_before_it_is_read(client, monkeypatch):
    monkeypatch.setattr("buildings.admin_import.MAX_UPLOAD_BYTES", len(BUILDINGS_CSV) - 1)
    client.force_login(staff("kpu_provinsi"))

    response = upload(client, BUILDINGS_URL, BUILDINGS_CSV)

    assert "The file is larger than" in response.content.decode()
    assert "result" not in response.context
    assert not Building.objects.exists()


def test_an_xlsx_upload_is_previewed(client):
    client.force_login(staff("dinas"))
    data = tablib.Dataset(
        ["Kalibata City", "apartemen", "31.74.08.1003"], headers=["name", "kind", "kelurahan"]
    ).export("xlsx")

    preview = upload(client, BUILDINGS_URL, data, name="gedung.xlsx", file_format=1)

    assert preview.context["result"].totals["new"] == 1
