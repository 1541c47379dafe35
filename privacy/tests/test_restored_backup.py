"""The drill for a restored backup: a backup taken before retention ran brings back what
retention had removed; running apply_retention before anyone uses it removes it again
(docs/operations.md, backups: restore, then `manage.py apply_retention`, then open the doors)."""

import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Invitation, SentEmail
from dashboard.models import ExportJob
from privacy.models import RetentionRun
from privacy.tests.conftest import NOTE
from reminders.models import ReminderLog
from visits.models import AccessIssueEvent, OfficerPhoto, Visit

pytestmark = pytest.mark.django_db

# What a backup holds of the rows retention changes: the database part of the drill.
BACKED_UP = [
    "visits.visit", "visits.schedule", "visits.accessissueevent", "visits.officerphoto",
    "buildings.unitoccupancy", "accounts.invitation", "accounts.sentemail",
    "reminders.reminderlog", "dashboard.exportjob",
]  # fmt: skip


def _gone(w, media) -> dict:
    visit = Visit.objects.get(pk=w.closed.visit.pk)
    return {
        "photo": bool(visit.photo),
        "position": visit.latitude is not None,
        "note": visit.note == NOTE,
        "evidence": bool(AccessIssueEvent.objects.get(pk=w.closed.event.pk).evidence),
        "invitation": Invitation.objects.filter(pk=w.closed.invitation.pk).exists(),
        "reminder": ReminderLog.objects.filter(pk=w.closed.reminder.pk).exists(),
        "email log": SentEmail.objects.filter(pk=w.closed.sent.pk).exists(),
        "export": ExportJob.objects.filter(pk=w.closed.export.pk).exists(),
        "officer photo": OfficerPhoto.objects.filter(officer=w.gone).exists(),
        "photo file": (media / visit.photo.name).exists() if visit.photo else False,
    }


def test_a_restored_backup_gets_retention_again_before_use(world2, media, tmp_path_factory,
                                                           retention_apply):  # fmt: skip
    w = world2
    backup = tmp_path_factory.mktemp("backup")
    # The nightly backup, taken before the nightly retention: the rows, and the media volume.
    call_command("dumpdata", *BACKED_UP, output=str(backup / "db.json"), stdout=StringIO())
    shutil.copytree(media, backup / "media")
    retention_apply()
    assert not any(_gone(w, media).values())

    # The server is lost; the backup is restored.
    call_command("loaddata", str(backup / "db.json"), stdout=StringIO())
    shutil.copytree(backup / "media", media, dirs_exist_ok=True)
    restored = _gone(w, media)
    assert all(restored.values()), restored  # everything retention had removed is back

    # Before anyone uses it: apply_retention, as the restore steps of docs/operations.md say.
    out = StringIO()
    call_command("apply_retention", "--dry-run", "--language", "en", stdout=out)
    assert "  visit photos deleted: 2" in out.getvalue().replace(f" ({w.building.name}: 2)", "")
    retention_apply()
    assert _gone(w, media) == dict.fromkeys(restored, False)
    assert RetentionRun.objects.count() == 2
