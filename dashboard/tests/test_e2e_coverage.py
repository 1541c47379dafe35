"""End to end in Chromium: a KPU Kota operator at 21:00 drills down and finds what is behind."""

import pytest

from conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_operator_drills_down_from_kota_to_tower_and_reads_the_at_risk_list(
    laptop, live_server, settings
):
    from demo.builder import demo_seed
    from demo.data.people import DEMO_PASSWORD

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_seed()
    laptop.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    sign_in(laptop, "kpu.jaksel@demo.coklit.id", DEMO_PASSWORD)

    # Mid-window in 2024: the dashboard opens on the operator's kota.
    laptop.goto("/dasbor/?tanggal=2024-07-01")
    assert "Kota Administrasi Jakarta Selatan" in laptop.inner_text("h1")
    at_risk = laptop.inner_text("main table >> nth=0")
    assert "Kalibata City" in at_risk and "access denied" in at_risk
    assert laptop.locator("svg.chart").count() == 1

    # Kota → kecamatan → kelurahan → building → towers, keeping the date.
    laptop.click("text=Pancoran")
    assert "Pancoran" in laptop.inner_text("h1")
    laptop.click("main table >> nth=1 >> text=Rawajati")
    assert "Rawajati" in laptop.inner_text("h1")
    laptop.click("main table >> nth=1 >> text=Kalibata City")
    assert "tanggal=2024-07-01" in laptop.url
    towers = laptop.inner_text("main table >> nth=0")
    assert "Tower Jasmine" in towers and "Tower Flamboyan" in towers
    assert laptop.locator(".crumbs a").count() == 3  # kota › kecamatan › kelurahan (a KPU Kota)

    # The other kota is not there to be opened.
    response = laptop.goto("/dasbor/wilayah/31.72/")
    assert response.status == 404
