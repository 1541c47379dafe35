"""A world for the retention tests: a period closed 91 days ago and one open today, each
holding one of everything retention looks at (test_retention.py, test_restored_backup.py)."""

import datetime
import types
import uuid

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Invitation, SentEmail
from accounts.tests.factories import UserFactory
from buildings.models import UnitOccupancy
from buildings.tests.factories import TowerFactory, UnitFactory
from dashboard.models import ExportJob
from invitations.services import invitation_create
from privacy.retention import retention_apply as _apply
from reminders.models import ReminderLog
from visits.models import (
    AccessIssue,
    AccessIssueEvent,
    Assignment,
    CoklitPeriod,
    OfficerPhoto,
    Schedule,
    Visit,
)
from visits.services import outcome_record

TODAY = timezone.localdate()
NOTE = "Satpam minta surat tugas asli, pantarlih kembali sore hari."
ISSUE_NOTE = "Pengelola menolak, menunggu surat KPU Kota."


def day(offset: int, hour: int = 10) -> datetime.datetime:
    """A time `offset` days from today, Jakarta time."""
    zone = timezone.get_current_timezone()
    return datetime.datetime.combine(
        TODAY + datetime.timedelta(days=offset), datetime.time(hour), tzinfo=zone
    )


JPEG = b"\xff\xd8\xff\xe0" + b"0" * 64


def _photo(obj, field="photo", name="foto.jpg"):
    getattr(obj, field).save(name, ContentFile(JPEG))
    return getattr(obj, field).path


class Side:
    """What one period holds: a visit with everything, a visit an issue was raised from, a
    schedule, an issue with evidence, an officer photo, a hint, logs and an invitation."""

    def __init__(self, period, offset, building, tower, units, officer):
        self.period = period
        Assignment.objects.create(period=period, pantarlih=officer, building=building, tps="011")
        self.visit = Visit.objects.create(
            client_uuid=uuid.uuid4(),
            period=period,
            pantarlih=officer,
            building=building,
            tower=tower,
            started_at=day(offset, 9),
            ended_at=day(offset, 11),
            note=NOTE,
            latitude="-6.257000",
            longitude="106.852800",
        )
        self.photo = _photo(self.visit)
        for i, unit in enumerate(units):
            outcome_record(
                visit=self.visit,
                unit=unit,
                outcome="done" if i % 2 else "not_home",
                recorded_at=day(offset, 9) + datetime.timedelta(minutes=i),
                voters_verified=2 if i % 2 else 0,
            )
        self.issue_visit = Visit.objects.create(
            client_uuid=uuid.uuid4(),
            period=period,
            pantarlih=officer,
            building=building,
            tower=tower,
            started_at=day(offset, 13),
            access=Visit.Access.DENIED,
            note=ISSUE_NOTE,
        )
        self.issue_photo = _photo(self.issue_visit)
        self.issue = AccessIssue.objects.create(
            building=building,
            visit=self.issue_visit,
            kind=AccessIssue.Kind.MANAGER_REFUSED,
            description="Pengelola menolak pantarlih masuk.",
            raised_by=officer,
        )
        self.event = AccessIssueEvent.objects.create(
            issue=self.issue,
            actor=officer,
            action=AccessIssueEvent.Action.RAISED,
            level=AccessIssue.Level.PPS,
            note=ISSUE_NOTE,
        )
        self.evidence = _photo(self.event, "evidence", "bukti.jpg")
        AccessIssue.objects.filter(pk=self.issue.pk).update(created_at=day(offset, 13))
        AccessIssueEvent.objects.filter(pk=self.event.pk).update(created_at=day(offset, 13))
        self.schedule = Schedule.objects.create(
            period=period,
            building=building,
            kind=Schedule.Kind.POSKO,
            date=TODAY + datetime.timedelta(days=offset),
            start=datetime.time(9),
            end=datetime.time(12),
            note="Posko di lobi.",
            reply="Setuju, hubungi Pak Yohanes.",
            proposed_by=officer,
        )
        self.hint = UnitOccupancy.objects.create(
            unit=units[0], status=UnitOccupancy.Status.OCCUPIED, best_time="Sore hari"
        )
        UnitOccupancy.objects.filter(pk=self.hint.pk).update(updated_at=day(offset - 5))
        inviter = UserFactory(role="kpu_provinsi")
        self.invitation = invitation_create(
            invited_by=inviter,
            email=f"calon-{period.pk}@uji.coklit.id",
            full_name="Calon Pantarlih",
            role="pantarlih",
            region=building.kelurahan,
            phone="+6281299990000",
        )
        Invitation.objects.filter(pk=self.invitation.pk).update(
            created_at=day(offset - 20), expires_at=day(offset - 13)
        )
        self.accepted = invitation_create(
            invited_by=inviter,
            email=f"diterima-{period.pk}@uji.coklit.id",
            full_name="Sudah Diterima",
            role="pantarlih",
            region=building.kelurahan,
        )
        Invitation.objects.filter(pk=self.accepted.pk).update(
            expires_at=day(offset - 13), accepted_at=day(offset - 15), accepted_user=officer
        )
        self.reminder = ReminderLog.objects.create(
            kind="digest", recipient=officer, key=f"digest:{period.pk}",
            day=TODAY + datetime.timedelta(days=offset), created_at=day(offset),
        )  # fmt: skip
        self.sent = SentEmail.objects.create(key=f"invitation:{period.pk}", to=officer.email)
        SentEmail.objects.filter(pk=self.sent.pk).update(sent_at=day(offset))
        self.export = ExportJob.objects.create(
            owner=inviter, kind="coverage", code="31", format="csv", status="done"
        )
        self.export_file = _photo(self.export, "file", "cakupan.csv")
        ExportJob.objects.filter(pk=self.export.pk).update(created_at=day(offset))
        self.entry = LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Visit), object_pk=str(self.visit.pk)
        ).first()
        LogEntry.objects.filter(pk=self.entry.pk).update(
            remote_addr="10.1.2.3", remote_port=4321, timestamp=day(offset, 9)
        )


