"""The officer's own photo on the card: small, without metadata, seen by the officer and, on
the public check, only while the code checks as valid; no one reaches it by an id."""

import datetime
import io
import re

import pytest
from auditlog.models import LogEntry
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from accounts.tests.factories import UserFactory
from visits.forms import PHOTO_MAX_BYTES
from visits.models import OfficerPhoto
from visits.officer_card import card_code
from visits.officer_photo import officer_photo_set
from visits.tests.factories import field_day

pytestmark = pytest.mark.django_db

CARD = reverse("officer_card")
OWN_PHOTO = reverse("officer_card_photo")
REMOVE = reverse("officer_card_photo_remove")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Every file a test here writes goes to its own folder, removed after it."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def day():
    day = field_day()
    day.pantarlih.full_name = "Rizky Ramadhan"
    day.pantarlih.save()
    return day


def english(client):
    client.cookies["django_language"] = "en"
    return client


def phone_photo(size=(2400, 1800), colour=(200, 120, 80), quality=90) -> bytes:
    """A JPEG as a phone writes it: where it was taken (GPS) and with which phone."""
    image = Image.new("RGB", size, colour)
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PonselUji"
    exif[ExifTags.Base.Model] = "PonselUji X1"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "S",
        ExifTags.GPS.GPSLatitude: (6.0, 15.0, 30.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (106.0, 51.0, 0.0),
    }
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, quality=quality)
    return out.getvalue()


def upload(client, data=None, name="selfie.jpg"):
    photo = SimpleUploadedFile(name, data or phone_photo(), content_type="image/jpeg")
    return client.post(CARD, {"photo": photo})


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def stored_files(media):
    folder = media / "officer-photos"
    return sorted(folder.iterdir()) if folder.exists() else []


# ADDING, REPLACING AND REMOVING IT


def test_an_officer_adds_a_photo_that_is_shrunk_and_has_no_metadata(client, day, media):
    original = phone_photo()
    client.force_login(day.pantarlih)

    response = upload(client, original)

    assert response.status_code == 302 and response["Location"] == CARD
    photo = OfficerPhoto.objects.get(officer=day.pantarlih)
    data = photo.photo.read()
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG"
        assert image.size == (360, 480)  # a 3:4 face photo, not the 2400 px original
        assert not image.getexif()
        assert not image.info.get("exif")
    assert b"PonselUji" not in data and b"GPS" not in data
    assert len(data) < len(original)
    assert stored_files(media) == [media / photo.photo.name]


def test_the_stored_name_is_random_and_names_no_one(client, day):
    client.force_login(day.pantarlih)
    upload(client)

    name = OfficerPhoto.objects.get(officer=day.pantarlih).photo.name

    assert re.fullmatch(r"officer-photos/[a-z]{26}\.jpg", name)  # random letters, nothing else


def test_the_card_shows_the_photo_and_a_form_to_take_one_with_the_front_camera(client, day):
    english(client).force_login(day.pantarlih)
    page = client.get(CARD).content.decode()
    assert "No photo yet." in page and OWN_PHOTO not in page
    field = re.search(r"<input[^>]*name=\"photo\"[^>]*>", page).group(0)
    for attribute in ('type="file"', 'accept="image/*"', 'capture="user"', "data-shrink"):
        assert attribute in field, attribute
    assert 'enctype="multipart/form-data"' in page

    upload(client)
    page = client.get(CARD).content.decode()

    assert f'src="{OWN_PHOTO}"' in page
    assert "Replace photo" in page and "Remove photo" in page
    assert "Photo saved." in page  # the message after the redirect


def test_the_officer_gets_their_own_photo_as_an_uncached_attachment(client, day):
    client.force_login(day.pantarlih)
    upload(client)

    response = client.get(OWN_PHOTO)

    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"] == 'attachment; filename="foto-petugas.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert body(response) == OfficerPhoto.objects.get().photo.read()


def test_replacing_the_photo_deletes_the_old_file(
    client, day, media, django_capture_on_commit_callbacks
):
    client.force_login(day.pantarlih)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, phone_photo(colour=(10, 10, 10)))
    first = OfficerPhoto.objects.get().photo.name

    with django_capture_on_commit_callbacks(execute=True):
        upload(client, phone_photo(colour=(240, 240, 240)))

    second = OfficerPhoto.objects.get().photo.name
    assert second != first
    assert stored_files(media) == [media / second]
    assert OfficerPhoto.objects.count() == 1
    with Image.open(media / second) as image:
        assert image.getpixel((10, 10))[0] > 200  # the new picture, not the old one


