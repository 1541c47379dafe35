"""End to end in Chromium: the buildings' map with no tile server reachable, and the trends."""

import pytest

from conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _demo(page, live_server, settings, email):
    from demo.builder import demo_seed
    from demo.data.people import DEMO_PASSWORD

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_seed()
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    violations = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    # No tile server: every request to another origin fails, as on a machine offline.
    page.route(lambda url: not url.startswith(live_server.url), lambda route: route.abort("failed"))
    sign_in(page, email, DEMO_PASSWORD)
    return violations


def test_a_kpu_kota_map_shows_its_buildings_without_tiles(laptop, live_server, settings):
    violations = _demo(laptop, live_server, settings, "kpu.jaksel@demo.coklit.id")
    laptop.goto("/dasbor/wilayah/31.74/?tanggal=2024-06-28")
    laptop.click(".staff-links >> text=Map")
    assert "/dasbor/peta/?wilayah=31.74" in laptop.url
    # Kalibata City and Taman Rasuna, each a marker coloured by its band.
    markers = laptop.locator("path.leaflet-interactive.marker")
    markers.first.wait_for()
    assert markers.count() == 2
    assert laptop.locator("path.marker.band-none").count() == 1  # Taman Rasuna: no units
    laptop.locator("[data-tiles-failed]").wait_for()  # the page says the tiles did not load
    assert "behind" in laptop.inner_text(".map-legend")
    # A marker opens the building's figures and reasons; its link leads to the building.
    laptop.locator("path.marker.band-none").click()
    popup = laptop.locator(".leaflet-popup-content")
    assert "Apartemen Taman Rasuna" in popup.inner_text()
    assert "no unit data" in popup.inner_text()
    # The list beside the map: same buildings, as links.
    listed = laptop.inner_text(".map-list")
    assert "Kalibata City" in listed and "Apartemen Taman Rasuna" in listed
    map_box = laptop.locator("#map").bounding_box()
    list_box = laptop.locator(".map-list").bounding_box()
    assert list_box["x"] >= map_box["x"] + map_box["width"]  # beside it on a laptop
    assert map_box["height"] >= 300
    assert laptop.get_attribute("#map", "aria-label").startswith("Map of the buildings in")
    assert not violations, violations


def test_the_province_map_lists_a_building_without_coordinates(small_phone, live_server, settings):
    violations = _demo(small_phone, live_server, settings, "kpu.provinsi@demo.coklit.id")
    small_phone.goto("/dasbor/peta/?tanggal=2024-06-28")
    markers = small_phone.locator("path.leaflet-interactive.marker")
    markers.first.wait_for()
    assert markers.count() == 6  # seven complexes, Pulo Gebang without coordinates
    unplaced = small_phone.inner_text(".map-list")
    assert "1 building without coordinates" in unplaced and "Rusunawa Pulo Gebang" in unplaced
    # On a 360 px phone the list comes below the map, and nothing is wider than the screen.
    map_box = small_phone.locator("#map").bounding_box()
    list_box = small_phone.locator(".map-list").bounding_box()
    assert list_box["y"] >= map_box["y"] + map_box["height"]
    assert small_phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert not violations, violations


def test_the_trends_show_each_area_and_their_values_on_tap(small_phone, live_server, settings):
    violations = _demo(small_phone, live_server, settings, "kpu.provinsi@demo.coklit.id")
    small_phone.goto("/dasbor/wilayah/31/?tanggal=2024-06-28#tren")
    assert small_phone.locator("svg.chart .today").count() == 1
    assert small_phone.locator("svg.chart-small").count() == 5  # every kota with a building
    table = small_phone.locator(".trend-table table")
    assert not table.is_visible()
    small_phone.locator(".trend-table summary").tap()
    assert table.is_visible()
    assert "Jakarta Selatan" in small_phone.inner_text(".trend-table thead")
    assert small_phone.locator(".trend-table tbody tr").count() == 5  # 24–28 June
    assert small_phone.evaluate("document.documentElement.scrollWidth") <= 360
    assert not violations, violations
