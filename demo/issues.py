"""The demo's access issues and letters (demo/data/issues.py)."""

import datetime
import uuid

from django.utils import timezone

# The escalation services number the letters and send the step-change emails as they do for
# real: seeding prints them (the terminal of bin/demo) and records them in accounts.SentEmail.
from dashboard.escalation import issue_escalate, issue_letter_sent, issue_raise
from demo.data.fieldwork import VISIT_NAMESPACE
from demo.data.issues import (
    KALIBATA_HISTORY,
    KALIBATA_ISSUE,
    KALIBATA_LETTER_AT,
    KALIBATA_LETTER_SENT_ON,
    KALIBATA_VISIT,
    LETTER_KOTA,
    LETTER_OFFICE,
    RASUNA_FIRST_STEP,
    RASUNA_ISSUE,
    RASUNA_SECOND_STEP,
    SIGNATORY,
)
from demo.rows import DemoRows
from regions.models import Region
from visits.models import AccessIssue, AccessIssueEvent, IssueLetter, LetterOffice, Visit


def access_issue_seed(rows: DemoRows) -> None:
    """Kalibata City's issue of June 2024 and its history, written as they stand. (Raising it
    through access_issue_raise would email the PPS today about a week long past.)"""
    visit = Visit.objects.get(client_uuid=uuid.uuid5(VISIT_NAMESPACE, KALIBATA_VISIT))
    spec = KALIBATA_ISSUE
    issue, created = rows.get_or_create(
        AccessIssue,
        building=visit.building,
        visit=visit,
        kind=AccessIssue.Kind.SECURITY_REFUSED,
        defaults={
            "description": spec["description"],
            "level": spec["level"],
            "status": spec["status"],
            "raised_by": rows.users[spec["raised_by"]],
            "handled_by": rows.users[spec["handled_by"]],
            "due_at": spec["due_at"],
        },
    )
    if created:  # created_at is auto_now_add: the believable time is set afterwards
        AccessIssue.objects.filter(pk=issue.pk).update(created_at=spec["created_at"])
    for at, actor, action, level, note in KALIBATA_HISTORY:
        event, made = rows.get_or_create(
            AccessIssueEvent,
            issue=issue,
            action=action,
            level=level,
            actor=rows.users[actor],
            defaults={"note": note},
        )
        if made:
            AccessIssueEvent.objects.filter(pk=event.pk).update(created_at=at)


def letters_seed(rows: DemoRows) -> None:
    """KPU Jakarta Selatan's letters: the signatory and number pattern of the office, the
    Kalibata City letter of 30 June 2024 (no. 001 of 2024, printed from its issue page), and
    an issue of this week at Apartemen Taman Rasuna that went up the ladder to Dinas
    Perumahan today, through the services."""
    kpu = rows.users["kpu.jaksel"]
    rows.get_or_create(
        LetterOffice,
        kota=Region.objects.get(code=LETTER_KOTA),
        defaults={**LETTER_OFFICE, "updated_by": kpu},
    )
    kalibata = AccessIssue.objects.get(
        building=rows.buildings["kalibata"], kind=AccessIssue.Kind.SECURITY_REFUSED
    )
    if not IssueLetter.objects.filter(issue=kalibata).exists():
        letter = issue_letter_sent(
            issue=kalibata, by=kpu, sent_on=KALIBATA_LETTER_SENT_ON, **SIGNATORY
        )
        _backdate(kalibata, AccessIssueEvent.Action.LETTER_SENT, KALIBATA_LETTER_AT)
        IssueLetter.objects.filter(pk=letter.pk).update(created_at=KALIBATA_LETTER_AT)
        rows.created["IssueLetter"] += 1
    rasuna = rows.buildings["rasuna"]
    if not AccessIssue.objects.filter(building=rasuna, raised_by=kpu).exists():
        _rasuna_escalated(rows, rasuna, kpu)


def _rasuna_escalated(rows: DemoRows, rasuna, kpu) -> None:
    now = timezone.now()
    issue = issue_raise(
        building=rasuna, by=kpu, kind=AccessIssue.Kind.MANAGER_REFUSED, description=RASUNA_ISSUE
    )
    AccessIssue.objects.filter(pk=issue.pk).update(created_at=now - datetime.timedelta(days=4))
    issue.refresh_from_db()
    issue = issue_escalate(issue=issue, by=rows.users["kpu.provinsi"], note=RASUNA_FIRST_STEP)
    issue_letter_sent(
        issue=issue, by=kpu, sent_on=timezone.localdate() - datetime.timedelta(days=3),
        **SIGNATORY,
    )  # fmt: skip
    issue_escalate(issue=issue, by=kpu, note=RASUNA_SECOND_STEP)
    for action, days in ((AccessIssueEvent.Action.RAISED, 4),
                         (AccessIssueEvent.Action.LETTER_SENT, 3)):  # fmt: skip
        _backdate(issue, action, now - datetime.timedelta(days=days))
    first_step = issue.events.filter(action=AccessIssueEvent.Action.ESCALATED).order_by("pk")
    AccessIssueEvent.objects.filter(pk=first_step.first().pk).update(
        created_at=now - datetime.timedelta(days=3, hours=2)
    )
    rows.created["AccessIssue"] += 1
    rows.created["IssueLetter"] += 1


def _backdate(issue: AccessIssue, action: str, at: datetime.datetime) -> None:
    AccessIssueEvent.objects.filter(issue=issue, action=action).update(created_at=at)
