"""End to end in Chromium: a staff user finds a misspelt building from the header (issue 15)."""

from pathlib import Path

import pytest

from accounts.tests.factories import UserFactory
from buildings.tests.factories import BuildingFactory, TowerFactory, UnitFactory
from conftest import sign_in
from regions.models import Region

pytestmark = [pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots")


@pytest.fixture
def operator():
    from allauth.account.models import EmailAddress

    user = UserFactory(
        email="operator@uji.coklit.id", role="kpu_kota", region=Region.objects.get(code="31.74")
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    building = BuildingFactory(
        name="Kalibata City",
        kelurahan=Region.objects.get(code="31.74.08.1003"),
        manager_org="PPPSRS Kalibata City",
    )
    UnitFactory(tower=TowerFactory(building=building, name="Jasmine"))
    BuildingFactory(name="Rusunawa Marunda", kelurahan=Region.objects.get(code="31.72.04.1003"))
    return user


def test_a_misspelt_name_typed_in_the_header_finds_the_building(laptop, operator):
    SHOTS.mkdir(exist_ok=True)
    sign_in(laptop, operator.email)
    assert laptop.url.endswith("/dasbor/wilayah/31.74/")  # staff land on their dashboard
    laptop.screenshot(path=str(SHOTS / "search-header-1366.png"))

    laptop.fill("header #top-search-q", "Kalibta")
    laptop.press("header #top-search-q", "Enter")

    laptop.wait_for_url("**/dasbor/cari/?q=Kalibta")
    laptop.screenshot(path=str(SHOTS / "search-results-1366.png"))
    results = laptop.inner_text("main table")
    assert "Kalibata City" in results and "Rusunawa Marunda" not in results
    laptop.click("main table a:text('Kalibata City')")
    laptop.wait_for_url("**/dasbor/gedung/*/")
    assert laptop.inner_text("h1") == "Kalibata City"
    box = laptop.locator("header #top-search-q").bounding_box()
    assert box and box["width"] >= 200  # a real box on a laptop, not an icon


def test_on_a_small_phone_the_header_offers_an_icon_to_the_search_page(small_phone, operator):
    SHOTS.mkdir(exist_ok=True)
    sign_in(small_phone, operator.email)

    assert small_phone.is_hidden("header #top-search-q")
    icon = small_phone.locator("header a.top-search-link").bounding_box()
    assert icon["width"] >= 44 and icon["height"] >= 44 and icon["x"] + icon["width"] <= 360
    assert small_phone.evaluate("document.documentElement.scrollWidth") <= 360
    small_phone.screenshot(path=str(SHOTS / "search-header-360.png"))

    small_phone.click("header a.top-search-link")
    small_phone.fill("main #search-q", "kalibata")
    small_phone.click("main form[role=search] button[type=submit]")
    small_phone.wait_for_url("**/dasbor/cari/?q=kalibata")
    assert "Kalibata City" in small_phone.inner_text("main table")
    assert small_phone.evaluate("document.documentElement.scrollWidth") <= 360
    small_phone.screenshot(path=str(SHOTS / "search-results-360.png"), full_page=True)
