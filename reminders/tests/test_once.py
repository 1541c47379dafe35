import datetime

import pytest
from celery import current_app
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from reminders import services
from reminders.models import ReminderLog
from reminders.tasks import reminder_send
from reminders.tests.conftest import FIRST
from reminders.tests.mail import RefusingBackend
from visits.tests.factories import ScheduleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def english():
    """The command speaks the project's language (Indonesian); these tests read the English."""
    with translation.override("en"):
        yield


def test_send_reminders_sends_once_and_a_rerun_sends_nothing_new(area, capsys, english):
    s = ScheduleFactory(building=area.building, date=FIRST + datetime.timedelta(days=1),
                        status="confirmed")  # fmt: skip
    call_command("send_reminders", "--date", str(FIRST))
    sent = len(mail.outbox)
    assert sent >= 3 and "sent" in capsys.readouterr().out
    to_manager = next(m for m in mail.outbox if m.to == [area.manager.email])
    assert f"/portal/jadwal/{s.pk}/" in to_manager.body
    assert "KPU" in to_manager.body and to_manager.alternatives
    call_command("send_reminders", "--date", str(FIRST))
    assert len(mail.outbox) == sent
    assert "0 new" in capsys.readouterr().out


def test_dry_run_prints_and_claims_nothing(area, capsys, english):
    call_command("send_reminders", "--date", str(FIRST), "--dry-run")
    assert f"would send to {area.pps.full_name}" in capsys.readouterr().out
    assert not ReminderLog.objects.exists() and not mail.outbox


def test_a_row_left_pending_by_a_killed_worker_is_sent_by_the_next_run(area):
    result = services.reminders_run(day=FIRST)  # claimed, then the worker died
    assert result.to_send and not mail.outbox
    ReminderLog.objects.update(created_at=timezone.now() - services.LEASE * 2)
    again = services.reminders_run(day=FIRST)
    assert sorted(again.to_send) == sorted(result.to_send)
    for pk in again.to_send + again.to_send:  # delivered twice by mistake: sent once
        services.reminder_deliver(log_id=pk)
    assert len(mail.outbox) == len(result.to_send)
    assert not ReminderLog.objects.exclude(status="sent").exists()


def test_an_smtp_error_is_retried_then_left_failed_for_staff(
    area, monkeypatch, settings, admin_client
):
    calls = []
    monkeypatch.setattr(RefusingBackend, "offered", calls)
    settings.EMAIL_BACKEND = "reminders.tests.mail.RefusingBackend"
    log_id = services.reminders_run(day=FIRST).to_send[0]
    current_app.conf.task_eager_propagates = False
    try:
        reminder_send.delay(log_id)  # in-process, Celery retries at once instead of after the delay
    finally:
        current_app.conf.task_eager_propagates = True
    log = ReminderLog.objects.get(pk=log_id)
    assert len(calls) == services.MAX_ATTEMPTS == log.attempts
    assert log.status == "failed" and "SMTPServerDisconnected" in log.last_error
    page = admin_client.get("/admin/reminders/reminderlog/?status__exact=failed")
    assert page.status_code == 200 and b"SMTPServerDisconnected" in page.content


def test_retry_delays_stay_below_the_broker_visibility_timeout(settings):
    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    delays = [services.retry_delay(n) for n in range(1, services.MAX_ATTEMPTS + 1)]
    assert delays[0] == 60 and max(delays) + services.LEASE.total_seconds() < timeout


def test_the_digest_link_stops_the_digests(area, client):
    services.reminders_run(day=FIRST)
    log = ReminderLog.objects.get(kind="digest", recipient=area.ppk)
    services.reminder_deliver(log_id=log.pk)
    url = services.optout_url(area.ppk)
    assert url in mail.outbox[-1].body
    client.force_login(area.ppk)
    path = url.removeprefix("http://127.0.0.1:8000")
    assert b"Stop" in client.get(path).content or client.get(path).status_code == 200
    client.post(path)
    day = FIRST + datetime.timedelta(days=1)
    assert not services.reminders_run(day=day, dry_run=True).new or all(
        r.recipient_id != area.ppk.pk
        for r in services.reminders_run(day=day, dry_run=True).new
        if r.kind == "digest"
    )
    assert client.get(path.replace("/berhenti/", "/berhenti/x")).status_code == 404


def test_a_reminder_sent_again_carries_the_same_message_id(area, settings):
    """A worker killed after the mail server accepted a reminder, before marking it sent,
    leaves it to be sent again: the copy is the same message to a deduplicating inbox."""
    settings.SITE_URL = "https://coklit.kpu-jakarta.go.id"
    log_id = services.reminders_run(day=FIRST).to_send[0]
    services.reminder_deliver(log_id=log_id)
    ReminderLog.objects.filter(pk=log_id).update(status="pending", locked_until=None)  # unmarked
    services.reminder_deliver(log_id=log_id)
    first, again = mail.outbox
    assert first.extra_headers["Message-ID"] == again.extra_headers["Message-ID"]
    assert first.message()["Message-ID"] == f"<reminder-{log_id}@coklit.kpu-jakarta.go.id>"
