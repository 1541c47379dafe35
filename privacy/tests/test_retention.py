"""Retention: each rule on a period closed 91 days ago; nothing of an open period is touched;
the coverage figures do not move; every run is audited without the values it removed."""

import datetime
import os
import sys
import types
from io import StringIO

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from accounts.models import Invitation, SentEmail
from accounts.tests.factories import UserFactory
from buildings.models import Building, Unit, UnitOccupancy
from buildings.tests.factories import TowerFactory, UnitFactory
from dashboard.models import ExportJob
from privacy import retention
from privacy.models import RetentionHold, RetentionRun
from privacy.retention import REMOVED
from privacy.tests.conftest import ISSUE_NOTE, NOTE, TODAY, Side
from progress.figures import building_figures
from reminders.models import ReminderLog
from visits.models import (
    AccessIssue,
    AccessIssueEvent,
    CoklitPeriod,
    OfficerPhoto,
    Schedule,
    UnitOutcome,
    Visit,
)

pytestmark = pytest.mark.django_db


def _figures(w):
    """The coverage record: the dashboard's figures for the building, the outcomes per day and
    kind, and every unit's status and running totals."""
    figures = building_figures(Building.objects.filter(pk=w.building.pk))[w.building.pk]
    per_day = (
        UnitOutcome.objects.filter(unit__tower__building=w.building)
        .annotate(day=TruncDate("recorded_at"))
        .values_list("day", "outcome")
        .annotate(n=Count("pk"), voters=Sum("voters_verified"))
        .order_by("day", "outcome")
    )
    units = Unit.objects.filter(tower__building=w.building).order_by("pk")
    return (
        vars(figures),
        list(per_day),
        list(units.values_list("status", "status_at", "outcome_count", "voters_verified")),
    )


def _visit_audit_text(visit) -> str:
    rows = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Visit), object_pk=str(visit.pk)
    )
    return " ".join(str(row.changes) + str(row.serialized_data) for row in rows)


def test_the_closed_period_loses_photos_positions_and_notes_outside_issues(world2, retention_apply):
    w = world2
    retention_apply()

    visit, issue_visit = (
        Visit.objects.get(pk=v.pk) for v in (w.closed.visit, w.closed.issue_visit)
    )
    assert not visit.photo and not issue_visit.photo
    assert not os.path.exists(w.closed.photo)
    assert not os.path.exists(w.closed.issue_photo)
    assert visit.latitude is None and visit.longitude is None
    assert visit.note == ""
    # The note of a visit an access issue was raised from is part of the issue's record.
    assert issue_visit.note == ISSUE_NOTE
    # ...and the audit log no longer holds what was taken out.
    text = _visit_audit_text(w.closed.visit)
    assert "106.8528" not in text and NOTE not in text and "foto" not in text
    assert REMOVED in text


def test_the_closed_period_loses_evidence_files_but_keeps_the_issue(world2, retention_apply):
    w = world2
    retention_apply()

    event = AccessIssueEvent.objects.get(pk=w.closed.event.pk)
    assert not event.evidence
    assert not os.path.exists(w.closed.evidence)
    assert event.note == ISSUE_NOTE
    issue = AccessIssue.objects.get(pk=w.closed.issue.pk)
    assert issue.description == "Pengelola menolak pantarlih masuk."


def test_the_closed_period_loses_schedule_notes_hints_and_logs(world2, retention_apply):
    w = world2
    retention_apply()

    schedule = Schedule.objects.get(pk=w.closed.schedule.pk)
    assert (schedule.note, schedule.reply) == ("", "")
    assert UnitOccupancy.objects.get(pk=w.closed.hint.pk).best_time == ""
    assert not ReminderLog.objects.filter(pk=w.closed.reminder.pk).exists()
    assert not SentEmail.objects.filter(pk=w.closed.sent.pk).exists()
    assert not ExportJob.objects.filter(pk=w.closed.export.pk).exists()
    assert not os.path.exists(w.closed.export_file)
    entry = LogEntry.objects.get(pk=w.closed.entry.pk)
    assert entry.remote_addr is None and entry.remote_port is None


