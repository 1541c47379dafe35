"""Daily progress: the region's chart (dates, today), a small chart per child, and the table."""

import datetime
import re

import pytest
from django.db import connection
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from buildings.models import Unit
from buildings.tests.factories import BuildingFactory, TowerFactory, kelurahan
from dashboard import charts
from dashboard.charts import coverage_chart
from progress.figures import daily_closed, daily_closed_by, series_roll_up, series_sum
from progress.snapshot import province_snapshot_take
from visits.services import outcome_record
from visits.tests.factories import VisitFactory, pilkada_2024

pytestmark = pytest.mark.django_db

DAY = "2024-07-09"  # day 16 of the 31-day Pilkada 2024 window


def _building(code, units, closed_on):
    """A building of `units` units in kelurahan `code`; one unit closed on each day of
    `closed_on` (days of June 2024)."""
    building = BuildingFactory(kelurahan=kelurahan(code))
    tower = TowerFactory(building=building, name="A")
    Unit.objects.bulk_create(Unit(tower=tower, floor=1, number=f"{n:03d}") for n in range(units))
    pending = list(tower.units.order_by("number"))
    for day in closed_on:
        at = timezone.make_aware(datetime.datetime(2024, 6, day, 10))
        visit = VisitFactory(building=building, tower=tower, started_at=at)
        outcome_record(visit=visit, unit=pending.pop(), outcome=Unit.Status.DONE, recorded_at=at)
    return building


@pytest.fixture
def jakarta_selatan():
    """Two kecamatan of Jakarta Selatan (Pancoran, Setiabudi) and one of Jakarta Utara."""
    return [
        _building("31.74.08.1003", 10, [24, 25, 25]),
        _building("31.74.08.1003", 4, [26]),
        _building("31.74.02.1005", 8, [25, 27, 28, 28]),
        _building("31.72.04.1003", 5, [24, 29]),
    ]


def test_the_chart_has_dated_labels_every_few_days_and_a_today_marker():
    start, end = datetime.date(2024, 6, 24), datetime.date(2024, 7, 23)  # 30 days
    with translation.override("id"):
        svg = coverage_chart([(start, 3)], 100, start, end, datetime.date(2024, 7, 9), closed=3)
    labels = re.findall(r'<text [^>]*class="axis"[^>]*>(\d+ [A-Z][a-z]{2})</text>', svg)
    assert len(labels) >= 4 and labels[0] == "24 Jun" and labels[-1] == "23 Jul", labels
    assert svg.count('class="today"') == 1
    assert "Hari ini · 9 Jul" in svg
    # Each day so far is a point whose <title> gives its value.
    titles = re.findall(r'<circle [^>]*class="pt"><title>([^<]+)</title>', svg)
    assert len(titles) == 16 and titles[0].startswith("24 Jun: 3%")
    # Before the window opens there is no marker (and no day to plot).
    early = coverage_chart([], 100, start, end, datetime.date(2024, 6, 1))
    assert 'class="today"' not in early and 'class="pt"' not in early


def test_the_x_labels_never_crowd_the_last_day():
    start = datetime.date(2024, 6, 24)
    for days in (7, 14, 31, 45, 90):
        end = start + datetime.timedelta(days=days - 1)
        svg = coverage_chart([], 10, start, end, start)
        x = [float(v) for v in re.findall(r'<line x1="([\d.]+)" [^>]*class="tick"', svg)]
        assert len(x) >= 4 and min(b - a for a, b in zip(x, x[1:], strict=False)) >= 30, days


def test_each_areas_series_adds_up_to_the_total(jakarta_selatan):
    period = pilkada_2024()
    buildings = [b.pk for b in jakarta_selatan]
    by_kelurahan = daily_closed_by(buildings, period, "tower__building__kelurahan_id")
    codes = {b.kelurahan_id: b.kelurahan.code for b in jakarta_selatan}
    for length in (5, 8, 13):
        rolled = series_roll_up(by_kelurahan, codes, length)
        assert series_sum(rolled.values()) == daily_closed(buildings, period)
    kota = series_roll_up(by_kelurahan, codes, 5)
    assert kota["31.74"] == [(datetime.date(2024, 6, d), n) for d, n in
                             ((24, 1), (25, 3), (26, 1), (27, 1), (28, 2))]  # fmt: skip
    by_building = daily_closed_by(buildings, period, "tower__building_id")
    assert by_building[jakarta_selatan[3].pk] == [
        (datetime.date(2024, 6, 24), 1),
        (datetime.date(2024, 6, 29), 1),
    ]
    # The province snapshot keeps each kota's series beside the total, and they agree.
    snapshot = province_snapshot_take(period)
    assert series_sum(snapshot.kota_series.values()) == snapshot.series
    assert snapshot.kota_series["31.74"] == kota["31.74"]


