"""Figures of a region, building or tower, read from the towers' totals (see progress/__init__)."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Sum
from django.utils import timezone

from buildings.models import Building, Tower, TowerClosedDay
from regions.models import Region
from visits.models import AccessIssue, CoklitPeriod

# A building with no newly closed unit for this many days is "stalled".
STALLED_AFTER_DAYS = 3


@dataclass
class Figures:
    """Coverage of one row: a region, a building or a tower."""

    residential: int = 0
    closed: int = 0
    outcomes: int = 0
    units_visited: int = 0
    voters_verified: int = 0
    expected_voters: int = 0
    refused_twice: int = 0
    open_issues: int = 0
    last_closed_at: datetime.datetime | None = None
    # Counted per building, then summed up the tree: a building with no residential unit on
    # file yet (imported, its towers not entered) is the most at risk, not an invisible 0/0.
    buildings: int = 0
    buildings_without_units: int = 0
    buildings_not_started: int = 0
    # The same per tower: a tower nobody has reached hides inside its building's average.
    towers: int = 0
    towers_without_units: int = 0
    towers_not_started: int = 0

    def add_units(self, other: "Figures") -> None:
        """Add another row's unit figures (not its expected voters or issues)."""
        self.residential += other.residential
        self.closed += other.closed
        self.outcomes += other.outcomes
        self.units_visited += other.units_visited
        self.voters_verified += other.voters_verified
        self.refused_twice += other.refused_twice
        if other.last_closed_at and (
            self.last_closed_at is None or other.last_closed_at > self.last_closed_at
        ):
            self.last_closed_at = other.last_closed_at

    def add(self, other: "Figures") -> None:
        """Add another row's figures. Spelt out, not looped over names: the province sums
        thousands of rows, and a loop of getattr/setattr took a third of its time."""
        self.add_units(other)
        self.expected_voters += other.expected_voters
        self.open_issues += other.open_issues
        self.buildings += other.buildings
        self.buildings_without_units += other.buildings_without_units
        self.buildings_not_started += other.buildings_not_started
        self.towers += other.towers
        self.towers_without_units += other.towers_without_units
        self.towers_not_started += other.towers_not_started

    @property
    def open_units(self) -> int:
        return self.residential - self.closed

    @property
    def percent(self) -> float:
        return 100.0 * self.closed / self.residential if self.residential else 0.0

    @property
    def revisits(self) -> int:
        return self.outcomes - self.units_visited

    @property
    def voters_percent(self) -> float | None:
        if not self.expected_voters:
            return None
        return 100.0 * self.voters_verified / self.expected_voters


@dataclass
class Clock:
    """Where the coklit window stands on a given day."""

    period: CoklitPeriod | None
    today: datetime.date

    @property
    def total_days(self) -> int:
        if not self.period:
            return 0
        return (self.period.ends_on - self.period.starts_on).days + 1

    @property
    def days_left(self) -> int:
        return self.period.days_left(self.today) if self.period else 0

    @property
    def elapsed_fraction(self) -> float:
        """Share of the window gone by the end of today (0 before it opens, 1 after it)."""
        if not self.period:
            return 0.0
        elapsed = (min(self.today, self.period.ends_on) - self.period.starts_on).days + 1
        return max(0.0, min(1.0, elapsed / self.total_days))

    def pace_needed(self, figures: Figures) -> float | None:
        """Units a day still to close to finish on the last day."""
        if not self.days_left:
            return None
        return figures.open_units / self.days_left


def clock_for(today: datetime.date | None = None) -> Clock:
    today = today or timezone.localdate()
    period = (
        CoklitPeriod.objects.filter(starts_on__lte=today).order_by("-starts_on").first()
        or CoklitPeriod.objects.order_by("starts_on").first()
    )
    return Clock(period=period, today=today)


# A tower's totals (kept by triggers, see buildings.models.TowerTotals), in Figures' names.
TOWER_TOTALS = {
    "residential": "totals__residential_units",
    "closed": "totals__closed_units",
    "last_closed_at": "totals__last_closed_at",
    "outcomes": "totals__outcome_count",
    "units_visited": "totals__visited_units",
    "voters_verified": "totals__voters_verified",
    "refused_twice": "totals__refused_twice_units",
}


def _tower_rows(towers):
    """(tower id, building id, name, Figures) for each tower: one query over towers and their
    totals, whatever the number of units."""
    fields = ("pk", "building_id", "name", "expected_voters", *TOWER_TOTALS.values())
    for pk, building_id, name, expected, *values in towers.order_by().values_list(*fields):
        f = Figures(**dict(zip(TOWER_TOTALS, values, strict=True)))
        for total in ("residential", "closed", "outcomes", "units_visited", "voters_verified",
                      "refused_twice"):  # fmt: skip
            setattr(f, total, getattr(f, total) or 0)  # a tower without units has no totals row
        f.expected_voters = expected or 0
        _tower_counts(f)
        yield pk, building_id, name, f


