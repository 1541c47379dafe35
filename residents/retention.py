"""Residents' data has the period's lifetime: callback numbers go when the period ends, the
requests themselves PRIVACY_RETENTION_DAYS (default 90) after it.

Run nightly by beat through privacy.retention.retention_apply (`manage.py apply_retention`),
or alone with `manage.py purge_resident_requests [--dry-run]`. A period under a retention
hold (privacy.RetentionHold: a dispute needs the record) keeps its requests; their callback
numbers go all the same, since a number was given only to arrange the visit.
"""

import datetime

from django.apps import apps
from django.conf import settings
from django.utils import timezone

from residents.models import VisitRequest

DEFAULT_RETENTION_DAYS = 90


def retention_days() -> int:
    return getattr(settings, "PRIVACY_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)


def _held_periods() -> list[int]:
    if not apps.is_installed("privacy"):
        return []
    hold = apps.get_model("privacy", "RetentionHold")
    return list(hold.objects.values_list("period_id", flat=True))


def purge_closed_periods(*, now=None, dry_run: bool = False) -> dict[str, int]:
    """Erase the callback numbers of requests whose period has ended, and delete the requests
    of periods closed longer than the retention; return how many of each (with `dry_run`,
    what would go, touching nothing)."""
    today = timezone.localdate(now or timezone.now())
    cutoff = today - datetime.timedelta(days=retention_days())
    numbers = VisitRequest.objects.filter(period__ends_on__lt=today).exclude(callback_phone="")
    requests = VisitRequest.objects.filter(period__ends_on__lt=cutoff).exclude(
        period__in=_held_periods()
    )
    counts = {
        "callback numbers erased": numbers.count(),
        "visit requests deleted": requests.count(),
    }
    if not dry_run:
        numbers.update(callback_phone="")
        requests.delete()
    return counts
