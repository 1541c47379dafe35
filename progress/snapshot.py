"""The province overview, kept in the cache and refreshed by one worker under a lock."""

import datetime
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from buildings.models import Building
from progress.at_risk import buildings_ranked
from progress.figures import (
    Figures,
    Series,
    building_figures,
    daily_closed_by,
    roll_up,
    series_roll_up,
    series_sum,
)
from regions.models import Region
from visits.models import CoklitPeriod

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
        at_risk=buildings_ranked([pk for pk, _code, _id in rows], figures, AT_RISK_SHOWN),
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
