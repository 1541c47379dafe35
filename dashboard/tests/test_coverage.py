import datetime
import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone, translation

from buildings.models import Unit
from buildings.tests.factories import BuildingFactory, TowerFactory, UnitFactory, kelurahan
from dashboard.tasks import coverage_snapshot_refresh
from visits.services import outcome_record
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db

DAY = "2024-07-09"  # day 16 of the 31-day Pilkada 2024 window


def _at(day, hour=10):
    return timezone.make_aware(datetime.datetime(2024, 6, day, hour))


def _tower(building, name, floors, per_floor):
    tower = TowerFactory(building=building, name=name, floors=floors)
    Unit.objects.bulk_create(
        Unit(tower=tower, floor=f, number=f"{name}-{f:02d}{u:02d}")
        for f in range(1, floors + 1)
        for u in range(1, per_floor + 1)
    )
    return tower


def _record(building, units, outcome, day=25, voters=0):
    visit = VisitFactory(building=building, started_at=_at(day))
    for unit in units:
        outcome_record(visit=visit, unit=unit, outcome=outcome, recorded_at=_at(day, 11),
                       voters_verified=voters)  # fmt: skip


@pytest.fixture
def kalibata():
    building = BuildingFactory(name="Kalibata City", kelurahan=kelurahan("31.74.08.1003"))
    tower = _tower(building, "Jasmine", floors=2, per_floor=5)
    shop = UnitFactory(tower=tower, floor=1, number="TOKO-1", residential=False)
    units = list(tower.units.filter(residential=True).order_by("number"))
    _record(building, units[:4], Unit.Status.DONE, voters=2)
    _record(building, units[4:5], Unit.Status.VACANT)
    _record(building, units[5:6], Unit.Status.REFUSED, day=25)
    _record(building, units[5:6], Unit.Status.SECURITY_REFUSED, day=26)
    _record(building, units[6:7], Unit.Status.NOT_HOME)
    tower.expected_voters = 20
    tower.save()
    return building, tower, shop


def test_coverage_counts_closed_units_against_residential_ones(client, world, kalibata):
    client.force_login(world.kpu_kota_selatan)
    page = client.get(reverse("dashboard_region", args=["31.74.08.1003"]), {"tanggal": DAY})
    total = page.context["total"]
    # 10 residential units in Jasmine (the shop does not count) and the world's unit A;
    # done ×4 and vacant ×1 close a unit, refused and not-home leave it open.
    assert total.residential == 11
    assert total.closed == 5
    assert total.voters_verified == 8
    assert total.refused_twice == 1
    assert total.revisits == 1  # the unit refused on two visits
    assert total.open_issues == 1


def test_building_page_breaks_coverage_down_by_tower(client, world, kalibata):
    building, tower, _shop = kalibata
    client.force_login(world.pps_marunda)
    assert client.get(reverse("dashboard_building", args=[building.pk])).status_code == 404
    client.force_login(world.kpu_kota_selatan)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("dashboard_building", args=[building.pk]), {"tanggal": DAY})
    ((row_tower, figures),) = page.context["towers"]
    assert row_tower == tower
    assert (figures.closed, figures.residential, figures.expected_voters) == (5, 10, 20)
    assert page.context["reasons"][:2] == ["no manager", "no schedule"]


def test_region_pages_roll_kelurahan_up_to_kota_and_province(client, world, kalibata):
    client.force_login(world.kpu_provinsi)
    page = client.get(reverse("dashboard_region", args=["31"]), {"tanggal": DAY})
    names = {region.code: figures for region, figures in page.context["children"]}
    assert set(names) == {"31.72", "31.74"}
    assert names["31.74"].closed == 5
    assert page.context["chart"].startswith("<svg")


