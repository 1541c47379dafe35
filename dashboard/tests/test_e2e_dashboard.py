"""End to end in Chromium: staff propose a visit, and move an access issue up the ladder
(PPS → KPU Kota, with the printed letter → resolved), the manager and pantarlih told."""

import datetime

import pytest

from accounts.tests.factories import UserFactory
from buildings.tests.factories import BuildingFactory, BuildingManagerFactory, TowerFactory
from conftest import sign_in
from regions.models import Region
from visits.access import access_issue_raise
from visits.models import AccessIssue, Schedule
from visits.tests.factories import AssignmentFactory

pytestmark = [pytest.mark.django_db(transaction=True)]


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), "grey").save(out, "PNG")
    return out.getvalue()


PNG = _png()


def _staff(email, role, code):
    from allauth.account.models import EmailAddress

    user = UserFactory(email=email, role=role, region=Region.objects.get(code=code))
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _english(page, live_server):
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])


@pytest.fixture
def building():
    building = BuildingFactory(
        name="Rusunawa Rawajati",
        kelurahan=Region.objects.get(code="31.74.08.1003"),
        manager_org="UPRS Rawajati",
    )
    TowerFactory(building=building, name="Blok A")
    return building


@pytest.fixture
def people(building):
    manager = UserFactory(
        email="pengelola@uji.coklit.id", role="pengelola", full_name="Sri Wahyuni"
    )
    BuildingManagerFactory(building=building, user=manager, is_primary=True)
    pantarlih = UserFactory(email="pantarlih@uji.coklit.id", role="pantarlih")
    AssignmentFactory(pantarlih=pantarlih, building=building, tps="021")
    return {
        "manager": manager,
        "pantarlih": pantarlih,
        "pps": _staff("pps@uji.coklit.id", "pps", "31.74.08.1003"),
        "kota": _staff("kota@uji.coklit.id", "kpu_kota", "31.74"),
    }


def test_pps_proposes_a_door_to_door_visit(
    laptop, live_server, building, people, mailoutbox, monkeypatch
):
    # Today is 1 July 2024: the proposal for the 2nd lies ahead (a past one reads "Expired").
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *args, **kwargs: datetime.date(2024, 7, 1)
    )
    _english(laptop, live_server)
    sign_in(laptop, people["pps"].email)
    laptop.goto(f"/dasbor/gedung/{building.pk}/jadwal/")
    assert "TPS 021" in laptop.inner_text("main")  # the assigned pantarlih
    laptop.select_option("select[name=kind]", "door_to_door")
    laptop.fill("input[name=date]", "2024-07-02")
    laptop.fill("input[name=start]", "09:00")
    laptop.fill("input[name=end]", "12:00")
    laptop.fill("textarea[name=note]", "Blok A, lantai 1 sampai 5.")
    laptop.click("main form.portal-form button[type=submit]")
    laptop.wait_for_selector(".messages .success")
    assert "Proposed" in laptop.inner_text("table")
    schedule = Schedule.objects.get(building=building)
    assert schedule.proposed_by == people["pps"] and schedule.status == "proposed"
    assert [m.to for m in mailoutbox] == [[people["manager"].email]]

    # The week's agenda shows it, with its status.
    laptop.goto("/dasbor/jadwal/?minggu=2024-07-02")
    assert "Rusunawa Rawajati" in laptop.inner_text(".agenda")
    assert "Proposed" in laptop.inner_text(".agenda")


def test_an_access_issue_moves_up_to_kpu_kota_gets_a_letter_and_is_resolved(
    laptop, phone, live_server, building, people, mailoutbox, settings
):
    # Emails go out in each recipient's language: these two chose English.
    for person in (people["pantarlih"], people["manager"]):
        person.language = "en"
        person.save(update_fields=["language"])
    issue = access_issue_raise(
        building=building,
        raised_by=people["pantarlih"],
        kind=AccessIssue.Kind.SECURITY_REFUSED,
        description="Satpam menolak pantarlih masuk Blok A.",
    )

    # The PPS of the kelurahan moves it up, with a photo as evidence.
    _english(laptop, live_server)
    sign_in(laptop, people["pps"].email)
    laptop.goto("/dasbor/masalah/")
    laptop.click(f"a[href='/dasbor/masalah/{issue.pk}/']")
    laptop.click("#act-escalate summary")
    laptop.fill("#act-escalate textarea", "Pengelola tidak menjawab dua kali.")
    laptop.set_input_files(
        "#act-escalate input[type=file]",
        files=[{"name": "satpam.png", "mimeType": "image/png", "buffer": PNG}],
    )
    laptop.check("#act-escalate input[name=escalate-confirm]")
    laptop.click("#act-escalate button[type=submit]")
    laptop.wait_for_selector(".messages .success")
    assert "KPU Kota" in laptop.inner_text("#issue-level")
    # The PPS held the step below: it may still comment, and do nothing else.
    assert laptop.query_selector("#act-comment") and not laptop.query_selector("#act-resolve")

    # KPU Kota prints the letter, records it as sent, and resolves the issue.
    _english(phone, live_server)
    sign_in(phone, people["kota"].email)
    phone.goto(f"/dasbor/masalah/{issue.pk}/")
    phone.click("text=Prepare the letter to the manager")
    letter = phone.inner_text(".letter")
    for text in ("UPRS Rawajati", "Sri Wahyuni", "UU 10/2016", "PKPU 7/2024", "Satpam menolak"):
        assert text in letter
    phone.emulate_media(media="print")
    assert phone.is_hidden("header.top")
    phone.emulate_media(media="screen")
    phone.fill("input[name=letter-signatory_name]", "Ahmad Fauzan")
    phone.click("text=Record the letter as sent")
    phone.wait_for_selector(".messages .success")
    phone.goto(f"/dasbor/masalah/{issue.pk}/")
    phone.click("#act-resolve summary")
    phone.fill("#act-resolve textarea", "Pengelola memberi akses mulai besok pagi.")
    phone.click("#act-resolve button[type=submit]")
    phone.wait_for_selector(".messages .success")
    assert "Resolved" in phone.inner_text(".facts")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    issue.refresh_from_db()
    assert issue.status == "resolved" and issue.level == "kpu_kota"
    actions = list(issue.events.values_list("action", flat=True))
    assert actions == ["raised", "escalated", "letter_sent", "resolved"]
    assert issue.events.get(action="escalated").evidence.name.endswith(".png")
    told = sorted(m.to[0] for m in mailoutbox if "resolved" in m.subject)
    assert told == sorted([people["manager"].email, people["pantarlih"].email])
