"""What the building's public page and its posters read: progress in tenths, frozen for the
day; the confirmed visits and posko days ahead; the form's token.

Nothing here reads one unit: the page must not tell anyone which unit was visited or is empty.
"""

import dataclasses
import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from buildings.models import Building, Unit
from residents.models import ProgressSnapshot, PublicLink
from visits.models import Schedule

SCHEDULES_SHOWN = 8


@dataclasses.dataclass(frozen=True)
class TowerProgress:
    tower_id: int
    name: str
    tenths: int  # 0-10: the share of residential units visited at least once, rounded down
    has_units: bool

    @property
    def percent(self) -> int:
        return self.tenths * 10


def _tenths(visited: int, residential: int) -> int:
    return visited * 10 // residential if residential else 0


def progress_compute(building: Building) -> list[list]:
    """[[tower id, name, tenths visited, has units], ...] by tower name (one grouped query)."""
    rows = (
        building.towers.order_by("name")
        .annotate(
            residential=Count("units", filter=Q(units__residential=True)),
            visited=Count(
                "units",
                filter=Q(units__residential=True) & ~Q(units__status=Unit.Status.UNVISITED),
            ),
        )
        .values_list("pk", "name", "visited", "residential")
    )
    return [[pk, name, _tenths(v, r), r > 0] for pk, name, v, r in rows]


def progress_today(building: Building, day: datetime.date | None = None) -> list[TowerProgress]:
    """The building's progress as the public sees it today: computed at the day's first view
    and kept, so the page is the same all day whatever happens at any one unit."""
    day = day or timezone.localdate()
    snapshot = ProgressSnapshot.objects.filter(building=building, day=day).first()
    if snapshot is None:
        towers = progress_compute(building)
        try:
            with transaction.atomic():
                snapshot = ProgressSnapshot.objects.create(
                    building=building, day=day, towers=towers
                )
                # Only today's is ever read; older ones are dropped as the new one is made.
                ProgressSnapshot.objects.filter(building=building, day__lt=day).delete()
        except IntegrityError:  # made at the same moment by another request: read that one
            snapshot = ProgressSnapshot.objects.get(building=building, day=day)
    return [TowerProgress(*row) for row in snapshot.towers]


def schedules_ahead(building: Building, day: datetime.date | None = None):
    """The building's confirmed door-to-door visits and posko days from today on."""
    day = day or timezone.localdate()
    return (
        Schedule.objects.filter(building=building, status=Schedule.Status.CONFIRMED, date__gte=day)
        .select_related("tower")
        .order_by("date", "start", "pk")[:SCHEDULES_SHOWN]
    )


def form_token(link: PublicLink, day: datetime.date) -> str:
    """The request form's hidden token: the same for everyone all day, so the page stays
    byte-identical and needs no cookie; a post must carry today's or yesterday's (a page
    opened before midnight), which a script must first fetch the page to learn."""
    # The salt keeps the app's former name, so a page opened before a deploy still posts.
    return salted_hmac("residents.request-form", f"{link.token}:{day.isoformat()}").hexdigest()[:20]


def form_token_valid(link: PublicLink, value: str, day: datetime.date | None = None) -> bool:
    day = day or timezone.localdate()
    return any(
        constant_time_compare(value or "", form_token(link, d))
        for d in (day, day - datetime.timedelta(days=1))
    )