@pytest.fixture
def retention_apply(django_capture_on_commit_callbacks):
    """retention_apply as it runs for real: files go once its transaction commits."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return _apply(**kwargs)

    return run


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def world2(media):
    """A period closed 91 days ago and one open today, each with one of everything."""
    closed = CoklitPeriod.objects.create(
        name="Periode tutup", starts_on=TODAY - datetime.timedelta(days=121),
        ends_on=TODAY - datetime.timedelta(days=91),
    )  # fmt: skip
    open_ = CoklitPeriod.objects.create(
        name="Periode buka", starts_on=TODAY - datetime.timedelta(days=10),
        ends_on=TODAY + datetime.timedelta(days=20),
    )  # fmt: skip
    tower = TowerFactory()
    units = [UnitFactory(tower=tower, floor=1, number=f"A-{i:02d}") for i in range(6)]
    gone = UserFactory(role="pantarlih", email="selesai@uji.coklit.id")
    staying = UserFactory(role="pantarlih", email="lanjut@uji.coklit.id")
    w = types.SimpleNamespace(
        closed=Side(closed, -100, tower.building, tower, units[:3], gone),
        open=Side(open_, -2, tower.building, tower, units[3:], staying),
        building=tower.building,
        units=units,
        gone=gone,
        staying=staying,
    )
    Assignment.objects.create(period=closed, pantarlih=staying, building=tower.building, tps="012")
    for officer in (gone, staying):
        photo = OfficerPhoto(officer=officer)
        photo.photo.save("x.jpg", ContentFile(JPEG))
        OfficerPhoto.objects.filter(pk=officer.pk).update(updated_at=day(-110))
    w.officer_photo_path = OfficerPhoto.objects.get(officer=gone).photo.path
    return w
