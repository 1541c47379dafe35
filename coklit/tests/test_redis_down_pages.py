"""Redis down: signing in, the field pages, outcomes and schedule answers all still work.

The cache (rate-limit counters only) reads as empty while Redis does not answer, so the limits
fail open (coklit/cache.py); notifications wait in the outbox (reminders/tests/test_redis_down.py).
"""

import datetime
import logging
import uuid

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from accounts.tests.factories import UserFactory
from conftest import PASSWORD
from outbox.models import OutboxMessage
from reminders.tests.test_redis_down import broker_down  # noqa: F401 (a fixture)
from visits.models import Schedule, UnitOutcome
from visits.tests.factories import ScheduleFactory, field_day

pytestmark = pytest.mark.django_db

LOGIN = "/akun/login/"


@pytest.fixture(autouse=True)
def cache_down(settings):
    """The production cache backend, pointed at a port where nothing listens."""
    settings.CACHES = {
        "default": {
            "BACKEND": "coklit.cache.ResilientRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture
def officer():
    user = UserFactory(email="petugas.redis@uji.coklit.id", role="pantarlih")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def test_signing_in_works_and_warns_once(client, officer, caplog):
    with caplog.at_level(logging.WARNING, logger="coklit.cache"):
        response = client.post(LOGIN, {"login": officer.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert len([r for r in caplog.records if r.name == "coklit.cache"]) == 1


def test_failed_login_limits_fail_open_while_redis_is_down(client, officer):
    for _ in range(6):
        assert client.post(LOGIN, {"login": officer.email, "password": "salah"}).status_code == 200
    # With Redis up the sixth attempt would be refused (accounts/tests/test_signin.py).
    assert client.post(LOGIN, {"login": officer.email, "password": PASSWORD}).status_code == 302


def test_the_public_officer_check_still_answers(client):
    assert client.get(reverse("officer_check_form")).status_code == 200


def test_field_pages_and_outcomes_work(client):
    day = field_day()
    client.force_login(day.pantarlih)
    assert client.get(reverse("field_today")).status_code == 200
    sent = {
        "client_uuid": str(uuid.uuid4()), "visit": str(day.visit.client_uuid),
        "unit": day.units[0].pk, "outcome": "done", "voters_verified": 1, "voters_removed": 0,
        "voters_new": 0, "sticker": "placed", "recorded_at": timezone.now().isoformat(),
    }  # fmt: skip
    response = client.post(
        reverse("field_sync"), {"outcomes": [sent]}, content_type="application/json"
    )
    assert response.json()["results"][0]["status"] == "stored"
    assert UnitOutcome.objects.filter(client_uuid=sent["client_uuid"]).count() == 1


@pytest.mark.usefixtures("broker_down")
def test_a_manager_confirms_a_schedule_and_the_notice_waits_in_the_outbox(
    client, world, django_capture_on_commit_callbacks, mailoutbox, monkeypatch
):
    # 1 July 2024: the proposal of 2 July still lies ahead, so it can be answered.
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *a, **k: datetime.date(2024, 7, 1)
    )
    proposer = UserFactory(role="pps", email="pps.redis@uji.coklit.id")
    schedule = ScheduleFactory(
        building=world.building_a, proposed_by=proposer,
        date=datetime.date(2024, 7, 2), start=datetime.time(9), end=datetime.time(12),
    )  # fmt: skip
    client.force_login(world.manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("portal_schedule", args=[schedule.pk]),
            {"action": "confirm", "answer-reply": ""},
        )
    assert response.status_code == 302
    assert Schedule.objects.get(pk=schedule.pk).status == Schedule.Status.CONFIRMED
    waiting = OutboxMessage.objects.filter(task="visits.tasks.schedule_notify", enqueued_at=None)
    assert waiting.count() == 1 and not mailoutbox
