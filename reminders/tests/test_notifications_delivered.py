"""Issue #13: every notification goes through the outbox, and a retry sends only what is missing.

With Redis down, resolving an access issue, asking for an export or inviting managers to a
briefing answered 500 after the change was saved, and those emails were lost (they called
.delay() on commit). A mail server failing once for the 2nd of 3 recipients made the retry
send to the 1st again.
"""

import datetime

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.urls import reverse
from django.utils import timezone

from accounts.models import Briefing, SentEmail
from buildings.tests.factories import BuildingManagerFactory
from dashboard.escalation import issue_resolve
from dashboard.export_tasks import export_jobs_sweep
from dashboard.models import ExportJob
from dashboard.tasks import access_issue_resolved_notify
from outbox.models import OutboxMessage
from regions.models import Region
from reminders.tests import test_redis_down
from reminders.tests.test_redis_down import _sweep
from visits.tests.factories import AccessIssueFactory

pytestmark = pytest.mark.django_db

broker_down = test_redis_down.broker_down  # the fixture: Celery publishes to a dead Redis


class RefusesOnce(EmailBackend):
    """The mail server refuses the first message to one address, then accepts everything."""

    refuse = set()

    def send_messages(self, messages):
        for message in messages:
            if message.to[0] in self.refuse:
                self.refuse.discard(message.to[0])
                raise OSError("451 try again later")
        return super().send_messages(messages)


@pytest.fixture
def issue(world):
    second = BuildingManagerFactory(building=world.building_a).user
    third = BuildingManagerFactory(building=world.building_a).user
    issue = AccessIssueFactory(building=world.building_a, raised_by=world.pantarlih_a)
    return issue, [world.manager_a, second, third]


def test_a_retry_after_a_refused_second_recipient_does_not_resend_the_first(issue, settings, world):
    issue, managers = issue
    settings.EMAIL_BACKEND = f"{__name__}.RefusesOnce"
    RefusesOnce.refuse = {managers[1].email}
    issue_resolve(issue=issue, by=world.kpu_provinsi, resolution="Akses diberikan.")
    mail.outbox.clear()

    with pytest.raises(OSError):
        access_issue_resolved_notify.run(issue.pk)  # the first attempt, as the worker runs it
    access_issue_resolved_notify.run(issue.pk)  # Celery's retry

    sent = sorted(m.to[0] for m in mail.outbox)
    expected = sorted([*(m.email for m in managers), world.pantarlih_a.email])
    assert sent == expected  # each person once
    assert SentEmail.objects.filter(key__startswith=f"access_resolved:{issue.pk}:").count() == 4


def test_resolving_with_redis_down_saves_and_the_emails_follow(
    client, world, broker_down, django_capture_on_commit_callbacks, mailoutbox
):
    issue = AccessIssueFactory(building=world.building_a, raised_by=world.pantarlih_a)
    client.force_login(world.kpu_provinsi)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dashboard_issue", args=[issue.pk]),
            {"action": "resolve", "resolve-note": "Akses diberikan."},
        )

    assert response.status_code == 302
    issue.refresh_from_db()
    assert issue.status == "resolved" and not mailoutbox
    broker_down.restore()
    assert _sweep() == 1
    assert sorted(m.to[0] for m in mailoutbox) == sorted(
        [world.manager_a.email, world.pantarlih_a.email]
    )


def test_an_export_asked_for_with_redis_down_is_built_once_it_is_back(
    client, world, broker_down, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(world.kpu_provinsi)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("dashboard_export", kwargs={"code": "31", "kind": "buildings", "fmt": "xlsx"})
        )

    assert response.status_code == 302
    job = ExportJob.objects.get()
    assert job.status == "pending"
    broker_down.restore()
    _sweep()
    job.refresh_from_db()
    assert job.status == "done" and job.file


def test_briefing_invitations_with_redis_down_wait_in_the_outbox(
    client, world, broker_down, django_capture_on_commit_callbacks, mailoutbox
):
    briefing = Briefing.objects.create(
        title="Sosialisasi", starts_at=timezone.now() + datetime.timedelta(days=3),
        place="Aula", organiser=world.kpu_provinsi, region=Region.objects.get(code="31.74"),
    )  # fmt: skip
    client.force_login(world.kpu_provinsi)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("dashboard_briefing_invite", args=[briefing.pk]), {})

    assert response.status_code == 302
    assert OutboxMessage.objects.filter(task__endswith="briefing_invitation_send").exists()
    broker_down.restore()
    _sweep()
    assert [m.to for m in mailoutbox] == [[world.manager_a.email]]


def test_an_export_that_never_finished_is_marked_failed(world):
    job = ExportJob.objects.create(owner=world.kpu_provinsi, kind="buildings", code="31",
                                   format="xlsx")  # fmt: skip
    ExportJob.objects.filter(pk=job.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=3)
    )

    assert export_jobs_sweep() == 1
    job.refresh_from_db()
    assert job.status == "failed"
