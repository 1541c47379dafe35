"""The map of the buildings in scope (/dasbor/peta/): its list, its data, its scope, its cost."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from buildings.models import Unit
from buildings.tests.factories import BuildingFactory, TowerFactory, kelurahan
from coklit.settings import _tile_source
from visits.services import outcome_record
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db

DAY = "2024-07-09"


def _building(name, code="31.74.08.1003", *, at=(Decimal("-6.257"), Decimal("106.8528")),
              units=0, closed=0):  # fmt: skip
    building = BuildingFactory(name=name, kelurahan=kelurahan(code), latitude=at and at[0],
                               longitude=at and at[1])  # fmt: skip
    if units:
        tower = TowerFactory(building=building, name="A")
        Unit.objects.bulk_create(
            Unit(tower=tower, floor=1, number=f"{n:03d}") for n in range(units)
        )
        visit = VisitFactory(building=building, tower=tower,
                             started_at=timezone.make_aware(datetime.datetime(2024, 6, 25, 10)))  # fmt: skip
        for unit in tower.units.order_by("number")[:closed]:
            outcome_record(visit=visit, unit=unit, outcome=Unit.Status.DONE,
                           recorded_at=visit.started_at)  # fmt: skip
    return building


def _map_data(page):
    found = re.search(
        r'<script id="map-data" type="application/json">(.*?)</script>', page.content.decode()
    )
    return json.loads(found.group(1))


def test_the_map_lists_the_buildings_in_scope_by_coverage_band(client, world):
    low = _building("Kalibata Peta", units=10, closed=1)
    high = _building("Rawajati Peta", at=(Decimal("-6.2601"), Decimal("106.8550")), units=4,
                     closed=4)  # fmt: skip
    nowhere = _building("Tanpa Titik", at=None, units=4, closed=2)
    _building("Marunda Peta", "31.72.04.1003")  # another kota
    client.force_login(world.kpu_kota_selatan)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("dashboard_map"), {"tanggal": DAY})
    assert page.status_code == 200
    rows = {row["name"]: row for row in _map_data(page)}
    assert set(rows) == {"Kalibata Peta", "Rawajati Peta"}  # with coordinates, in the kota
    assert (rows["Kalibata Peta"]["band"], rows["Kalibata Peta"]["percent"]) == ("low", "10%")
    assert rows["Kalibata Peta"]["closed"] == "1/10"
    assert rows["Rawajati Peta"]["band"] == "high" and rows["Rawajati Peta"]["reasons"] == []
    assert "no manager" in rows["Kalibata Peta"]["reasons"]  # behind the line on 9 July
    assert rows["Kalibata Peta"]["url"] == f"/dasbor/gedung/{low.pk}/?tanggal={DAY}"
    assert (rows["Kalibata Peta"]["lat"], rows["Kalibata Peta"]["lon"]) == (-6.257, 106.8528)
    # The list holds them all; the building without coordinates in a group of its own.
    html = page.content.decode()
    unplaced = html[html.index('id="map-unplaced"') : html.index("</section>")]
    assert "Tanpa Titik" in unplaced and "Kalibata Peta" not in unplaced
    assert f'href="/dasbor/gedung/{nowhere.pk}/?tanggal={DAY}"' in unplaced
    assert f'href="/dasbor/gedung/{high.pk}/?tanggal={DAY}"' in html
    assert "Marunda Peta" not in html
    # The legend counts each band; the page loads our own Leaflet, and no inline script runs.
    counts = {key: count for key, _label, count in page.context["bands"]}
    # 10 % and the world's building A (0 of 1); 50 % (without coordinates); 100 %.
    assert (counts["low"], counts["mid"], counts["high"]) == (2, 1, 1)
    assert '<script src="/static/vendor/leaflet/leaflet.js" defer>' in html
    assert 'href="/static/vendor/leaflet/leaflet.css"' in html
    assert re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)", html) == []


def test_the_bands_split_at_a_quarter_and_three_quarters():
    from dashboard.views.buildings_map import band
    from progress.figures import Figures

    assert band(Figures()) == "none"
    assert [band(Figures(residential=100, closed=n)) for n in (0, 24, 25, 75, 76, 100)] == [
        "low", "low", "mid", "mid", "high", "high"]  # fmt: skip


def test_a_region_inside_the_scope_narrows_the_map(client, world):
    _building("Kalibata Peta")
    _building("Setiabudi Peta", "31.74.02.1005")
    client.force_login(world.kpu_kota_selatan)
    page = client.get(reverse("dashboard_map"), {"wilayah": "31.74.08"})
    assert [row["name"] for row in _map_data(page)] == ["Kalibata Peta"]
    assert [code for code, _name in page.context["crumbs"]] == ["31.74", "31.74.08"]
    region = client.get(reverse("dashboard_region", args=["31.74.08"]), {"tanggal": DAY})
    assert f'href="/dasbor/peta/?wilayah=31.74.08&amp;tanggal={DAY}"' in region.content.decode()


@pytest.mark.parametrize(
    "persona", ["kpu_kota_selatan", "kpu_kota_utara", "ppk_pancoran", "pps_marunda",
                "bawaslu_utara"])  # fmt: skip
def test_a_region_outside_the_scope_is_not_found(client, world, persona):
    user = getattr(world, persona)
    own = "31.74.08.1003" if persona in ("kpu_kota_selatan", "ppk_pancoran") else "31.72.04.1003"
    other = "31.72.04.1003" if own.startswith("31.74") else "31.74.08.1003"
    client.force_login(user)
    assert client.get(reverse("dashboard_map"), {"wilayah": own}).status_code == 200
    for code in (other, other[:5], "31", "31.7", "abc", "31.74.08.1003.1", "31.99"):
        if code != "31" or user.region_id:
            assert client.get(reverse("dashboard_map"), {"wilayah": code}).status_code == 404


def test_managers_pantarlih_and_visitors_have_no_map(client, world):
    assert client.get(reverse("dashboard_map")).status_code == 302  # to sign in
    for persona in (world.manager_a, world.pantarlih_a):
        client.force_login(persona)
        assert client.get(reverse("dashboard_map")).status_code == 404


def test_a_reason_filter_keeps_those_behind_for_it_and_names_a_bad_one(client, world):
    _building("Kalibata Peta", units=10, closed=1)
    _building("Rawajati Peta", units=4, closed=4)
    client.force_login(world.kpu_kota_selatan)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("dashboard_map"), {"tanggal": DAY, "alasan": "no_manager"})
    names = [row["name"] for row in _map_data(page)]
    assert "Kalibata Peta" in names and "Rawajati Peta" not in names
    page = client.get(reverse("dashboard_map"), {"alasan": "<b>"})
    assert page.status_code == 200 and "There is no such reason" in page.content.decode()
    assert "Rawajati Peta" in [row["name"] for row in _map_data(page)]


def test_a_name_reaches_the_map_as_text_not_as_markup(client, world):
    _building("</script><script>alert(1)</script>")
    client.force_login(world.kpu_kota_selatan)
    html = client.get(reverse("dashboard_map")).content.decode()
    assert "<script>alert(1)" not in html
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in html  # json_script escapes it


def test_the_map_runs_a_fixed_number_of_queries(client, world):
    def counts():
        runs = []
        for user, query in ((world.kpu_kota_selatan, {}), (world.kpu_provinsi, {}),
                            (world.kpu_provinsi, {"wilayah": "31.74"})):  # fmt: skip
            client.force_login(user)
            client.get(reverse("dashboard_map"), {"tanggal": DAY, **query})  # snapshot taken
            with CaptureQueriesContext(connection) as queries:
                assert (
                    client.get(reverse("dashboard_map"), {"tanggal": DAY, **query}).status_code
                    == 200
                )
            runs.append(len(queries))
        return runs

    _building("Kalibata Peta", units=6, closed=2)
    small = counts()
    for n in range(6):
        _building(f"Peta {n}", "31.74.08.1003" if n % 2 else "31.72.04.1003", units=5, closed=n,
                  at=None if n == 3 else (Decimal("-6.2"), Decimal("106.8")))  # fmt: skip
    from dashboard.tasks import coverage_snapshot_refresh

    coverage_snapshot_refresh()
    assert counts() == small
    assert max(small) <= 18, small  # with the savepoints and the staff session's update


def test_the_province_map_reads_every_buildings_figures_from_the_snapshot(client, world):
    building = _building("Kalibata Peta", units=4, closed=1)
    client.force_login(world.kpu_provinsi)
    first = client.get(reverse("dashboard_map"))
    assert first.context["snapshot_taken_at"] is not None
    row = next(r for r in _map_data(first) if r["name"] == "Kalibata Peta")
    assert row["closed"] == "1/4"
    visit = VisitFactory(building=building)
    unit = Unit.objects.filter(tower__building=building, status=Unit.Status.UNVISITED).first()
    outcome_record(visit=visit, unit=unit, outcome=Unit.Status.DONE, recorded_at=timezone.now())
    # Until beat's next snapshot the province map shows the last one (the page says when).
    again = client.get(reverse("dashboard_map"))
    assert next(r for r in _map_data(again) if r["name"] == "Kalibata Peta")["closed"] == "1/4"
    from dashboard.tasks import coverage_snapshot_refresh

    coverage_snapshot_refresh()
    fresh = client.get(reverse("dashboard_map"))
    assert next(r for r in _map_data(fresh) if r["name"] == "Kalibata Peta")["closed"] == "2/4"
    # A kota, even for the province's staff, is computed live.
    kota = client.get(reverse("dashboard_map"), {"wilayah": "31.74"})
    assert kota.context["snapshot_taken_at"] is None


def test_the_policy_allows_images_from_the_tile_server_only():
    from django.conf import settings

    img = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]["img-src"]
    assert img[3:] == _tile_source(settings.MAP_TILE_URL)
    assert _tile_source("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == [
        "https://tile.openstreetmap.org"
    ]
    assert _tile_source("https://{s}.tile.example.id/{z}/{x}/{y}.png") == [
        "https://*.tile.example.id"
    ]
    assert _tile_source("/tiles/{z}/{x}/{y}.png") == [] and _tile_source("") == []
    for bad in ("tile.example.id/{z}/{x}/{y}.png", "javascript:alert(1)", "https://{z}.x/{y}"):
        with pytest.raises(ImproperlyConfigured):
            _tile_source(bad)


def test_leaflets_images_survive_the_hashed_static_files(tmp_path, settings):
    """Leaflet's stylesheet names its images relatively; collectstatic's manifest must rewrite
    those names to the hashed files it writes beside it."""
    from django.contrib.staticfiles.finders import get_finders
    from django.contrib.staticfiles.storage import ManifestStaticFilesStorage

    storage = ManifestStaticFilesStorage(location=tmp_path)
    found = {}
    for finder in get_finders():
        for path, source in finder.list(["*.py"]):
            if path.startswith("vendor/leaflet/"):
                found[path] = (source, path)
                with source.open(path) as file:
                    storage.save(path, file)
    assert {"vendor/leaflet/leaflet.js", "vendor/leaflet/leaflet.css",
            "vendor/leaflet/LICENSE", "vendor/leaflet/images/layers.png"} <= set(found)  # fmt: skip
    processed = list(storage.post_process(found))
    assert all(not isinstance(result, Exception) for _name, _hashed, result in processed)
    css = (tmp_path / storage.stored_name("vendor/leaflet/leaflet.css")).read_text()
    images = re.findall(r'url\("?(images/[^")]+)"?\)', css)
    assert images and all(
        (tmp_path / "vendor/leaflet" / name.strip("\"'")).exists() for name in images
    )
    assert all(re.search(r"\.[0-9a-f]{12}\.png", name) for name in images)
