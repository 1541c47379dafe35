"""What a manager expects from the apps on their phone (issue 17, item 5): a confirmed visit in
the calendar (one .ics, or a feed to subscribe to), WhatsApp to the PPS and the pantarlih, a
letter attached to an answer, and a notice for the lobby."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.tests.factories import UserFactory
from buildings.tests.factories import TowerFactory
from visits.access import access_issue_raise
from visits.calendar import feed_token, ics_fold, ics_text
from visits.models import AccessIssue, AccessIssueEvent, Schedule
from visits.tests.factories import AssignmentFactory, ScheduleFactory

pytestmark = pytest.mark.django_db

D, T = datetime.date, datetime.time


@pytest.fixture
def manager(client, world):
    client.cookies["django_language"] = "en"
    client.force_login(world.manager_a)
    return client


@pytest.fixture
def confirmed(world):
    pps = UserFactory(role=Role.PPS, full_name="Sari PPS", region=world.building_a.kelurahan,
                      phone="+6281234567890")  # fmt: skip
    tower = TowerFactory(building=world.building_a, name="Jasmine; Blok C, lantai 1-5")
    return ScheduleFactory(
        building=world.building_a, tower=tower, proposed_by=pps, date=D(2024, 7, 6),
        start=T(9), end=T(15), kind=Schedule.Kind.POSKO, status=Schedule.Status.CONFIRMED,
        note="Bawa KTP-el dan KK,\nlapor ke pos satpam.",
    )  # fmt: skip


def _lines(body: bytes) -> list[str]:
    text = body.decode()
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    return text.replace("\r\n ", "").split("\r\n")  # unfolded


# --- The format ------------------------------------------------------------------------------


def test_text_is_escaped_as_rfc_5545_says():
    assert ics_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"


def test_long_lines_fold_at_75_octets_without_splitting_a_character():
    line = "SUMMARY:" + "Kunjungan ké rumah susun " * 10
    folded = ics_fold(line)
    parts = folded.split("\r\n ")
    assert all(len(part.encode()) <= (75 if i == 0 else 74) for i, part in enumerate(parts))
    assert "".join(parts) == line


# --- One visit, and the building's feed ------------------------------------------------------


def test_a_confirmed_schedule_downloads_as_one_event_in_utc(manager, confirmed):
    response = manager.get(reverse("portal_schedule_ics", args=[confirmed.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="coklit-2024-07-06')
    lines = _lines(response.content)
    assert lines[0] == "BEGIN:VCALENDAR" and "VERSION:2.0" in lines and lines[-2] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 1
    assert "DTSTART:20240706T020000Z" in lines and "DTEND:20240706T080000Z" in lines  # WIB = UTC+7
    assert f"UID:schedule-{confirmed.pk}@testserver" in lines
    assert "STATUS:CONFIRMED" in lines
    summary = next(line for line in lines if line.startswith("SUMMARY:"))
    assert "Jasmine\\; Blok C\\, lantai 1-5" in summary
    description = next(line for line in lines if line.startswith("DESCRIPTION:"))
    assert "Bawa KTP-el dan KK\\,\\nlapor" in description and "/cek/" in description


def test_a_proposal_has_no_calendar_file_or_notice(manager, world):
    proposal = ScheduleFactory(building=world.building_a, date=D(2024, 7, 6))
    for name in ("portal_schedule_ics", "portal_schedule_notice"):
        assert manager.get(reverse(name, args=[proposal.pk])).status_code == 404


def test_the_feed_needs_no_sign_in_shows_confirmed_and_cancelled_and_nothing_else(
    client, world, confirmed
):
    cancelled = ScheduleFactory(building=world.building_a, date=D(2024, 7, 8),
                                status=Schedule.Status.CANCELLED)  # fmt: skip
    proposed = ScheduleFactory(building=world.building_a, date=D(2024, 7, 9))
    ScheduleFactory(building=world.building_b, date=D(2024, 7, 6), status="confirmed")
    url = reverse("portal_calendar_feed", args=[world.building_a.pk, feed_token(world.building_a)])

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    lines = _lines(response.content)
    uids = [line for line in lines if line.startswith("UID:")]
    assert uids == [f"UID:schedule-{s.pk}@testserver" for s in (confirmed, cancelled)]
    assert f"UID:schedule-{proposed.pk}@testserver" not in lines
    assert "STATUS:CANCELLED" in lines and "SEQUENCE:1" in lines
    with translation.override("id"):  # the site's language, whoever asks
        name = _("Coklit at %(building)s") % {"building": world.building_a.name}
    assert f"X-WR-CALNAME:{ics_text(name)}" in lines
    assert "Sari PPS" not in response.content.decode()  # dates and places, never a person


def test_the_feed_is_closed_to_a_wrong_token_or_another_buildings(client, world):
    a, b = world.building_a, world.building_b
    for pk, token in ((a.pk, "0" * 32), (b.pk, feed_token(a)), (a.pk, "")):
        url = f"/portal/kalender/{pk}/{token or 'x'}/jadwal.ics"
        assert client.get(url).status_code == 404, (pk, token)


def test_the_schedules_page_offers_the_feed_to_subscribe(manager, world):
    page = manager.get(reverse("portal_schedules", args=[world.building_a.pk])).content.decode()

    token = feed_token(world.building_a)
    assert (
        f'href="webcal://testserver/portal/kalender/{world.building_a.pk}/{token}/jadwal.ics"'
        in page
    )
    assert (
        f'value="http://testserver/portal/kalender/{world.building_a.pk}/{token}/jadwal.ics"'
        in page
    )


# --- WhatsApp to the PPS and the assigned pantarlih ------------------------------------------


def test_each_schedule_names_the_pps_and_the_assigned_pantarlih_with_whatsapp(
    manager, world, confirmed
):
    from visits.tests.factories import pilkada_2024

    officer = UserFactory(role=Role.PANTARLIH, full_name="Rizky Ramadhan", phone="0812-8813-0457")
    elsewhere = UserFactory(role=Role.PANTARLIH, full_name="Joko Elsewhere", phone="08129990000")
    AssignmentFactory(pantarlih=officer, building=world.building_a, tower=confirmed.tower,
                      period=pilkada_2024(), tps="021")  # fmt: skip
    AssignmentFactory(pantarlih=elsewhere, building=world.building_a, period=pilkada_2024(),
                      tower=TowerFactory(building=world.building_a, name="Herbras"), tps="022")  # fmt: skip

    page = manager.get(reverse("portal_schedule", args=[confirmed.pk])).content.decode()

    contacts = page[page.index("Who to contact") :]
    assert contacts.index("Sari PPS") < contacts.index("Rizky Ramadhan")
    assert 'href="https://wa.me/6281234567890?text=Hello' in contacts
    assert 'href="https://wa.me/6281288130457?text=' in contacts  # typed 0812-…, sent as 62…
    assert "Joko Elsewhere" not in contacts  # assigned to another tower
    assert f'href="{reverse("portal_schedule_ics", args=[confirmed.pk])}"' in page
    assert f'href="{reverse("portal_schedule_notice", args=[confirmed.pk])}"' in page


# --- An attachment on the answer to an access issue ------------------------------------------


def _jpeg_with_gps() -> bytes:
    from PIL import Image

    image = Image.new("RGB", (32, 32), "white")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "S", 2: (6.0, 15.0, 30.0), 3: "E", 4: (106.0, 51.0, 10.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def test_an_answer_carries_an_attachment_stripped_like_evidence(manager, world):
    from PIL import Image

    issue = access_issue_raise(building=world.building_a, raised_by=world.pantarlih_a,
                               kind=AccessIssue.Kind.SECURITY_REFUSED, description="Ditolak.")  # fmt: skip
    url = reverse("portal_issue_reply", args=[issue.pk])

    refused = manager.post(url, {"note": "Surat terlampir.",
                                 "evidence": SimpleUploadedFile("surat.pdf", b"MZ\x90\x00 not a pdf")})  # fmt: skip
    assert refused.status_code == 200
    assert "must be a PDF, JPEG or PNG" in refused.content.decode()
    assert not issue.events.filter(action=AccessIssueEvent.Action.MANAGER_REPLY).exists()

    manager.post(url, {"note": "Surat ke vendor keamanan terlampir.",
                       "evidence": SimpleUploadedFile("surat vendor.jpg", _jpeg_with_gps())})  # fmt: skip

    event = issue.events.get(action=AccessIssueEvent.Action.MANAGER_REPLY)
    with Image.open(event.evidence) as image:
        assert not image.getexif()
    assert "vendor" not in event.evidence.name
    page = manager.get(reverse("portal_issues", args=[world.building_a.pk])).content.decode()
    link = reverse("issue_evidence", args=[event.pk])
    assert f'href="{link}"' in page
    download = manager.get(link)
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


# --- The lobby notice ------------------------------------------------------------------------


def test_the_lobby_notice_says_when_where_what_to_bring_and_where_to_check(manager, confirmed):
    response = manager.get(reverse("portal_schedule_notice", args=[confirmed.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    for text in ("Saturday, 6 July 2024", "09.00–15.00 WIB", "Jasmine; Blok C, lantai 1-5",
                 "Coklit help desk in the lobby", "e-KTP", "http://testserver/cek/", "<svg"):  # fmt: skip
        assert text in page, text