def test_the_officer_removes_the_photo_and_its_file(
    client, day, media, django_capture_on_commit_callbacks
):
    english(client).force_login(day.pantarlih)
    upload(client)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(REMOVE)

    assert response.status_code == 302 and response["Location"] == CARD
    assert not OfficerPhoto.objects.exists()
    assert stored_files(media) == []
    assert client.get(OWN_PHOTO).status_code == 404
    page = client.get(CARD).content.decode()
    assert "Photo removed from your card." in page and "No photo yet." in page


def test_removing_needs_a_post(client, day):
    client.force_login(day.pantarlih)
    upload(client)

    assert client.get(REMOVE).status_code == 405
    assert OfficerPhoto.objects.exists()


def test_adding_replacing_and_removing_are_audited_by_whom_without_the_picture(
    client, day, django_capture_on_commit_callbacks
):
    client.force_login(day.pantarlih)
    with django_capture_on_commit_callbacks(execute=True):
        upload(client)
        upload(client)
        client.post(REMOVE)

    entries = LogEntry.objects.filter(
        content_type__model="officerphoto", object_pk=str(day.pantarlih.pk)
    ).order_by("pk")
    assert [e.action for e in entries] == [
        LogEntry.Action.CREATE,
        LogEntry.Action.UPDATE,
        LogEntry.Action.DELETE,
    ]
    assert all(e.actor == day.pantarlih for e in entries)
    first, second, removed = (e.changes_dict["photo"] for e in entries)
    assert first[0] == "" and second[0] == first[1] and removed == [second[1], ""]


@pytest.mark.parametrize(
    "data, name, message",
    [
        (b"not a picture at all", "selfie.jpg", "The photo is not an image we can read"),
        (phone_photo()[:2000], "selfie.jpg", "The photo is not an image we can read"),
        (b"GIF89a" + b"\0" * 100, "selfie.gif", "The photo is not an image we can read"),
        (b"\xff\xd8" + b"0" * (PHOTO_MAX_BYTES + 1), "big.jpg", "The photo is too large"),
    ],
    ids=["not-an-image", "truncated", "gif", "too-large"],
)
def test_a_refused_file_says_why_and_stores_nothing(client, day, media, data, name, message):
    english(client).force_login(day.pantarlih)

    response = upload(client, data, name)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not OfficerPhoto.objects.exists()
    assert stored_files(media) == []


def test_sending_no_file_asks_for_one(client, day):
    english(client).force_login(day.pantarlih)

    response = client.post(CARD, {})

    assert response.status_code == 400
    assert "Choose a photo, or take one with the camera, first." in response.content.decode()
    assert not OfficerPhoto.objects.exists()


def test_a_refused_photo_is_explained_in_indonesian(client, day):
    client.force_login(day.pantarlih)

    response = upload(client, b"not a picture at all")

    assert "Foto bukan gambar yang dapat dibaca" in response.content.decode()


def test_only_a_pantarlih_has_a_card_photo(client, day):
    staff = UserFactory(role="kpu_kota")
    client.force_login(staff)

    assert upload(client).status_code == 404
    assert 'name="photo"' not in client.get(CARD).content.decode()
    assert not OfficerPhoto.objects.exists()


# THE PUBLIC CHECK


def check_url(day, valid_until=None):
    return reverse(
        "officer_check", args=[card_code(day.pantarlih.pk, valid_until or day.period.ends_on)]
    )


def photo_url(day, valid_until=None):
    code = card_code(day.pantarlih.pk, valid_until or day.period.ends_on)
    return reverse("officer_check_photo", args=[code])


@pytest.fixture
def with_photo(day):
    officer_photo_set(
        officer=day.pantarlih,
        photo=SimpleUploadedFile("selfie.jpg", phone_photo()),
        by=day.pantarlih,
    )
    return day


def test_the_check_shows_the_photo_while_the_code_is_valid(client, with_photo):
    day = with_photo

    page = english(client).get(check_url(day)).content.decode()

    assert "Valid today" in page
    assert f'src="{photo_url(day)}"' in page
    response = client.get(photo_url(day))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]
    assert body(response) == OfficerPhoto.objects.get().photo.read()


def test_a_code_typed_in_lower_case_links_the_printed_photo_address(client, with_photo):
    day = with_photo
    typed = card_code(day.pantarlih.pk, day.period.ends_on).lower()

    page = client.get(reverse("officer_check", args=[typed])).content.decode()

    assert f'src="{photo_url(day)}"' in page


def _expired(day):
    return card_code(day.pantarlih.pk, timezone.localdate() - datetime.timedelta(days=1))


def _tampered(day):
    code = card_code(day.pantarlih.pk, day.period.ends_on)
    return ("B" if code[0] == "A" else "A") + code[1:]


def _deactivated(day):
    day.pantarlih.is_active = False
    day.pantarlih.save()
    return card_code(day.pantarlih.pk, day.period.ends_on)


