"""The manager's best time to find residents reaches the pantarlih's grid (issue 17, item 6):
a small clock on each tile that still needs a visit, at no extra query."""

import pytest
from django.urls import reverse
from django.utils import timezone

from buildings.tests.factories import UnitOccupancyFactory
from visits.services import outcome_record
from visits.tests.factories import field_day
from visits.tests.test_field_pages import queries

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    return field_day()


@pytest.fixture
def phone(client, day):
    client.force_login(day.pantarlih)
    client.cookies["django_language"] = "en"
    return client


def test_a_tile_shows_the_best_time_with_a_clock_until_the_unit_is_closed(phone, day):
    evening, saturday, done = day.units[:3]
    UnitOccupancyFactory(unit=evening, status="occupied", best_time="setelah 18.00")
    UnitOccupancyFactory(unit=saturday, status="occupied", best_time="Sabtu <pagi>")
    UnitOccupancyFactory(unit=done, status="occupied", best_time="siang")
    outcome_record(visit=day.visit, unit=saturday, outcome="not_home", recorded_at=timezone.now())
    outcome_record(visit=day.visit, unit=done, outcome="vacant", recorded_at=timezone.now())

    page = phone.get(reverse("field_grid", args=[day.tower.pk])).content.decode()

    tile = page[page.index(f'data-u="{evening.pk}"') :]
    tile = tile[: tile.index("</a>")]
    assert '<b class="bt" title="setelah 18.00">' in tile and "Best time: " in tile
    assert 'title="Sabtu &lt;pagi&gt;"' in page  # a revisit still needs it, escaped
    closed = page[page.index(f'data-u="{done.pk}"') :]
    assert 'class="bt"' not in closed[: closed.index("</a>")]


def test_the_best_times_cost_the_grid_no_query(phone, day):
    url = reverse("field_grid", args=[day.tower.pk])
    without = queries(phone, url)
    for unit in day.units:
        UnitOccupancyFactory(unit=unit, status="occupied", best_time="setelah 19.00")

    assert queries(phone, url) == without
    assert phone.get(url).content.decode().count('class="bt"') == len(day.units)
