"""The KPU admin for regions, buildings, towers and units: fast whatever the data size."""

import factory
import pytest
from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect, ForeignKeyRawIdWidget
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.forms import ModelChoiceField
from django.test import RequestFactory, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape
from django.utils.http import urlencode

from accounts.models import User
from accounts.tests.factories import UserFactory
from buildings.models import Building, Tower, Unit, UnitOccupancy
from buildings.tests.factories import (
    BuildingFactory,
    BuildingManagerFactory,
    TowerFactory,
    UnitFactory,
    kelurahan,
)
from regions.models import Region
from visits.models import Schedule, Visit

pytestmark = pytest.mark.django_db

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module", autouse=True)
def fast_password_hashing():
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        yield


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """One building with two towers, units and a manager, made once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        building = BuildingFactory(name="Kalibata City", kelurahan=kelurahan("31.74.08.1003"))
        jasmine = TowerFactory(building=building, name="Jasmine")
        TowerFactory(building=building, name="Flamboyan")
        units = UnitFactory.create_batch(5, tower=jasmine)
        manager = BuildingManagerFactory(building=building, user__full_name="Sri Pengelola")
        pantarlih = UserFactory(full_name="Sri Pantarlih", role=User.Role.PANTARLIH)
        yield {
            "building": building,
            "tower": jasmine,
            "units": units,
            "manager": manager,
            "pantarlih": pantarlih,
        }
        transaction.set_rollback(True)


@pytest.fixture
def superuser():
    return User.objects.create_superuser(email="admin@kpu.example.id", password="rahasia-123")


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def measured_get(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(queries)


def region_rows(n):
    kecamatan = Region.objects.get(code="31.74.08")
    start = Region.objects.filter(code__startswith="99.").count()
    for i in range(start, start + n):
        Region.objects.create(
            code=f"99.74.08.{i:04d}", name=f"Desa Uji {i}", level="kelurahan", parent=kecamatan
        )


def building_rows(n):
    for building in BuildingFactory.create_batch(n, posko_available=True):
        TowerFactory.create_batch(2, building=building)


def tower_rows(n):
    for tower in TowerFactory.create_batch(n):
        UnitFactory.create_batch(2, tower=tower)


def unit_rows(n):
    UnitFactory.create_batch(n)


def occupancy_rows(n):
    reporter = UserFactory(role=User.Role.PENGELOLA)
    for unit in UnitFactory.create_batch(n):
        UnitOccupancy.objects.create(unit=unit, status="occupied", reported_by=reporter)


def manager_rows(n):
    BuildingManagerFactory.create_batch(n)


CHANGELISTS = {
    # model name: (how to add n rows, a query string that shows the rows made)
    "region": (region_rows, "?q=Desa+Uji"),
    "building": (building_rows, ""),
    "tower": (tower_rows, ""),
    "unit": (unit_rows, ""),
    "unitoccupancy": (occupancy_rows, ""),
    "buildingmanager": (manager_rows, ""),
}


@pytest.mark.parametrize("query", ["", "&kota=31.74&q=Uji"], ids=["plain", "filtered"])
@pytest.mark.parametrize("model_name", CHANGELISTS)
def test_changelist_runs_the_same_number_of_queries_for_3_and_30_rows(
    admin_client, world, model_name, query
):
    add_rows, base_query = CHANGELISTS[model_name]
    app = "regions" if model_name == "region" else "buildings"
    url = reverse(f"admin:{app}_{model_name}_changelist") + (base_query or "?") + query
    if model_name == "region" and query:
        url = reverse("admin:regions_region_changelist") + "?q=Desa+Uji&level__exact=kelurahan"
    add_rows(3)
    admin_client.get(url)  # warm up per-process caches (content types, translations)

    response, few = measured_get(admin_client, url)
    shown = len(response.context["cl"].result_list)
    add_rows(27)
    response, many = measured_get(admin_client, url)

    assert len(response.context["cl"].result_list) == shown + 27
    assert many == few


def test_every_buildings_model_in_the_admin_has_a_changelist_query_test():
    registered = {
        m._meta.model_name
        for m in admin.site._registry
        if m._meta.app_label in ("buildings", "regions")
    }
    assert registered == set(CHANGELISTS)


def test_building_changelist_shows_the_region_chain_and_tower_count(admin_client, world):
    response = admin_client.get(reverse("admin:buildings_building_changelist") + "?q=Kalibata")
    html = response.content.decode()
    assert "Rawajati" in html and "Pancoran" in html and "Jakarta Selatan" in html
    towers_url = reverse("admin:buildings_tower_changelist")
    assert f'{towers_url}?building__id__exact={world["building"].pk}">2</a>' in html


def test_kota_filter_keeps_only_the_buildings_of_that_kota(admin_client, world):
    BuildingFactory(name="Rusunawa Uji Cipayung", kelurahan=kelurahan("31.75.10.1001"))
    url = reverse("admin:buildings_building_changelist")

    south = admin_client.get(url + "?kota=31.74").context["cl"].result_list
    east = admin_client.get(url + "?kota=31.75").context["cl"].result_list

    assert [b.name for b in east] == ["Rusunawa Uji Cipayung"]
    assert "Rusunawa Uji Cipayung" not in [b.name for b in south]
    assert "Kalibata City" in [b.name for b in south]


def test_tower_changelist_links_the_unit_count_to_the_towers_units(admin_client, world):
    tower = world["tower"]
    response = admin_client.get(reverse("admin:buildings_tower_changelist") + "?q=Jasmine")
    units_url = reverse("admin:buildings_unit_changelist") + f"?tower__id__exact={tower.pk}"
    assert f'{units_url}">5</a>' in response.content.decode()

    units = admin_client.get(units_url).context["cl"].result_list
    assert {u.pk for u in units} == {u.pk for u in world["units"]}


def test_unit_changelist_does_not_count_the_whole_table(admin_client, world):
    response = admin_client.get(reverse("admin:buildings_unit_changelist"))
    assert response.context["cl"].show_full_result_count is False
    assert response.context["cl"].full_result_count is None


def test_building_change_page_runs_the_same_queries_for_3_and_30_towers(admin_client):
    building = BuildingFactory()
    for tower in TowerFactory.create_batch(3, building=building):
        UnitFactory.create_batch(2, tower=tower)
    BuildingManagerFactory(building=building)
    url = reverse("admin:buildings_building_change", args=[building.pk])
    admin_client.get(url)

    response, few = measured_get(admin_client, url)
    for tower in TowerFactory.create_batch(27, building=building):
        UnitFactory.create_batch(2, tower=tower)
    BuildingManagerFactory.create_batch(2, building=building)
    response, many = measured_get(admin_client, url)

    towers, managers = response.context["inline_admin_formsets"]
    assert len(towers.formset.forms) == 30
    assert len(managers.formset.forms) == 3
    assert many == few


def test_building_change_page_shows_towers_and_managers_without_units(admin_client, world):
    url = reverse("admin:buildings_building_change", args=[world["building"].pk])
    html = admin_client.get(url).content.decode()
    assert "Jasmine" in html and "Flamboyan" in html
    assert escape(str(world["manager"].user)) in html  # labelled from the inline's join
    assert world["units"][0].number not in html


def test_tower_change_page_runs_the_same_queries_for_3_and_300_units(admin_client):
    tower = TowerFactory()
    UnitFactory.create_batch(3, tower=tower)
    url = reverse("admin:buildings_tower_change", args=[tower.pk])
    admin_client.get(url)

    response, few = measured_get(admin_client, url)
    Unit.objects.bulk_create(Unit(tower=tower, floor=2, number=f"B{i:03d}") for i in range(297))
    response, many = measured_get(admin_client, url)

    assert many == few
    assert f"?tower__id__exact={tower.pk}" in response.content.decode()
    assert '">300</a>' in response.content.decode()


def test_region_cannot_be_added_changed_or_deleted_in_the_admin(admin_client):
    rawajati = kelurahan("31.74.08.1003")
    change_url = reverse("admin:regions_region_change", args=[rawajati.pk])

    assert admin_client.get(reverse("admin:regions_region_add")).status_code == 403
    assert (
        admin_client.get(reverse("admin:regions_region_delete", args=[rawajati.pk])).status_code
        == 403
    )
    assert admin_client.post(change_url, {"name": "Diubah"}).status_code == 403
    changelist = admin_client.get(reverse("admin:regions_region_changelist"))
    assert reverse("admin:regions_region_add") not in changelist.content.decode()
    assert "delete_selected" not in changelist.content.decode()
    rawajati.refresh_from_db()
    assert rawajati.name == "Rawajati"


def test_region_changelist_filters_by_level_and_searches_code_and_name(admin_client):
    url = reverse("admin:regions_region_changelist")
    kotas = admin_client.get(url + "?level__exact=kota").context["cl"]
    by_code = admin_client.get(url + "?q=31.74.08.1003").context["cl"]
    assert kotas.result_count == 6
    assert [r.name for r in by_code.result_list] == ["Rawajati"]


def autocomplete(client, app_label, model_name, field_name, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )
    assert response.status_code == 200
    return [r["text"] for r in response.json()["results"]]


def test_building_kelurahan_autocomplete_offers_only_kelurahan(admin_client):
    found = autocomplete(admin_client, "buildings", "building", "kelurahan", "Pancoran")
    assert found == ["Pancoran (31.74.08.1001)"]


def test_unit_tower_autocomplete_names_the_building(admin_client, world):
    found = autocomplete(admin_client, "buildings", "unit", "tower", "Jasmine")
    assert found == ["Kalibata City – Jasmine"]


def test_unit_occupancy_unit_autocomplete_finds_units_by_number(admin_client, world):
    unit = world["units"][0]
    found = autocomplete(admin_client, "buildings", "unitoccupancy", "unit", unit.number)
    assert found == [f"Jasmine / {unit.number}"]


def test_building_manager_user_autocomplete_offers_only_managers(admin_client, world):
    found = autocomplete(admin_client, "buildings", "buildingmanager", "user", "Sri")
    assert found == [str(world["manager"].user)]


@pytest.mark.parametrize(
    "model_name, field_name, term",
    [
        ("unit", "tower", "Menara Cari"),
        ("tower", "building", "Gedung Cari"),
        ("unitoccupancy", "unit", "Cari-1"),
    ],
)
def test_autocomplete_runs_the_same_queries_for_3_and_15_results(
    admin_client, model_name, field_name, term
):
    def add(n):
        for tower in TowerFactory.create_batch(
            n, name="Menara Cari", building__name=factory.Sequence(lambda i: f"Gedung Cari {i}")
        ):
            UnitFactory(tower=tower, number="Cari-1")

    url = (
        reverse("admin:autocomplete")
        + "?"
        + urlencode(
            {
                "app_label": "buildings",
                "model_name": model_name,
                "field_name": field_name,
                "term": term,
            }
        )
    )
    add(3)
    admin_client.get(url)
    response, few = measured_get(admin_client, url)
    add(12)
    response, many = measured_get(admin_client, url)

    assert len(response.json()["results"]) == 15
    assert many == few


LARGE_TABLES = {User, Building, Tower, Unit, Visit, Schedule}


def test_no_admin_form_offers_a_dropdown_over_a_large_table(superuser):
    """A select over hundreds of thousands of rows would render them all; these must search."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    forms = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in {"accounts", "buildings", "visits"}:
            continue
        if model_admin.has_add_permission(request) or model_admin.has_change_permission(request):
            forms.append((model, model_admin.get_form(request)))
        for inline in model_admin.get_inline_instances(request):
            if inline.has_add_permission(request, None) or inline.has_change_permission(request):
                forms.append((inline.model, inline.get_formset(request).form))
    assert len(forms) > 10

    dropdowns = []
    for model, form in forms:
        for name, field in form.base_fields.items():
            if not isinstance(field, ModelChoiceField):
                continue
            widget = getattr(field.widget, "widget", field.widget)
            searchable = isinstance(widget, (AutocompleteSelect, ForeignKeyRawIdWidget))
            if field.queryset.model in LARGE_TABLES and not searchable:
                dropdowns.append(f"{model.__name__}.{name}")
    assert dropdowns == []