def test_the_kota_page_draws_a_small_chart_per_kecamatan_with_a_table(
    client, world, jakarta_selatan
):
    client.force_login(world.kpu_kota_selatan)
    page = client.get(reverse("dashboard_region", args=["31.74"]), {"tanggal": "2024-06-30"})
    trends = page.context["trends"]
    assert [p.item.code for p in trends.panels] == ["31.74.02", "31.74.08"]
    html = page.content.decode()
    assert html.count('class="chart-small"') == 2 and html.count('class="chart"') == 1
    # The table: one row per day so far (24–30 June), the straight line, the kota, each area.
    section = html[html.index('<details class="trend-table">') :]
    assert section.count('<th scope="row">') == 7
    assert trends.names == ["Setiabudi", "Pancoran"]
    last_day, target, whole, values = trends.rows[-1]
    assert last_day == datetime.date(2024, 6, 30) and round(target, 1) == round(700 / 31, 1)
    total = page.context["total"]
    assert whole == pytest.approx(100 * total.closed / total.residential)
    # Each area ends where its figure in the areas table does.
    figures = {region.code: f for region, f in page.context["children"]}
    assert values == [pytest.approx(figures[c].percent) for c in ("31.74.02", "31.74.08")]
    # Setiabudi closed one unit on 25 June, of 8: 12.5 % by the end of that day.
    assert trends.rows[1][3][0] == pytest.approx(12.5)
    # The table shows it as the page's other percents do, rounded half up: 13 %, on "25 Jun".
    day_text, _target, _whole, cells = trends.table()[1]
    assert (day_text, cells[0]) == ("25 Jun", "13")
    assert '<th scope="row">25 Jun</th>' in section and '<td class="num">13%</td>' in section


@given(st.integers(1, 5000).flatmap(lambda units: st.tuples(st.integers(0, units), st.just(units))))
def test_the_trend_table_rounds_each_share_as_floatformat_does(share):
    closed, units = share  # the table's cells: 100 × closed ÷ residential units, as computed
    value = 100 * closed / units
    assert charts._percent(value) == floatformat(value, 0)


def test_a_kelurahan_page_draws_one_per_building_and_marks_the_day_replayed(
    client, world, jakarta_selatan
):
    client.force_login(world.pps_marunda)
    page = client.get(
        reverse("dashboard_region", args=["31.72.04.1003"]), {"tanggal": "2024-07-01"}
    )
    names = [p.item.name for p in page.context["trends"].panels]
    assert jakarta_selatan[3].name in names and world.building_b.name in names
    html = page.content.decode()
    assert "Hari ini · 1 Jul" in html
    drawn = [p for p in page.context["trends"].panels if p.figures.residential]
    assert html.count('class="today"') == 1 + len(drawn) and len(drawn) >= 2


def test_the_province_page_draws_each_kota_from_the_snapshot(client, world, jakarta_selatan):
    client.force_login(world.kpu_provinsi)
    page = client.get(reverse("dashboard_region", args=["31"]), {"tanggal": DAY})
    assert [p.item.code for p in page.context["trends"].panels] == ["31.72", "31.74"]
    for _day, _target, _whole, values in page.context["trends"].rows:
        assert all(value is not None for value in values)


def test_the_region_pages_keep_a_fixed_number_of_queries_with_their_trends(client, world):
    client.force_login(world.kpu_kota_selatan)

    def counts():
        runs = []
        for code in ("31.74", "31.74.08", "31.74.08.1003"):
            url = reverse("dashboard_region", args=[code])
            client.get(url, {"tanggal": DAY})
            with CaptureQueriesContext(connection) as queries:
                client.get(url, {"tanggal": DAY})
            runs.append(len(queries))
        return runs

    _building("31.74.08.1003", 4, [24])
    small = counts()
    for n in range(4):
        _building("31.74.08.1003" if n % 2 else "31.74.02.1005", 6, [24, 25 + n, 26 + n])
    assert counts() == small
