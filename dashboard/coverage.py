"""Coverage figures: how much of a region, building or tower coklit has closed, and what lags.

Every figure is read from the towers' totals, which triggers on the units table keep in the
same statement as every write to a unit (buildings.models.TowerTotals, TowerClosedDay). A
page sums towers, never units, and rolls them up in Python: towers into buildings, buildings
into kelurahan, kecamatan and kota by their Kemendagri codes. So every level takes a fixed
number of queries whose time follows the number of towers, not of units or outcomes.

The figures are those of the units' current state: when a new coklit period starts, the
units' statuses and totals belong to the old one until they are reset for the new window.

The province overview (6,000 towers at Jakarta scale) is served from a snapshot kept in the
cache — its total, each kota, the buildings most at risk and the daily series: Celery beat
recomputes it every COVERAGE_SNAPSHOT_SECONDS. A page that finds none computes it under a
lock, so concurrent pages wait for one computation rather than each doing their own; the page
says when it was taken. Kota and smaller pages are computed on each request.
"""

import datetime
import math
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy

from buildings.models import Building, BuildingManager, Tower, TowerClosedDay
from regions.models import Region
from visits.models import AccessIssue, CoklitPeriod, Schedule

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


# The fields of Figures, in order: a snapshot stores figures as tuples.
_FIELDS = ("residential", "closed", "outcomes", "units_visited", "voters_verified",
           "expected_voters", "refused_twice", "open_issues", "last_closed_at", "buildings",
           "buildings_without_units", "buildings_not_started", "towers", "towers_without_units",
           "towers_not_started")  # fmt: skip
# The buildings a snapshot keeps for the at-risk list (the page shows this many).
AT_RISK_SHOWN = 20


def _packed(f: Figures) -> tuple:
    return tuple(getattr(f, name) for name in _FIELDS)


def _unpacked(row: tuple) -> Figures:
    return Figures(**dict(zip(_FIELDS, row, strict=True)))


@dataclass
class ProvinceSnapshot:
    """The province overview as it stood at `taken_at`: its total, each kota's figures, the
    buildings furthest behind (ids and figures, in rank order) and the daily series.

    Only users whose scope is the whole province read it, so it holds no per-user data.
    """

    total: Figures
    kota: dict[str, Figures]
    at_risk: list[tuple[int, Figures]]
    series: list[tuple[datetime.date, int]]
    taken_at: datetime.datetime
    # The daily series of each kota (they add up to `series`), for the page's small charts.
    kota_series: dict[str, Series] = field(default_factory=dict)
    # Every active building's figures, for the map (stored under a key of their own: the
    # overview page does not read them).
    buildings: dict[int, Figures] = field(default_factory=dict)


def _snapshot_key(period: CoklitPeriod | None) -> str:
    return f"coverage:province:v5:{period.pk if period else 0}"


def province_snapshot_take(period: CoklitPeriod | None) -> ProvinceSnapshot:
    """Compute the province overview and keep it in the cache for the next pages."""
    active = Building.objects.filter(active=True)
    # (id, kelurahan code, kelurahan id) rows: 2,000 model instances cost more than the SQL.
    rows = list(active.order_by("name").values_list("pk", "kelurahan__code", "kelurahan_id"))
    figures = building_figures(active)
    kota = list(Region.objects.filter(level=Region.Level.KOTA))
    by_code = roll_up(kota, [(pk, code) for pk, code, _id in rows], figures)
    total = Figures()
    for f in figures.values():
        total.add(f)
    by_kelurahan = daily_closed_by(active, period, "tower__building__kelurahan_id")
    codes = {kelurahan_id: code for _pk, code, kelurahan_id in rows}
    kota_series = series_roll_up(by_kelurahan, codes, 5)
    snapshot = ProvinceSnapshot(
        total=total,
        kota=by_code,
        at_risk=_ranked([pk for pk, _code, _id in rows], figures, AT_RISK_SHOWN),
        series=series_sum(kota_series.values()),
        taken_at=timezone.now(),
        kota_series=kota_series,
        buildings=figures,
    )
    stored = (
        _packed(snapshot.total),
        {code: _packed(f) for code, f in snapshot.kota.items()},
        [(pk, _packed(f)) for pk, f in snapshot.at_risk],
        snapshot.series,
        snapshot.taken_at,
        snapshot.kota_series,
    )
    cache.set(_snapshot_key(period), stored, SNAPSHOT_KEPT_SECONDS)
    buildings_stored = ({pk: _packed(f) for pk, f in figures.items()}, snapshot.taken_at)
    cache.set(_buildings_key(period), buildings_stored, SNAPSHOT_KEPT_SECONDS)
    return snapshot


