"""The officer's photo on a small phone (360×640): taken on the card page, shrunk on the
phone, seen by the guard on the check page; offline, the card says it needs a connection
and shows no photo or code kept from before."""

import io
import os
from pathlib import Path

import pytest
from PIL import ExifTags, Image, ImageDraw

from conftest import _page, sign_in
from visits.forms import PHOTO_MAX_BYTES
from visits.models import OfficerPhoto
from visits.officer_photo import officer_photo_set
from visits.tests.test_e2e_offline import CONTROLLED, pantarlih_day

pytestmark = pytest.mark.django_db(transaction=True)

SMALL_PHONE = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True}
SHOTS = Path("/tmp/shots")
LOADED = "(img) => img.complete && img.naturalWidth > 0"


@pytest.fixture
def small_phone(browser, live_server):
    yield from _page(browser, live_server, SMALL_PHONE)


@pytest.fixture
def guard(browser, live_server):
    """The security guard's own phone at the gate: nobody signed in."""
    yield from _page(browser, live_server, SMALL_PHONE)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def english(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def camera_photo() -> bytes:
    """What a phone's front camera writes: large (more than the server takes), with GPS."""
    width, height = 2100, 2800
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    draw = ImageDraw.Draw(image)
    draw.ellipse((700, 600, 1400, 1400), fill=(236, 200, 170))  # a face
    draw.ellipse((250, 1450, 1850, 3300), fill=(40, 70, 120))  # shoulders
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PonselUji"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "S",
        ExifTags.GPS.GPSLatitude: (6.0, 15.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (106.0, 51.0, 0.0),
    }
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=85)
    return out.getvalue()


def fits_the_width(page, selector):
    box = page.locator(selector).bounding_box()
    return box["x"] >= 0 and box["x"] + box["width"] <= 360


def test_an_officer_takes_a_photo_on_the_card_and_the_guard_sees_it(
    small_phone, guard, live_server
):
    day = pantarlih_day()
    english(small_phone, live_server)
    sign_in(small_phone, day.pantarlih.email)
    small_phone.goto("/lapangan/kartu/")
    assert "No photo yet." in small_phone.inner_text("main")

    original = camera_photo()
    assert len(original) > PHOTO_MAX_BYTES  # the server alone would refuse it
    field = small_phone.locator("input[name=photo]")
    assert field.get_attribute("capture") == "user"
    field.set_input_files(
        files=[{"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": original}]
    )
    # static/js/field.js swaps in a 1280 px JPEG before it is sent.
    small_phone.wait_for_function(
        "() => document.querySelector('input[name=photo]').files[0].name === 'photo.jpg'"
    )
    small_phone.click("section.card-photo button[type=submit]")
    small_phone.wait_for_selector(".messages .success")

    photo = small_phone.locator(".card img.officer-photo")
    photo.wait_for()
    small_phone.wait_for_function(LOADED, arg=photo.element_handle())
    assert photo.evaluate("(img) => img.naturalWidth") == 360
    # Nothing is cut off or pushes the page sideways on a 360 px screen.
    assert small_phone.evaluate("() => document.documentElement.scrollWidth") <= 360
    for selector in (".card img.officer-photo", ".qr svg", ".code"):
        assert fits_the_width(small_phone, selector), selector
    # The photo sits beside the name: the QR still fits the first screen.
    small_phone.evaluate("() => window.scrollTo(0, 0)")
    qr = small_phone.locator(".qr svg").bounding_box()
    assert qr["y"] + qr["height"] <= 640
    stored = OfficerPhoto.objects.get(officer=day.pantarlih)
    with stored.photo.open("rb"), Image.open(stored.photo) as image:
        assert image.size == (360, 480) and not image.getexif()
    SHOTS.mkdir(parents=True, exist_ok=True)
    small_phone.locator(".messages li").evaluate_all("(items) => items.forEach(i => i.remove())")
    small_phone.screenshot(path=SHOTS / "officer-card-360x640.png")
    small_phone.screenshot(path=SHOTS / "officer-card-360-full.png", full_page=True)

    # At the gate: the guard scans the QR (its address is the check page's).
    code = small_phone.inner_text(".code").strip()
    english(guard, live_server)
    guard.goto(f"/cek/{code}/")
    assert "Valid today" in guard.inner_text(".check")
    seen = guard.locator(".check img.officer-photo")
    guard.wait_for_function(LOADED, arg=seen.element_handle())
    assert seen.evaluate("(img) => img.naturalWidth") == 360
    assert guard.evaluate("() => document.documentElement.scrollWidth") <= 360
    assert fits_the_width(guard, ".check img.officer-photo")
    guard.screenshot(path=SHOTS / "officer-check-360x640.png")
    guard.screenshot(path=SHOTS / "officer-check-360-full.png", full_page=True)

    # The officer removes it: the check page shows no photo from then on.
    small_phone.click("text=Remove photo")
    small_phone.wait_for_selector(".messages .success")
    assert small_phone.locator("img.officer-photo").count() == 0
    guard.reload()
    assert guard.locator("img.officer-photo").count() == 0
    assert "No photo on this card" in guard.inner_text(".check")


def test_offline_the_card_says_it_needs_a_connection_and_keeps_no_photo_or_code(
    small_phone, live_server
):
    day = pantarlih_day()
    officer_photo_set(officer=day.pantarlih, photo=io.BytesIO(camera_photo()), by=day.pantarlih)
    english(small_phone, live_server)
    sign_in(small_phone, day.pantarlih.email)
    small_phone.wait_for_url("**/lapangan/")
    small_phone.wait_for_function(CONTROLLED)  # the service worker is in charge
    small_phone.goto("/lapangan/kartu/")
    code = small_phone.inner_text(".code").strip()
    photo = small_phone.locator(".card img.officer-photo")
    small_phone.wait_for_function(LOADED, arg=photo.element_handle())

    small_phone.context.set_offline(True)
    small_phone.reload()

    assert small_phone.inner_text("h1") == "No connection"
    text = small_phone.inner_text("main")
    # True for the card: it was opened here, and is deliberately not kept.
    assert "This page is not kept on this phone" in text
    assert "The officer card needs a connection." in text
    assert code not in small_phone.content()
    assert small_phone.locator("img, .qr, .code").count() == 0
    kept = small_phone.evaluate(
        """async () => {
          const urls = [];
          for (const name of await caches.keys())
            for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
          return urls;
        }"""
    )
    assert not [url for url in kept if "/kartu/" in url or "/cek/" in url], kept
    fetched = small_phone.evaluate(
        """() => fetch('/lapangan/kartu/foto/').then(r => r.status, () => 'no connection')"""
    )
    assert fetched == "no connection"  # not answered from any cache either
    SHOTS.mkdir(parents=True, exist_ok=True)
    small_phone.screenshot(path=SHOTS / "officer-card-offline-360x640.png")
