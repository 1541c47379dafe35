"""Coverage figures: how much of a region, building or tower coklit has closed, and what lags.

Every figure is computed per building in a handful of grouped queries (a fixed number,
whatever the number of units or outcomes) and then rolled up in Python: buildings into
kelurahan, kecamatan and kota by their Kemendagri codes, or units into towers. Outcome
figures come from each unit's running totals, never from a scan of the outcomes.

The figures are those of the units' current state: when a new coklit period starts, the
units' statuses and totals belong to the old one until they are reset for the new window.

The province overview reads every unit (two scans of ~400,000 rows, ~300 ms together), so
it is served from a snapshot kept in the cache — its total, each kota, the buildings most at
risk and the daily series: Celery beat recomputes it every COVERAGE_SNAPSHOT_SECONDS and a
page that finds none computes it itself; the page says when it was taken. Kota and smaller
pages are computed on each request.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy

from buildings.models import Building, BuildingManager, Region, Tower, Unit
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
        for name in ("residential", "closed", "outcomes", "units_visited", "voters_verified",
                     "refused_twice"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.last_closed_at and (
            self.last_closed_at is None or other.last_closed_at > self.last_closed_at
        ):
            self.last_closed_at = other.last_closed_at

    def add(self, other: "Figures") -> None:
        for name in ("residential", "closed", "outcomes", "units_visited", "voters_verified",
                     "expected_voters", "refused_twice", "open_issues", "buildings",
                     "buildings_without_units", "buildings_not_started", "towers",
                     "towers_without_units", "towers_not_started"):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.last_closed_at and (
            self.last_closed_at is None or other.last_closed_at > self.last_closed_at
        ):
            self.last_closed_at = other.last_closed_at

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


UNIT_TOTALS = {
    "residential": Count("pk"),
    "closed": Count("pk", filter=Q(status__in=Unit.CLOSED_STATUSES)),
    "last_closed_at": Max("status_at", filter=Q(status__in=Unit.CLOSED_STATUSES)),
    "outcomes": Sum("outcome_count"),
    "units_visited": Count("pk", filter=Q(outcome_count__gt=0)),
    "voters_verified": Sum("voters_verified"),
    "refused_twice": Count("pk", filter=Q(refusal_count__gte=2)),
}


def _unit_totals(units, group_by: str, figures: dict[int, Figures]) -> None:
    """One grouped query over units (their status and running totals, see Unit)."""
    for r in units.filter(residential=True).values(group_by).annotate(**UNIT_TOTALS):
        f = figures.setdefault(r[group_by], Figures())
        f.residential, f.closed, f.last_closed_at = (
            r["residential"],
            r["closed"],
            r["last_closed_at"],
        )
        f.outcomes, f.units_visited = r["outcomes"] or 0, r["units_visited"]
        f.voters_verified, f.refused_twice = r["voters_verified"] or 0, r["refused_twice"]


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


def coverage_figures(buildings, *, all_units: bool = False) -> CoverageFigures:
    """Figures for each building of the queryset and each of their towers, in three grouped
    queries: the units grouped by tower, the towers, the open access issues.

    With `all_units` (the whole province is in view) units are read without a filter on
    their building, a plain scan; rows of buildings outside the queryset are then skipped.
    """
    ids = buildings.values("pk")
    wanted = set(buildings.values_list("pk", flat=True))
    figures: dict[int, Figures] = {pk: Figures() for pk in wanted}
    units = Unit.objects.all() if all_units else Unit.objects.filter(tower__building__in=ids)
    per_tower: dict[int, Figures] = {}
    _unit_totals(units, "tower_id", per_tower)
    towers: dict[int, tuple[int, str, Figures]] = {}
    for tower_id, building_id, name, expected in Tower.objects.filter(building__in=ids).values_list(
        "pk", "building_id", "name", "expected_voters"
    ):
        f = per_tower.get(tower_id) or Figures()
        f.expected_voters = expected or 0
        _tower_counts(f)
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


def building_figures(buildings, *, all_units: bool = False) -> dict[int, Figures]:
    """Figures for each building of the queryset (see coverage_figures)."""
    return coverage_figures(buildings, all_units=all_units).buildings


def tower_figures(building: Building) -> dict[int, Figures]:
    """The same figures per tower of one building."""
    figures: dict[int, Figures] = {}
    _unit_totals(Unit.objects.filter(tower__building=building), "tower_id", figures)
    for tower in building.towers.all():
        f = figures.setdefault(tower.pk, Figures())
        f.expected_voters = tower.expected_voters or 0
        _tower_counts(f)
    return figures


def roll_up(regions: list[Region], buildings: list[Building], figures: dict[int, Figures]):
    """Figures per region code, summing each building into its kelurahan and their parents."""
    by_code = {r.code: Figures() for r in regions}
    for building in buildings:
        f = figures.get(building.pk)
        if f is None:
            continue
        code = building.kelurahan.code
        for prefix in (code[:5], code[:8], code):
            if prefix in by_code:
                by_code[prefix].add(f)
    return by_code


def _closed_by_day(units, period: CoklitPeriod):
    """The residential units closed during the period, each with the `day` it was closed."""
    zone = timezone.get_current_timezone()
    # A range on the column itself (not on its date) lets the partial index serve the query.
    since = datetime.datetime.combine(period.starts_on, datetime.time(), tzinfo=zone)
    until = datetime.datetime.combine(
        period.ends_on + datetime.timedelta(days=1), datetime.time(), tzinfo=zone
    )
    return units.filter(
        residential=True,
        status__in=sorted(Unit.CLOSED_STATUSES),
        status_at__gte=since,
        status_at__lt=until,
    ).annotate(day=TruncDate("status_at", tzinfo=zone))


def daily_closed(units, period: CoklitPeriod | None) -> list[tuple[datetime.date, int]]:
    """Units closed on each day of the period (by the time their closing outcome was recorded)."""
    if not period:
        return []
    rows = _closed_by_day(units, period).values("day").annotate(n=Count("pk")).order_by("day")
    return [(r["day"], r["n"]) for r in rows]


Series = list[tuple[datetime.date, int]]


def daily_closed_by(units, period: CoklitPeriod | None, group_by: str) -> dict[int, Series]:
    """daily_closed for each group of units at once, in one grouped query: `group_by` is
    "tower__building_id" (a series per building) or "tower__building__kelurahan_id" (per
    kelurahan, which series_roll_up sums into kecamatan or kota). The series add up to
    daily_closed's for the same units."""
    if not period:
        return {}
    rows = (
        _closed_by_day(units, period)
        .values(group_by, "day")
        .annotate(n=Count("pk"))
        .order_by(group_by, "day")
    )
    by_group: dict[int, Series] = {}
    for r in rows:
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
    buildings = list(active.select_related("kelurahan").order_by("name"))
    figures = building_figures(active, all_units=True)
    kota = list(Region.objects.filter(level=Region.Level.KOTA))
    by_code = roll_up(kota, buildings, figures)
    total = Figures()
    for f in figures.values():
        total.add(f)
    units = Unit.objects.exclude(tower__in=Tower.objects.filter(building__active=False))
    by_kelurahan = daily_closed_by(units, period, "tower__building__kelurahan_id")
    codes = {b.kelurahan_id: b.kelurahan.code for b in buildings}
    kota_series = series_roll_up(by_kelurahan, codes, 5)
    snapshot = ProvinceSnapshot(
        total=total,
        kota=by_code,
        at_risk=[(b.pk, f) for b, f in _ranked(buildings, figures, AT_RISK_SHOWN)],
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
    # Kept for two refresh intervals, so a late beat never leaves the page to compute it.
    cache.set(_snapshot_key(period), stored, 2 * settings.COVERAGE_SNAPSHOT_SECONDS)
    buildings_stored = ({pk: _packed(f) for pk, f in figures.items()}, snapshot.taken_at)
    cache.set(_buildings_key(period), buildings_stored, 2 * settings.COVERAGE_SNAPSHOT_SECONDS)
    return snapshot


def province_snapshot(period: CoklitPeriod | None) -> ProvinceSnapshot:
    """The cached snapshot, or a new one when there is none (or it is too old to show)."""
    cached = cache.get(_snapshot_key(period))
    if cached is not None:
        total, kota, at_risk, series, taken_at, kota_series = cached
        age = (timezone.now() - taken_at).total_seconds()
        if 0 <= age <= 2 * settings.COVERAGE_SNAPSHOT_SECONDS:
            return ProvinceSnapshot(
                total=_unpacked(total),
                kota={code: _unpacked(row) for code, row in kota.items()},
                at_risk=[(pk, _unpacked(row)) for pk, row in at_risk],
                series=series,
                taken_at=taken_at,
                kota_series=kota_series,
            )
    return province_snapshot_take(period)


def _buildings_key(period: CoklitPeriod | None) -> str:
    return f"coverage:province-buildings:v1:{period.pk if period else 0}"


def province_building_figures(
    period: CoklitPeriod | None,
) -> tuple[dict[int, Figures], datetime.datetime]:
    """Every active building's figures as of the last snapshot (and when it was taken), for
    a province-wide map: reading every unit on each request would take ~300 ms."""
    cached = cache.get(_buildings_key(period))
    if cached is not None:
        rows, taken_at = cached
        age = (timezone.now() - taken_at).total_seconds()
        if 0 <= age <= 2 * settings.COVERAGE_SNAPSHOT_SECONDS:
            return {pk: _unpacked(row) for pk, row in rows.items()}, taken_at
    snapshot = province_snapshot_take(period)
    return snapshot.buildings, snapshot.taken_at


def _ranked(
    buildings, figures: dict[int, Figures], limit: int | None
) -> list[tuple[Building, Figures]]:
    """Buildings with no unit data first, then those with open units, least covered first
    (then most units still open).

    Every building shares the day's straight-line target, so the share closed alone orders
    them by how far behind it they are, whatever the day.
    """
    rows = []
    for building in buildings:
        f = figures.get(building.pk)
        if f is None or (f.residential and f.open_units == 0):
            continue
        rows.append((building, f))
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