def _tower_counts(f: Figures) -> None:
    """A tower row counts itself: one tower, without units or not started."""
    f.towers = 1
    f.towers_without_units = int(not f.residential)
    f.towers_not_started = int(bool(f.residential) and not f.units_visited)


@dataclass
class CoverageFigures:
    """Figures per building and per tower (with each tower's building id) of a queryset."""

    buildings: dict[int, Figures]
    towers: dict[int, tuple[int, str, Figures]]


def coverage_figures(buildings) -> "CoverageFigures":
    """Figures for each building of the queryset and each of their towers, in three queries:
    the buildings' ids, their towers with their totals, the open access issues. Towers are
    summed, never units, so the time does not grow with the units."""
    ids = buildings.values("pk")
    figures: dict[int, Figures] = {pk: Figures() for pk in buildings.values_list("pk", flat=True)}
    towers: dict[int, tuple[int, str, Figures]] = {}
    for tower_id, building_id, name, f in _tower_rows(Tower.objects.filter(building__in=ids)):
        towers[tower_id] = (building_id, name, f)
        figures[building_id].add(f)
    for f in figures.values():  # every building counts, with or without units
        f.buildings = 1
        f.buildings_without_units = int(not f.residential)
        f.buildings_not_started = int(bool(f.residential) and not f.units_visited)
    for r in (
        AccessIssue.objects.filter(building__in=ids)
        .exclude(status=AccessIssue.Status.RESOLVED)
        .values("building_id")
        .annotate(n=Count("pk"))
    ):
        if r["building_id"] in figures:
            figures[r["building_id"]].open_issues = r["n"]
    return CoverageFigures(buildings=figures, towers=towers)


def building_figures(buildings) -> dict[int, Figures]:
    """Figures for each building of the queryset (see coverage_figures)."""
    return coverage_figures(buildings).buildings


def tower_figures(building: Building) -> dict[int, Figures]:
    """The same figures per tower of one building."""
    return {pk: f for pk, _b, _name, f in _tower_rows(Tower.objects.filter(building=building))}


def roll_up(regions: list[Region], buildings, figures: dict[int, Figures]):
    """Figures per region code, summing each building into its kelurahan and their parents.
    `buildings`: Building objects (with their kelurahan), or (id, kelurahan code) pairs."""
    by_code = {r.code: Figures() for r in regions}
    for building in buildings:
        pk, code = (building.pk, building.kelurahan.code) if hasattr(building, "pk") else building
        f = figures.get(pk)
        if f is None:
            continue
        for prefix in (code[:5], code[:8], code):
            if prefix in by_code:
                by_code[prefix].add(f)
    return by_code


def _closed_days(buildings, period: CoklitPeriod):
    """The towers' closed-unit counts per day of the period (kept by triggers, see
    buildings.models.TowerClosedDay) for the buildings of the queryset."""
    return TowerClosedDay.objects.filter(
        tower__building__in=buildings,
        day__gte=period.starts_on,
        day__lte=period.ends_on,
    ).exclude(closed=0)


def daily_closed(buildings, period: CoklitPeriod | None) -> list[tuple[datetime.date, int]]:
    """Residential units closed on each day of the period (by the time their closing outcome
    was recorded) in these buildings."""
    if not period:
        return []
    rows = _closed_days(buildings, period).values("day").annotate(n=Sum("closed")).order_by("day")
    return [(r["day"], r["n"]) for r in rows if r["n"]]


Series = list[tuple[datetime.date, int]]


def daily_closed_by(buildings, period: CoklitPeriod | None, group_by: str) -> dict[int, Series]:
    """daily_closed for each group of buildings at once, in one grouped query: `group_by` is
    "tower__building_id" (a series per building) or "tower__building__kelurahan_id" (per
    kelurahan, which series_roll_up sums into kecamatan or kota). The series add up to
    daily_closed's for the same buildings."""
    if not period:
        return {}
    rows = (
        _closed_days(buildings, period)
        .values(group_by, "day")
        .annotate(n=Sum("closed"))
        .order_by(group_by, "day")
    )
    by_group: dict[int, Series] = {}
    for r in rows:
        if r["n"]:
            by_group.setdefault(r[group_by], []).append((r["day"], r["n"]))
    return by_group


def series_sum(many) -> Series:
    """One daily series from several (the days of any, in order)."""
    days: dict[datetime.date, int] = {}
    for series in many:
        for day, n in series:
            days[day] = days.get(day, 0) + n
    return sorted(days.items())


def series_roll_up(by_kelurahan: dict[int, Series], codes: dict[int, str], length: int):
    """The series of kelurahan (by id; `codes` gives each one's code) summed into the regions
    whose codes are their first `length` characters: 5 for kota, 8 for kecamatan."""
    grouped: dict[str, list[Series]] = {}
    for kelurahan_id, series in by_kelurahan.items():
        code = codes.get(kelurahan_id)
        if code:
            grouped.setdefault(code[:length], []).append(series)
    return {code: series_sum(many) for code, many in grouped.items()}
