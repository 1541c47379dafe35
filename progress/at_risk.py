"""Which buildings lag behind the clock of the coklit window, and why."""

import math
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy

from buildings.models import Building, BuildingManager
from progress.figures import STALLED_AFTER_DAYS, Clock, Figures
from visits.models import AccessIssue, Schedule


def buildings_ranked(ids: list[int], figures: dict[int, Figures], limit: int | None):
    """(building id, figures) of the buildings with no unit data first, then those with open
    units, least covered first (then most units still open).

    Every building shares the day's straight-line target, so the share closed alone orders
    them by how far behind it they are, whatever the day.
    """
    rows = []
    for pk in ids:
        f = figures.get(pk)
        if f is None or (f.residential and f.open_units == 0):
            continue
        rows.append((pk, f))
    rows.sort(key=lambda row: (bool(row[1].residential), row[1].percent, -row[1].open_units))
    return rows[:limit]


# Why a building or tower is behind, by code (the at-risk page filters on them).
REASONS = {
    "no_units": gettext_lazy("no unit data yet"),
    "no_manager": gettext_lazy("no manager"),
    "no_schedule": gettext_lazy("no schedule"),
    "access_denied": gettext_lazy("access denied"),
    "stalled": gettext_lazy("stalled"),
    "not_started": gettext_lazy("not started"),
}


@dataclass
class AtRisk:
    """A building, or one of its towers, behind the straight line to 100 % on the last day."""

    building: Building
    figures: Figures
    behind: float  # percentage points behind the straight line to 100 % on the last day
    reasons: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    tower_id: int | None = None
    tower_name: str = ""
    # Units still to close to be back on the line today.
    gap_units: int = 0

    @property
    def name(self) -> str:
        return f"{self.building.name} › {self.tower_name}" if self.tower_id else self.building.name


def _behind(f: Figures, expected: float) -> float | None:
    """Percentage points behind the line, or None when on it (or done)."""
    if not f.residential:
        return expected
    if f.open_units == 0 or f.percent >= expected:
        return None
    return expected - f.percent


def behind_rows(
    buildings: list[Building],
    figures: dict[int, Figures],
    clock: Clock,
    towers: dict[int, tuple[int, str, Figures]] | None = None,
) -> list[AtRisk]:
    """Every building (and, given `towers`, every tower) behind the straight line for the days
    gone, furthest behind first, without their reasons yet (see explain).

    Those without unit data come first: nothing can be counted there until the manager enters
    the units.
    """
    expected = 100.0 * clock.elapsed_fraction
    rows = []
    by_pk = {}
    for building in buildings:
        by_pk[building.pk] = building
        f = figures.get(building.pk)
        behind = None if f is None else _behind(f, expected)
        if behind is not None:
            rows.append(AtRisk(building=building, figures=f, behind=behind))
    for tower_id, (building_id, name, f) in (towers or {}).items():
        behind = _behind(f, expected)
        if behind is not None and building_id in by_pk:
            rows.append(AtRisk(by_pk[building_id], f, behind, tower_id=tower_id, tower_name=name))
    rows.sort(key=lambda r: (bool(r.figures.residential), -r.behind, -r.figures.open_units, r.name))
    return rows


def buildings_at_risk(
    buildings: list[Building],
    figures: dict[int, Figures],
    clock: Clock,
    limit: int | None = 20,
    *,
    towers: dict[int, tuple[int, str, Figures]] | None = None,
    reason: str = "",
) -> list[AtRisk]:
    """The rows of behind_rows with their reasons; `reason` keeps those with that one.
    Reasons are looked up for the rows returned only, unless filtering on them."""
    rows = behind_rows(buildings, figures, clock, towers)
    if not reason:
        rows = rows[:limit]
    explain(rows, clock)
    if reason:
        rows = [r for r in rows if reason in r.codes][:limit]
    return rows


def explain(rows: list[AtRisk], clock: Clock) -> None:
    """Fill each row's reasons and gap: three grouped look-ups for all rows' buildings."""
    from django.utils.translation import gettext as _

    expected = 100.0 * clock.elapsed_fraction
    ids = {r.building.pk for r in rows}
    managed = set(
        BuildingManager.objects.filter(building_id__in=ids).values_list("building_id", flat=True)
    )
    scheduled = set()
    if clock.period:
        scheduled = set(
            Schedule.objects.filter(building_id__in=ids, period=clock.period)
            .exclude(status__in=Schedule.OFF_STATUSES)
            .values_list("building_id", flat=True)
        )
    denied = set(
        AccessIssue.objects.filter(building_id__in=ids)
        .exclude(status=AccessIssue.Status.RESOLVED)
        .values_list("building_id", flat=True)
    )
    for row in rows:
        pk, f = row.building.pk, row.figures
        row.gap_units = max(0, math.ceil(expected * f.residential / 100.0 - 1e-9) - f.closed)

        def because(code, text=None, row=row):
            row.codes.append(code)
            row.reasons.append(str(text or REASONS[code]))

        if not f.residential:
            because("no_units")
        if pk not in managed:
            because("no_manager")
        if pk not in scheduled:
            because("no_schedule")
        if pk in denied:
            because("access_denied")
        if not f.residential:
            pass  # nothing to start on yet: "no unit data yet" says it
        elif f.last_closed_at is None:
            if clock.elapsed_fraction > 0 and not f.units_visited:
                because("not_started")
        elif clock.days_left:
            # Counted within the window: a unit closed in an earlier one is no news of this one.
            since = timezone.localdate(f.last_closed_at)
            if clock.period:
                since = max(since, clock.period.starts_on)
            idle = (clock.today - since).days
            if idle >= STALLED_AFTER_DAYS:
                because("stalled", _("stalled for %(days)d days") % {"days": idle})
