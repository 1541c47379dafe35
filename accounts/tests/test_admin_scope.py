"""The admin by role: lists, choices and edits stop at the edge of the user's scope."""

import pytest
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _changelist(client, user, model):
    client.force_login(user)
    response = client.get(reverse(f"admin:{model}_changelist"))
    assert response.status_code == 200
    return {str(obj.pk) for obj in response.context["cl"].result_list}


def test_kpu_kota_lists_only_its_kota(client, world):
    buildings = _changelist(client, world.kpu_kota_selatan, "buildings_building")
    assert buildings == {str(world.building_a.pk)}
    units = _changelist(client, world.kpu_kota_selatan, "buildings_unit")
    assert units == {str(world.unit_a.pk)}
    visits = _changelist(client, world.kpu_kota_utara, "visits_visit")
    assert visits == {str(world.side["b"]["visit"].pk)}


def test_people_list_stops_at_the_kota(client, world):
    people = _changelist(client, world.kpu_kota_selatan, "accounts_user")
    assert str(world.manager_a.pk) in people and str(world.pantarlih_a.pk) in people
    assert str(world.manager_b.pk) not in people and str(world.kpu_kota_utara.pk) not in people


def test_autocomplete_offers_only_buildings_in_scope(client, world):
    client.force_login(world.kpu_kota_selatan)
    response = client.get(
        "/admin/autocomplete/",
        {
            "app_label": "visits",
            "model_name": "assignment",
            "field_name": "building",
            "term": "Uji",
        },
    )
    assert [r["text"] for r in response.json()["results"]] == ["Kalibata Uji"]


def test_bawaslu_reads_but_cannot_change(client, world):
    client.force_login(world.bawaslu_utara)
    building = world.building_b
    url = reverse("admin:buildings_building_change", args=[building.pk])
    page = client.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]
    response = client.post(url, {"name": "Diubah Bawaslu"})
    assert response.status_code == 403
    building.refresh_from_db()
    assert building.name == "Marunda Uji"
    assert client.get(reverse("admin:buildings_building_add")).status_code == 403


def test_housing_office_edits_buildings_but_not_assignments(client, world):
    dinas = UserFactory(email="dinas.staf@uji.coklit.id", role=Role.DINAS, is_staff=True)
    client.force_login(dinas)
    assert client.get(reverse("admin:buildings_building_add")).status_code == 200
    assert client.get(reverse("admin:visits_assignment_add")).status_code == 403


def test_kpu_kota_gives_only_roles_it_could_invite_and_no_admin_rights(client, world):
    client.force_login(world.kpu_kota_selatan)
    page = client.get(reverse("admin:accounts_user_change", args=[world.pantarlih_a.pk]))
    form = page.context["adminform"].form
    roles = {value for value, _label in form.fields["role"].choices if value}
    assert roles == {"ppk", "pps", "pengelola", "pantarlih"}
    assert "is_superuser" not in form.fields and "is_staff" not in form.fields
    assert set(form.fields["region"].queryset.values_list("code", flat=True)) == set(
        form.fields["region"]
        .queryset.filter(code__startswith="31.74")
        .values_list("code", flat=True)
    )


def test_periods_are_changed_by_kpu_provinsi_only(client, world):
    period = world.side["a"]["visit"].period
    url = reverse("admin:visits_coklitperiod_change", args=[period.pk])
    client.force_login(world.kpu_kota_selatan)
    assert not client.get(url).context["has_change_permission"]
    client.force_login(world.kpu_provinsi)
    assert client.get(url).context["has_change_permission"]
