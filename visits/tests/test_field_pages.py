"""Today and the unit grid: what a pantarlih reads, in a fixed number of queries."""

import datetime
import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from buildings.models import Unit
from buildings.tests.factories import BuildingManagerFactory, UnitOccupancyFactory
from visits.models import UnitOutcome, Visit
from visits.services import outcome_record
from visits.tests.factories import ScheduleFactory, VisitFactory, field_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return field_day()


@pytest.fixture
def phone(client, day):
    client.force_login(day.pantarlih)
    client.cookies["django_language"] = "en"
    return client


def queries(client, url):
    client.get(url)  # the first page of a session also saves the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_home_sends_a_pantarlih_to_today(phone):
    response = phone.get(reverse("home"))

    assert response.status_code == 302
    assert response["Location"] == reverse("field_today")


def test_today_shows_access_rules_contact_schedules_and_progress(phone, day):
    building = day.building
    building.access_hours = "Senin–Sabtu 09.00–20.00"
    building.access_requirements = "Kartu petugas dan surat tugas"
    building.access_report_point = "Pos keamanan lobi"
    building.save()
    manager = UserFactory(role="pengelola", full_name="Bu Siti", phone="+6281234567890")
    BuildingManagerFactory(building=building, user=manager, is_primary=True)
    today = timezone.localdate()
    ScheduleFactory(period=day.period, building=building, date=today, status="confirmed")
    ScheduleFactory(
        period=day.period,
        building=building,
        kind="posko",
        date=today + datetime.timedelta(days=3),
        status="confirmed",
    )
    Unit.objects.filter(pk=day.units[0].pk).update(status="done")

    page = phone.get(reverse("field_today")).content.decode()

    for text in (
        building.name,
        "Senin–Sabtu 09.00–20.00",
        "Kartu petugas dan surat tugas",
        "Pos keamanan lobi",
        "Bu Siti",
        'href="tel:+6281234567890"',
        'href="https://wa.me/6281234567890"',
        "1 of 10 units closed",
        "Door-to-door visit",
        "Posko days",
        "Continue visit",
    ):
        assert text in page, text


def test_today_falls_back_to_the_buildings_contact_on_duty(phone, day):
    day.building.contact_name = "Pak Budi"
    day.building.contact_phone = "+6285712345678"
    day.building.save()

    page = phone.get(reverse("field_today")).content.decode()

    assert "Pak Budi" in page and 'href="https://wa.me/6285712345678"' in page


def test_today_prefers_the_buildings_contact_on_duty_to_the_primary_manager(phone, day):
    manager = UserFactory(role="pengelola", full_name="Bu Siti", phone="+6281234567890")
    BuildingManagerFactory(building=day.building, user=manager, is_primary=True)
    day.building.contact_name = "Pak Budi"
    day.building.contact_phone = "+6285712345678"
    day.building.save()

    page = phone.get(reverse("field_today")).content.decode()

    assert "Pak Budi" in page and 'href="https://wa.me/6285712345678"' in page
    assert "+6281234567890" not in page


def test_today_says_when_the_period_is_not_open(phone, day):
    day.period.starts_on = timezone.localdate() + datetime.timedelta(days=3)
    day.period.save()

    page = phone.get(reverse("field_today")).content.decode()

    assert "is not open today" in page
    assert "Start visit" not in page


def test_today_runs_the_same_queries_for_one_building_or_many(phone, day):
    small = queries(phone, reverse("field_today"))
    for _ in range(3):
        more = field_day(pantarlih=day.pantarlih, period=day.period)
        ScheduleFactory(period=day.period, building=more.building, date=timezone.localdate())
    assert queries(phone, reverse("field_today")) == small


def test_grid_shows_floors_units_status_hint_and_flags(phone, day):
    first, second = day.units[0], day.units[1]
    UnitOccupancyFactory(unit=day.units[2], status="vacant")
    for minutes in (10, 5):
        outcome_record(
            visit=day.visit,
            unit=first,
            outcome="refused",
            recorded_at=timezone.now() - datetime.timedelta(minutes=minutes),
        )
    outcome_record(visit=day.visit, unit=second, outcome="done", recorded_at=timezone.now())

    page = phone.get(reverse("field_grid", args=[day.tower.pk])).content.decode()

    assert "Floor 1" in page and "Floor 2" in page
    assert f'class="u s-refused flag" data-u="{first.pk}"' in page
    assert f'class="u s-done" data-u="{second.pk}"' in page
    assert "vacant?" in page
    assert "1 of 10 closed" in page


def test_the_revisit_filter_lists_open_units_only(phone, day):
    outcome_record(
        visit=day.visit, unit=day.units[0], outcome="not_home", recorded_at=timezone.now()
    )
    outcome_record(visit=day.visit, unit=day.units[1], outcome="done", recorded_at=timezone.now())

    page = phone.get(reverse("field_grid", args=[day.tower.pk]) + "?show=revisit").content.decode()

    assert f'data-u="{day.units[0].pk}"' in page
    assert f'data-u="{day.units[1].pk}"' not in page
    assert f'data-u="{day.units[2].pk}"' not in page


def test_grid_runs_the_same_queries_for_ten_units_or_eight_hundred(phone, day):
    small = queries(phone, reverse("field_grid", args=[day.tower.pk]))
    big = field_day(floors=40, units_per_floor=20, pantarlih=day.pantarlih, period=day.period)
    for unit in big.units[:50]:
        UnitOccupancyFactory(unit=unit)
        outcome_record(visit=big.visit, unit=unit, outcome="refused", recorded_at=timezone.now())
    assert queries(phone, reverse("field_grid", args=[big.tower.pk])) == small


