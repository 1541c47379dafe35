"""The "Besok" page: at 21:00 the night before, what tomorrow holds in the user's area and what
still needs someone to act — in the user's scope only, in a fixed number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
from accounts.tests.factories import UserFactory
from buildings.models import Building, BuildingManager
from buildings.tests.factories import (
    BuildingFactory,
    BuildingManagerFactory,
    TowerFactory,
    kelurahan,
)
from visits.models import Assignment, Schedule
from visits.tests.factories import AssignmentFactory, ScheduleFactory

pytestmark = pytest.mark.django_db

# Replayed: "today" is 1 July 2024, so tomorrow is 2 July, inside the 2024 window.
TODAY, TOMORROW = datetime.date(2024, 7, 1), datetime.date(2024, 7, 2)
URL = reverse("dashboard_tomorrow")


@pytest.fixture
def client_en(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def on_july_first(monkeypatch):
    """Today is 1 July 2024 in Jakarta (for the page and the schedule rules alike)."""
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)


def _page(client, user, **query):
    client.force_login(user)
    response = client.get(URL, query)
    assert response.status_code == 200
    return response


def _reachable(building, phone="+6281234500001"):
    Building.objects.filter(pk=building.pk).update(contact_name="Satpam Lobi", contact_phone=phone)


def test_tomorrow_is_the_day_after_today_in_jakarta(world, client_en, monkeypatch):
    # 18:30 UTC on 1 July is 01:30 on 2 July in Jakarta: tomorrow is 3 July.
    moment = datetime.datetime(2024, 7, 1, 18, 30, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    found = _page(client_en, world.kpu_kota_selatan).context["found"]
    assert found.day == datetime.date(2024, 7, 3)
    replay = _page(client_en, world.kpu_kota_selatan, tanggal="2024-06-25").context["found"]
    assert replay.day == datetime.date(2024, 6, 26)


def test_unanswered_proposals_come_first_with_who_proposed_and_who_answers(
    world, client_en, on_july_first
):
    _reachable(world.building_a)
    confirmed = ScheduleFactory(building=world.building_a, date=TOMORROW, status="confirmed",
                                start=datetime.time(8), end=datetime.time(9),
                                proposed_by=world.kpu_kota_selatan)  # fmt: skip
    proposal = ScheduleFactory(building=world.building_a, date=TOMORROW, kind="posko",
                               start=datetime.time(13), end=datetime.time(16),
                               proposed_by=world.kpu_kota_selatan)  # fmt: skip
    ScheduleFactory(building=world.building_a, date=TOMORROW + datetime.timedelta(days=1))
    response = _page(client_en, world.kpu_kota_selatan)
    found = response.context["found"]
    assert [r.schedule for r in found.waiting] == [proposal]
    assert [r.schedule for r in found.confirmed] == [confirmed]
    html = response.content.decode()
    assert html.index(f'data-schedule="{proposal.pk}"') < html.index(
        f'data-schedule="{confirmed.pk}"'
    )
    row = html[html.index(f'data-schedule="{proposal.pk}"') :].split("</tr>")[0]
    assert escape(world.kpu_kota_selatan.full_name) in row and "The building's manager" in row
    assert 'href="tel:+6281234500001"' in row and "https://wa.me/6281234500001?text=" in row
    assert reverse("dashboard_schedule", args=[proposal.pk]) in row
    assert 'value="confirm"' not in row  # the manager answers it, not the KPU side


def test_confirmed_rows_name_the_pantarlih_who_cover_the_tower(world, client_en, on_july_first):
    other_tower = TowerFactory(building=world.building_a, name="Z")
    at_a = ScheduleFactory(building=world.building_a, tower=world.tower_a, date=TOMORROW,
                           status="confirmed")  # fmt: skip
    at_z = ScheduleFactory(building=world.building_a, tower=other_tower, date=TOMORROW,
                           status="confirmed", start=datetime.time(14), end=datetime.time(15))  # fmt: skip
    Assignment.objects.filter(pk=world.side["a"]["assignment"].pk).update(tower=world.tower_a)
    found = _page(client_en, world.kpu_kota_selatan).context["found"]
    rows = {r.schedule: [c.name for c in r.pantarlih] for r in found.confirmed}
    assert rows == {at_a: [world.pantarlih_a.full_name], at_z: []}
    assert [t.name for t in found.towers_tomorrow] == ["Z"]


def test_a_managers_proposal_is_confirmed_from_the_page_by_kpu_and_only_read_by_bawaslu(
    world, client_en, on_july_first
):
    posko = ScheduleFactory(building=world.building_b, date=TOMORROW, kind="posko",
                            proposed_by=world.manager_b)  # fmt: skip
    for reader in (world.bawaslu_utara, world.dinas):
        found = _page(client_en, reader).context["found"]
        assert [r.schedule for r in found.waiting] == [posko]
        assert found.waiting[0].may_confirm is False
        assert b'value="confirm"' not in _page(client_en, reader).content
    response = _page(client_en, world.kpu_kota_utara)
    assert response.context["found"].waiting[0].may_confirm is True
    action = reverse("dashboard_schedule", args=[posko.pk])
    assert f'action="{action}"'.encode() in response.content
    # The button posts to the schedule page's own answer (no second copy of it).
    assert client_en.post(action, {"action": "confirm"}).status_code == 302
    posko.refresh_from_db()
    assert posko.status == "confirmed" and posko.decided_by == world.kpu_kota_utara


def test_another_kotas_kpu_sees_none_of_these_rows(world, client_en, on_july_first):
    ScheduleFactory(building=world.building_a, date=TOMORROW)
    ScheduleFactory(building=world.building_a, date=TOMORROW, status="confirmed",
                    start=datetime.time(13), end=datetime.time(14))  # fmt: skip
    TowerFactory(building=world.building_a, name="Tanpa Pantarlih")
    response = _page(client_en, world.kpu_kota_utara)
    found = response.context["found"]
    buildings = {r.schedule.building for r in found.waiting + found.confirmed}
    buildings |= {t.building for t in found.towers_tomorrow}
    buildings |= set(found.no_contact)
    assert world.building_a not in buildings and not found.towers_elsewhere_count
    assert world.building_a.name.encode() not in response.content
    assert world.building_b in found.no_contact  # the other side is there


@pytest.mark.parametrize(
    "persona, outside",
    [("kpu_kota_selatan", "31.72"), ("kpu_kota_utara", "31.74.08.1003"),
     ("ppk_pancoran", "31.74.01"), ("pps_marunda", "31.72.04.1001"),
     ("bawaslu_utara", "31"), ("ppk_pancoran", "31")],
)  # fmt: skip
def test_a_region_outside_the_scope_is_not_found(world, client, persona, outside):
    client.force_login(getattr(world, persona))
    assert client.get(URL, {"wilayah": outside}).status_code == 404


@pytest.mark.parametrize("persona", ["manager_a", "pantarlih_a"])
def test_managers_and_pantarlih_do_not_reach_the_page(world, client, persona):
    client.force_login(getattr(world, persona))
    assert client.get(URL).status_code == 404


def test_the_visitor_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/akun/login/")


def test_a_smaller_area_inside_the_scope_narrows_the_rows(world, client_en, on_july_first):
    elsewhere = BuildingFactory(name="Gedung Tebet", kelurahan=kelurahan("31.74.01.1001"))
    found = _page(client_en, world.kpu_kota_selatan, wilayah="31.74.08").context["found"]
    assert world.building_a in found.no_contact and elsewhere not in found.no_contact
    whole = _page(client_en, world.kpu_kota_selatan).context["found"]
    assert {world.building_a, elsewhere} <= set(whole.no_contact)


@pytest.mark.parametrize(
    "query",
    [{"wilayah": "31.74.99"}, {"wilayah": "kota"}, {"wilayah": "31.74'--"},
     {"tanggal": "2024-02-30"}, {"tanggal": "9999-12-31"}, {"tanggal": "besok"},
     {"tanggal": "0001-01-01"}],
)  # fmt: skip
def test_a_bad_region_or_date_says_so_and_shows_the_whole_area(world, client_en, query):
    response = _page(client_en, world.kpu_kota_selatan, **query)
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert response.context["code"] == "31.74"


def test_towers_without_pantarlih_tomorrow_first_then_a_count_of_the_rest(
    world, client_en, on_july_first
):
    # Building A: tower A covered by name; tower N has a schedule tomorrow and no one.
    Assignment.objects.filter(pk=world.side["a"]["assignment"].pk).update(tower=world.tower_a)
    bare = TowerFactory(building=world.building_a, name="N")
    ScheduleFactory(building=world.building_a, tower=bare, date=TOMORROW)
    # A whole-building assignment covers every tower of building C; building D has nobody.
    c, d = BuildingFactory(name="Gedung C"), BuildingFactory(name="Gedung D")
    TowerFactory(building=c, name="C1")
    AssignmentFactory(building=c, pantarlih=UserFactory(role="pantarlih"))
    idle = [TowerFactory(building=d, name=f"D{i}") for i in range(3)]
    # An inactive pantarlih covers no one.
    gone = AssignmentFactory(building=d, tower=idle[0], pantarlih=UserFactory(is_active=False))
    found = _page(client_en, world.kpu_kota_selatan).context["found"]
    assert [(t.building, t.name) for t in found.towers_tomorrow] == [(world.building_a, "N")]
    assert found.towers_elsewhere_count == 3
    assert found.towers_elsewhere == [("31.74.08.1003", "Rawajati", 3)]
    gone.pantarlih.is_active = True
    gone.pantarlih.save()
    assert _page(client_en, world.kpu_kota_selatan).context["found"].towers_elsewhere_count == 2


def test_buildings_without_a_contact_with_tomorrows_first(world, client_en, on_july_first):
    # building A: no contact phone, a manager without a phone (not primary): no contact.
    on_duty = BuildingFactory(name="Aa Punya Satpam", contact_phone="+6281234500002")
    by_manager = BuildingFactory(name="Ab Punya Pengelola")
    BuildingManagerFactory(building=by_manager, is_primary=True,
                           user=UserFactory(role="pengelola", phone="+6281234500003"))  # fmt: skip
    silent_primary = BuildingFactory(name="Ac Pengelola Tanpa Telepon")
    BuildingManagerFactory(building=silent_primary, is_primary=True,
                           user=UserFactory(role="pengelola"))  # fmt: skip
    BuildingFactory(name="Ad Tidak Aktif", active=False)
    ScheduleFactory(building=world.building_a, date=TOMORROW)
    found = _page(client_en, world.kpu_kota_selatan).context["found"]
    assert found.no_contact == [world.building_a, silent_primary]  # tomorrow's first
    assert found.no_contact_count == 2
    assert on_duty not in found.no_contact and by_manager not in found.no_contact


def test_the_page_runs_a_fixed_number_of_queries(world, client_en, on_july_first):
    def queries():
        client_en.force_login(world.kpu_kota_selatan)
        with CaptureQueriesContext(connection) as captured:
            assert client_en.get(URL).status_code == 200
        return len(captured)

    # Something in every list from the start (an empty list saves its query).
    ScheduleFactory(building=world.building_a, date=TOMORROW, proposed_by=world.manager_a)
    TowerFactory(building=BuildingFactory(name="Gedung Awal"), name="Tanpa Pantarlih")
    ScheduleFactory(building=world.building_a, date=TOMORROW, status="confirmed",
                    start=datetime.time(13), end=datetime.time(14))  # fmt: skip
    before = queries()
    for i in range(6):
        building = BuildingFactory(name=f"Gedung Tambahan {i}")
        towers = [TowerFactory(building=building, name=f"T{k}") for k in range(3)]
        manager = BuildingManagerFactory(building=building, is_primary=True,
                                         user=UserFactory(role="pengelola", phone=""))  # fmt: skip
        AssignmentFactory(building=building, tower=towers[0])
        ScheduleFactory(building=building, tower=towers[i % 3], date=TOMORROW,
                        proposed_by=manager.user if i % 2 else world.kpu_kota_selatan,
                        status="proposed" if i < 3 else "confirmed")  # fmt: skip
        ScheduleFactory(building=building, date=TOMORROW, status="cancelled",
                        start=datetime.time(14), end=datetime.time(15))  # fmt: skip
    after = queries()
    found = client_en.get(URL).context["found"]
    assert len(found.waiting) == 4 and len(found.confirmed) == 4 and found.towers_tomorrow
    assert after == before
    print(f"queries: tomorrow page {before}")


def test_the_region_page_links_to_tomorrow_for_its_area(world, client_en):
    client_en.force_login(world.ppk_pancoran)
    response = client_en.get(reverse("dashboard_region", args=["31.74.08"]), {"tanggal": TODAY})
    assert f'{URL}?wilayah=31.74.08&amp;tanggal=2024-07-01"'.encode() in response.content


def test_the_building_page_shows_who_to_call(world, client_en):
    _reachable(world.building_a, phone="+6281234500009")
    BuildingManager.objects.filter(building=world.building_a).update(
        position="Building Manager", is_primary=True
    )
    User.objects.filter(pk=world.manager_a.pk).update(phone="+6281311112222")
    client_en.force_login(world.kpu_kota_selatan)
    html = client_en.get(reverse("dashboard_building", args=[world.building_a.pk])).content
    html = html.decode()
    assert "Satpam Lobi" in html and 'href="tel:+6281234500009"' in html
    assert 'href="https://wa.me/6281234500009"' in html
    assert escape(world.manager_a.full_name) in html and "Building Manager" in html
    assert 'href="tel:+6281311112222"' in html and "https://wa.me/6281311112222" in html
    # Without the contact on duty's phone, the primary manager is the one to call.
    Building.objects.filter(pk=world.building_a.pk).update(contact_phone="", contact_name="")
    html = client_en.get(reverse("dashboard_building", args=[world.building_a.pk])).content
    assert b'class="button" href="tel:+6281311112222"' in html


def test_the_building_page_says_when_nobody_can_be_called(world, client_en):
    client_en.force_login(world.kpu_kota_selatan)
    html = client_en.get(reverse("dashboard_building", args=[world.building_a.pk])).content
    assert b"nobody to call" in html


def test_called_off_schedules_are_listed_apart(world, client_en, on_july_first):
    declined = ScheduleFactory(building=world.building_a, date=TOMORROW, status="declined",
                               reply="Lift sedang diperbaiki.")  # fmt: skip
    found = _page(client_en, world.kpu_kota_selatan).context["found"]
    assert [r.schedule for r in found.called_off] == [declined]
    assert not found.waiting and not found.confirmed and not found.towers_tomorrow
    assert Schedule.objects.filter(pk=declined.pk, status="declined").exists()


def test_long_lists_show_their_first_rows_and_the_total(
    world, client_en, on_july_first, monkeypatch
):
    monkeypatch.setattr("dashboard.tomorrow.LISTED", 2)
    for hour in (8, 10, 12):
        ScheduleFactory(building=world.building_a, date=TOMORROW, start=datetime.time(hour),
                        end=datetime.time(hour + 1))  # fmt: skip
    response = _page(client_en, world.kpu_kota_selatan)
    found = response.context["found"]
    assert len(found.waiting) == 2 and found.waiting_count == 3
    assert [r.schedule.start.hour for r in found.waiting] == [8, 10]
    assert b"The first 2 of 3 are listed" in response.content
    assert b"<strong>3</strong> proposals unanswered" in response.content