# How long a stored snapshot is kept: long after it is too old to show as current, so that
# while one worker computes the next, the others can serve this one.
SNAPSHOT_KEPT_SECONDS = 24 * 3600
# The refresh lock expires on its own if its holder dies mid-computation.
SNAPSHOT_LOCK_SECONDS = 60
# A page with no snapshot at all waits this long for another worker's to appear.
SNAPSHOT_WAIT_SECONDS = 5.0


def _fresh(taken_at: datetime.datetime) -> bool:
    age = (timezone.now() - taken_at).total_seconds()
    return 0 <= age <= 2 * settings.COVERAGE_SNAPSHOT_SECONDS


def _snapshot_unpacked(cached) -> ProvinceSnapshot:
    total, kota, at_risk, series, taken_at, kota_series = cached
    return ProvinceSnapshot(
        total=_unpacked(total),
        kota={code: _unpacked(row) for code, row in kota.items()},
        at_risk=[(pk, _unpacked(row)) for pk, row in at_risk],
        series=series,
        taken_at=taken_at,
        kota_series=kota_series,
    )


def _snapshot_refreshed(period: CoklitPeriod | None, key: str, unpacked):
    """A new snapshot, taken by this request if no other is taking one. Otherwise the one
    stored (too old, but the best there is until the other finishes), or, with none stored,
    the other's once it lands (waiting at most SNAPSHOT_WAIT_SECONDS)."""
    lock = f"{_snapshot_key(period)}:refreshing"
    if cache.add(lock, 1, SNAPSHOT_LOCK_SECONDS):
        try:
            return province_snapshot_take(period)
        finally:
            cache.delete(lock)
    cached = cache.get(key)
    waited = 0.0
    while cached is None and waited < SNAPSHOT_WAIT_SECONDS:
        time.sleep(0.1)
        waited += 0.1
        cached = cache.get(key)
    if cached is None:
        return province_snapshot_take(period)
    return unpacked(cached)


def province_snapshot(period: CoklitPeriod | None) -> ProvinceSnapshot:
    """The cached snapshot; a new one when it is too old to show (see _snapshot_refreshed)."""
    key = _snapshot_key(period)
    cached = cache.get(key)
    if cached is not None and _fresh(cached[4]):
        return _snapshot_unpacked(cached)
    return _snapshot_refreshed(period, key, _snapshot_unpacked)


def _buildings_key(period: CoklitPeriod | None) -> str:
    return f"coverage:province-buildings:v1:{period.pk if period else 0}"


def province_building_figures(
    period: CoklitPeriod | None,
) -> tuple[dict[int, Figures], datetime.datetime]:
    """Every active building's figures as of the last snapshot (and when it was taken), for
    a province-wide map, refreshed as province_snapshot is."""

    def unpacked(cached):
        if isinstance(cached, ProvinceSnapshot):
            return cached.buildings, cached.taken_at
        rows, taken_at = cached
        return {pk: _unpacked(row) for pk, row in rows.items()}, taken_at

    key = _buildings_key(period)
    cached = cache.get(key)
    if cached is not None and _fresh(cached[1]):
        return unpacked(cached)
    result = _snapshot_refreshed(period, key, unpacked)
    return unpacked(result) if isinstance(result, ProvinceSnapshot) else result


def _ranked(ids: list[int], figures: dict[int, Figures], limit: int | None):
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
            .exclude(status__in=[Schedule.Status.DECLINED, Schedule.Status.CANCELLED])
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
