"""Access issues: raised from the field, answered by the manager, each step on record."""

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from buildings.models import Building
from visits.models import AccessIssue, AccessIssueEvent, Visit

# The clock on each rung of the ladder (dashboard/escalation.py): the owner has this long
# before the issue counts as overdue. Here, below the dashboard, so the field pages can show it.
STEP_DAYS = 2


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
    """Open an issue at the first rung of the ladder (PPS) and record who raised it."""
    issue = AccessIssue.objects.create(
        building=building,
        visit=visit,
        kind=kind,
        description=description,
        raised_by=raised_by,
    )
    AccessIssueEvent.objects.create(
        issue=issue,
        actor=raised_by,
        action=AccessIssueEvent.Action.RAISED,
        level=issue.level,
        note=description,
    )
    return issue


@transaction.atomic
def access_issue_reply(*, issue: AccessIssue, manager: User, note: str) -> AccessIssueEvent:
    """The building manager's answer, kept in the issue's history at its current level."""
    return AccessIssueEvent.objects.create(
        issue=issue,
        actor=manager,
        action=AccessIssueEvent.Action.MANAGER_REPLY,
        level=issue.level,
        note=note,
    )
