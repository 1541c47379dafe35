"""A tower of 2,040 units comes to the phone in pages of whole floors, not one 400 KB page."""

import gzip
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from buildings.models import Unit
from visits.tests.factories import field_day
from visits.unit_grid import GRID_PAGE_UNITS, floor_ranges, range_of

pytestmark = pytest.mark.django_db

TILE = re.compile(r'<a href="[^"]+" class="u [^"]*" data-u="(\d+)"')


@pytest.fixture
def giant(client):
    day = field_day(floors=60, units_per_floor=34)  # 2,040 units, Jakarta's biggest
    client.force_login(day.pantarlih)
    client.cookies["django_language"] = "en"
    return day


def _get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def test_a_giant_towers_grid_comes_in_ranges_holding_every_unit_once(client, giant):
    url = reverse("field_grid", args=[giant.tower.pk])
    first = _get(client, url)
    ranges = first.context["ranges"]
    assert len(ranges) == 4 and ranges[0] == (1, 15) and ranges[-1][1] == 60
    seen = []
    for start, _last in ranges:
        page = _get(client, url, lantai=start).content.decode()
        tiles = TILE.findall(page)
        assert len(tiles) <= GRID_PAGE_UNITS
        seen += tiles
        assert f'href="?lantai={start}" aria-current="page"' in page
    assert sorted(map(int, seen)) == sorted(u.pk for u in giant.units)
    # Small enough for a weak connection: each page well under the 800-unit grid of old.
    assert len(gzip.compress(first.content)) < 12_000


def test_any_floor_of_a_range_opens_that_range_and_bad_values_the_first(client, giant):
    url = reverse("field_grid", args=[giant.tower.pk])
    assert _get(client, url, lantai="37").context["shown"] == (31, 45)
    for bad in ("x", "999", "-", "1e9", "' OR 1=1", "٣"):
        assert _get(client, url, lantai=bad).context["shown"] == (1, 15)


def test_the_filters_keep_the_range_and_the_range_keeps_the_filter(client, giant):
    url = reverse("field_grid", args=[giant.tower.pk])
    page = _get(client, url, lantai="20", show="todo").content.decode()
    assert 'href="?show=revisit&amp;lantai=16"' in page
    assert 'href="?lantai=46&amp;show=todo"' in page


def test_a_giant_tower_takes_the_queries_of_a_small_one(client, giant):
    small = field_day(pantarlih=giant.pantarlih, period=giant.period)
    counts = []
    for tower in (small.tower, giant.tower):
        url = reverse("field_grid", args=[tower.pk])
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            _get(client, url, lantai="5")
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_a_small_tower_is_one_page_without_a_range_bar(client):
    day = field_day(floors=3, units_per_floor=4)
    client.force_login(day.pantarlih)
    page = _get(client, reverse("field_grid", args=[day.tower.pk]))
    assert page.context["ranges"] == []
    assert len(TILE.findall(page.content.decode())) == 12


def test_recording_from_the_unit_page_returns_to_the_units_range(client, giant):
    unit = Unit.objects.get(tower=giant.tower, floor=40, number=f"{giant.tower.name}-4001")
    page = _get(client, reverse("field_unit", args=[unit.pk])).content.decode()
    assert "data-grid-link" in page


def test_floor_ranges_split_evenly_and_keep_whole_floors():
    assert floor_ranges([(1, 10), (2, 10)]) == [(1, 2)]
    assert floor_ranges([(f, 34) for f in range(1, 61)]) == [(1, 15), (16, 30), (31, 45), (46, 60)]
    assert floor_ranges([(1, 900), (2, 5)]) == [(1, 1), (2, 2)]  # one floor alone may be big
    assert floor_ranges([(-2, 300), (-1, 300), (1, 300)], limit=600) == [(-2, -1), (1, 1)]
    assert range_of([(-2, -1), (1, 1)], "-1") == (-2, -1)
    assert range_of([], "3") is None
