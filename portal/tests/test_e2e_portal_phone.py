"""The manager portal on a 360×640 phone (issue 17): generating units with a live preview and an
undo, the answer to every post where the eye is, and every page with 44 px tap targets and no
sideways scrolling."""

import datetime
import io

import pytest
from pypdf import PdfReader

from accounts.models import Role
from accounts.tests.factories import UserFactory
from buildings.models import BuildingManager, Unit
from buildings.tests.factories import BuildingFactory, TowerFactory
from buildings.unit_generator import units_generate
from conftest import sign_in
from regions.models import Region

pytestmark = [pytest.mark.django_db(transaction=True)]

WIDTH = 360
TARGET = 44


@pytest.fixture(autouse=True)
def _july_first(monkeypatch):
    """Today is 1 July 2024, inside the Pilkada window the migrations load."""
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2024, 7, 1)
    )


def _manager(**building):
    from allauth.account.models import EmailAddress

    building = BuildingFactory(
        name="Kalibata City", kelurahan=Region.objects.get(code="31.74.08.1003"), **building
    )
    manager = UserFactory(
        email="pengelola@uji.coklit.id", role=Role.PENGELOLA, full_name="Yohanes Pratama"
    )
    EmailAddress.objects.create(user=manager, email=manager.email, verified=True, primary=True)
    BuildingManager.objects.create(user=manager, building=building, is_primary=True)
    return building, manager