def test_grid_reads_without_javascript_every_unit_is_a_link(phone, day):
    page = phone.get(reverse("field_grid", args=[day.tower.pk])).content.decode()

    for unit in day.units:
        assert f'href="{reverse("field_unit", args=[unit.pk])}"' in page


def test_recording_a_unit_by_form_post_stores_it_once(phone, day):
    url = reverse("field_unit", args=[day.units[0].pk])
    shown_at = timezone.localtime().strftime("%Y-%m-%d %H:%M:%S")
    form = {
        "outcome": "done",
        "voters_verified": "2",
        "sticker": "placed",
        "client_uuid": uuid.uuid4(),
        "recorded_at": shown_at,
    }

    first = phone.post(url, form)
    again = phone.post(url, form)

    assert first.status_code == again.status_code == 302
    stored = UnitOutcome.objects.get()
    assert (stored.outcome, stored.voters_verified, stored.sticker) == ("done", 2, "placed")


def test_a_unit_form_with_a_bad_count_names_the_field_and_stores_nothing(phone, day):
    url = reverse("field_unit", args=[day.units[0].pk])
    response = phone.post(
        url, {"outcome": "done", "voters_verified": "-3", "client_uuid": uuid.uuid4()}
    )

    assert response.status_code == 400
    assert "greater than or equal to 0" in response.content.decode()
    assert not UnitOutcome.objects.exists()


def test_recording_without_an_open_visit_asks_to_start_one(phone, day):
    Visit.objects.filter(pk=day.visit.pk).update(ended_at=timezone.now())
    url = reverse("field_unit", args=[day.units[0].pk])

    response = phone.post(url, {"outcome": "done", "client_uuid": uuid.uuid4()})

    assert response["Location"] == reverse("field_visit_start", args=[day.tower.pk])
    assert not UnitOutcome.objects.exists()


def test_marking_a_floor_records_every_unit_not_visited_yet_once(phone, day):
    outcome_record(visit=day.visit, unit=day.units[0], outcome="done", recorded_at=timezone.now())
    url = reverse("field_floor", args=[day.tower.pk])
    form = {"floor": 1, "outcome": "vacant", "client_uuid": uuid.uuid4()}

    phone.post(url, form)
    phone.post(url, form)

    floor_one = Unit.objects.filter(tower=day.tower, floor=1)
    assert sorted(floor_one.values_list("status", flat=True)) == ["done"] + ["vacant"] * 4
    assert UnitOutcome.objects.filter(outcome="vacant").count() == 4
    assert not Unit.objects.filter(tower=day.tower, floor=2).exclude(status="unvisited").exists()


def test_marking_a_floor_without_choosing_an_outcome_is_refused_naming_the_field(phone, day):
    url = reverse("field_floor", args=[day.tower.pk])
    grid = phone.get(reverse("field_grid", args=[day.tower.pk])).content.decode()
    assert '<option value="" selected>Choose an outcome</option>' in grid

    response = phone.post(
        url, {"floor": 1, "outcome": "", "client_uuid": uuid.uuid4()}, follow=True
    )

    assert (
        "Outcome for every unit not visited yet: This field is required."
        in response.content.decode()
    )
    assert not UnitOutcome.objects.exists()


def test_a_whole_floor_cannot_be_marked_coklit_done(phone, day):
    """ "Done" needs each unit's voters and sticker: a floor at once would store them blank."""
    grid = phone.get(reverse("field_grid", args=[day.tower.pk])).content.decode()
    floor_form = grid[grid.index('id="floor-form"') :]
    assert '<option value="done"' not in floor_form[: floor_form.index("</form>")]

    phone.post(
        reverse("field_floor", args=[day.tower.pk]),
        {"floor": 1, "outcome": "done", "client_uuid": uuid.uuid4()},
    )

    assert not UnitOutcome.objects.exists()


def test_coklit_done_by_form_post_needs_the_voters_and_the_sticker(phone, day):
    url = reverse("field_unit", args=[day.units[0].pk])

    response = phone.post(url, {"outcome": "done", "client_uuid": uuid.uuid4()})

    page = response.content.decode()
    assert response.status_code == 400
    assert "say whether the sticker was placed" in page
    assert "enter the number of voters verified (0 if none)" in page
    assert not UnitOutcome.objects.exists()
    # Nothing is chosen for the officer: no sticker radio comes checked.
    stickers = re.findall(r'<input type="radio" name="sticker"[^>]*>', page)
    assert len(stickers) == 3 and not any("checked" in tag for tag in stickers)


def test_a_field_page_tells_the_phone_whose_queue_and_what_time_it_is(phone, day):
    from visits.views.field import offline_owner

    before = timezone.now().timestamp() * 1000
    page = phone.get(reverse("field_grid", args=[day.tower.pk])).content.decode()

    assert f'data-owner="{offline_owner(day.pantarlih)}"' in page
    now = int(page.split('data-now="')[1].split('"')[0])
    assert before - 1000 <= now <= timezone.now().timestamp() * 1000 + 1000
    login = reverse("account_login")
    assert f'data-login="{login}?next=%2Flapangan%2Ftower%2F{day.tower.pk}%2F"' in page


def test_other_roles_find_no_field_pages(client, day):
    staff = UserFactory(role="kpu_provinsi")
    client.force_login(staff)

    assert client.get(reverse("field_grid", args=[day.tower.pk])).status_code == 404
    assert client.get(reverse("field_today")).status_code == 302


def test_another_pantarlih_cannot_end_my_visit(client, day):
    other = field_day()
    VisitFactory(period=day.period, pantarlih=other.pantarlih, building=day.building)
    client.force_login(other.pantarlih)

    assert client.post(reverse("field_visit_end", args=[day.visit.pk])).status_code == 404
