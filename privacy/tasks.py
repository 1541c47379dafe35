"""Beat runs retention_apply nightly (CELERY_BEAT_SCHEDULE in coklit/settings.py)."""

from celery import shared_task


@shared_task(ignore_result=True)
def retention_apply() -> int:
    """What closed periods no longer need goes; returns how many items were removed."""
    from privacy.retention import retention_apply as apply

    return apply().total
