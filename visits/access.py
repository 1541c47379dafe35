"""Access issues: raised from the field, answered by the manager, each step on record.

The ladder itself (its rungs, who owns each, what each is for, its clock) is defined here,
below the dashboard, so the field pages and the emails read it too; what each person may do
on a rung lives with the staff pages (dashboard/escalation.py).
"""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.models import Role, User
from accounts.roles import PROVINCE_WIDE
from buildings.models import Building
from visits.models import AccessIssue, AccessIssueEvent, Visit

Level = AccessIssue.Level

# The clock on each rung of the ladder: the owner has this long before the issue counts as
# overdue.
STEP_DAYS = 2

LADDER = [Level.PPS, Level.KPU_KOTA, Level.DINAS, Level.BAWASLU]

# The role that owns each rung. KPU Provinsi may act at every rung on top of it.
LEVEL_OWNER = {
    Level.PPS: Role.PPS,
    Level.KPU_KOTA: Role.KPU_KOTA,
    Level.DINAS: Role.DINAS,
    Level.BAWASLU: Role.BAWASLU,
}

# What each rung is for and what its owner can do, in one line: on the issue page and in the
# email that hands the issue to the rung's owner.
STEP_GUIDE = {
    Level.PPS: gettext_lazy(
        "The PPS of the kelurahan calls the manager and agrees access: it can take the step, "
        "comment, resolve, or move it up to KPU Kota when two days bring no access."
    ),
    Level.KPU_KOTA: gettext_lazy(
        "KPU Kota sends the manager an official letter: it can print the letter and record it "
        "as sent (the manager then has two days from its date), comment, resolve, or move it "
        "up to Dinas Perumahan."
    ),
    Level.DINAS: gettext_lazy(
        "Dinas Perumahan, which oversees building managers, reprimands the manager: it can "
        "print the reprimand (teguran), comment, resolve, or move it up to Bawaslu."
    ),
    Level.BAWASLU: gettext_lazy(
        "Bawaslu, the top step: the election supervisor looks into the obstruction and may "
        "recommend sanctions; it can take the step and comment, and KPU Provinsi records the "
        "resolution."
    ),
}


def next_level(level: str) -> str | None:
    index = LADDER.index(level)
    return LADDER[index + 1] if index + 1 < len(LADDER) else None


def previous_level(level: str) -> str | None:
    index = LADDER.index(level)
    return LADDER[index - 1] if index else None


def is_top(level: str) -> bool:
    return next_level(level) is None


def rung_owners(level: str, kelurahan_code: str):
    """The active users who own `level` for a building of that kelurahan: the rung's role,
    with a region that contains the kelurahan (or none, for the province-wide roles)."""
    role = LEVEL_OWNER[level]
    covering = Q(region__code__in=[kelurahan_code[:n] for n in (2, 5, 8, 13)])
    if role in PROVINCE_WIDE:
        covering |= Q(region__isnull=True)
    return User.objects.filter(is_active=True, role=role).filter(covering)


def access_issue_step_announce(event: AccessIssueEvent, previous_handler_id: int | None = None):
    """Email the owners of the rung `event` brought the issue to, once the change commits."""
    from outbox.services import outbox_enqueue
    from visits.tasks import access_issue_step_notify

    outbox_enqueue(access_issue_step_notify, event.pk, previous_handler_id)


def step_due(issue: AccessIssue) -> datetime.datetime:
    """When the current rung's clock runs out (the first rung's starts when the issue is raised)."""
    return issue.due_at or issue.created_at + datetime.timedelta(days=STEP_DAYS)


def is_overdue(issue: AccessIssue, now: datetime.datetime | None = None) -> bool:
    return issue.status != AccessIssue.Status.RESOLVED and step_due(issue) < (now or timezone.now())


@transaction.atomic
def access_issue_raise(
    *,
    building: Building,
    raised_by: User,
    kind: str,
    description: str,
    visit: Visit | None = None,
) -> AccessIssue:
    """Open an issue at the first rung of the ladder (PPS), record who raised it and email the
    rung's owners (the PPS of the kelurahan), whoever raised it: a pantarlih turned away at the
    door or staff told by phone."""
    issue = AccessIssue.objects.create(
        building=building,
        visit=visit,
        kind=kind,
        description=description,
        raised_by=raised_by,
    )
    event = AccessIssueEvent.objects.create(
        issue=issue,
        actor=raised_by,
        action=AccessIssueEvent.Action.RAISED,
        level=issue.level,
        note=description,
    )
    access_issue_step_announce(event)
    return issue


@transaction.atomic
def access_issue_reply(
    *, issue: AccessIssue, manager: User, note: str, evidence=None
) -> AccessIssueEvent:
    """The building manager's answer, kept in the issue's history at its current level, with
    an optional file (e.g. the letter to the security vendor) already through
    visits.evidence.evidence_clean."""
    event = AccessIssueEvent(
        issue=issue,
        actor=manager,
        action=AccessIssueEvent.Action.MANAGER_REPLY,
        level=issue.level,
        note=note,
    )
    if evidence:
        event.evidence.save(evidence.name, evidence, save=False)
    event.save()
    return event
