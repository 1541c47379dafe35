"""Emails about resolved access issues, sent by Celery once the change is committed, and the
province overview's snapshot, kept fresh by beat."""

from celery import shared_task

from accounts.emails import email_send
from accounts.models import User
from visits.models import AccessIssue
from visits.tasks import RETRY


@shared_task(ignore_result=True, expires=60)
def coverage_snapshot_refresh() -> None:
    """Beat's minute job: the province overview's figures, ready before anyone asks."""
    from progress.figures import clock_for
    from progress.snapshot import province_snapshot_take

    province_snapshot_take(clock_for().period)


@shared_task(max_retries=5, **RETRY)
def access_issue_resolved_notify(issue_id: int) -> None:
    """An issue was resolved: tell the building's managers and the pantarlih who raised it."""
    issue = (
        AccessIssue.objects.select_related("building", "raised_by", "handled_by")
        .filter(pk=issue_id, status=AccessIssue.Status.RESOLVED)
        .first()
    )
    if issue is None:
        return
    people = {
        p.pk: p
        for p in [
            *User.objects.filter(managed_buildings__building_id=issue.building_id),
            issue.raised_by,
        ]
    }
    for person in people.values():
        if not person.is_active or not person.email or person.pk == issue.handled_by_id:
            continue
        email_send(
            template="access_resolved",
            to=person.email,
            language=person.language,
            context={"issue": issue, "person": person},
            once_key=f"access_resolved:{issue.pk}:{issue.resolved_at.isoformat()}",
        )


# Celery's autodiscovery imports <app>.tasks only: bring in the export and briefing tasks.
from dashboard import export_tasks  # noqa: E402, F401
