"""Issue #15: a building imported before anyone entered its towers is the *most* at risk, and
every level of the dashboard counts it."""

import csv
import io

import pytest
from django.urls import reverse

from buildings.tests.factories import BuildingFactory, TowerFactory, UnitFactory, kelurahan
from progress.figures import building_figures

pytestmark = pytest.mark.django_db

KARET_TENGSIN = "31.71.07.1003"  # a kelurahan with no other building in the test world


@pytest.fixture
def empty(world):
    """Imported on day 1: a name and a kelurahan, no towers, no units."""
    return BuildingFactory(name="Apartemen Tanpa Unit", kelurahan=kelurahan(KARET_TENGSIN))


@pytest.fixture
def untouched(world):
    """Towers and units entered, no pantarlih there yet."""
    building = BuildingFactory(name="Apartemen Belum Didatangi", kelurahan=kelurahan())
    UnitFactory(tower=TowerFactory(building=building, name="A"), number="A-1")
    return building


def test_every_building_counts_with_what_it_lacks(world, empty, untouched):
    from buildings.models import Building

    figures = building_figures(Building.objects.filter(pk__in=[empty.pk, untouched.pk]))

    assert (figures[empty.pk].buildings, figures[empty.pk].buildings_without_units) == (1, 1)
    assert figures[untouched.pk].buildings_not_started == 1
    assert figures[untouched.pk].buildings_without_units == 0


@pytest.mark.parametrize("level", ["31", "31.71", "31.71.07", KARET_TENGSIN])
def test_a_building_without_units_is_seen_at_every_level_with_its_reason(
    client, world, empty, level
):
    client.force_login(world.kpu_provinsi)
    client.cookies["django_language"] = "en"

    page = client.get(reverse("dashboard_region", args=[level]))

    at_risk = {row.building.pk: row for row in page.context["at_risk"]}
    assert empty.pk in at_risk
    assert "no unit data yet" in at_risk[empty.pk].reasons
    assert page.context["total"].buildings_without_units >= 1
    names = [getattr(item, "code", None) or item.pk for item, _f in page.context["children"]]
    expected = {
        "31": "31.71", "31.71": "31.71.07", "31.71.07": KARET_TENGSIN, KARET_TENGSIN: empty.pk
    }[level]  # fmt: skip
    assert expected in names
    assert "No building is behind" not in page.content.decode()


def test_the_exports_list_it_with_its_reason(client, world, empty):
    client.force_login(world.kpu_provinsi)
    client.cookies["django_language"] = "en"

    url = reverse("dashboard_export", kwargs={"code": "31.71", "kind": "buildings", "fmt": "csv"})
    response = client.get(url)
    body = response.content if not response.streaming else b"".join(response.streaming_content)
    # Excel in Indonesian: semicolons between cells (see dashboard.exports).
    rows = list(csv.reader(io.StringIO(body.decode().removeprefix("\ufeff")), delimiter=";"))

    row = next(r for r in rows if empty.name in r)
    assert "no unit data yet" in row[-1]  # the "why behind" column