@pytest.mark.parametrize("model_name", ["building", "unit"])
def test_building_and_unit_changelists_offer_import_and_export(admin_client, model_name):
    html = admin_client.get(reverse(f"admin:buildings_{model_name}_changelist")).content.decode()
    assert reverse(f"admin:buildings_{model_name}_import") in html
    assert reverse(f"admin:buildings_{model_name}_export") in html


def export_csv(client, model_name):
    url = reverse(f"admin:buildings_{model_name}_export")
    form = client.get(url).context["form"]
    data = {name: True for name, field in form.fields.items() if field.initial is True}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, {**data, "format": "0"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return response.content.decode().splitlines(), len(queries)


@pytest.mark.parametrize("model_name, add_rows", [("building", building_rows), ("unit", unit_rows)])
def test_export_runs_the_same_number_of_queries_for_3_and_30_rows(
    admin_client, model_name, add_rows
):
    add_rows(3)
    export_csv(admin_client, model_name)
    lines, few = export_csv(admin_client, model_name)
    add_rows(27)
    more_lines, many = export_csv(admin_client, model_name)

    assert len(more_lines) == len(lines) + 27
    assert many == few


def test_unit_export_names_building_kelurahan_and_tower(admin_client, world):
    lines, _ = export_csv(admin_client, "unit")
    unit = world["units"][0]
    assert lines[0] == "gedung,kelurahan,tower,lantai,nomor,hunian"
    assert f"Kalibata City,Rawajati (31.74.08.1003),Jasmine,1,{unit.number},1" in lines


def test_building_import_previews_then_creates_through_the_admin(admin_client):
    csv = "nama;jenis;kelurahan;posko\nRusun Uji Impor;rusunawa;Rawajati;ya\n".encode()
    preview = admin_client.post(
        reverse("admin:buildings_building_import"),
        {
            "resource": 0,
            "format": 0,
            "import_file": SimpleUploadedFile("gedung.csv", csv, content_type="text/csv"),
        },
    )
    assert preview.status_code == 200
    assert preview.context["result"].totals["new"] == 1
    assert not Building.objects.filter(name="Rusun Uji Impor").exists()

    confirm = admin_client.post(
        reverse("admin:buildings_building_process_import"),
        preview.context["confirm_form"].initial,
    )

    assert confirm.status_code == 302
    building = Building.objects.get(name="Rusun Uji Impor")
    assert (building.kind, building.kelurahan.code, building.posko_available) == (
        "rusunawa",
        "31.74.08.1003",
        True,
    )
