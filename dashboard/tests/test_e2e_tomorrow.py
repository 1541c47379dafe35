"""End to end in Chromium: at 21:00 a KPU Kota operator opens "Besok" from the dashboard, sees
what tomorrow still needs in the demo, and confirms the manager's posko day from there."""

import pytest

from conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(settings):
    from demo.builder import demo_seed
    from demo.data.people import DEMO_PASSWORD

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_seed()
    return DEMO_PASSWORD


def _english(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def test_kpu_kota_reads_tomorrow_and_confirms_a_posko_day(laptop, live_server, demo, tmp_path):
    _english(laptop, live_server)
    sign_in(laptop, "kpu.jaksel@demo.coklit.id", demo)
    laptop.goto("/dasbor/")
    laptop.click(".staff-links >> text=Tomorrow")
    assert "/dasbor/besok/?wilayah=31.74" in laptop.url

    # Every section has something in the demo, unanswered proposals first.
    waiting = laptop.inner_text("#menunggu")
    assert waiting.count("Kalibata City") == 2 and "Tower Gaharu" in waiting
    assert "The building's manager" in waiting and "The KPU side" in waiting
    assert laptop.locator("#menunggu a[href^='tel:']").count() >= 1
    confirmed = laptop.inner_text("#terkonfirmasi")
    assert "Tower Herbras" in confirmed and "Fitri Handayani" in confirmed
    assert "Tower Gaharu" in laptop.inner_text("#tanpa-pantarlih")
    assert "Apartemen Taman Rasuna" in laptop.inner_text("#tanpa-kontak")
    shot = tmp_path / "kpu-kota-besok.png"
    laptop.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000

    # The manager's posko day is confirmed from the page, by the schedule page's own action.
    laptop.click("#menunggu button[value=confirm]")
    laptop.wait_for_url("**/dasbor/jadwal/*/")
    assert "Schedule confirmed" in laptop.inner_text("main")
    laptop.goto("/dasbor/besok/")
    assert laptop.inner_text("#menunggu").count("Kalibata City") == 1
    assert laptop.inner_text("#terkonfirmasi").count("Kalibata City") == 2

    # Another kota is not there to be opened.
    assert laptop.goto("/dasbor/besok/?wilayah=31.72").status == 404


def test_bawaslu_reads_tomorrow_without_answering(laptop, live_server, demo):
    _english(laptop, live_server)
    sign_in(laptop, "bawaslu@demo.coklit.id", demo)
    laptop.goto("/dasbor/besok/?wilayah=31.74")
    assert "Tower Gaharu" in laptop.inner_text("#menunggu")
    assert laptop.locator("button[value=confirm]").count() == 0


def test_the_page_fits_a_360_px_phone(small_phone, live_server, demo):
    sign_in(small_phone, "pps.rawajati@demo.coklit.id", demo)
    small_phone.goto("/dasbor/besok/")
    assert small_phone.locator("#menunggu tr[data-schedule]").count() == 2
    width = small_phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, width
