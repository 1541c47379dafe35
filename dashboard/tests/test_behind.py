"""Issue #15: towers nobody reached are counted at every level, the at-risk view lists every
building and tower behind the straight line (filtered by reason, sorted, paged), and staff open
a tower's floors and units read-only."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from buildings.models import Unit
from buildings.tests.factories import BuildingFactory, TowerFactory, kelurahan
from visits.tests.factories import AssignmentFactory

pytestmark = pytest.mark.django_db

KARET_TENGSIN = "31.71.07.1003"  # a kelurahan with no other building in the test world
MID_WINDOW = "2024-07-09"  # day 16 of 31 of the Pilkada 2024 window: the line is at 51.6 %


def tower_with(building, name, units, closed=0):
    tower = TowerFactory(building=building, name=name)
    Unit.objects.bulk_create(
        Unit(tower=tower, floor=1 + i // 10, number=f"{name}-{i:03d}") for i in range(units)
    )
    done = Unit.objects.filter(tower=tower).order_by("pk")[:closed].values_list("pk", flat=True)
    at = timezone.make_aware(datetime.datetime(2024, 7, 1, 10))
    Unit.objects.filter(pk__in=list(done)).update(status="done", outcome_count=1, status_at=at)
    return tower


@pytest.fixture
def place(world):
    """Bougenville: tower A well under way, tower B untouched. Cempaka: all done."""
    here = kelurahan(KARET_TENGSIN)
    behind = BuildingFactory(name="Apartemen Bougenville", kelurahan=here)
    started = tower_with(behind, "A", 20, closed=8)
    untouched = tower_with(behind, "B", 20)
    done = BuildingFactory(name="Apartemen Cempaka", kelurahan=here)
    tower_with(done, "C", 10, closed=10)
    return behind, started, untouched, done


def page(client, user, name, *args, query=""):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client.get(reverse(name, args=args) + (f"?tanggal={MID_WINDOW}{query}"))


@pytest.mark.parametrize("level", ["31.71", "31.71.07", KARET_TENGSIN])
def test_towers_not_started_are_counted_at_every_level(client, world, place, level):
    response = page(client, world.kpu_provinsi, "dashboard_region", level)

    total = response.context["total"]
    assert (total.towers, total.towers_not_started, total.towers_without_units) >= (3, 1, 0)
    assert "tower not started" in response.content.decode()


def test_the_at_risk_list_shows_the_untouched_tower_and_never_an_on_track_building(
    client, world, place
):
    behind, started, untouched, done = place
    response = page(client, world.kpu_provinsi, "dashboard_region", KARET_TENGSIN)

    rows = response.context["at_risk"]
    towers = {r.tower_id: r for r in rows if r.tower_id}
    assert untouched.pk in towers and "not started" in towers[untouched.pk].reasons
    assert towers[untouched.pk].gap_units == 11  # 51.6 % of 20, rounded up, minus 0
    assert done.pk not in {r.building.pk for r in rows}
    html = response.content.decode()
    assert reverse("dashboard_tower", args=[untouched.pk]) in html
    assert "percentage points" in html and " pp" not in html


def test_the_full_list_filters_by_reason_sorts_and_pages(client, world, place):
    here = kelurahan(KARET_TENGSIN)
    for n in range(55):  # imported on day 1, nothing entered yet
        BuildingFactory(name=f"Rusun Impor {n:02d}", kelurahan=here)

    first = page(client, world.kpu_provinsi, "dashboard_at_risk", KARET_TENGSIN)
    listed = first.context["page"]
    assert listed.paginator.count == 55 + 3  # 55 without units, Bougenville, its towers A and B
    assert len(listed.object_list) == 50 and listed.has_next()
    assert not listed.object_list[0].figures.residential  # no unit data first

    second = page(client, world.kpu_provinsi, "dashboard_at_risk", KARET_TENGSIN, query="&hal=2")
    assert len(second.context["page"].object_list) == 8

    started = page(
        client, world.kpu_provinsi, "dashboard_at_risk", KARET_TENGSIN, query="&alasan=not_started"
    )
    names = [r.name for r in started.context["page"]]
    assert names == ["Apartemen Bougenville › B"]

    towers = page(
        client,
        world.kpu_provinsi,
        "dashboard_at_risk",
        KARET_TENGSIN,
        query="&jenis=tower&urut=nama",
    )
    assert [r.name for r in towers.context["page"]] == [
        "Apartemen Bougenville › A",
        "Apartemen Bougenville › B",
    ]


@pytest.mark.parametrize(
    "query", ["&alasan=semua", "&urut=%27;DROP", "&hal=-1", "&hal=99999", "&jenis=x" * 1000]
)
def test_bad_choices_are_named_and_ignored(client, world, place, query):
    response = page(client, world.kpu_provinsi, "dashboard_at_risk", KARET_TENGSIN, query=query)

    assert response.status_code == 200
    if "hal" not in query:
        assert "is not one of the choices" in response.content.decode()


def test_the_full_list_costs_the_same_queries_for_few_or_many(client, world, place):
    def queries():
        client.force_login(world.kpu_provinsi)
        with CaptureQueriesContext(connection) as captured:
            client.get(
                reverse("dashboard_at_risk", args=[KARET_TENGSIN]) + f"?tanggal={MID_WINDOW}"
            )
        return len(captured)

    queries()  # per-process caches (content types) filled, or not, by earlier tests
    few = queries()
    here = kelurahan(KARET_TENGSIN)
    for n in range(30):
        tower_with(BuildingFactory(name=f"Tambahan {n}", kelurahan=here), f"T{n}", 5, closed=1)
    assert queries() == few


def test_staff_open_a_tower_read_only_with_who_is_assigned(client, world, place):
    behind, started, untouched, done = place
    AssignmentFactory(pantarlih=world.pantarlih_a, building=behind, tower=untouched, tps="017")

    response = page(client, world.kpu_provinsi, "dashboard_tower", untouched.pk)

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('<span class="u s-unvisited" data-u=') == 20
    main = html.split("<main>")[1].split("</main>")[0]
    assert "/lapangan/" not in main and 'method="post"' not in main  # nothing to record here
    assert "TPS 017" in html and (world.pantarlih_a.full_name or world.pantarlih_a.email) in html
    assert response.context["total"].towers_not_started == 1


def test_the_tower_page_costs_the_same_queries_for_a_small_or_a_tall_tower(client, world, place):
    behind, started, untouched, done = place
    client.force_login(world.kpu_provinsi)

    def queries(tower):
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("dashboard_tower", args=[tower.pk]))
        return len(captured)

    tall = tower_with(behind, "Tinggi", 400, closed=120)
    assert queries(untouched) == queries(tall)


def test_the_building_page_links_each_tower_and_says_which_has_not_started(client, world, place):
    behind, started, untouched, done = place
    response = page(client, world.kpu_provinsi, "dashboard_building", behind.pk)

    html = response.content.decode()
    for tower in (started, untouched):
        assert reverse("dashboard_tower", args=[tower.pk]) in html
    row = re.search(r"B</a>.*?</tr>", html, re.S).group(0)
    assert "not started" in row
