"""The field pages with the demo data: pantarlih.rizky's Tower Jasmine reads as seeded."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from accounts.models import User
from buildings.models import Tower

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(
            DEBUG=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ),
        transaction.atomic(),
    ):
        call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def test_rizky_reads_today_the_grid_and_the_card(demo, client):
    client.force_login(User.objects.get(email="pantarlih.rizky@demo.coklit.id"))
    client.cookies["django_language"] = "en"
    jasmine = Tower.objects.get(name="Tower Jasmine")

    assert client.get(reverse("home"))["Location"] == reverse("field_today")
    today = client.get(reverse("field_today")).content.decode()
    grid = client.get(reverse("field_grid", args=[jasmine.pk])).content.decode()
    card = client.get(reverse("officer_card")).content.decode()

    assert "Kalibata City" in today and "Tower Jasmine" in today
    assert "s-done" in grid and "s-refused flag" in grid  # J-0207 refused twice
    assert "Rizky Ramadhan" in card and "<svg" in card
