"""The demo's side of retention and personal data (demo/data/retention.py).

The closed period holds no unit outcome: the 2024 figures and the units' statuses stay as the
rest of the demo sets them. Its rows are a history four months old, written directly and
dated when they happened: the services would send their emails and reminders today.
"""

import datetime
import uuid

from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Briefing, BriefingInvitee, Invitation, Role, SentEmail
from demo.data.retention import (
    BRIEFING,
    BUILDING,
    CLOSED_ENDED,
    CLOSED_PERIOD_NAME,
    CLOSED_STARTED,
    ENDED_DUTY,
    HOLD_BY,
    HOLD_REASON,
    ISSUE,
    ISSUE_HISTORY,
    MANAGER,
    MANAGER_WELCOME,
    NEVER_ACCEPTED,
    PANTARLIH,
    PRIVACY_CONTACT,
    RETENTION_NAMESPACE,
    SCHEDULE,
    TPS,
    VISIT_ADDRESS,
    VISITS,
)
from demo.pictures import lobby_photo
from demo.rows import DemoRows
from privacy.models import PrivacyContact, RetentionHold
from regions.models import Region
from reminders.models import ReminderLog
from visits.models import AccessIssue, AccessIssueEvent, Assignment, CoklitPeriod, Schedule, Visit

_PAPER = (222, 214, 200)  # the background of the practice period's photos


def _picture(*lines: str) -> bytes:
    return lobby_photo(*lines, background=_PAPER, desk=False)


def _backdate_audit(obj, when: datetime.datetime) -> None:
    """The audit rows of a demo record, dated when the record says it happened."""
    LogEntry.objects.get_for_object(obj).update(timestamp=when)


def retention_seed(rows: DemoRows) -> None:
    """The privacy contact, the hold on 2024, and the closed practice period with all it held."""
    users = rows.users
    if not PrivacyContact.objects.exists():
        PrivacyContact(
            **{**PRIVACY_CONTACT, "updated_by": users[PRIVACY_CONTACT["updated_by"]]}
        ).save()
        rows.created["PrivacyContact"] += 1
    rows.get_or_create(
        RetentionHold,
        period=rows.period,
        defaults={"reason": HOLD_REASON, "created_by": users[HOLD_BY]},
    )

    today = timezone.localdate()
    period, new = rows.get_or_create(
        CoklitPeriod,
        name=CLOSED_PERIOD_NAME,
        defaults={
            "starts_on": today - datetime.timedelta(days=CLOSED_STARTED),
            "ends_on": today - datetime.timedelta(days=CLOSED_ENDED),
        },
    )
    if new:  # else the rest came with it
        _closed_period(rows, period)


def _closed_period(rows: DemoRows, period: CoklitPeriod) -> None:
    zone = timezone.get_current_timezone()

    def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
        when = period.starts_on + datetime.timedelta(days=day)
        return datetime.datetime.combine(when, datetime.time(hour, minute), tzinfo=zone)

    def made(model, count: int = 1):
        rows.created[model.__name__] += count

    users, building = rows.users, rows.buildings[BUILDING]
    pantarlih, manager = users[PANTARLIH], users[MANAGER]
    Assignment.objects.create(period=period, pantarlih=pantarlih, building=building, tps=TPS)
    made(Assignment)
    briefing = Briefing.objects.create(
        title=BRIEFING["title"],
        starts_at=at(BRIEFING["day"], BRIEFING["hour"]),
        place=BRIEFING["place"],
        organiser=users[BRIEFING["organiser"]],
        region=Region.objects.get(code=building.kelurahan.code[:5]),
    )
    BriefingInvitee.objects.create(
        briefing=briefing, manager=manager, rsvp=BriefingInvitee.Rsvp.YES, attended=True,
        responded_at=at(*BRIEFING["answered"]),
    )  # fmt: skip
    made(Briefing)
    # Recorded as the field pages and the portal record them: the audit log names who acted.
    with set_actor(pantarlih):
        schedule = Schedule.objects.create(
            period=period,
            building=building,
            tower=rows.towers[BUILDING, SCHEDULE["tower"]],
            kind=Schedule.Kind.DOOR_TO_DOOR,
            date=period.starts_on + datetime.timedelta(days=SCHEDULE["day"]),
            start=datetime.time(SCHEDULE["start"]),
            end=datetime.time(SCHEDULE["end"]),
            status=Schedule.Status.DONE,
            note=SCHEDULE["note"],
            reply=SCHEDULE["reply"],
            proposed_by=pantarlih,
            decided_by=manager,
            decided_at=at(*SCHEDULE["decided"]),
        )
    _backdate_audit(schedule, at(*SCHEDULE["proposed"]))
    made(Schedule)
    visits = []
    for key, tower, day, access, note in VISITS:
        with set_actor(pantarlih, remote_addr=VISIT_ADDRESS):
            visit = Visit.objects.create(
                client_uuid=uuid.uuid5(RETENTION_NAMESPACE, key),
                period=period,
                pantarlih=pantarlih,
                building=building,
                tower=rows.towers[BUILDING, tower],
                schedule=schedule if tower == SCHEDULE["tower"] else None,
                started_at=at(day, 9, 20),
                ended_at=at(day, 9, 35),
                access=access,
                note=note,
                latitude=building.latitude,
                longitude=building.longitude,
            )
        visit.photo.save(f"demo-latihan-{key}.jpg", ContentFile(_picture(building.name, tower)))
        _backdate_audit(visit, visit.started_at)
        visits.append(visit)
        made(Visit)
    _issue(rows, building, visits[0], at)
    _invitations_and_reminders(rows, period, building, schedule, at)


