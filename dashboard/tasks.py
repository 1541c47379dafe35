"""Emails about the escalation ladder, sent by Celery once the change is committed, and the
province overview's snapshot, kept fresh by beat."""

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from accounts.emails import email_send
from accounts.models import User
from dashboard.escalation import (
    STEP_GUIDE,
    is_top,
    next_level,
    previous_level,
    rung_owners,
    step_due,
)
from visits.models import AccessIssue, AccessIssueEvent
from visits.tasks import RETRY


@shared_task(ignore_result=True, expires=60)
def coverage_snapshot_refresh() -> None:
    """Beat's minute job: the province overview's figures, ready before anyone asks."""
    from dashboard.coverage import clock_for, province_snapshot_take

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


@shared_task(max_retries=5, **RETRY)
def access_issue_step_notify(event_id: int, previous_handler_id: int | None = None) -> None:
    """An issue reached a rung (raised at the first, or moved up): its owners are told it is
    theirs, what the rung is for and until when; whoever held the rung below gets a copy
    (the one who handled it, else that rung's owners). The one who acted gets nothing."""
    event = (
        AccessIssueEvent.objects.select_related(
            "issue__building__kelurahan", "issue__raised_by", "actor"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return
    issue, level, code = event.issue, event.level, event.issue.building.kelurahan.code
    owners = {u.pk: u for u in rung_owners(level, code)}
    copies = {}
    below = previous_level(level) if event.action == AccessIssueEvent.Action.ESCALATED else None
    if below:
        handler = User.objects.filter(pk=previous_handler_id, is_active=True).first()
        copies = {handler.pk: handler} if handler else {u.pk: u for u in rung_owners(below, code)}
    url = settings.SITE_URL.rstrip("/") + reverse("dashboard_issue", args=[issue.pk])
    context = {
        "issue": issue,
        "event": event,
        "level": dict(AccessIssue.Level.choices)[level],
        "below": dict(AccessIssue.Level.choices).get(below),
        "next": dict(AccessIssue.Level.choices).get(next_level(level)),
        "top": is_top(level),
        "raised": event.action == AccessIssueEvent.Action.RAISED,
        "guide": STEP_GUIDE[level],
        # The clock of the rung, unless the issue moved on before this email went out.
        "due": step_due(issue) if issue.level == level and issue.status != "resolved" else None,
        "url": url,
    }
    people = [(p, False) for p in owners.values()]
    people += [(p, True) for pk, p in copies.items() if pk not in owners]
    for person, as_copy in people:
        if person.pk == event.actor_id or not person.email:
            continue
        email_send(
            template="access_step",
            to=person.email,
            language=person.language,
            context={**context, "person": person, "as_copy": as_copy},
            once_key=f"access_step:{event.pk}",
        )


# Celery's autodiscovery imports <app>.tasks only: bring in the export and briefing tasks.
from dashboard import export_tasks  # noqa: E402, F401
