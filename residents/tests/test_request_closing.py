"""Recording an outcome for a unit closes its resident's request (visits.services), in one
statement for a whole batch; the callback number goes with it."""

import datetime
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lobby.services import visit_request_submit
from residents.models import VisitRequest

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, day):
    client.force_login(day.pantarlih)
    return client


def asked(day, unit, *, hours_ago=2, phone=""):
    return visit_request_submit(
        period=day.period,
        unit=unit,
        best_time="sore",
        callback_phone=phone,
        now=timezone.now() - datetime.timedelta(hours=hours_ago),
    )


def item(day, unit, outcome="not_home", at=None):
    at = at or timezone.now() - datetime.timedelta(minutes=5)
    return {"client_uuid": str(uuid.uuid4()), "visit": str(day.visit.client_uuid),
            "unit": unit.pk, "outcome": outcome, "voters_verified": 0, "voters_removed": 0,
            "voters_new": 0, "sticker": "", "recorded_at": at.isoformat()}  # fmt: skip


def send(client, items):
    response = client.post(
        reverse("field_sync"), {"outcomes": items}, content_type="application/json"
    )
    assert response.status_code == 200, response.content
    assert {r["status"] for r in response.json()["results"]} == {"stored"}
    return response


def test_an_outcome_from_the_phone_closes_the_request_and_erases_the_number(officer, day):
    unit = day.units[0]
    asked(day, unit, phone="+6281234567890")
    at = timezone.now() - datetime.timedelta(minutes=3)
    send(officer, [item(day, unit, at=at)])  # nobody home: a visit all the same

    request = VisitRequest.objects.get()
    assert request.status == VisitRequest.Status.VISITED
    assert abs(request.visited_at - at) < datetime.timedelta(milliseconds=1)
    assert request.callback_phone == ""
    grid = officer.get(reverse("field_grid", args=[day.tower.pk])).content.decode()
    assert 'class="rq" title' not in grid


def test_a_request_asked_after_the_officer_came_stays_open(officer, day):
    """A phone that was offline uploads a visit recorded before the resident asked."""
    unit = day.units[1]
    asked(day, unit, hours_ago=1)
    send(officer, [item(day, unit, at=timezone.now() - datetime.timedelta(hours=2))])

    assert VisitRequest.objects.get().status == VisitRequest.Status.OPEN


def test_a_batch_closes_each_unit_with_its_own_time_in_one_statement(officer, day):
    units = day.units[:6]
    send(officer, [item(day, day.units[9])])  # the first request of a session also saves it
    asked(day, day.units[6])
    with CaptureQueriesContext(connection) as one_request:
        send(officer, [item(day, u) for u in day.units[6:9]])
    for unit in units:
        asked(day, unit)
    now = timezone.now()
    times = {u.pk: now - datetime.timedelta(minutes=10 + n) for n, u in enumerate(units[:3])}
    with CaptureQueriesContext(connection) as three_requests:
        send(officer, [item(day, u, at=times[u.pk]) for u in units[:3]])

    # Three requests closed cost what one did: not a statement per request.
    assert len(three_requests.captured_queries) == len(one_request.captured_queries)
    closed = dict(
        VisitRequest.objects.filter(status="visited").exclude(unit=day.units[6])
        .values_list("unit_id", "visited_at")
    )  # fmt: skip
    assert set(closed) == set(times)
    for pk, at in closed.items():
        assert abs(at - times[pk]) < datetime.timedelta(milliseconds=1)
    assert VisitRequest.objects.filter(status="open").count() == 3


def test_marking_a_floor_closes_the_requests_on_it(officer, day):
    for unit in day.units:
        asked(day, unit)
    floor = day.units[0].floor
    response = officer.post(
        reverse("field_floor", args=[day.tower.pk]),
        {"floor": floor, "outcome": "not_home", "client_uuid": str(uuid.uuid4())},
    )
    assert response.status_code == 302
    closed = VisitRequest.objects.filter(status="visited")
    assert {r.unit.floor for r in closed} == {floor}
    assert closed.count() == sum(u.floor == floor for u in day.units)


def test_a_new_request_after_a_visit_opens_a_new_row(officer, day, resident):
    from lobby.tests.helpers import ask

    unit = day.units[2]
    asked(day, unit)
    send(officer, [item(day, unit)])
    assert ask(resident, day, unit).status_code == 302
    assert list(VisitRequest.objects.order_by("pk").values_list("status", flat=True)) == [
        "visited",
        "open",
    ]
