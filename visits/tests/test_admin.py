"""The KPU admin for periods, assignments, schedules, visits, outcomes and access issues."""

import datetime
import itertools
import uuid

import pytest
from django.contrib import admin
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import User
from accounts.tests.factories import UserFactory
from buildings.tests.factories import BuildingFactory, TowerFactory, UnitFactory
from visits.models import AccessIssue, CoklitPeriod, UnitOutcome
from visits.services import outcome_record
from visits.tests.factories import AssignmentFactory, ScheduleFactory, VisitFactory

pytestmark = pytest.mark.django_db

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def at(hour, minute=0):
    return timezone.make_aware(datetime.datetime(2024, 6, 26, hour, minute))


@pytest.fixture(scope="module", autouse=True)
def fast_password_hashing():
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        yield


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """A building visited once, with outcomes and an access issue, made once for the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        building = BuildingFactory(name="Kalibata City")
        tower = TowerFactory(building=building, name="Jasmine")
        pantarlih = UserFactory(full_name="Sri Pantarlih", role=User.Role.PANTARLIH)
        UserFactory(full_name="Sri Pengelola", role=User.Role.PENGELOLA)
        assignment = AssignmentFactory(pantarlih=pantarlih, building=building, tower=tower)
        schedule = ScheduleFactory(building=building, tower=tower)
        visit = VisitFactory(pantarlih=pantarlih, building=building, tower=tower, schedule=schedule)
        for unit in UnitFactory.create_batch(3, tower=tower):
            outcome_record(visit=visit, unit=unit, outcome="done", recorded_at=at(9, 30))
        issue = AccessIssue.objects.create(
            building=building,
            visit=visit,
            kind=AccessIssue.Kind.SECURITY_REFUSED,
            description="Satpam menolak masuk tower B.",
            raised_by=pantarlih,
        )
        yield {
            "building": building,
            "tower": tower,
            "pantarlih": pantarlih,
            "assignment": assignment,
            "schedule": schedule,
            "visit": visit,
            "outcome": UnitOutcome.objects.filter(visit=visit).first(),
            "issue": issue,
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


def building_with_tower():
    building = BuildingFactory()
    return building, TowerFactory(building=building)


def period_rows(n):
    start = CoklitPeriod.objects.count()
    for i in range(start, start + n):
        CoklitPeriod.objects.create(
            name=f"Uji {i}", starts_on=datetime.date(2030, 1, 1), ends_on=datetime.date(2030, 2, 1)
        )


def assignment_rows(n):
    for _ in range(n):
        building, tower = building_with_tower()
        AssignmentFactory(building=building, tower=tower)


def schedule_rows(n):
    decider = UserFactory(role=User.Role.PENGELOLA)
    for _ in range(n):
        building, tower = building_with_tower()
        ScheduleFactory(building=building, tower=tower, decided_by=decider)


def visit_rows(n):
    for _ in range(n):
        building, tower = building_with_tower()
        visit = VisitFactory(building=building, tower=tower)
        outcome_record(
            visit=visit, unit=UnitFactory(tower=tower), outcome="done", recorded_at=at(9)
        )


def issue_rows(n):
    handler = UserFactory(role=User.Role.KPU_KOTA)
    for _ in range(n):
        building, tower = building_with_tower()
        AccessIssue.objects.create(
            building=building,
            visit=VisitFactory(building=building, tower=tower),
            kind=AccessIssue.Kind.MANAGER_UNRESPONSIVE,
            description="Pengelola tidak menjawab.",
            raised_by=UserFactory(role=User.Role.PPS),
            handled_by=handler,
        )


CHANGELISTS = {
    # model name: (how to add n rows, a filtered and searched query that still shows them)
    "coklitperiod": (period_rows, "?q=Uji"),
    "assignment": (assignment_rows, "?kota=31.74&q=Uji"),
    "schedule": (schedule_rows, "?kota=31.74&status__exact=proposed&date__year=2024&q=Uji"),
    "visit": (visit_rows, "?kota=31.74&access__exact=granted&started_at__year=2024&q=Uji"),
    "unitoutcome": (visit_rows, "?kota=31.74&outcome__exact=done&q=Uji"),
    "accessissue": (issue_rows, "?kota=31.74&status__exact=open&q=Uji"),
}


@pytest.mark.parametrize("filtered", [False, True], ids=["plain", "filtered"])
@pytest.mark.parametrize("model_name", CHANGELISTS)
def test_changelist_runs_the_same_number_of_queries_for_3_and_30_rows(
    admin_client, world, model_name, filtered
):
    add_rows, query = CHANGELISTS[model_name]
    url = reverse(f"admin:visits_{model_name}_changelist") + (query if filtered else "")
    add_rows(3)
    admin_client.get(url)  # warm up per-process caches (content types, translations)

    response, few = measured_get(admin_client, url)
    shown = len(response.context["cl"].result_list)
    add_rows(27)
    response, many = measured_get(admin_client, url)

    assert len(response.context["cl"].result_list) == shown + 27
    assert many == few


def test_every_visits_model_in_the_admin_has_a_changelist_query_test():
    registered = {m._meta.model_name for m in admin.site._registry if m._meta.app_label == "visits"}
    assert registered == set(CHANGELISTS)


@pytest.mark.parametrize("model_name", ["visit", "unitoutcome"])
def test_huge_changelists_do_not_count_the_whole_table(admin_client, world, model_name):
    response = admin_client.get(reverse(f"admin:visits_{model_name}_changelist"))
    assert response.context["cl"].full_result_count is None


def test_visit_changelist_links_the_outcome_count_to_the_visits_outcomes(admin_client, world):
    visit = world["visit"]
    response = admin_client.get(reverse("admin:visits_visit_changelist") + "?q=Kalibata")
    outcomes_url = reverse("admin:visits_unitoutcome_changelist")
    assert f'{outcomes_url}?visit__id__exact={visit.pk}">3</a>' in response.content.decode()

    outcomes = admin_client.get(f"{outcomes_url}?visit__id__exact={visit.pk}")
    assert len(outcomes.context["cl"].result_list) == 3


def test_visit_add_form_starts_with_a_fresh_submission_id(admin_client):
    form = admin_client.get(reverse("admin:visits_visit_add")).context["adminform"].form
    assert isinstance(form.initial["client_uuid"], uuid.UUID)


def test_visit_is_found_by_its_submission_id(admin_client, world):
    url = reverse("admin:visits_visit_changelist")
    found = admin_client.get(url, {"q": str(world["visit"].client_uuid)}).context["cl"]
    assert list(found.result_list) == [world["visit"]]


def test_visit_change_page_runs_the_same_queries_for_3_and_30_outcomes(admin_client):
    building, tower = building_with_tower()
    visit = VisitFactory(building=building, tower=tower)

    def add_outcomes(n):
        for unit in UnitFactory.create_batch(n, tower=tower):
            outcome_record(visit=visit, unit=unit, outcome="not_home", recorded_at=at(10))

    url = reverse("admin:visits_visit_change", args=[visit.pk])
    add_outcomes(3)
    admin_client.get(url)
    response, few = measured_get(admin_client, url)
    add_outcomes(27)
    response, many = measured_get(admin_client, url)

    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 30
    assert many == few


def test_visit_change_page_shows_only_the_first_50_outcomes_read_only(admin_client):
    building, tower = building_with_tower()
    visit = VisitFactory(building=building, tower=tower)
    for unit in UnitFactory.create_batch(60, tower=tower):
        outcome_record(visit=visit, unit=unit, outcome="done", recorded_at=at(11))

    response = admin_client.get(reverse("admin:visits_visit_change", args=[visit.pk]))

    outcomes = response.context["inline_admin_formsets"][0]
    assert len(outcomes.formset.forms) == 50
    assert not outcomes.has_add_permission and not outcomes.has_change_permission
    html = response.content.decode()
    assert 'name="outcomes-0-outcome"' not in html
    assert f'?visit__id__exact={visit.pk}">60</a>' in html


def test_unit_outcomes_cannot_be_added_changed_or_deleted_in_the_admin(admin_client, world):
    outcome = world["outcome"]
    change_url = reverse("admin:visits_unitoutcome_change", args=[outcome.pk])

    assert admin_client.get(reverse("admin:visits_unitoutcome_add")).status_code == 403
    assert admin_client.post(reverse("admin:visits_unitoutcome_add"), {}).status_code == 403
    delete_url = reverse("admin:visits_unitoutcome_delete", args=[outcome.pk])
    assert admin_client.get(delete_url).status_code == 403
    assert admin_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert admin_client.post(change_url, {"outcome": "refused"}).status_code == 403

    view_page = admin_client.get(change_url)
    assert view_page.status_code == 200
    assert 'name="_save"' not in view_page.content.decode()
    changelist = admin_client.get(reverse("admin:visits_unitoutcome_changelist")).content.decode()
    assert reverse("admin:visits_unitoutcome_add") not in changelist
    assert "delete_selected" not in changelist
    outcome.refresh_from_db()
    assert outcome.outcome == "done"


def autocomplete(client, model_name, field_name, term):
    query = {"app_label": "visits", "model_name": model_name, "field_name": field_name}
    response = client.get(reverse("admin:autocomplete"), {**query, "term": term})
    assert response.status_code == 200
    return [r["text"] for r in response.json()["results"]]


def test_assignment_building_autocomplete_finds_buildings_by_name(admin_client, world):
    assert autocomplete(admin_client, "assignment", "building", "kalibata") == ["Kalibata City"]


def test_assignment_pantarlih_autocomplete_offers_only_pantarlih(admin_client, world):
    found = autocomplete(admin_client, "assignment", "pantarlih", "Sri")
    assert found == [str(world["pantarlih"])]


def test_assignment_tower_autocomplete_names_the_building(admin_client, world):
    assert autocomplete(admin_client, "assignment", "tower", "Jasmine") == [
        "Kalibata City – Jasmine"
    ]


def test_visit_schedule_and_issue_visit_autocompletes_find_by_building(admin_client, world):
    assert autocomplete(admin_client, "visit", "schedule", "Kalibata") == [str(world["schedule"])]
    # Only the start of the label: Visit.__str__ prints started_at in UTC, not Jakarta time.
    visits = autocomplete(admin_client, "accessissue", "visit", "Kalibata")
    assert len(visits) == 1 and visits[0].startswith("Kalibata City – Sri Pantarlih")


@pytest.mark.parametrize(
    "model_name, field_name",
    [
        ("assignment", "building"),
        ("assignment", "tower"),
        ("assignment", "pantarlih"),
        ("visit", "schedule"),
        ("accessissue", "visit"),
    ],
)
def test_autocomplete_runs_the_same_queries_for_3_and_15_results(
    admin_client, model_name, field_name
):
    numbers = itertools.count()

    def add(n):
        for _ in range(n):
            building = BuildingFactory(name=f"Gedung Cari {next(numbers)}")
            tower = TowerFactory(building=building)
            pantarlih = UserFactory(full_name="Petugas Cari", role=User.Role.PANTARLIH)
            schedule = ScheduleFactory(building=building, tower=tower)
            VisitFactory(building=building, tower=tower, pantarlih=pantarlih, schedule=schedule)

    term = {"pantarlih": "Petugas Cari", "tower": "Gedung Cari"}.get(field_name, "Gedung Cari")
    url = (
        reverse("admin:autocomplete")
        + "?"
        + urlencode(
            {
                "app_label": "visits",
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


@pytest.mark.parametrize(
    "model_name, key",
    [
        ("coklitperiod", None),
        ("assignment", "assignment"),
        ("schedule", "schedule"),
        ("visit", "visit"),
        ("accessissue", "issue"),
    ],
)
def test_add_and_change_pages_render(admin_client, world, model_name, key):
    assert admin_client.get(reverse(f"admin:visits_{model_name}_add")).status_code == 200
    if key:
        url = reverse(f"admin:visits_{model_name}_change", args=[world[key].pk])
        assert admin_client.get(url).status_code == 200


def test_access_issue_is_escalated_through_the_admin(admin_client, world):
    issue = world["issue"]
    handler = UserFactory(role=User.Role.KPU_KOTA)
    response = admin_client.post(
        reverse("admin:visits_accessissue_change", args=[issue.pk]),
        {
            "building": issue.building_id,
            "visit": issue.visit_id,
            "kind": issue.kind,
            "description": issue.description,
            "level": AccessIssue.Level.KPU_KOTA,
            "status": AccessIssue.Status.IN_PROGRESS,
            "raised_by": issue.raised_by_id,
            "handled_by": handler.pk,
            "resolution": "",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    issue.refresh_from_db()
    assert (issue.level, issue.status, issue.handled_by) == ("kpu_kota", "in_progress", handler)