def _issue(rows: DemoRows, building, visit: Visit, at) -> None:
    """Raised from the first visit, settled by the manager in the portal the next day."""
    pantarlih, manager = rows.users[PANTARLIH], rows.users[MANAGER]
    with set_actor(pantarlih):
        issue = AccessIssue.objects.create(
            building=building,
            visit=visit,
            kind=AccessIssue.Kind.SECURITY_REFUSED,
            description=ISSUE["description"],
            level=AccessIssue.Level.PPS,
            raised_by=pantarlih,
        )
    with set_actor(manager):  # the manager settles it in the portal
        issue.status, issue.handled_by = AccessIssue.Status.RESOLVED, manager
        issue.resolved_at = at(*ISSUE["resolved"])
        issue.resolution = ISSUE["resolution"]
        issue.save()
    rows.created["AccessIssue"] += 1
    AccessIssue.objects.filter(pk=issue.pk).update(created_at=at(*ISSUE["raised"]))
    _backdate_audit(issue, at(*ISSUE["resolved"]))
    for when, actor, action, note, evidence in ISSUE_HISTORY:
        event = AccessIssueEvent(
            issue=issue, actor=rows.users[actor], action=action, level=AccessIssue.Level.PPS,
            note=note,
        )  # fmt: skip
        if evidence:
            event.evidence.save(
                "demo-latihan-surat-tugas.jpg",
                ContentFile(_picture("Surat tugas (fotokopi)", building.name)),
                save=False,
            )
        event.save()
        AccessIssueEvent.objects.filter(pk=event.pk).update(created_at=at(*when))
        rows.created["AccessIssueEvent"] += 1


def _invitation(rows: DemoRows, spec: dict, at, **fields) -> Invitation:
    """An invitation as it stood when the period closed, dated when it was sent."""
    invitation = Invitation.objects.create(
        nonce=uuid.uuid4().hex,
        invited_by=rows.users[spec["invited_by"]],
        sent_at=at(*spec["sent"]),
        expires_at=at(*spec["expires"]),
        accepted_at=at(*spec["accepted"]) if "accepted" in spec else None,
        **fields,
    )
    Invitation.objects.filter(pk=invitation.pk).update(created_at=at(*spec["sent"]))
    rows.created["Invitation"] += 1
    return invitation


def _invitations_and_reminders(rows: DemoRows, period, building, schedule, at) -> None:
    users = rows.users
    pantarlih, manager = users[PANTARLIH], users[MANAGER]
    never = NEVER_ACCEPTED
    invitation = _invitation(
        rows, never, at, email=never["email"], full_name=never["full_name"], role=never["role"],
        region=building.kelurahan, building=building, tps=never["tps"],
    )  # fmt: skip
    # Sari took TPS 046 when the first invitee never signed up, and worked only the practice
    # period: her duty has ended, so her account is the one to try an erasure on.
    sari = users[ENDED_DUTY["user"]]
    _invitation(
        rows, ENDED_DUTY, at, email=sari.email, full_name=sari.full_name, phone=sari.phone,
        role=Role.PANTARLIH, region=building.kelurahan, building=building,
        tps=ENDED_DUTY["tps"], accepted_user=sari,
    )  # fmt: skip
    Assignment.objects.create(
        period=period, pantarlih=sari, building=building, tps=ENDED_DUTY["tps"]
    )
    rows.created["Assignment"] += 1
    sent = SentEmail.objects.create(key=f"invitation:{invitation.pk}", to=invitation.email)
    SentEmail.objects.filter(pk=sent.pk).update(sent_at=at(*never["sent"], 1))
    rows.created["SentEmail"] += 1
    # The day before the visit, the officer and the manager were reminded (flow 8).
    for person in (pantarlih, manager):
        log = ReminderLog.objects.create(
            kind=ReminderLog.Kind.VISIT_TOMORROW,
            recipient=person,
            key=f"schedule:{schedule.pk}",
            day=schedule.date - datetime.timedelta(days=1),
            status=ReminderLog.Status.SENT,
            created_at=at(2, 7),
            sent_at=at(2, 7, 1),
        )
        rows.created["ReminderLog"] += 1
        reminded = SentEmail.objects.create(key=f"reminder:{log.pk}", to=person.email)
        SentEmail.objects.filter(pk=reminded.pk).update(sent_at=at(2, 7, 1))
    if not Invitation.objects.filter(accepted_user=manager).exists():
        _invitation(
            rows, MANAGER_WELCOME, at, email=manager.email, full_name=manager.full_name,
            role=Role.PENGELOLA, building=building, accepted_user=manager,
        )  # fmt: skip
