"""End to end in Chromium: a manager prepares the building and answers the KPU side, on a
phone and on a laptop."""

import datetime

import pytest

from accounts.models import Role
from accounts.tests.factories import UserFactory
from buildings.models import Building, BuildingManager, Unit, UnitOccupancy
from buildings.tests.factories import BuildingFactory
from conftest import sign_in
from regions.models import Region
from visits.models import Schedule
from visits.tests.factories import ScheduleFactory

pytestmark = [pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _july_first(monkeypatch):
    """Today is 1 July 2024: the proposal of 2 July lies ahead and can still be answered."""
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2024, 7, 1)
    )


@pytest.fixture(autouse=True)
def _migration_data(phone, laptop):
    """The region tree and the period the migrations load, back if a flush took them.

    Workaround: once Playwright's browser runs, a later test may get another database
    connection object (Django's connections are context-local) without the serialized
    snapshot, so its serialized rollback restores nothing after an earlier flush.
    """
    from regions.tree import regions_load
    from visits.models import CoklitPeriod

    if not Region.objects.exists():
        regions_load(Region)
        CoklitPeriod.objects.get_or_create(
            name="Pilkada DKI Jakarta 2024",
            defaults={
                "starts_on": datetime.date(2024, 6, 24),
                "ends_on": datetime.date(2024, 7, 24),
            },
        )


def _world():
    from allauth.account.models import EmailAddress

    building = BuildingFactory(
        name="Kalibata City", kelurahan=Region.objects.get(code="31.74.08.1003")
    )
    manager = UserFactory(
        email="pengelola@uji.coklit.id", role=Role.PENGELOLA, full_name="Yohanes Pratama"
    )
    EmailAddress.objects.create(user=manager, email=manager.email, verified=True, primary=True)
    BuildingManager.objects.create(user=manager, building=building, is_primary=True)
    pps = UserFactory(email="pps@uji.coklit.id", role=Role.PPS, full_name="Sari Rahmawati")
    proposal = ScheduleFactory(
        building=building,
        proposed_by=pps,
        date=datetime.date(2024, 7, 2),
        start=datetime.time(9),
        end=datetime.time(12),
    )
    return building, manager, proposal


def _english(page):
    page.context.add_cookies(
        [{"name": "django_language", "value": "en", "url": page.url or "http://localhost"}]
    )


def _fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def _submit(page, form_selector="main form"):
    page.click(f"{form_selector} button[type=submit]")


def test_manager_prepares_the_building_on_a_phone(phone, live_server, mailoutbox):
    building, manager, proposal = _world()
    phone.goto("/akun/login/")
    phone.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    sign_in(phone, manager.email)
    phone.goto("/portal/")

    # Home: the officer check is one tap away, and the proposal is the first thing to do.
    assert phone.get_attribute("a.check-officer", "href") == "/cek/"
    assert "Answer the proposal" in phone.inner_text(".card.next")
    assert "Profile 0% complete" in phone.inner_text("main")
    _fits(phone, 390)

    # Complete the profile.
    phone.goto(f"/portal/gedung/{building.pk}/profil/")
    phone.fill("input[name=access_hours]", "Senin–Sabtu 09.00–20.00")
    phone.fill("input[name=access_requirements]", "Kartu petugas KPU dan surat tugas")
    phone.fill("input[name=access_report_point]", "Pos keamanan lobi Tower Jasmine")
    phone.fill("input[name=contact_name]", "Budi Santoso (chief security)")
    phone.fill("input[name=contact_phone]", "0812 8813 0457")
    phone.check("input[name=posko_available]")
    _submit(phone)
    phone.wait_for_selector(".note.success")
    building.refresh_from_db()
    assert building.contact_phone == "+6281288130457"

    # Add a 30-floor tower and generate its units, without floors 4, 13 and 14.
    phone.fill("details input[name=name]", "Jasmine")
    phone.fill("details input[name=floors]", "30")
    _submit(phone, "details form")
    phone.wait_for_selector("text=Generate units floor by floor")
    phone.fill("input[name=units_per_floor]", "20")
    phone.fill("input[name=skip_floors]", "4, 13, 14")
    phone.fill("input[name=number_format]", "J-{floor:02d}{unit:02d}")
    phone.click("button[value=generate]")
    phone.wait_for_selector(".note.success")
    assert "540 units created on 27 floors" in phone.inner_text(".note.success")
    assert Unit.objects.filter(tower__building=building).count() == 540
    _fits(phone, 390)

    # Report a floor: one vacant unit, one shop.
    phone.get_by_role("link", name="Floor 5", exact=True).click()
    unit = Unit.objects.get(number="J-0501")
    phone.select_option(f"select[name=status_{unit.pk}]", "vacant")
    shop = Unit.objects.get(number="J-0502")
    phone.select_option(f"select[name=status_{shop.pk}]", "business")
    phone.uncheck(f"input[name=residential_{shop.pk}]")
    phone.click("input[value=units] ~ button[type=submit]")
    phone.wait_for_selector(".note.success")
    assert UnitOccupancy.objects.get(unit=unit).status == "vacant"
    assert not Unit.objects.get(pk=shop.pk).residential
    _fits(phone, 390)

    # Confirm the PPS's proposal; the PPS gets the email.
    phone.goto("/portal/")
    phone.click(".card.next a.button")
    phone.fill("textarea[name=answer-reply]", "Lapor ke pos keamanan lobi")
    phone.click("button[value=confirm]")
    phone.wait_for_selector(".note.success")
    proposal.refresh_from_db()
    assert proposal.status == Schedule.Status.CONFIRMED
    assert [m.to for m in mailoutbox] == [["pps@uji.coklit.id"]]
    assert "Lapor ke pos keamanan lobi" in mailoutbox[0].body

    phone.goto("/portal/")
    assert "Nothing waiting." in phone.inner_text("main")
    assert "0 / 539" in phone.inner_text("main")  # the shop is not a dwelling

    # A pantarlih turns up at the lobby: the manager checks the card's code from the portal.
    from django.utils import timezone

    from visits.models import Assignment, CoklitPeriod
    from visits.officer_card import card_code

    today = timezone.localdate()
    window = CoklitPeriod.objects.create(
        name="Jendela uji", starts_on=today - datetime.timedelta(days=3),
        ends_on=today + datetime.timedelta(days=20),
    )  # fmt: skip
    officer = UserFactory(email="petugas@uji.coklit.id", role=Role.PANTARLIH,
                          full_name="Rizky Ramadhan", unit_name="Pantarlih TPS 021")  # fmt: skip
    Assignment.objects.create(period=window, pantarlih=officer, building=building, tps="021")
    phone.goto("/portal/")
    phone.click("a.check-officer")
    phone.fill("#kode", card_code(officer.pk, window.ends_on))
    _submit(phone)
    card = phone.inner_text("main")
    assert "Valid today" in card and "Rizky Ramadhan" in card and "Kalibata City" in card
    assert "petugas@uji.coklit.id" not in card  # nothing private on the public check


