"""The manager portal on a 360×640 phone (issue 17): generating units with a live preview and an
undo, the answer to every post where the eye is, and every page with 44 px tap targets and no
sideways scrolling."""

import datetime

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from buildings.models import BuildingManager, Region, Unit
from buildings.tests.factories import BuildingFactory, TowerFactory
from buildings.unit_generator import units_generate
from conftest import sign_in

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
