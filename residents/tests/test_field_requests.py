"""Where a resident's request goes on the pantarlih's phone: today's page, the unit's tile on
the grid and the unit page; the grid's queries do not grow with the requests."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from buildings.tests.factories import TowerFactory, UnitFactory
from lobby.services import visit_request_submit
from visits.tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(client, day):
    client.force_login(day.pantarlih)
    client.cookies["django_language"] = "en"
    return client


def asked(day, unit, **kwargs):
    return visit_request_submit(
        period=day.period, unit=unit, best_time=kwargs.pop("best_time", "sore"), **kwargs
    )


def test_the_grid_marks_the_tile_of_a_unit_residents_asked_for(officer, day):
    asked(day, day.units[3])
    html = officer.get(reverse("field_grid", args=[day.tower.pk])).content.decode()

    tile = html[html.index(f'data-u="{day.units[3].pk}"') :].split("</a>", 1)[0]
    assert '<em class="rq" title="Residents asked for a visit · afternoon">' in tile
    assert "asked · afternoon" in tile
    assert html.count('<em class="rq" title=') == 1  # the legend has no title


def test_the_grid_runs_the_same_queries_with_no_request_or_many(officer, day):
    url = reverse("field_grid", args=[day.tower.pk])
    officer.get(url)  # the first page of a session also saves the session
    with CaptureQueriesContext(connection) as none:
        officer.get(url)
    for unit in day.units:
        asked(day, unit)
    with CaptureQueriesContext(connection) as many:
        html = officer.get(url).content.decode()

    assert html.count('class="rq" title') == len(day.units)
    assert len(many.captured_queries) == len(none.captured_queries)


def test_today_lists_the_requests_of_the_officers_towers_with_a_whatsapp_link(officer, day):
    asked(day, day.units[1], note="Bel rusak.", callback_phone="+6281234567890")
    asked(day, day.units[1], best_time="malam")  # merged: asked twice
    html = officer.get(reverse("field_today")).content.decode()

    assert "Residents asked for a visit" in html
    assert f"{day.tower.name} · {day.units[1].number}" in html
    assert "evening" in html and "asked 2 times" in html and "Bel rusak." in html
    assert 'href="https://wa.me/6281234567890"' in html
    assert reverse("field_unit", args=[day.units[1].pk]) in html


def test_today_leaves_out_towers_assigned_to_another_officer(officer, day):
    # The officer covers one tower of the building; a request in another tower is not theirs.
    day.assignment.tower = day.tower
    day.assignment.save()
    other = UnitFactory(tower=TowerFactory(building=day.building, name="Tower Lain"))
    AssignmentFactory(period=day.period, building=day.building, tower=other.tower)
    asked(day, other)
    asked(day, day.units[0])
    html = officer.get(reverse("field_today")).content.decode()

    assert day.units[0].number in html
    assert other.number not in html


def test_today_runs_the_same_queries_with_no_request_or_many(officer, day):
    url = reverse("field_today")
    officer.get(url)
    with CaptureQueriesContext(connection) as none:
        officer.get(url)
    for unit in day.units:
        asked(day, unit, callback_phone="+6281234567890")
    with CaptureQueriesContext(connection) as many:
        officer.get(url)
    assert len(many.captured_queries) == len(none.captured_queries)


def test_the_unit_page_shows_the_request(officer, day):
    asked(day, day.units[2], best_time="pagi", note="Ketuk keras.")
    html = officer.get(reverse("field_unit", args=[day.units[2].pk])).content.decode()
    assert "Residents asked for a visit · morning" in html and "Ketuk keras." in html


def test_a_request_of_a_period_long_closed_is_not_shown(officer, day):
    import datetime

    from django.utils import timezone

    from visits.tests.factories import CoklitPeriodFactory

    old = CoklitPeriodFactory(
        starts_on=timezone.localdate() - datetime.timedelta(days=90),
        ends_on=timezone.localdate() - datetime.timedelta(days=60),
    )
    visit_request_submit(period=old, unit=day.units[0], best_time="sore")
    html = officer.get(reverse("field_grid", args=[day.tower.pk])).content.decode()
    assert 'class="rq" title' not in html
