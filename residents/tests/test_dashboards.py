"""'Permintaan warga' for staff (open, visited, median time to a visit; units on the building
page) and for the manager (a count, never a unit)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from buildings.tests.factories import BuildingManagerFactory
from lobby.services import visit_request_submit
from regions.models import Region
from residents.figures import request_figures
from residents.models import VisitRequest

pytestmark = pytest.mark.django_db


def request(day, unit, *, asked_hours_ago, visited_after_hours=None):
    r = visit_request_submit(period=day.period, unit=unit, best_time="sore")
    asked = timezone.now() - datetime.timedelta(hours=asked_hours_ago)
    update = {"created_at": asked, "last_asked_at": asked}
    if visited_after_hours is not None:
        update.update(
            status=VisitRequest.Status.VISITED,
            visited_at=asked + datetime.timedelta(hours=visited_after_hours),
        )
    VisitRequest.objects.filter(pk=r.pk).update(**update)
    return r


@pytest.fixture
def requests(day):
    request(day, day.units[0], asked_hours_ago=30)
    request(day, day.units[1], asked_hours_ago=50, visited_after_hours=2)
    request(day, day.units[2], asked_hours_ago=50, visited_after_hours=6)
    return day


def staff(client, role, code=None):
    user = UserFactory(role=role, region=Region.objects.get(code=code) if code else None)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def test_the_figures_count_open_and_visited_and_take_the_median_wait(requests):
    figures = request_figures(VisitRequest.objects.all())

    assert (figures.open, figures.visited) == (1, 2)
    assert figures.median == datetime.timedelta(hours=4)  # between 2 and 6 hours
    assert figures.median_hours == 4


def test_the_figures_take_the_same_queries_whatever_their_number(requests):
    with CaptureQueriesContext(connection) as few:
        request_figures(VisitRequest.objects.all())
    for unit in requests.units[3:]:
        request(requests, unit, asked_hours_ago=10, visited_after_hours=1)
    with CaptureQueriesContext(connection) as many:
        request_figures(VisitRequest.objects.all())
    assert len(few.captured_queries) == len(many.captured_queries)


@pytest.mark.parametrize(
    "role, code", [("pps", "31.74.08.1003"), ("kpu_kota", "31.74"), ("ppk", "31.74.08")]
)
def test_the_region_page_shows_the_residents_requests(client, requests, role, code):
    staff(client, role, code)
    region = requests.building.kelurahan.code if role == "pps" else code
    html = client.get(reverse("dashboard_region", args=[region])).content.decode()

    section = html[html.index('id="resident-requests"') :].split("</section>", 1)[0]
    assert "<strong>1</strong> open" in section and "<strong>2</strong> visited" in section
    assert "median time to a visit: <strong>4 hours</strong>" in section


def test_another_kota_sees_none_of_them(client, requests):
    staff(client, "kpu_kota", "31.72")
    html = client.get(reverse("dashboard_region", args=["31.72"])).content.decode()
    assert "No resident has asked for a visit in this period." in html


def test_the_building_page_lists_the_open_requests_by_unit(client, requests):
    staff(client, "pps", "31.74.08.1003")
    html = client.get(reverse("dashboard_building", args=[requests.building.pk])).content.decode()

    assert f"{requests.tower.name} · {requests.units[0].number}" in html
    assert requests.units[1].number not in html  # visited: no longer listed
    assert reverse("residents_poster", args=[requests.building.pk]) in html


def test_the_manager_sees_a_count_and_no_unit(client, requests):
    manager = BuildingManagerFactory(building=requests.building).user
    client.force_login(manager)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("portal_home")).content.decode()

    assert "Residents asked for 1 visit still open." in html
    for unit in requests.units[:3]:
        assert unit.number not in html
    assert reverse("residents_poster", args=[requests.building.pk]) in html


def test_the_province_page_keeps_to_its_snapshot(client, requests):
    """DKI as a whole is read from the minute's snapshot; the figures start at the kota."""
    staff(client, "kpu_provinsi")
    html = client.get(reverse("dashboard_region", args=["31"])).content.decode()
    assert 'id="resident-requests"' not in html
