"""Issue #13: inputs that answered 500. Each now gets a 4xx or a page with a message."""

import io

import pytest
from django.urls import reverse
from PIL import Image

from visits.tests.factories import field_day

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("term", ["kalibata", "3174", "'", "%", "a" * 300])
def test_the_audit_log_search_answers(client, world, term):
    client.force_login(world.kpu_provinsi)

    response = client.get(reverse("admin:auditlog_logentry_changelist"), {"q": term})

    assert response.status_code == 200


@pytest.mark.parametrize("week", ["0001-01-01", "9999-12-31", "2024-02-30", "x" * 1000])
def test_the_agenda_refuses_an_impossible_week_with_a_message(client, world, week):
    client.force_login(world.kpu_kota_selatan)

    response = client.get(reverse("dashboard_agenda"), {"minggu": week})

    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_json_nested_fifty_thousand_deep_is_a_400(client):
    day = field_day()
    client.force_login(day.pantarlih)
    body = '{"outcomes": ' + "[" * 50_000 + "]" * 50_000 + "}"

    response = client.post(reverse("field_sync"), body, content_type="application/json")

    assert response.status_code == 400
    assert "error" in response.json()


def _png(truncate=False) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), "red").save(buffer, "PNG")
    data = buffer.getvalue()
    return data[: len(data) // 2] if truncate else data


def test_a_truncated_photo_is_refused_with_a_message(client, settings, tmp_path):
    import uuid

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    settings.MEDIA_ROOT = tmp_path
    day = field_day()
    client.force_login(day.pantarlih)
    photo = SimpleUploadedFile("lobi.png", _png(truncate=True), content_type="image/png")

    response = client.post(
        reverse("field_visit_start", args=[day.tower.pk]),
        {
            "client_uuid": str(uuid.uuid4()),
            "started_at": timezone.now().isoformat(),
            "access": "granted",
            "photo": photo,
        },  # fmt: skip
    )

    assert response.status_code in (200, 400)
    assert "photo" in response.context["form"].errors


def test_an_invitation_sheet_with_over_long_cells_is_refused_by_line(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world.kpu_provinsi)
    sheet = (
        "nama,email,telepon,peran,wilayah,gedung,tps\n"
        f"{'A' * 400},panjang@contoh.coklit.id,{'1' * 40},pps,Rawajati,,{'0' * 30}\n"
    ).encode()

    response = client.post(
        reverse("invitation_upload"),
        {"file": SimpleUploadedFile("undangan.csv", sheet, content_type="text/csv")},
    )

    assert response.status_code in (200, 400)
    from accounts.models import Invitation

    assert not Invitation.objects.filter(email="panjang@contoh.coklit.id").exists()
