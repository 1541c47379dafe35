"""With the broker unreachable a save still succeeds; the outbox keeps the task for the sweep."""

import datetime
import types

import pytest
from django.utils import timezone

from coklit.celery import app
from invitations.services import invitation_create
from outbox import services as outbox
from outbox.models import OutboxMessage
from reminders.tasks import reminders_sweep
from visits.models import Schedule
from visits.schedules import schedule_propose

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: the connection is refused at once.
DOWN = "redis://127.0.0.1:1/0"


def _drop_pools():
    # Celery caches its connection and producer pools per URL; the next publish builds new ones.
    # (app.close() would also unregister the app, and later shared tasks with it.)
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_down():
    """Publish to a dead Redis, not in-process; `.restore()` puts back the test broker (eager)."""
    conf = app.conf
    saved = conf.broker_url, conf.broker_connection_timeout, conf.broker_connection_max_retries

    def back():
        conf.broker_url, conf.broker_connection_timeout, conf.broker_connection_max_retries = saved
        conf.task_always_eager = True
        _drop_pools()

    conf.broker_url, conf.broker_connection_timeout = DOWN, 1
    conf.broker_connection_max_retries = 0
    conf.task_always_eager = False
    _drop_pools()
    yield types.SimpleNamespace(restore=back)
    back()


def _sweep():
    # The sweep leaves rows younger than SWEEP_AFTER (they may still be on their way).
    OutboxMessage.objects.update(created_at=timezone.now() - outbox.SWEEP_AFTER * 2)
    return reminders_sweep.delay().get()


def test_an_invitation_is_saved_and_sent_once_the_broker_is_back(
    world, broker_down, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            invited_by=world.kpu_kota_selatan, email="budi.redis@uji.coklit.id",
            full_name="Budi Santoso", role="pengelola", building=world.building_a,
        )  # fmt: skip
    assert invitation.pk and not mailoutbox
    message = OutboxMessage.objects.get(task="accounts.tasks.invitation_send_email")
    assert message.enqueued_at is None and message.attempts == 1 and message.last_error

    broker_down.restore()
    assert _sweep() == 1
    assert [m.to for m in mailoutbox] == [["budi.redis@uji.coklit.id"]]
    assert OutboxMessage.objects.get(pk=message.pk).enqueued_at is not None
    assert _sweep() == 0 and len(mailoutbox) == 1


def test_a_schedule_is_saved_and_its_notice_sent_once_the_broker_is_back(
    world, broker_down, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        schedule = schedule_propose(
            building=world.building_a, proposed_by=world.manager_a, kind="posko",
            date=datetime.date(2024, 7, 3), start=datetime.time(9), end=datetime.time(12),
        )  # fmt: skip
    assert Schedule.objects.filter(pk=schedule.pk, status="proposed").exists()
    assert not mailoutbox
    assert OutboxMessage.objects.get(task="visits.tasks.schedule_notify").enqueued_at is None

    broker_down.restore()
    assert _sweep() == 1
    sent = len(mailoutbox)
    assert sent >= 1
    assert _sweep() == 0 and len(mailoutbox) == sent