def test_manager_proposes_posko_days_and_counters_on_a_laptop(laptop, live_server, mailoutbox):
    building, manager, proposal = _world()
    Building.objects.filter(pk=building.pk).update(posko_available=True)
    pps_rawajati = UserFactory(
        email="pps.rawajati@uji.coklit.id", role=Role.PPS, region=building.kelurahan
    )
    laptop.goto("/akun/login/")
    laptop.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    sign_in(laptop, manager.email)
    laptop.goto(f"/portal/gedung/{building.pk}/jadwal/")

    # A posko day over the proposal's slot is refused, naming the field; nothing is stored.
    laptop.click("text=Propose a posko day")
    laptop.fill("input[name=date]", "2024-07-02")
    laptop.fill("input[name=start]", "10:00")
    laptop.fill("input[name=end]", "11:00")
    _submit(laptop, "details form")
    laptop.wait_for_selector(".errorlist")
    assert "overlaps another schedule" in laptop.inner_text(".errorlist")
    # Outside the coklit period.
    laptop.fill("input[name=date]", "2024-08-10")
    _submit(laptop, "details form")
    laptop.wait_for_selector("text=inside the coklit period")
    laptop.fill("input[name=date]", "2024-07-06")
    laptop.fill("input[name=start]", "09:00")
    laptop.fill("input[name=end]", "15:00")
    _submit(laptop, "details form")
    laptop.wait_for_selector(".note.success")
    assert Schedule.objects.filter(kind="posko", date=datetime.date(2024, 7, 6)).exists()
    assert [m.to for m in mailoutbox] == [[pps_rawajati.email]]

    # Counter the door-to-door proposal with an afternoon slot.
    laptop.goto(f"/portal/jadwal/{proposal.pk}/")
    laptop.click("text=Propose another time")
    laptop.fill("input[name=counter-start]", "13:00")
    laptop.fill("input[name=counter-end]", "16:00")
    laptop.fill("textarea[name=counter-note]", "Pagi ada kerja bakti warga")
    _submit(laptop, "details form")
    laptop.wait_for_selector("text=Waiting for the other side's answer.")
    proposal.refresh_from_db()
    assert proposal.status == Schedule.Status.DECLINED
    assert mailoutbox[-1].to == ["pps@uji.coklit.id"]

    laptop.goto("/portal/")
    assert laptop.get_attribute("a.check-officer", "href") == "/cek/"


def test_floor_inputs_keep_their_labels_on_a_phone(phone, live_server):
    from buildings.tests.factories import TowerFactory, UnitFactory

    building, manager, _proposal = _world()
    tower = TowerFactory(building=building, name="Jasmine", floors=2)
    unit = UnitFactory(tower=tower, number="J-0101", floor=1)
    phone.goto("/akun/login/")
    phone.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    sign_in(phone, manager.email)
    phone.goto(f"/portal/tower/{tower.pk}/lantai/1/")

    for name in (f"best_{unit.pk}", f"residential_{unit.pk}"):
        label = phone.locator(f"label[for=id_{name}]")
        box = label.bounding_box()
        assert box["width"] > 20 and box["height"] > 10, name  # visible, not the 1 px .sr
    checkbox = phone.locator(f"input[name=residential_{unit.pk}]").bounding_box()
    label = phone.locator(f"label[for=id_residential_{unit.pk}]").bounding_box()
    assert checkbox["width"] >= 24 and checkbox["height"] >= 24
    assert abs(label["y"] + label["height"] / 2 - (checkbox["y"] + checkbox["height"] / 2)) < 8
    assert label["x"] > checkbox["x"]  # beside it, on its right
    _fits(phone, 390)