def _english(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


def _focused(page, css_class: str) -> bool:
    """Whether the element with the focus has this class, once portal.js has run."""
    page.wait_for_load_state("load")
    return page.evaluate("(c) => document.activeElement.classList.contains(c)", css_class)


def _on_screen(page, selector) -> bool:
    box = page.locator(selector).first.bounding_box()
    viewport = page.viewport_size
    # Its top (or its first 80 px) is on the screen; a scroll leaves it at -0.4 px at worst.
    top, height = box["y"], min(box["height"], 80)
    return box is not None and -1 <= top and top + height <= viewport["height"]


def test_generating_again_shows_a_preview_asks_about_doubles_and_can_be_undone(
    small_phone, live_server
):
    building, manager = _manager()
    tower = TowerFactory(building=building, name="Gardenia", floors=7)
    units_generate(tower=tower, units_per_floor=6, number_format="{tower}-{lantai:2}{unit:2}")
    _english(small_phone, live_server)
    sign_in(small_phone, manager.email)
    small_phone.goto(f"/portal/tower/{tower.pk}/")

    small_phone.click("#generate > summary")
    small_phone.fill("input[name=units_per_floor]", "6")
    # The preview follows the typing: each floor's first and last name, and the doubles.
    small_phone.wait_for_selector("#unit-preview td:text('0706')")
    preview = small_phone.inner_text("#unit-preview")
    assert "42 units already on these floors" in preview and "Gardenia-0101" in preview
    assert small_phone.is_visible("#unit-preview input[value=replace]")

    # Generating without choosing is refused, with the summary focused at the form.
    small_phone.click("button[value=generate]")
    small_phone.wait_for_selector(".error-summary")
    assert _focused(small_phone, "error-summary")
    assert _on_screen(small_phone, ".error-summary")
    assert Unit.objects.filter(tower=tower).count() == 42

    small_phone.check("#unit-preview input[value=replace]")
    small_phone.click("button[value=generate]")
    small_phone.wait_for_selector("#units-done .note.success")
    assert "42 units renumbered" in small_phone.inner_text("#units-done")
    assert _focused(small_phone, "note") and _on_screen(small_phone, "#units-done .note")
    assert Unit.objects.filter(tower=tower, number="0101").exists()
    assert Unit.objects.filter(tower=tower).count() == 42

    small_phone.click(".undo button")
    small_phone.wait_for_selector("#units-done .note.success:text('Undone')")
    assert Unit.objects.filter(tower=tower, number="Gardenia-0101").exists()
    assert Unit.objects.filter(tower=tower).count() == 42
    assert small_phone.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_a_refused_nik_is_summed_up_at_the_top_of_the_form_and_focused(small_phone, live_server):
    building, manager = _manager()
    _english(small_phone, live_server)
    sign_in(small_phone, manager.email)
    small_phone.goto(f"/portal/gedung/{building.pk}/profil/")

    small_phone.fill("input[name=access_hours]", "Senin–Sabtu 09.00–20.00")
    small_phone.fill("textarea[name=access_notes]", "Hubungi 3174 0845 0190 0003")
    small_phone.click("main form button[type=submit]")

    small_phone.wait_for_selector(".error-summary")
    assert _focused(small_phone, "error-summary") and _on_screen(small_phone, ".error-summary")
    summary = small_phone.inner_text(".error-summary")
    assert "Not saved" in summary and "NIK" in summary
    # The summary's link takes the finger to the field.
    small_phone.click(".error-summary a")
    assert small_phone.evaluate("location.hash") == "#id_access_notes"
    building.refresh_from_db()
    assert building.access_hours == ""


def test_answering_an_issue_shows_the_answer_in_its_card_and_home_stops_asking(
    small_phone, live_server
):
    from visits.access import access_issue_raise
    from visits.models import AccessIssue

    building, manager = _manager()
    raiser = UserFactory(role=Role.PANTARLIH, full_name="Rizky Ramadhan")
    first = access_issue_raise(building=building, raised_by=raiser,
                               kind=AccessIssue.Kind.OTHER, description="Lift barang mati.")  # fmt: skip
    issue = access_issue_raise(
        building=building, raised_by=raiser, kind=AccessIssue.Kind.SECURITY_REFUSED,
        description="Satpam Tower Jasmine menolak tanpa surat dari pengelola. " * 4,
    )  # fmt: skip
    _english(small_phone, live_server)
    sign_in(small_phone, manager.email)
    small_phone.goto(f"/portal/gedung/{building.pk}/masalah/")

    card = f"#issue-{first.pk}"  # the older one, lower on the page
    small_phone.fill(f"{card} textarea[name=note]", "Lift sudah diperbaiki, silakan datang lagi.")
    small_phone.click(f"{card} button[type=submit]")

    small_phone.wait_for_selector(f"{card} .note.success")
    assert _focused(small_phone, "note") and _on_screen(small_phone, f"{card} .note")
    assert not small_phone.query_selector(f"#issue-{issue.pk} .note")
    assert small_phone.evaluate("document.documentElement.scrollWidth") <= WIDTH

    small_phone.fill(f"#issue-{issue.pk} textarea[name=note]", "Surat ke vendor keamanan terkirim.")
    small_phone.click(f"#issue-{issue.pk} button[type=submit]")
    small_phone.wait_for_selector(f"#issue-{issue.pk} .note.success")
    small_phone.goto("/portal/")
    assert "waits for your answer" not in small_phone.inner_text("main")
    assert "you answered; KPU acts next" in small_phone.inner_text("main")


# Every visible thing a finger taps, smaller than 44 × 44 px. A checkbox or radio counts with its
# label (a tap on either ticks it): the two together must make the 44 px.
SMALL_TARGETS = """(target) => {
  const small = [];
  const union = (a, b) => {
    const left = Math.min(a.left, b.left), top = Math.min(a.top, b.top);
    return { width: Math.max(a.right, b.right) - left, height: Math.max(a.bottom, b.bottom) - top };
  };
  for (const el of document.querySelectorAll('a, button, input, select, textarea, summary')) {
    if (el.type === 'hidden' || !el.checkVisibility({ visibilityProperty: true })) continue;
    let box = el.getBoundingClientRect();
    if (!box.width || !box.height) continue;
    if ((el.type === 'checkbox' || el.type === 'radio') && el.labels.length) {
      box = union(box, el.labels[0].getBoundingClientRect());
    }
    if (box.width < target - 0.5 || box.height < target - 0.5) {
      small.push(`${el.tagName.toLowerCase()}.${el.className} "${(el.textContent || el.name || '').trim().slice(0, 30)}" ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  return small;
}"""


def _portal_world():
    """A building with a tower of units, a posko day confirmed, a proposal waiting and an
    access issue: every portal page has something on it."""
    from visits.access import access_issue_raise
    from visits.models import AccessIssue, Schedule
    from visits.tests.factories import ScheduleFactory

    building, manager = _manager(posko_available=True)
    tower = TowerFactory(building=building, name="Jasmine", floors=3)
    units_generate(tower=tower, units_per_floor=4, number_format="J-{lantai:2}{unit:2}")
    pps = UserFactory(role=Role.PPS, full_name="Sari Rahmawati", phone="+6281234567890")
    proposal = ScheduleFactory(building=building, proposed_by=pps, date=datetime.date(2024, 7, 2),
                               start=datetime.time(9), end=datetime.time(12))  # fmt: skip
    confirmed = ScheduleFactory(
        building=building, proposed_by=pps, date=datetime.date(2024, 7, 5), tower=tower,
        kind=Schedule.Kind.POSKO, status=Schedule.Status.CONFIRMED, decided_by=manager,
    )  # fmt: skip
    access_issue_raise(building=building, raised_by=pps, kind=AccessIssue.Kind.SECURITY_REFUSED,
                       description="Satpam menolak tanpa surat.")  # fmt: skip
    pages = {
        "home": "/portal/",
        "building": f"/portal/gedung/{building.pk}/",
        "profile": f"/portal/gedung/{building.pk}/profil/",
        "tower add": f"/portal/gedung/{building.pk}/tower/tambah/",
        "occupancy": f"/portal/gedung/{building.pk}/hunian/unggah/",
        "schedules": f"/portal/gedung/{building.pk}/jadwal/",
        "issues": f"/portal/gedung/{building.pk}/masalah/",
        "tower": f"/portal/tower/{tower.pk}/",
        "floor": f"/portal/tower/{tower.pk}/lantai/2/",
        "proposal": f"/portal/jadwal/{proposal.pk}/",
        "confirmed": f"/portal/jadwal/{confirmed.pk}/",
        "notice": f"/portal/jadwal/{confirmed.pk}/pengumuman/",
    }
    return building, manager, pages


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_portal_page_has_44_px_targets_one_header_line_and_no_sideways_scroll(
    small_phone, live_server, language
):
    _building, manager, pages = _portal_world()
    small_phone.context.add_cookies(
        [{"name": "django_language", "value": language, "url": live_server.url}]
    )
    sign_in(small_phone, manager.email)

    for name, url in pages.items():
        small_phone.goto(url)
        small_phone.wait_for_load_state("networkidle")  # portal.js has drawn the preview
        # Open every <details>, so what is inside is measured too.
        small_phone.eval_on_selector_all("details", "all => all.forEach(d => d.open = true)")
        assert small_phone.evaluate(SMALL_TARGETS, TARGET) == [], name
        assert small_phone.evaluate("document.documentElement.scrollWidth") <= WIDTH, name
        header = small_phone.locator("header.top").bounding_box()
        assert header["height"] <= 56, (name, header)


def test_details_show_a_disclosure_arrow_that_turns_when_open(small_phone, live_server):
    _building, manager, pages = _portal_world()
    sign_in(small_phone, manager.email)
    small_phone.goto(pages["proposal"])

    arrow = "s => getComputedStyle(s, '::before').content"
    summaries = small_phone.locator("details > summary")
    assert summaries.count() >= 2  # propose another time, cancel
    for i in range(summaries.count()):
        assert summaries.nth(i).evaluate(arrow) not in ("none", "normal", '""')
    closed = summaries.first.evaluate("s => getComputedStyle(s, '::before').transform")
    summaries.first.click()
    opened = summaries.first.evaluate("s => getComputedStyle(s, '::before').transform")
    assert closed != opened


def test_a_floor_of_twenty_units_takes_at_most_a_hundred_px_a_unit(small_phone, live_server):
    building, manager = _manager()
    tower = TowerFactory(building=building, name="Tower Gardenia", floors=8)
    units_generate(tower=tower, units_per_floor=20, first_floor=8,
                   number_format="{tower}-{lantai:2}{unit:2}")  # fmt: skip
    sign_in(small_phone, manager.email)
    small_phone.goto(f"/portal/tower/{tower.pk}/lantai/8/")

    rows = small_phone.locator(".floor-units > li")
    assert rows.count() == 20
    first, last = rows.first.bounding_box(), rows.last.bounding_box()
    assert (last["y"] + last["height"] - first["y"]) / 20 <= 100
    # The long tower name is said once, in the heading, not in every row.
    assert rows.first.locator(".unit-number").inner_text() == "0801"
    assert small_phone.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_the_lobby_notice_opens_from_the_schedule_and_prints_on_one_a4_page(
    small_phone, live_server
):
    _building, manager, pages = _portal_world()
    _english(small_phone, live_server)
    sign_in(small_phone, manager.email)
    small_phone.goto(pages["confirmed"])

    small_phone.click("text=Notice for the lobby (A4)")
    small_phone.wait_for_selector("article.notice")
    notice = small_phone.inner_text("article.notice")
    assert "Friday, 5 July 2024" in notice and "Jasmine" in notice and "/cek/" in notice
    assert small_phone.evaluate("document.documentElement.scrollWidth") <= WIDTH

    small_phone.emulate_media(media="print")
    assert small_phone.is_hidden("header.top") and small_phone.is_hidden(".notice-tools")
    small_phone.emulate_media(media="screen")
    pdf = small_phone.pdf(format="A4", print_background=True)
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
