"""Starting and ending a visit: photo limits, metadata stripped, turned away in one step."""

import datetime
import io
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from visits.forms import PHOTO_MAX_BYTES
from visits.models import AccessIssue, AccessIssueEvent, Visit
from visits.tests.factories import field_day

pytestmark = pytest.mark.django_db


@pytest.fixture
def day():
    day = field_day()
    Visit.objects.filter(pk=day.visit.pk).delete()
    return day


@pytest.fixture
def phone(client, day, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(day.pantarlih)
    client.cookies["django_language"] = "en"
    return client


def jpeg_with_gps(size=(2400, 1800)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = {1: "S", 2: (6.0, 15.0, 30.0), 3: "E", 4: (106.0, 51.0, 10.0)}
    exif[0x8825] = gps  # GPSInfo
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=70)
    return out.getvalue()


def start_form(**changes):
    data = {
        "client_uuid": str(uuid.uuid4()),
        "started_at": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
        "access": "granted",
        "note": "",
        "issue_kind": "security_refused",
        "issue_description": "",
    }
    data.update(changes)
    return data


def test_the_test_photo_does_carry_gps():
    assert 0x8825 in Image.open(io.BytesIO(jpeg_with_gps())).getexif()


def test_starting_a_visit_with_location_and_photo_strips_the_metadata(phone, day):
    photo = SimpleUploadedFile("foto.jpg", jpeg_with_gps(), content_type="image/jpeg")
    form = start_form(latitude="-6.257812", longitude="106.853301", photo=photo)

    response = phone.post(reverse("field_visit_start", args=[day.tower.pk]), form)

    assert response.status_code == 302
    assert response["Location"] == reverse("field_grid", args=[day.tower.pk])
    visit = Visit.objects.get()
    assert (visit.pantarlih, visit.tower, visit.period) == (day.pantarlih, day.tower, day.period)
    assert str(visit.latitude) == "-6.257812"
    with visit.photo.open() as stored:
        image = Image.open(stored)
        assert image.format == "JPEG"
        assert max(image.size) <= 1600
        assert not image.getexif()
        assert "exif" not in image.info


def test_a_photo_too_large_is_refused_naming_the_field(phone, day):
    photo = SimpleUploadedFile(
        "big.jpg", b"\xff\xd8" + b"0" * PHOTO_MAX_BYTES, content_type="image/jpeg"
    )

    response = phone.post(
        reverse("field_visit_start", args=[day.tower.pk]), start_form(photo=photo)
    )

    assert response.status_code == 400
    assert "The photo is too large" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(phone, day):
    photo = SimpleUploadedFile("foto.jpg", b"<script>alert(1)</script>", content_type="image/jpeg")

    response = phone.post(
        reverse("field_visit_start", args=[day.tower.pk]), start_form(photo=photo)
    )

    assert response.status_code == 400
    assert "not an image we can read" in response.content.decode()
    assert not Visit.objects.exists()


def test_the_same_visit_sent_twice_is_stored_once_and_other_content_is_a_409(phone, day):
    url = reverse("field_visit_start", args=[day.tower.pk])
    form = start_form()

    assert phone.post(url, form).status_code == 302
    assert phone.post(url, form).status_code == 302
    assert phone.post(url, {**form, "note": "lain"}).status_code == 409
    assert Visit.objects.count() == 1


def test_turned_away_ends_the_visit_and_raises_an_access_issue_in_one_step(phone, day):
    form = start_form(
        access="denied", issue_kind="security_refused", issue_description="Satpam menolak masuk."
    )

    response = phone.post(reverse("field_visit_start", args=[day.tower.pk]), form)

    assert response["Location"] == reverse("field_today")
    visit = Visit.objects.get()
    assert visit.access == "denied" and visit.ended_at == visit.started_at
    issue = AccessIssue.objects.get()
    assert (issue.visit, issue.building, issue.raised_by) == (visit, day.building, day.pantarlih)
    assert issue.description == "Satpam menolak masuk."
    assert AccessIssueEvent.objects.get().action == "raised"


def test_turned_away_without_saying_what_happened_is_refused(phone, day):
    response = phone.post(
        reverse("field_visit_start", args=[day.tower.pk]), start_form(access="denied")
    )

    assert response.status_code == 400
    assert "say what happened" in response.content.decode()
    assert not Visit.objects.exists() and not AccessIssue.objects.exists()


def test_a_nik_in_the_note_is_refused(phone, day):
    response = phone.post(
        reverse("field_visit_start", args=[day.tower.pk]), start_form(note="NIK 3174054107900001")
    )

    assert response.status_code == 400
    assert "NIK" in response.content.decode()
    assert not Visit.objects.exists()


def test_a_visit_outside_the_assignments_period_is_refused(phone, day):
    day.period.starts_on = timezone.localdate() + datetime.timedelta(days=1)
    day.period.save()

    response = phone.post(reverse("field_visit_start", args=[day.tower.pk]), start_form())

    assert response.status_code == 400
    assert "no assignment for this tower" in response.content.decode()


def test_ending_a_visit_twice_keeps_the_first_end(phone, day):
    phone.post(reverse("field_visit_start", args=[day.tower.pk]), start_form())
    visit = Visit.objects.get()
    url = reverse("field_visit_end", args=[visit.pk])

    phone.post(url, {"access": "partial", "note": "Lantai 9 dikunci.", "issue_kind": "other",
                     "issue_description": "Lantai 9 ke atas dikunci pengelola."})  # fmt: skip
    visit.refresh_from_db()
    first_end = visit.ended_at
    phone.post(url, {"access": "granted"})

    visit.refresh_from_db()
    assert visit.ended_at == first_end and visit.access == "partial"
    assert AccessIssue.objects.get().kind == "other"


def test_ending_a_visit_asks_access_first_and_ignores_issue_fields_when_access_was_granted(
    phone, day
):
    phone.post(reverse("field_visit_start", args=[day.tower.pk]), start_form())
    visit = Visit.objects.get()
    url = reverse("field_visit_end", args=[visit.pk])
    page = phone.get(url).content.decode()
    assert page.index('name="access"') < page.index('name="issue_kind"')

    response = phone.post(url, {"access": "granted", "issue_kind": "security_refused",
                                "issue_description": "x" * 3000})  # fmt: skip

    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.ended_at and visit.access == "granted"
    assert not AccessIssue.objects.exists()


def test_turned_away_emails_the_pps_of_the_kelurahan_like_a_staff_raised_issue(
    phone, day, mailoutbox, django_capture_on_commit_callbacks
):
    """Issue #16: the PPS owns the first step; a pantarlih's report must reach them too."""
    from accounts.tests.factories import UserFactory
    from buildings.tests.factories import kelurahan

    pps = UserFactory(role="pps", region=day.building.kelurahan, language="en")
    UserFactory(role="pps", region=kelurahan("31.72.04.1003"))  # another kelurahan's PPS
    form = start_form(
        access="denied", issue_kind="security_refused", issue_description="Satpam menolak masuk."
    )

    with django_capture_on_commit_callbacks(execute=True):
        phone.post(reverse("field_visit_start", args=[day.tower.pk]), form)

    issue = AccessIssue.objects.get()
    assert [m.to for m in mailoutbox] == [[pps.email]]
    mail = mailoutbox[0]
    assert mail.subject == f"New access issue at {day.building.name}, at your step: PPS"
    assert f"/dasbor/masalah/{issue.pk}/" in mail.body
    assert "Satpam menolak masuk." in mail.body


def test_a_partial_visit_with_an_issue_emails_the_pps_too(
    phone, day, mailoutbox, django_capture_on_commit_callbacks
):
    from accounts.tests.factories import UserFactory

    pps = UserFactory(role="pps", region=day.building.kelurahan)
    phone.post(reverse("field_visit_start", args=[day.tower.pk]), start_form())
    visit = Visit.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        phone.post(reverse("field_visit_end", args=[visit.pk]), {
            "access": "partial", "issue_kind": "other",
            "issue_description": "Lantai 9 ke atas dikunci pengelola.",
        })  # fmt: skip

    assert [m.to for m in mailoutbox] == [[pps.email]]
