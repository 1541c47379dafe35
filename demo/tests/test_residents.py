"""The demo shows issue #20: Kalibata City's public page and posters, two requests, one of
them closed by a visit (seed_demo)."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from accounts.models import User
from demo.data.practice import DEMO_TOKEN, PRACTICE_PERIOD_NAME
from residents.models import PublicLink, VisitRequest
from visits.models import Assignment

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(
            DEBUG=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_kalibata_city_has_its_public_page_and_posters(demo):
    link = PublicLink.objects.get(token=DEMO_TOKEN)
    assert link.building.name == "Kalibata City" and link.retired_at is None

    page = Client().get(f"/warga/{DEMO_TOKEN}/?lang=en")
    assert page.status_code == 200 and page.cookies == {}
    html = page.content.decode()
    assert "Coklit at Kalibata City" in html and "Tower Jasmine" in html

    manager = User.objects.get(email="pengelola.kalibata@demo.coklit.id")
    client = Client()
    client.force_login(manager)
    assert client.get(reverse("residents_poster", args=[link.building_id])).status_code == 200


def test_two_requests_one_closed_by_a_visit(demo):
    requests = {
        r.unit.number: r
        for r in VisitRequest.objects.select_related("unit", "period").filter(
            building__name="Kalibata City"
        )
    }
    assert set(requests) == {"J-0806", "J-0703"}
    assert {r.period.name for r in requests.values()} == {PRACTICE_PERIOD_NAME}
    waiting, visited = requests["J-0806"], requests["J-0703"]
    assert waiting.status == "open" and waiting.best_time == "sore"
    assert visited.status == "visited" and visited.visited_at > visited.created_at
    assert visited.callback_phone == ""  # erased with the visit
    outcome = visited.unit.outcomes.get()
    assert outcome.recorded_at == visited.visited_at and outcome.outcome == "done"
    assert Assignment.objects.filter(
        period=visited.period, pantarlih=outcome.visit.pantarlih, tower=visited.unit.tower
    ).exists()


def test_the_open_request_is_on_rizkys_phone(demo):
    client = Client()
    client.force_login(User.objects.get(email="pantarlih.rizky@demo.coklit.id"))
    client.cookies["django_language"] = "en"
    html = client.get(reverse("field_today")).content.decode()
    assert "Residents asked for a visit" in html and "J-0806" in html and "J-0703" not in html


def test_seeding_again_adds_no_request(demo):
    before = VisitRequest.objects.count(), PublicLink.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert (VisitRequest.objects.count(), PublicLink.objects.count()) == before
