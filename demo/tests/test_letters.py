"""The demo shows issue #16: a numbered letter and a step-change email (seed_demo)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from accounts.models import SentEmail, User
from demo.builder import demo_seed
from visits.models import AccessIssue, IssueLetter

pytestmark = pytest.mark.django_db


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_the_demo_has_a_numbered_letter_and_a_step_change_email(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        demo_seed()

    kalibata = IssueLetter.objects.get(issue__building__name="Kalibata City")
    assert kalibata.number == "001/PL.01.2-SD/3174/2024"
    assert str(kalibata.sent_on) == "2024-06-30"
    rasuna = AccessIssue.objects.get(building__name="Apartemen Taman Rasuna")
    assert rasuna.level == "dinas" and rasuna.letter.number.startswith("001/PL.01.2-SD/3174/")
    dinas = User.objects.get(email="dinas.perumahan@demo.coklit.id")
    step = [m for m in mailoutbox if m.to == [dinas.email]]
    assert len(step) == 1 and f"/dasbor/masalah/{rasuna.pk}/" in step[0].body
    assert SentEmail.objects.filter(key__startswith="access_step:", to=dinas.email).exists()

    client.force_login(User.objects.get(email="kpu.jaksel@demo.coklit.id"))
    letter = client.get(reverse("dashboard_issue_letter", args=[kalibata.issue_id]))
    text = letter.content.decode()
    assert "001/PL.01.2-SD/3174/2024" in text and "NIP. 197805122005011003" in text

    sent = len(mailoutbox)
    with django_capture_on_commit_callbacks(execute=True):
        demo_seed()  # again: nothing new, no email
    assert IssueLetter.objects.count() == 2 and len(mailoutbox) == sent


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_the_demo_has_a_readable_timeline_with_people_and_the_imported_file(client):
    """Item 8 in the demo: the building's history names who did what, and the file the
    housing office's building list came from."""
    demo_seed()
    client.cookies["django_language"] = "en"
    client.force_login(User.objects.get(email="bawaslu@demo.coklit.id"))
    kalibata = IssueLetter.objects.get(issue__building__name="Kalibata City").issue.building

    text = client.get(reverse("dashboard_building_timeline", args=[kalibata.pk])).content.decode()

    assert "from the file daftar-gedung-dinas-perumahan.xlsx" in text
    pps = User.objects.get(email="pps.rawajati@demo.coklit.id").full_name
    assert f"{pps} added assignment" in text
    assert "recorded letter no. 001/PL.01.2-SD/3174/2024 to the manager as sent" in text
