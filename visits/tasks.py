"""Emails about schedules and access issues, sent by Celery once the change is committed."""

from celery import shared_task
from django.conf import settings

from accounts.emails import email_send
from accounts.models import User
from visits.models import AccessIssueEvent, Schedule

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
