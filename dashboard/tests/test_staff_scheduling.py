"""Scheduling from the staff side: proposals to a building under the shared rules, the week's agenda."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from visits.models import Assignment, Schedule
from visits.tests.factories import ScheduleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client_en(client):
    client.cookies["django_language"] = "en"
    return client


def _propose(client, building, **values):
    data = {"kind": "door_to_door", "date": "2024-07-02", "start": "09:00", "end": "12:00"}
    data.update(values)
    return client.post(reverse("dashboard_building_schedules", args=[building.pk]), data)


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_pps_proposes_a_visit_and_the_manager_is_told(
    world, client_en, mailoutbox, django_capture_on_commit_callbacks
):
    client_en.force_login(world.pps_marunda)
    with django_capture_on_commit_callbacks(execute=True):
        response = _propose(client_en, world.building_b, note="Tower B lantai 1-10.")
    assert response.status_code == 302
    schedule = Schedule.objects.get(building=world.building_b, date=datetime.date(2024, 7, 2))
    assert schedule.status == "proposed" and schedule.proposed_by == world.pps_marunda
    assert [m.to for m in mailoutbox] == [[world.manager_b.email]]


@pytest.mark.parametrize(
    "values, field, message",
    [
        ({"date": "2024-08-10"}, "date", "inside the coklit period"),
        ({"start": "12:00", "end": "09:00"}, "end", "after the start"),
        ({"date": "2024-06-26", "start": "10:00", "end": "11:00"}, "start", "overlaps"),
    ],
)
def test_the_shared_rules_hold_for_staff_proposals(world, client_en, values, field, message):
    client_en.force_login(world.kpu_kota_utara)
    response = _propose(client_en, world.building_b, **values)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert Schedule.objects.filter(building=world.building_b).count() == 1


def test_a_building_without_a_pantarlih_cannot_be_scheduled_yet(world, client_en):
    Assignment.objects.filter(pk=world.side["b"]["assignment"].pk).delete()
    client_en.force_login(world.pps_marunda)
    response = _propose(client_en, world.building_b)
    assert b"No pantarlih is assigned" in response.content
    assert Schedule.objects.filter(building=world.building_b).count() == 1


@pytest.mark.parametrize("persona", ["bawaslu_utara", "dinas"])
def test_bawaslu_and_the_housing_office_only_read_schedules(world, client_en, persona):
    client_en.force_login(getattr(world, persona))
    page = client_en.get(reverse("dashboard_building_schedules", args=[world.building_b.pk]))
    assert page.status_code == 200 and page.context["form"] is None
    assert _propose(client_en, world.building_b).status_code == 403


def test_staff_answer_a_managers_posko_proposal(world, client_en, monkeypatch):
    # 1 July 2024: the proposal's day still lies ahead, so it can be answered.
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *a, **k: datetime.date(2024, 7, 1)
    )
    posko = ScheduleFactory(
        building=world.building_b,
        proposed_by=world.manager_b,
        kind="posko",
        date=datetime.date(2024, 7, 5),
    )
    client_en.force_login(world.pps_marunda)
    url = reverse("dashboard_schedule", args=[posko.pk])
    assert client_en.get(url).context["can_answer"] is True
    client_en.post(url, {"action": "confirm", "answer-reply": "Siap."})
    posko.refresh_from_db()
    assert posko.status == "confirmed" and posko.decided_by == world.pps_marunda


def test_staff_do_not_answer_their_own_side_s_proposal(world, client_en):
    own = world.side["b"]["schedule"]  # proposed by the pantarlih: the manager answers it
    client_en.force_login(world.pps_marunda)
    url = reverse("dashboard_schedule", args=[own.pk])
    assert client_en.get(url).context["can_answer"] is False
    assert client_en.post(url, {"action": "confirm"}).status_code == 403


def test_the_agenda_shows_the_week_in_scope_and_moves_by_week(world, client_en):
    client_en.force_login(world.kpu_kota_utara)
    response = client_en.get(reverse("dashboard_agenda"), {"minggu": "2024-06-26"})
    assert response.context["monday"] == datetime.date(2024, 6, 24)
    listed = [s for day, items in response.context["days"] for s in items]
    assert listed == [world.side["b"]["schedule"]]  # building A's is outside Jakarta Utara
    # A proposal of June 2024 nobody answered reads as what it is now (issue 17).
    assert b'<span class="badge expired">Expired</span>' in response.content
    after = client_en.get(reverse("dashboard_agenda"), {"minggu": "2024-07-01"})
    assert [s for day, items in after.context["days"] for s in items] == []
    assert client_en.get(reverse("dashboard_agenda"), {"minggu": "kemarin"}).status_code == 200


def test_scheduling_pages_run_a_fixed_number_of_queries(world, client_en):
    client_en.force_login(world.kpu_kota_utara)
    agenda = reverse("dashboard_agenda") + "?minggu=2024-07-01"
    building = reverse("dashboard_building_schedules", args=[world.building_b.pk])
    before = (_queries(client_en, agenda), _queries(client_en, building))
    for day in range(1, 6):
        ScheduleFactory(
            building=world.building_b,
            proposed_by=world.pps_marunda,
            date=datetime.date(2024, 7, day),
        )
    assert (_queries(client_en, agenda), _queries(client_en, building)) == before
    print(f"queries: agenda {before[0]}, building schedules {before[1]}")


def test_managers_and_pantarlih_do_not_reach_staff_scheduling(world, client_en):
    client_en.force_login(world.manager_b)
    assert client_en.get(reverse("dashboard_agenda")).status_code == 404
    assert _propose(client_en, world.building_b).status_code == 404


def test_staff_cancel_a_coming_schedule_and_readers_cannot(world, client_en, monkeypatch):
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *a, **k: datetime.date(2024, 7, 1)
    )
    coming = ScheduleFactory(
        building=world.building_b, status="confirmed", date=datetime.date(2024, 7, 9)
    )
    url = reverse("dashboard_schedule", args=[coming.pk])
    client_en.force_login(world.bawaslu_utara)
    assert client_en.get(url).context["can_cancel"] is False
    assert client_en.post(url, {"action": "cancel", "cancel-reason": "x"}).status_code == 403
    client_en.force_login(world.pps_marunda)
    assert client_en.get(url).context["can_cancel"] is True
    client_en.post(url, {"action": "cancel", "cancel-reason": "Pantarlih sakit."})
    coming.refresh_from_db()
    assert coming.status == "cancelled" and coming.reply == "Pantarlih sakit."
