"""Beat runs retention_apply nightly (CELERY_BEAT_SCHEDULE in coklit/settings.py)."""

from celery import shared_task


# The first run after a Jakarta-sized period masks hundreds of thousands of audit rows: far
# longer than the default limits (CELERY_TASK_TIME_LIMIT) allow a task. One transaction, so a
# run cut short removes nothing and the next night starts over.
@shared_task(ignore_result=True, soft_time_limit=50 * 60, time_limit=55 * 60)
def retention_apply() -> int:
    """What closed periods no longer need goes; returns how many items were removed."""
    from privacy.retention import retention_apply as apply

    return apply().total
