"""Enqueue a task without letting a broker outage break the save that caused it.

The row is written in the caller's transaction; on commit the task is enqueued and the row
marked. If the broker is unreachable the error is logged, the row stays unqueued, and
`outbox_sweep` (run by beat) enqueues it once the broker answers again.
"""

import datetime
import logging

from celery import current_app
from django.db import transaction
from django.utils import timezone

from outbox.models import OutboxMessage

logger = logging.getLogger(__name__)

# A row younger than this may still be on its way through on_commit; the sweep leaves it.
SWEEP_AFTER = datetime.timedelta(minutes=1)


def outbox_enqueue(task, *args) -> OutboxMessage:
    """Queue `task(*args)` once the current transaction commits (ids only, JSON-serialisable)."""
    message = OutboxMessage.objects.create(task=task.name, args=list(args))
    transaction.on_commit(lambda: _publish(message))
    return message


def _publish(message: OutboxMessage) -> bool:
    task = current_app.tasks[message.task]
    if current_app.conf.task_always_eager:
        # In-process: no broker to be down, and a failing task must show, not be swallowed.
        OutboxMessage.objects.filter(pk=message.pk).update(enqueued_at=timezone.now())
        task.apply(args=message.args, throw=current_app.conf.task_eager_propagates)
        return True
    try:
        task.apply_async(args=message.args, retry=False)
    except Exception as exc:  # the broker's errors vary by transport; none may fail a save
        logger.warning("Broker unreachable, %s kept in the outbox: %s", message, exc)
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=str(exc)[:1000]
        )
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(enqueued_at=timezone.now())
    return True


def outbox_sweep(*, limit: int = 500) -> int:
    """Enqueue the messages the broker missed; returns how many went out."""
    cutoff = timezone.now() - SWEEP_AFTER
    sent = 0
    pending = OutboxMessage.objects.filter(enqueued_at__isnull=True, created_at__lt=cutoff)
    for message in pending.order_by("created_at")[:limit]:
        # Claim first, so two sweeps never enqueue the same message twice.
        claimed = OutboxMessage.objects.filter(pk=message.pk, enqueued_at__isnull=True).update(
            enqueued_at=timezone.now()
        )
        if not claimed:
            continue
        if _publish_claimed(message):
            sent += 1
        else:
            break  # still down: leave the rest for the next sweep
    return sent


def _publish_claimed(message: OutboxMessage) -> bool:
    try:
        current_app.tasks[message.task].apply_async(args=message.args, retry=False)
    except Exception as exc:
        logger.warning("Broker still unreachable, %s stays in the outbox: %s", message, exc)
        OutboxMessage.objects.filter(pk=message.pk).update(
            enqueued_at=None, attempts=message.attempts + 1, last_error=str(exc)[:1000]
        )
        return False
    return True
