"""The field pages on a small Android phone (360×640) and on a common one (390×844): a one-line
header, units on the grid's first screen, the whole QR code, 44 px tap targets and form fields
whose edges can be seen (issue 14)."""

import pytest

from conftest import sign_in
from visits.access import access_issue_raise
from visits.models import AccessIssue
from visits.tests.test_e2e_offline import pantarlih_day

pytestmark = pytest.mark.django_db(transaction=True)

# WCAG 2.5.5 / Android's guideline: 44 × 44 CSS px for anything a finger taps.
TARGET = 44
# The header on one line: 44 px targets and no more than a few pixels around them.
HEADER_MAX = 56
# WCAG 1.4.11: the edge of a form field against the white page.
EDGE_CONTRAST = 3.0

# Every visible thing a finger taps that is smaller than TARGET in either direction.
# Exemption, the only one: a radio or checkbox inside a `label.opt` (the whole label is the
# target, and the label itself is measured). No text link inside prose is exempt: none is left
# on these pages.
SMALL_TARGETS = """(target) => {
  const small = [];
  for (const el of document.querySelectorAll('a, button, input, select, textarea, summary, label.opt')) {
    if (el.type === 'hidden' || !el.checkVisibility({ visibilityProperty: true })) continue;
    if ((el.type === 'radio' || el.type === 'checkbox') && el.closest('label.opt')) continue;
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if (box.width < target - 0.5 || box.height < target - 0.5) {
      small.push(`${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || el.name || '').trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  return small;
}"""

# The contrast of each visible form field's border against white, from the computed colour.
FIELD_EDGES = """() => {
  const lum = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const out = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (['hidden', 'radio', 'checkbox'].includes(el.type) || !el.checkVisibility()) continue;
    const style = getComputedStyle(el);
    const [r, g, b] = style.borderTopColor.match(/\\d+(\\.\\d+)?/g).map(Number);
    const l = 0.2126 * lum(r) + 0.7152 * lum(g) + 0.0722 * lum(b);
    out.push([el.name || el.tagName, style.borderTopColor, 1.05 / (l + 0.05), parseFloat(style.borderTopWidth)]);
  }
  return out;
}"""


@pytest.fixture(params=["small_phone", "phone"], ids=["360x640", "390x844"])
def device(request, live_server):
    """The same test on the small phone and on the common one. (It names live_server itself:
    pytest-django allows the server's host only for tests that list that fixture.)"""
    return request.getfixturevalue(request.param)


def officer_day():
    """A pantarlih with a long name, a visit in progress at a 40-floor tower, and an issue."""
    day = pantarlih_day(floors=40, units_per_floor=8)
    day.pantarlih.full_name = "Siti Nurhaliza Rahmawati Kusumawardhani"
    day.pantarlih.save()
    access_issue_raise(
        building=day.building,
        raised_by=day.pantarlih,
        kind=AccessIssue.Kind.SECURITY_REFUSED,
        description="Satpam meminta surat tugas dari PPS.",
        visit=day.visit,
    )
    return day


def field_pages(day):
    return {
        "today": "/lapangan/",
        "grid": f"/lapangan/tower/{day.tower.pk}/",
        "unit": f"/lapangan/unit/{day.units[0].pk}/",
        "visit start": f"/lapangan/tower/{day.tower.pk}/mulai/",
        "visit end": f"/lapangan/kunjungan/{day.visit.pk}/selesai/",
        "officer card": "/lapangan/kartu/",
    }


def open_page(page, url):
    page.goto(url)
    page.wait_for_load_state("networkidle")  # field.js has shown what it shows


def test_every_tap_target_is_44_px_and_no_page_scrolls_sideways(device):
    day = officer_day()
    sign_in(device, day.pantarlih.email)
    width = device.viewport_size["width"]

    for name, url in field_pages(day).items():
        open_page(device, url)
        if name == "grid":
            # What opens on the grid without a network round trip: the legend and the floor form.
            device.click(".legend > summary")
            device.click("#mark > summary")
        assert device.evaluate(SMALL_TARGETS, TARGET) == [], name
        assert device.evaluate("document.documentElement.scrollWidth") <= width, name


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_header_is_one_line_with_sign_out_and_the_language_in_reach(
    device, live_server, language
):
    day = officer_day()
    device.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    sign_in(device, day.pantarlih.email)
    width = device.viewport_size["width"]

    for name, url in field_pages(day).items():
        open_page(device, url)
        header = device.locator("header.top").bounding_box()
        assert header["height"] <= HEADER_MAX, (name, header)
        for selector in (
            "header.top .brand",
            "header.top form:not(.lang) button",  # Sign out
            "header.top form.lang button",
        ):
            box = device.locator(selector).bounding_box()
            assert box is not None and box["height"] >= TARGET, (name, selector)
            assert 0 <= box["x"] and box["x"] + box["width"] <= width, (name, selector)


def test_the_first_unit_is_on_the_grids_first_screen_during_a_visit(small_phone):
    day = officer_day()
    sign_in(small_phone, day.pantarlih.email)

    open_page(small_phone, f"/lapangan/tower/{day.tower.pk}/")

    assert small_phone.is_visible(".visit-bar a")  # a visit is in progress: End visit shows
    assert small_phone.is_visible("#f1 .fm")  # and so does Mark floor
    tile = small_phone.locator("a.u").first.bounding_box()
    assert tile["y"] + tile["height"] <= 640, tile
    # The floor index is one row that scrolls sideways, not forty targets piled up.
    floors = small_phone.locator(".floors").bounding_box()
    assert floors["height"] < 2 * TARGET
    assert small_phone.eval_on_selector(".floors", "n => n.scrollWidth > n.clientWidth")


def test_the_officer_cards_qr_code_is_whole_on_the_first_screen(small_phone):
    day = officer_day()
    sign_in(small_phone, day.pantarlih.email)

    open_page(small_phone, "/lapangan/kartu/")

    qr = small_phone.locator(".qr svg").bounding_box()
    assert qr["x"] >= 0 and qr["x"] + qr["width"] <= 360, qr
    assert qr["y"] >= 0 and qr["y"] + qr["height"] <= 640, qr
    assert qr["width"] >= 180  # still large enough for a guard's phone to scan


def test_form_field_edges_have_3_to_1_contrast_against_white(device):
    day = officer_day()
    sign_in(device, day.pantarlih.email)

    for name, url in field_pages(day).items():
        open_page(device, url)
        if name == "grid":
            device.click("#mark > summary")
        for field, colour, contrast, width in device.evaluate(FIELD_EDGES):
            assert contrast >= EDGE_CONTRAST, (name, field, colour, round(contrast, 2))
            assert width >= 1, (name, field)
