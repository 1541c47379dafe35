"""Access issues: raised from the field, answered by the manager, each step on record."""

from django.db import transaction

from accounts.models import User
from buildings.models import Building
from visits.models import AccessIssue, AccessIssueEvent, Visit


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