def test_a_closed_of_total_pair_breaks_at_its_slash_on_a_narrow_phone(client, world, kalibata):
    """The figures column is narrow at 360 px and `td .muted` may wrap anywhere: without a break
    opportunity at the slash, 6.426/10.024 was split as "6.426/10." and "024"."""
    building, _tower, _shop = kalibata
    client.force_login(world.kpu_provinsi)
    pages = [
        client.get(reverse("dashboard_region", args=["31"]), {"tanggal": DAY}),
        client.get(reverse("dashboard_building", args=[building.pk]), {"tanggal": DAY}),
    ]

    for page in pages:
        html = page.content.decode()
        assert re.search(r">5/<wbr>1[01]<", html), html
        assert not re.search(r">5/1[01]<", html)


def test_at_risk_lists_the_buildings_furthest_behind_with_reasons(client, world, kalibata):
    client.force_login(world.kpu_provinsi)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("dashboard_region", args=["31"]), {"tanggal": DAY})
    rows = page.context["at_risk"]
    assert rows[0].figures.percent <= rows[-1].figures.percent
    kalibata_row = next(r for r in rows if r.building == kalibata[0])
    assert "no manager" in kalibata_row.reasons and "no schedule" in kalibata_row.reasons
    assert any(reason.startswith("stalled for") for reason in kalibata_row.reasons)


def test_a_bad_date_is_named_and_today_is_shown(client, world):
    client.force_login(world.kpu_kota_selatan)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("dashboard_region", args=["31.74"]), {"tanggal": "kemarin"})
    assert page.status_code == 200
    assert "is not a date" in page.content.decode()


def test_managers_and_pantarlih_have_no_dashboard(client, world):
    for persona in (world.manager_a, world.pantarlih_a):
        client.force_login(persona)
        assert client.get(reverse("dashboard")).status_code == 404