def test_invitations_never_accepted_go_and_leave_no_trace_in_the_audit_log(world2, retention_apply):
    w = world2
    invitation = w.closed.invitation
    retention_apply()

    assert not Invitation.objects.filter(pk=invitation.pk).exists()
    assert Invitation.objects.filter(pk=w.closed.accepted.pk).exists()
    rows = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Invitation), object_pk=str(invitation.pk)
    )
    assert rows.exists()
    for row in rows:
        text = row.object_repr + str(row.changes) + str(row.serialized_data)
        assert invitation.email not in text and "Calon Pantarlih" not in text
        assert "6281299990000" not in text


def test_an_officer_photo_goes_only_when_every_assignment_is_past(world2, retention_apply):
    w = world2
    retention_apply()

    assert not OfficerPhoto.objects.filter(officer=w.gone).exists()
    assert not os.path.exists(w.officer_photo_path)
    # Also assigned in the open period: the card is still in use.
    assert OfficerPhoto.objects.filter(officer=w.staying).exists()


def test_nothing_of_the_open_period_is_touched(world2, retention_apply):
    w = world2
    side = w.open

    def snapshot():
        visits = Visit.objects.filter(period=side.period).order_by("pk")
        return (
            list(visits.values_list("photo", "latitude", "longitude", "note")),
            list(Schedule.objects.filter(period=side.period).values_list("note", "reply")),
            AccessIssueEvent.objects.get(pk=side.event.pk).evidence.name,
            UnitOccupancy.objects.get(pk=side.hint.pk).best_time,
            Invitation.objects.filter(pk=side.invitation.pk).exists(),
            ReminderLog.objects.filter(pk=side.reminder.pk).exists(),
            SentEmail.objects.filter(pk=side.sent.pk).exists(),
            ExportJob.objects.filter(pk=side.export.pk).exists(),
            LogEntry.objects.get(pk=side.entry.pk).remote_addr,
            _visit_audit_text(side.visit),
        )

    before = snapshot()
    retention_apply()
    assert snapshot() == before
    assert before[0][0][0] and before[4] and before[8] == "10.1.2.3"
    for path in (side.photo, side.issue_photo, side.evidence, side.export_file):
        assert os.path.exists(path)


def test_a_period_closed_89_days_ago_is_not_touched_yet(media, retention_apply):
    period = CoklitPeriod.objects.create(
        name="Baru tutup", starts_on=TODAY - datetime.timedelta(days=119),
        ends_on=TODAY - datetime.timedelta(days=89),
    )  # fmt: skip
    tower = TowerFactory()
    side = Side(period, -95, tower.building, tower, [UnitFactory(tower=tower)],
                UserFactory(role="pantarlih"))  # fmt: skip
    retention_apply()
    visit = Visit.objects.get(pk=side.visit.pk)
    assert visit.photo and visit.latitude is not None and visit.note == NOTE
    assert Invitation.objects.filter(pk=side.invitation.pk).exists()


def test_a_held_period_keeps_everything(world2, retention_apply):
    w = world2
    RetentionHold.objects.create(period=w.closed.period, reason="Sengketa di Bawaslu.")
    report = retention_apply()

    visit = Visit.objects.get(pk=w.closed.visit.pk)
    assert visit.photo and visit.note == NOTE and visit.latitude is not None
    assert Invitation.objects.filter(pk=w.closed.invitation.pk).exists()
    held = next(p for p in report.periods if p.period == w.closed.period)
    assert held.held == "Sengketa di Bawaslu." and not held.counts


