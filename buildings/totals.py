"""Checking the towers' totals (kept by triggers, see TowerTotals) against their units.

The triggers are the one place the totals are written; this module recounts them from the
units the slow way, to prove the triggers right in tests and to mend a database whose
triggers were ever bypassed (a restore without them, a manual `ALTER TABLE … DISABLE TRIGGER`).
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from buildings.models import Tower, TowerClosedDay, TowerTotals, Unit

FIELDS = (
    "residential_units",
    "closed_units",
    "visited_units",
    "outcome_count",
    "voters_verified",
    "refused_twice_units",
    "last_closed_at",
)


@dataclass(frozen=True)
class Drift:
    """Towers whose stored totals or daily counts differ from a recount of their units."""

    totals: frozenset[int]
    days: frozenset[int]

    @property
    def towers(self) -> frozenset[int]:
        return self.totals | self.days


def _closed():
    return Q(residential=True, status__in=Unit.CLOSED_STATUSES)


def recount(tower_ids=None) -> tuple[dict[int, tuple], dict[int, dict[datetime.date, int]]]:
    """Each tower's totals (in FIELDS order) and closed units per day, counted from its units."""
    units = Unit.objects.all() if tower_ids is None else Unit.objects.filter(tower__in=tower_ids)
    units = units.order_by()
    residential = Q(residential=True)
    totals = {
        r["tower_id"]: (
            r["residential_units"],
            r["closed_units"],
            r["visited_units"],
            r["outcome_count"] or 0,
            r["voters_verified"] or 0,
            r["refused_twice_units"],
            r["last_closed_at"],
        )
        for r in units.values("tower_id").annotate(
            residential_units=Count("pk", filter=residential),
            closed_units=Count("pk", filter=_closed()),
            visited_units=Count("pk", filter=residential & Q(outcome_count__gt=0)),
            outcome_count=Sum("outcome_count", filter=residential),
            voters_verified=Sum("voters_verified", filter=residential),
            refused_twice_units=Count(
                "pk", filter=residential & Q(refusal_count__gte=Unit.REFUSED_TWICE)
            ),
            last_closed_at=Max("status_at", filter=_closed()),
        )
    }
    days: dict[int, dict[datetime.date, int]] = defaultdict(dict)
    zone = timezone.get_current_timezone()
    for r in (
        units.filter(_closed(), status_at__isnull=False)
        .annotate(day=TruncDate("status_at", tzinfo=zone))
        .values("tower_id", "day")
        .annotate(n=Count("pk"))
    ):
        days[r["tower_id"]][r["day"]] = r["n"]
    return totals, dict(days)


def _stored(tower_ids) -> tuple[dict[int, tuple], dict[int, dict[datetime.date, int]]]:
    rows = TowerTotals.objects.all()
    day_rows = TowerClosedDay.objects.exclude(closed=0)
    if tower_ids is not None:
        rows, day_rows = rows.filter(tower__in=tower_ids), day_rows.filter(tower__in=tower_ids)
    totals = {r[0]: tuple(r[1:]) for r in rows.values_list("tower_id", *FIELDS)}
    days: dict[int, dict[datetime.date, int]] = defaultdict(dict)
    for tower_id, day, closed in day_rows.values_list("tower_id", "day", "closed"):
        days[tower_id][day] = closed
    return totals, dict(days)


EMPTY = (0, 0, 0, 0, 0, 0, None)


def drift(tower_ids=None) -> Drift:
    """The towers whose stored figures are not what their units say."""
    if tower_ids is None:
        tower_ids_seen = set(Tower.objects.values_list("pk", flat=True))
    else:
        tower_ids_seen = set(tower_ids)
    counted, counted_days = recount(tower_ids)
    stored, stored_days = _stored(tower_ids)
    return Drift(
        totals=frozenset(
            pk for pk in tower_ids_seen if counted.get(pk, EMPTY) != stored.get(pk, EMPTY)
        ),
        days=frozenset(
            pk for pk in tower_ids_seen if counted_days.get(pk, {}) != stored_days.get(pk, {})
        ),
    )


@transaction.atomic
def mend(tower_ids) -> None:
    """Write the recounted figures of these towers over their stored ones."""
    tower_ids = sorted(tower_ids)
    # Lock the towers' units against outcomes meanwhile, in the order the triggers use.
    list(Unit.objects.filter(tower__in=tower_ids).order_by("pk").select_for_update().values("pk"))
    counted, counted_days = recount(tower_ids)
    TowerTotals.objects.filter(tower__in=tower_ids).delete()
    TowerClosedDay.objects.filter(tower__in=tower_ids).delete()
    TowerTotals.objects.bulk_create(
        TowerTotals(tower_id=pk, **dict(zip(FIELDS, counted.get(pk, EMPTY), strict=True)))
        for pk in tower_ids
    )
    TowerClosedDay.objects.bulk_create(
        TowerClosedDay(tower_id=pk, day=day, closed=n)
        for pk, days in counted_days.items()
        for day, n in days.items()
    )
