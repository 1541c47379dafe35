"""The manager portal's pages: who may open them, what the home shows, and that every page
runs the same number of queries for a small building as for a 30-floor × 20-unit tower or
three towers."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role
from accounts.tests.factories import UserFactory
from buildings.models import Unit
from buildings.tests.factories import (
    BuildingFactory,
    BuildingManagerFactory,
    TowerFactory,
    UnitFactory,
    UnitOccupancyFactory,
)
from buildings.unit_generator import units_generate
from visits.tests.factories import AccessIssueFactory, ScheduleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


def _manager_with_building(**building):
    manager = UserFactory(role=Role.PENGELOLA)
    building = BuildingFactory(**building)
    BuildingManagerFactory(user=manager, building=building)
    return manager, building


def _page_urls(building):
    tower = building.towers.order_by("pk").first()
    schedule = building.schedules.order_by("pk").first()
    return [
        reverse("portal_home"),
        reverse("portal_building", args=[building.pk]),
        reverse("portal_building_edit", args=[building.pk]),
        reverse("portal_tower_add", args=[building.pk]),
        reverse("portal_occupancy_upload", args=[building.pk]),
        reverse("portal_schedules", args=[building.pk]),
        reverse("portal_issues", args=[building.pk]),
        reverse("portal_tower", args=[tower.pk]),
        reverse("portal_floor", args=[tower.pk, 1]),
        reverse("portal_schedule", args=[schedule.pk]),
    ]


def _fill(building, towers: int, floors: int, per_floor: int):
    for n in range(towers):
        tower = TowerFactory(building=building, name=f"T{n + 1}", floors=floors)
        units_generate(
            tower=tower, units_per_floor=per_floor, number_format="{floor:02d}{unit:02d}"
        )
        # Some coverage, some occupancy, on every floor size alike.
        Unit.objects.filter(tower=tower, number__endswith="01").update(status=Unit.Status.DONE)
        for unit in Unit.objects.filter(tower=tower, floor=1)[:3]:
            UnitOccupancyFactory(unit=unit)
    pps = UserFactory(role=Role.PPS)
    for day in (26, 27, 28):
        ScheduleFactory(building=building, proposed_by=pps, date=datetime.date(2024, 6, day))
    issue = AccessIssueFactory(building=building, raised_by=pps)
    from visits.access import access_issue_reply

    for _ in range(3):
        access_issue_reply(issue=issue, manager=pps, note="Sudah kami sampaikan ke keamanan.")


def _counts(client, urls):
    counts = {}
    for url in urls:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url.split("/")[2] if url.count("/") > 2 else "home"] = len(queries)
    return counts


def test_every_page_runs_the_same_queries_for_a_small_and_a_big_building(client):
    small_manager, small = _manager_with_building(name="Kecil")
    _fill(small, towers=1, floors=2, per_floor=2)
    big_manager, big = _manager_with_building(name="Besar")
    _fill(big, towers=1, floors=30, per_floor=20)
    three_manager, three = _manager_with_building(name="Tiga Tower")
    _fill(three, towers=3, floors=30, per_floor=20)

    measured = []
    for manager, building in ((small_manager, small), (big_manager, big), (three_manager, three)):
        client.force_login(manager)
        urls = _page_urls(building)
        measured.append([len(_query_list(client, url)) for url in urls])
    assert measured[0] == measured[1] == measured[2], measured
    print(
        "portal queries per page:",
        dict(zip([u for u in _page_urls(small)], measured[0], strict=True)),
    )


def _query_list(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return queries.captured_queries


def test_only_managers_open_the_portal(client):
    for role in (Role.KPU_PROVINSI, Role.PPS, Role.PANTARLIH, Role.DINAS):
        client.force_login(UserFactory(role=role, is_superuser=False))
        assert client.get(reverse("portal_home")).status_code == 404, role


def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = client.get(reverse("portal_home"))
    assert response.status_code == 302 and response["Location"].startswith("/akun/login/")


def _today_is(monkeypatch, day: datetime.date):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)


def test_home_shows_the_managers_buildings_and_the_next_thing_to_do(english, monkeypatch):
    _today_is(monkeypatch, datetime.date(2024, 7, 1))
    manager, building = _manager_with_building(name="Kalibata Uji")
    _other_manager, other = _manager_with_building(name="Gedung Lain")
    tower = TowerFactory(building=building, name="Jasmine")
    UnitFactory(tower=tower, number="J-0101", status=Unit.Status.DONE)
    UnitFactory(tower=tower, number="J-0102")
    UnitFactory(tower=tower, number="J-0103", residential=False)
    pps = UserFactory(role=Role.PPS, full_name="Pak PPS")
    ScheduleFactory(building=building, proposed_by=pps, date=datetime.date(2024, 7, 2))
    english.force_login(manager)

    page = english.get(reverse("portal_home")).content.decode()

    assert "Kalibata Uji" in page and "Gedung Lain" not in page
    assert 'href="/cek/"' in page and "Check an officer's card" in page
    assert "Answer the proposal" in page  # a waiting proposal comes first
    assert "1 / 2" in page  # one of the two dwellings closed; the shop does not count
    assert "Profile 20% complete" in page  # towers with units: one of five steps


def test_home_counts_every_waiting_proposal_and_open_issue_not_only_those_listed(
    english, monkeypatch
):
    _today_is(monkeypatch, datetime.date(2024, 6, 24))
    manager, building = _manager_with_building()
    pps = UserFactory(role=Role.PPS)
    ScheduleFactory(building=building, proposed_by=pps)
    AccessIssueFactory(building=building, raised_by=pps)
    english.force_login(manager)
    with CaptureQueriesContext(connection) as one_each:
        english.get(reverse("portal_home"))
    for day in range(1, 25):
        ScheduleFactory(building=building, proposed_by=pps, date=datetime.date(2024, 7, day))
        AccessIssueFactory(building=building, raised_by=pps)

    with CaptureQueriesContext(connection) as many:
        page = english.get(reverse("portal_home")).content.decode()

    assert "Proposals waiting for your answer (25)" in page  # 20 listed
    assert "Open access issues (25)" in page
    assert len(many) == len(one_each)


def test_a_proposal_whose_date_has_passed_waits_for_nobody(english, monkeypatch):
    _today_is(monkeypatch, datetime.date(2024, 7, 3))
    manager, building = _manager_with_building()
    pps = UserFactory(role=Role.PPS)
    stale = ScheduleFactory(building=building, proposed_by=pps, date=datetime.date(2024, 6, 29))
    later = ScheduleFactory(building=building, proposed_by=pps, date=datetime.date(2024, 7, 9))
    nearest = ScheduleFactory(building=building, proposed_by=pps, date=datetime.date(2024, 7, 3))
    english.force_login(manager)

    home = english.get(reverse("portal_home"))
    assert home.context["waiting"] == [nearest, later] and home.context["waiting_count"] == 2
    assert home.context["next_step"] == ("schedule", nearest)
    page = english.get(reverse("portal_schedules", args=[building.pk]))
    assert stale not in page.context["waiting"] and len(page.context["waiting"]) == 2


def test_home_checklist_leads_to_the_profile_when_nothing_waits(english):
    manager, building = _manager_with_building()
    english.force_login(manager)
    page = english.get(reverse("portal_home")).content.decode()
    assert "Profile 0% complete" in page
    assert reverse("portal_building_edit", args=[building.pk]) in page


def test_demo_managers_open_every_portal_page(client, english):
    from visits.demo import demo_seed

    demo_seed()
    from accounts.models import User

    for email in ("pengelola.kalibata@demo.coklit.id", "pengelola.marunda@demo.coklit.id"):
        manager = User.objects.get(email=email)
        english.force_login(manager)
        building = manager.managed_buildings.get().building
        for url in _page_urls(building):
            if "/lantai/" in url:
                floor = building.towers.order_by("pk").first().units.order_by("floor").first()
                url = reverse("portal_floor", args=[floor.tower_id, floor.floor])
            assert english.get(url).status_code == 200, (email, url)
    english.force_login(User.objects.get(email="pengelola.kalibata@demo.coklit.id"))
    page = english.get(reverse("portal_home")).content.decode()
    assert "Kalibata City" in page and "Posko day" in page
