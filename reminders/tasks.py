"""Beat runs reminders_run hourly and reminders_sweep every few minutes (CELERY_BEAT_SCHEDULE).

Each claimed reminder is enqueued through the outbox, the one way the code queues a task: its
row is written in the claim's transaction and published on commit.
"""

from celery import shared_task
from django.db import transaction

from outbox import services as outbox
from reminders import services

MAX_RETRIES = services.MAX_ATTEMPTS - 1


@shared_task
def reminders_run() -> int:
    """Today's rules; the claimed reminders are enqueued once the claim is committed."""
    with transaction.atomic():
        ids = services.reminders_run().to_send
        for pk in ids:
            outbox.outbox_enqueue(reminder_send, pk)
    return len(ids)


@shared_task(bind=True, acks_late=True, max_retries=MAX_RETRIES)
def reminder_send(self, log_id: int, retrying: bool = False) -> str:
    outcome, delay = services.reminder_deliver(log_id=log_id, retrying=retrying)
    if outcome == "retry":
        raise self.retry(args=[log_id], kwargs={"retrying": True}, countdown=delay)
    return outcome


@shared_task
def reminders_sweep() -> int:
    """Enqueue what a broker outage or a killed worker left behind."""
    ids = services.reminders_stale()
    with transaction.atomic():
        for pk in ids:
            outbox.outbox_enqueue(reminder_send, pk)
    return outbox.outbox_sweep() + len(ids)
