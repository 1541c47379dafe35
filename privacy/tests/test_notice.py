"""The privacy notice: public, in both languages, naming the contact KPU Provinsi set."""

import pytest
from django.urls import reverse

from privacy.models import PrivacyContact

pytestmark = pytest.mark.django_db


def test_the_notice_is_public_and_says_how_long_data_is_kept(client, settings):
    settings.PRIVACY_RETENTION_DAYS = 90
    response = client.get(reverse("privacy_notice"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "90" in text
    assert "NIK" in text
    # No contact yet: the reader is told where to ask instead.
    assert "KPU Kota" in text


def test_the_notice_names_the_contact_set_in_the_admin(client):
    PrivacyContact(
        office="PPID KPU Provinsi DKI Jakarta", email="ppid@kpu-dki.example.id",
        phone="+62213141516", address="Jl. Salemba Raya No. 15, Jakarta Pusat",
    ).save()  # fmt: skip
    text = client.get(reverse("privacy_notice")).content.decode()
    assert "PPID KPU Provinsi DKI Jakarta" in text
    assert 'href="mailto:ppid@kpu-dki.example.id"' in text
    assert 'href="tel:+62213141516"' in text


def test_the_notice_reads_in_english_too(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    text = client.get(reverse("privacy_notice")).content.decode()
    assert "Privacy notice" in text
    assert 'lang="en"' in text


def test_there_is_one_contact_row(db):
    PrivacyContact(office="A", email="a@kpu.example.id").save()
    PrivacyContact(office="B", email="b@kpu.example.id").save()
    assert list(PrivacyContact.objects.values_list("pk", "office")) == [(1, "B")]
