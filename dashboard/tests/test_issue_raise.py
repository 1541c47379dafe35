"""Issue #16, item 2: staff raise an access issue from the building's page.

A PPS told by phone that a manager refuses had no button for it: only the pantarlih (on the
field pages) and the admin could raise one. The planning roles now can, from the building.
"""

import pytest
from django.urls import reverse

from visits.models import AccessIssue

pytestmark = pytest.mark.django_db

PLANNERS = ["pps_marunda", "kpu_kota_utara", "kpu_provinsi"]
READERS = ["dinas", "bawaslu_utara"]


def _new(world):
    return reverse("dashboard_issue_new", args=[world.building_b.pk])


@pytest.fixture
def client_en(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("persona", PLANNERS)
def test_planners_find_the_button_on_the_building_page_and_raise_an_issue(
    world, client_en, persona
):
    user = getattr(world, persona)
    client_en.force_login(user)
    page = client_en.get(reverse("dashboard_building", args=[world.building_b.pk]))
    assert f'href="{_new(world)}"' in page.content.decode()

    response = client_en.post(
        _new(world),
        {"kind": "manager_refused", "description": "Pengelola menolak lewat telepon pagi ini."},
    )

    issue = AccessIssue.objects.get(building=world.building_b, raised_by=user)
    assert response["Location"] == reverse("dashboard_issue", args=[issue.pk])
    assert (issue.level, issue.status, issue.kind) == ("pps", "open", "manager_refused")
    assert issue.events.get().action == "raised"


@pytest.mark.parametrize("persona", READERS)
def test_dinas_and_bawaslu_see_no_button_and_may_not_raise(world, client_en, persona):
    client_en.force_login(getattr(world, persona))
    page = client_en.get(reverse("dashboard_building", args=[world.building_b.pk]))
    assert _new(world) not in page.content.decode()
    assert client_en.get(_new(world)).status_code == 403
    response = client_en.post(_new(world), {"kind": "other", "description": "Coba."})
    assert response.status_code == 403
    assert not AccessIssue.objects.filter(building=world.building_b, description="Coba.").exists()


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"kind": "manager_refused", "description": ""}, "description", "This field is required."),
        ({"kind": "nonsense", "description": "Ditolak."}, "kind", "Select a valid choice."),
        (
            {"kind": "other", "description": "Ketua RT, NIK 3174 0812 0390 0001, menolak."},
            "description",
            "This looks like a NIK or KK number",
        ),
        (
            {"kind": "other", "description": "x" * 4001},
            "description",
            "at most 4000 characters",
        ),
    ],
    ids=["empty", "unknown kind", "nik", "too long"],
)
def test_bad_input_is_refused_with_a_message_on_its_field(world, client_en, data, field, message):
    client_en.force_login(world.pps_marunda)

    response = client_en.post(_new(world), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field]), form.errors
    assert (
        not AccessIssue.objects.filter(building=world.building_b)
        .exclude(pk=world.side["b"]["accessissue"].pk)
        .exists()
    )