def test_region_page_runs_a_fixed_number_of_queries(client, world):
    client.force_login(world.kpu_provinsi)
    url = reverse("dashboard_region", args=["31"])
    building = BuildingFactory(kelurahan=kelurahan("31.74.08.1003"))
    _tower(building, "T1", 2, 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts():
        """Queries without a snapshot (it is taken), then with it."""
        cache.clear()
        runs = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                client.get(url, {"tanggal": DAY})
            runs.append(len(queries))
        return runs

    small = counts()
    for n in range(5):
        more = BuildingFactory(kelurahan=kelurahan("31.72.04.1003"))
        tower = _tower(more, f"M{n}", 5, 6)
        _record(more, list(tower.units.all()[:7]), Unit.Status.DONE)
    assert counts() == small
    assert small[1] < small[0], small  # once the snapshot is taken, the page is read from it


def test_the_province_overview_shows_its_snapshot_until_beat_refreshes_it(client, world, kalibata):
    building, tower, _shop = kalibata
    client.force_login(world.kpu_provinsi)
    province = reverse("dashboard_region", args=["31"])
    first = client.get(province, {"tanggal": DAY})
    assert first.context["total"].closed == 5
    taken = timezone.localtime(first.context["snapshot_taken_at"]).strftime("%H.%M")
    assert f"Angka provinsi per pukul {taken} WIB".encode() in first.content
    open_units = list(tower.units.filter(residential=True, status=Unit.Status.UNVISITED))
    _record(building, open_units[:2], Unit.Status.DONE, day=27)
    # Kota pages are live; the province keeps its snapshot for the minute...
    kota = client.get(reverse("dashboard_region", args=["31.74"]), {"tanggal": DAY})
    assert kota.context["total"].closed == 7
    assert client.get(province, {"tanggal": DAY}).context["total"].closed == 5
    # ...until beat's job takes a new one.
    coverage_snapshot_refresh()
    again = client.get(province, {"tanggal": DAY})
    assert again.context["total"].closed == 7
    assert again.context["snapshot_taken_at"] > first.context["snapshot_taken_at"]


def test_a_snapshot_older_than_two_intervals_is_not_shown(client, world, kalibata, settings):
    building, tower, _shop = kalibata
    client.force_login(world.kpu_provinsi)
    province = reverse("dashboard_region", args=["31"])
    assert client.get(province, {"tanggal": DAY}).context["total"].closed == 5
    _record(
        building,
        list(tower.units.filter(residential=True, status=Unit.Status.UNVISITED))[:1],
        Unit.Status.DONE,
    )
    settings.COVERAGE_SNAPSHOT_SECONDS = 0  # every stored snapshot is now too old
    assert client.get(province, {"tanggal": DAY}).context["total"].closed == 6


def test_the_province_snapshot_ranks_at_risk_buildings_as_the_live_pages_do(
    client, world, kalibata
):
    client.force_login(world.kpu_provinsi)
    province = client.get(reverse("dashboard_region", args=["31"]), {"tanggal": DAY})
    live = {}
    for code in ("31.74", "31.72"):  # every kota with a building in this world
        page = client.get(reverse("dashboard_region", args=[code]), {"tanggal": DAY})
        live.update({r.building.pk: r for r in page.context["at_risk"]})
    expected = sorted(live.values(), key=lambda r: (-r.behind, -r.figures.open_units))
    got = province.context["at_risk"]
    assert [(r.building.pk, r.behind, r.reasons) for r in got] == [
        (r.building.pk, r.behind, r.reasons) for r in expected
    ]
    assert province.context["total"].closed == sum(
        f.closed for _region, f in province.context["children"]
    )


def test_the_trail_starts_at_the_users_own_scope(client, world):
    client.force_login(world.kpu_kota_selatan)
    page = client.get(reverse("dashboard_region", args=["31.74.08.1003"]))
    assert [code for code, _name in page.context["crumbs"]] == [
        "31.74",
        "31.74.08",
        "31.74.08.1003",
    ]
    client.force_login(world.kpu_provinsi)
    page = client.get(reverse("dashboard_region", args=["31.74.08"]))
    assert [code for code, _name in page.context["crumbs"]] == ["31", "31.74", "31.74.08"]


def test_a_page_outside_the_scope_is_a_404_page_in_the_apps_own_words(client, world):
    client.force_login(world.kpu_kota_selatan)
    page = client.get(reverse("dashboard_region", args=["31"]))
    assert page.status_code == 404
    text = page.content.decode()
    assert "Halaman tidak ditemukan" in text and 'href="/"' in text


def test_the_building_page_counts_its_open_access_issues(client, world):
    client.force_login(world.kpu_kota_selatan)
    page = client.get(reverse("dashboard_building", args=[world.building_a.pk]))
    open_issues = world.building_a.access_issues.exclude(status="resolved").count()
    assert open_issues and page.context["total"].open_issues == open_issues


def test_a_stall_is_counted_from_the_window_opening_at_most(world):
    from progress.at_risk import buildings_at_risk
    from progress.figures import Clock
    from visits.models import CoklitPeriod

    period = CoklitPeriod.objects.create(name="Baru", starts_on=datetime.date(2026, 11, 21),
                                         ends_on=datetime.date(2026, 12, 28))  # fmt: skip
    clock = Clock(period=period, today=datetime.date(2026, 11, 28))
    from progress.figures import Figures

    figures = {world.building_a.pk: Figures(residential=10, closed=2, last_closed_at=_at(25))}
    (row,) = buildings_at_risk([world.building_a], figures, clock)
    assert "macet selama 7 hari" in row.reasons  # stalled 7 days, not 886 (since June 2024)


def test_the_chart_starts_from_units_closed_before_the_window(world):
    from dashboard.charts import coverage_chart

    start, end = datetime.date(2026, 11, 21), datetime.date(2026, 12, 20)
    with translation.override("en"):
        svg = coverage_chart([(start, 10)], 100, start, end, start, closed=30)
    # 20 closed before the window: the line starts at 20 % (y = 32 + 156 × 0.8) and reaches 30 %.
    line = re.search(r'points="([^"]+)" class="actual"', svg).group(1).split()
    assert [float(p.split(",")[1]) for p in line] == [32 + 156 * 0.8, 32 + 156 * 0.7]
    assert "30% of residential units closed" in svg


def test_a_404_never_sets_the_csrf_cookie(client, world):
    """A late 404 (a stray request from the page before) must not put back an old CSRF
    cookie after sign-in rotated it: the next form would be refused."""
    client.force_login(world.kpu_kota_selatan)
    response = client.get("/favicon.ico")
    assert response.status_code == 404 and "csrftoken" not in response.cookies
