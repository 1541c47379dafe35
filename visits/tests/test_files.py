"""Uploaded files are served by the app: scoped like their record, always as attachments."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from visits.models import AccessIssueEvent, Visit
from visits.tests.factories import VisitFactory

pytestmark = pytest.mark.django_db

JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64


@pytest.fixture
def photo(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    visit = Visit.objects.get(pk=world.side["a"]["visit"].pk)  # its own copy: the file changes it
    visit.photo.save("lobi.jpg", ContentFile(JPEG))
    return visit


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("persona", ["kpu_kota_selatan", "ppk_pancoran", "dinas", "pantarlih_a"])
def test_staff_of_the_region_and_the_officer_download_the_visit_photo(
    client, world, photo, persona
):
    client.force_login(getattr(world, persona))
    response = client.get(reverse("visit_photo", args=[photo.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="kunjungan-{photo.pk}.jpg"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert (
        response["Cache-Control"].startswith("no-store") or "private" in response["Cache-Control"]
    )
    assert _body(response) == JPEG


@pytest.mark.parametrize("persona", ["manager_a", "kpu_kota_utara", "pantarlih_b"])
def test_others_get_a_404_for_the_photo(client, world, photo, persona):
    client.force_login(getattr(world, persona))
    assert client.get(reverse("visit_photo", args=[photo.pk])).status_code == 404


def test_a_visit_without_a_photo_or_with_a_lost_file_is_a_404(client, world, photo, tmp_path):
    client.force_login(world.kpu_kota_selatan)
    (tmp_path / photo.photo.name).unlink()
    assert client.get(reverse("visit_photo", args=[photo.pk])).status_code == 404
    without = VisitFactory(pantarlih=world.pantarlih_a, building=world.building_a)
    assert client.get(reverse("visit_photo", args=[without.pk])).status_code == 404


def test_issue_evidence_is_an_attachment_linked_from_the_issue_page(
    client, world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    issue = world.side["a"]["accessissue"]
    event = AccessIssueEvent.objects.create(
        issue=issue, actor=world.kpu_kota_selatan, action="comment", level=issue.level,
        note="Surat teguran terlampir.",
    )  # fmt: skip
    event.evidence.save("surat.pdf", ContentFile(b"%PDF-1.4 surat"))
    url = reverse("issue_evidence", args=[event.pk])
    client.force_login(world.kpu_kota_selatan)
    assert url in client.get(reverse("dashboard_issue", args=[issue.pk])).content.decode()
    response = client.get(url)
    assert response["Content-Disposition"] == (
        f'attachment; filename="bukti-kendala-{issue.pk}-{event.pk}.pdf"'
    )
    assert _body(response) == b"%PDF-1.4 surat"
    client.force_login(world.kpu_kota_utara)
    assert client.get(url).status_code == 404


def test_the_building_page_lists_the_latest_visits_with_their_photo(client, world, photo):
    client.force_login(world.kpu_kota_selatan)
    page = client.get(reverse("dashboard_building", args=[world.building_a.pk]))
    assert reverse("visit_photo", args=[photo.pk]) in page.content.decode()
