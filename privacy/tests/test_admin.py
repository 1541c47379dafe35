"""The notice's contact, retention holds and runs: in the admin of KPU Provinsi only."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from privacy.models import PrivacyContact, RetentionHold, RetentionRun
from visits.tests.factories import pilkada_2024

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(world):
    PrivacyContact(office="PPID KPU DKI", email="ppid@kpu-dki.example.id").save()
    hold = RetentionHold.objects.create(period=pilkada_2024(), reason="Sengketa.")
    run = RetentionRun.objects.create(ran_at="2026-01-01T02:30:00+07:00", days=90, counts={})
    return {"privacycontact": 1, "retentionhold": hold.pk, "retentionrun": run.pk}


@pytest.mark.parametrize("persona", ["kpu_kota_selatan", "kpu_kota_utara", "bawaslu_utara"])
def test_other_staff_cannot_open_them(client, world, rows, persona):
    client.force_login(getattr(world, persona))
    for model, pk in rows.items():
        assert client.get(reverse(f"admin:privacy_{model}_changelist")).status_code == 403
        for view in ("change", "history"):
            url = reverse(f"admin:privacy_{model}_{view}", args=[pk])
            assert client.get(url).status_code == 403, url
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/privacy/" not in index


def test_kpu_provinsi_sets_the_contact_and_holds_a_period(client, world, rows):
    client.force_login(world.kpu_provinsi)
    for model in rows:
        assert client.get(reverse(f"admin:privacy_{model}_changelist")).status_code == 200
    response = client.post(
        reverse("admin:privacy_privacycontact_change", args=[1]),
        {"office": "PPID KPU Provinsi DKI Jakarta", "email": "ppid@kpu-dki.example.id",
         "phone": "021 3141516", "address": "", "hours": "Senin–Jumat 08.00–16.00"},
    )  # fmt: skip
    assert response.status_code == 302
    contact = PrivacyContact.current()
    assert contact.phone == "+62213141516" and contact.updated_by == world.kpu_provinsi
    assert LogEntry.objects.get_for_object(contact).exists()
    # One contact only: no second row, and it cannot be deleted.
    assert client.get(reverse("admin:privacy_privacycontact_add")).status_code == 403
    url = reverse("admin:privacy_privacycontact_delete", args=[1])
    assert client.get(url).status_code == 403
    # A run is a record: nobody edits it.
    url = reverse("admin:privacy_retentionrun_change", args=[rows["retentionrun"]])
    assert client.post(url, {"days": 1}).status_code == 403


def test_a_contact_needs_a_way_to_reach_it(client, world):
    client.force_login(world.kpu_provinsi)
    response = client.post(
        reverse("admin:privacy_privacycontact_add"),
        {"office": "PPID", "email": "", "phone": "", "address": "", "hours": ""},
    )
    assert response.status_code == 200
    assert not PrivacyContact.objects.exists()
