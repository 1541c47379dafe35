"""Emails about schedules and access issues (each step of the ladder), sent by Celery once the change is committed."""

from celery import shared_task
from django.conf import settings
from django.urls import reverse

from accounts.emails import email_send
from accounts.models import User
from visits.access import STEP_GUIDE, is_top, next_level, previous_level, rung_owners, step_due
from visits.models import AccessIssue, AccessIssueEvent, Schedule

# Retried on a mail server error, and acknowledged only when done: a worker killed mid-send
# leaves the message to be delivered again, and email_send's once_key skips whoever already
# got it.
RETRY = {
    "autoretry_for": (OSError,),
    "retry_backoff": 30,
    "retry_backoff_max": 600,
    "acks_late": True,
    "reject_on_worker_lost": True,
}


@shared_task(max_retries=5, **RETRY)
def schedule_notify(schedule_id: int, event: str, actor_id: int) -> None:
    from visits.schedules import schedule_recipients

    schedule = (
        Schedule.objects.select_related(
            "building", "tower", "proposed_by", "counter_of__proposed_by", "period"
        )
        .filter(pk=schedule_id)
        .first()
    )
    actor = User.objects.filter(pk=actor_id).first()
    if schedule is None or actor is None:
        return
    for person in schedule_recipients(schedule, event, actor):
        email_send(
            template="schedule_update",
            to=person.email,
            language=person.language,
            context={
                "schedule": schedule,
                "event": event,
                "actor": actor,
                "person": person,
                "site_url": settings.SITE_URL,
            },
            once_key=f"schedule:{schedule_id}:{event}:{actor_id}",
        )


@shared_task(max_retries=5, **RETRY)
def access_issue_reply_notify(event_id: int) -> None:
    """The manager answered: tell whoever raised the issue and whoever handles it now."""
    event = (
        AccessIssueEvent.objects.select_related(
            "issue__building", "issue__raised_by", "issue__handled_by", "actor"
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return
    issue = event.issue
    people = {p.pk: p for p in (issue.raised_by, issue.handled_by) if p is not None}
    for person in people.values():
        if person.pk == event.actor_id or not person.is_active:
            continue
        email_send(
            template="access_reply",
            to=person.email,
            language=person.language,
            context={"event": event, "issue": issue, "person": person},
            once_key=f"access_reply:{event_id}",
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