def _no_longer_pantarlih(day):
    day.pantarlih.role = "pps"
    day.pantarlih.save()
    return card_code(day.pantarlih.pk, day.period.ends_on)


def _not_assigned_today(day):
    day.period.starts_on = timezone.localdate() + datetime.timedelta(days=2)
    day.period.save()
    return card_code(day.pantarlih.pk, day.period.ends_on)


def _assignment_removed(day):
    day.visit.delete()
    day.assignment.delete()
    return card_code(day.pantarlih.pk, day.period.ends_on)


@pytest.mark.parametrize(
    "make_code",
    [_expired, _tampered, _deactivated, _no_longer_pantarlih, _not_assigned_today,
     _assignment_removed],
)  # fmt: skip
def test_no_photo_unless_the_code_checks_as_valid_today(client, with_photo, make_code):
    code = make_code(with_photo)

    page = english(client).get(reverse("officer_check", args=[code])).content.decode()

    assert "Valid today" not in page
    assert "/foto/" not in page and "<img" not in page
    assert client.get(reverse("officer_check_photo", args=[code])).status_code == 404


def test_a_code_of_another_officer_never_gives_this_ones_photo(client, with_photo):
    other = field_day()
    code = card_code(other.pantarlih.pk, other.period.ends_on)

    page = english(client).get(reverse("officer_check", args=[code])).content.decode()

    assert "Valid today" in page and "No photo on this card" in page
    assert client.get(reverse("officer_check_photo", args=[code])).status_code == 404


@pytest.mark.parametrize("code", ["x", "ABCDEF-GHIJKL-MNOPQR", "A" * 300, "%00", "..%2f..%2f"])
def test_nonsense_codes_are_a_404(client, code):
    assert client.get(f"/cek/{code}/foto/").status_code == 404


@pytest.fixture
def one_minute(monkeypatch):
    """The limit counts per clock minute; the test must not straddle two."""
    import types

    monkeypatch.setattr("core.ratelimit.time", types.SimpleNamespace(time=lambda: 1.8e9))


def test_the_photo_counts_against_the_same_rate_limit_as_the_check(client, with_photo, one_minute):
    day = with_photo
    for _ in range(15):
        assert client.get(check_url(day)).status_code == 200
        assert client.get(photo_url(day)).status_code == 200

    assert client.get(photo_url(day)).status_code == 429
    assert client.get(check_url(day)).status_code == 429
    assert client.get(photo_url(day), REMOTE_ADDR="10.0.0.9").status_code == 200


# NOBODY ELSE


def test_nobody_else_reaches_an_officers_photo(client, world, media):
    """Every persona, signed in: their own-photo address has nothing of pantarlih B's, and
    their remove button removes nothing of it. (There is no address that takes an id.)"""
    officer_photo_set(
        officer=world.pantarlih_b, photo=SimpleUploadedFile("b.jpg", phone_photo()), by=None
    )
    stored = OfficerPhoto.objects.get().photo.name
    personas = [
        "kpu_provinsi", "kpu_kota_selatan", "kpu_kota_utara", "ppk_pancoran", "pps_marunda",
        "bawaslu_utara", "dinas", "manager_a", "manager_b", "pantarlih_a",
    ]  # fmt: skip
    for persona in personas:
        client.force_login(getattr(world, persona))
        assert client.get(OWN_PHOTO).status_code == 404, persona
        client.post(REMOVE)
        upload(client, b"not a picture")
    assert list(OfficerPhoto.objects.values_list("officer", "photo")) == [
        (world.pantarlih_b.pk, stored)
    ]
    client.logout()
    assert client.get(OWN_PHOTO)["Location"].startswith("/akun/login/")


def test_the_photo_is_not_in_the_admin_nor_served_from_media(client, world, media, settings):
    officer_photo_set(
        officer=world.pantarlih_b, photo=SimpleUploadedFile("b.jpg", phone_photo()), by=None
    )
    name = OfficerPhoto.objects.get().photo.name
    assert OfficerPhoto not in admin.site._registry
    client.force_login(world.kpu_provinsi)  # superuser
    assert (
        client.get(f"/admin/visits/officerphoto/{world.pantarlih_b.pk}/change/").status_code == 404
    )
    assert client.get(f"/{settings.MEDIA_URL}{name}").status_code == 404


def test_the_card_page_and_photo_are_never_kept_for_offline_use(client, day):
    from visits.views.field import OFFLINE_COPY_HEADER

    client.force_login(day.pantarlih)
    upload(client)

    for url in (CARD, OWN_PHOTO):
        response = client.get(url)
        assert OFFLINE_COPY_HEADER not in response, url
        assert "no-store" in response["Cache-Control"], url