def test_a_held_period_keeps_its_dated_records_when_a_later_period_is_due(world2, retention_apply):
    """Invitations, logs and issues carry only a date: the hold protects the held period's
    window, though the dates lie before the end of the later period that is due."""
    held = CoklitPeriod.objects.create(
        name="Periode sengketa", starts_on=TODAY - datetime.timedelta(days=230),
        ends_on=TODAY - datetime.timedelta(days=200),
    )  # fmt: skip
    RetentionHold.objects.create(period=held, reason="Sengketa di Mahkamah Konstitusi.")
    tower = TowerFactory()
    side = Side(held, -210, tower.building, tower, [UnitFactory(tower=tower)],
                UserFactory(role="pantarlih"))  # fmt: skip
    retention_apply()

    assert Invitation.objects.filter(pk=side.invitation.pk).exists()
    assert ReminderLog.objects.filter(pk=side.reminder.pk).exists()
    assert SentEmail.objects.filter(pk=side.sent.pk).exists()
    assert ExportJob.objects.filter(pk=side.export.pk).exists()
    assert AccessIssueEvent.objects.get(pk=side.event.pk).evidence
    assert UnitOccupancy.objects.get(pk=side.hint.pk).best_time == "Sore hari"
    assert LogEntry.objects.get(pk=side.entry.pk).remote_addr == "10.1.2.3"
    # The later period's own records did go.
    assert not Invitation.objects.filter(pk=world2.closed.invitation.pk).exists()


def test_coverage_figures_do_not_move(world2, retention_apply):
    before = _figures(world2)
    assert before[0]["closed"] == 2 and len(before[1]) == 4
    retention_apply()
    assert _figures(world2) == before


def test_a_dry_run_changes_nothing_and_counts_what_would_go(world2, retention_apply):
    w = world2
    report = retention_apply(dry_run=True)

    closed = next(p for p in report.periods if p.period == w.closed.period)
    assert closed.counts["visit_photos"] == 2
    assert closed.counts["visit_positions"] == 1
    assert closed.counts["visit_notes"] == 1
    assert closed.counts["evidence_files"] == 1
    assert closed.counts["invitations"] == 1
    assert closed.by_building["visit_photos"] == {w.building.name: 2}
    assert Visit.objects.get(pk=w.closed.visit.pk).photo
    assert not RetentionRun.objects.exists()


def test_each_run_that_removes_something_is_audited_without_the_values(world2, retention_apply):
    w = world2
    retention_apply()
    run = RetentionRun.objects.get()
    assert run.counts[w.closed.period.name]["visit_photos"] == 2
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(RetentionRun), object_pk=str(run.pk)
    )
    text = str(entry.changes)
    assert "visit_photos 2" in text
    for value in (NOTE, "106.8528", w.closed.invitation.email, "Sore hari", "Pak Yohanes"):
        assert value not in text
    # A second run finds nothing more and writes nothing.
    assert retention_apply().total == 0
    assert RetentionRun.objects.count() == 1


def test_the_command_prints_readable_lines_in_either_language(world2):
    out = StringIO()
    call_command("apply_retention", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Periode tutup" in text
    assert Visit.objects.get(pk=world2.closed.visit.pk).photo

    english = StringIO()
    call_command("apply_retention", "--dry-run", "--language", "en", stdout=english)
    lines = english.getvalue().splitlines()
    assert lines[0] == "Dry run: nothing was changed. This would be removed:"
    assert f"  visit photos deleted: 2 ({world2.building.name}: 2)" in lines
    assert "  invitations never accepted deleted: 1" in lines


def test_residents_callback_numbers_are_purged_through_their_app(
    world2, monkeypatch, retention_apply
):
    calls = []

    def purge_closed_periods(*, now=None, dry_run=False):
        calls.append(dry_run)
        return {"callback numbers erased": 3}

    fake = types.ModuleType("residents.retention")
    fake.purge_closed_periods = purge_closed_periods
    monkeypatch.setitem(sys.modules, "residents.retention", fake)
    monkeypatch.setattr(retention.apps, "is_installed", lambda label: True)

    report = retention_apply(dry_run=True)
    assert calls == [True] and report.residents == {"callback numbers erased": 3}
    retention_apply()
    assert calls == [True, False]
    assert RetentionRun.objects.get().counts["residents"] == {"callback numbers erased": 3}


def test_the_beat_schedule_runs_retention_nightly(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["privacy-retention"]
    assert entry["task"] == "privacy.tasks.retention_apply"
    from privacy.tasks import retention_apply as task

    assert task.name == entry["task"]
