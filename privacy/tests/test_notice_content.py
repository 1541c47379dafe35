"""What the notice tells a person agrees with the record of processing (docs/privacy.md): the
same laws as the legal basis, and how long logs and backups keep what retention removed. And a
signed-in manager finds it without signing out."""

from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

RECORD = (Path(__file__).resolve().parents[2] / "docs" / "privacy.md").read_text()


def _notice(client) -> str:
    return client.get(reverse("privacy_notice"), {"lang": "en"}).content.decode()


def test_the_notice_and_the_record_name_the_same_election_laws(client):
    notice = _notice(client)
    for law in ("Law 7/2017", "Law 10/2016", "PKPU 7/2024"):
        assert law in notice, law
    for law in ("UU 7/2017", "UU 10/2016", "PKPU 7/2024"):
        assert law in RECORD, law


def test_the_notice_says_how_long_logs_and_backups_keep_data(client):
    notice = _notice(client)
    assert "backups" in notice and "30 days" in notice
    assert "**30 days**" in RECORD  # the figure the record gives for logs and backups


def test_a_signed_in_manager_finds_the_notice_on_the_portal(client, world):
    client.force_login(world.manager_a)
    assert 'href="/privasi/"' in client.get(reverse("portal_home")).content.decode()
