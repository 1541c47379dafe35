import datetime
from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.roles import REGION_STAFF
from accounts.scope import DKI_JAKARTA, region_prefix
from buildings.models import Building
from dashboard.charts import coverage_chart, trends
from dashboard.tomorrow import building_contacts
from progress.at_risk import behind_rows, buildings_at_risk, explain
from progress.figures import (
    Figures,
    building_figures,
    clock_for,
    coverage_figures,
    daily_closed_by,
    roll_up,
    series_roll_up,
    series_sum,
    tower_figures,
)
from progress.snapshot import province_snapshot
from regions.models import Region
from residents.figures import request_figures, requests_in_building, requests_in_region
from visits.models import AccessIssue, Schedule, Visit

# The region page lists this many of what is behind; the list page has all of them.
AT_RISK_ON_PAGE = 10


def _prefix(request) -> str:
    """The region code prefix the user may read, or 404 for people without a region scope."""
    user = request.user
    if user.is_superuser:
        return DKI_JAKARTA
    prefix = region_prefix(user)
    if prefix is None or user.role not in REGION_STAFF:
        raise Http404
    return prefix


def _clock(request):
    """Today, or the day given as ?tanggal=YYYY-MM-DD (to replay a past window)."""
    value = request.GET.get("tanggal", "")
    if value:
        try:
            return clock_for(datetime.date.fromisoformat(value)), value
        except ValueError:
            messages.error(
                request,
                _("“%(value)s” is not a date (YYYY-MM-DD); showing today.") % {"value": value},
            )
    return clock_for(), ""


@login_required
def overview(request):
    url = reverse("dashboard_region", args=[_prefix(request)])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


def _trail_regions(code: str) -> dict[str, Region]:
    """The kota, kecamatan and kelurahan on the way down to `code`, by code (one query)."""
    return {r.code: r for r in Region.objects.filter(code__in=[code[:5], code[:8], code])}


def _breadcrumbs(code: str, regions: dict[str, Region], prefix: str):
    """The trail from the top of the user's own scope (a KPU Kota starts at its kota: the
    levels above would be a 404 for them) down to `code`."""
    crumbs = [(DKI_JAKARTA, "DKI Jakarta")] if prefix == DKI_JAKARTA else []
    for length in (5, 8, 13):
        if len(prefix) <= length <= len(code) and code[:length] in regions:
            crumbs.append((code[:length], regions[code[:length]].name))
    return crumbs


class BuildingRow(NamedTuple):
    """What the figures of a region above a kelurahan need of a building."""

    pk: int
    name: str
    code: str  # its kelurahan's Kemendagri code


@login_required
def region_detail(request, code):
    prefix = _prefix(request)
    if not code.startswith(prefix):
        raise Http404
    province = code == DKI_JAKARTA
    regions = Region.objects.filter(code__startswith=code[:5])
    if province:
        regions = regions.filter(level=Region.Level.KOTA)
    regions = {r.code: r for r in regions}
    region = regions.get(code)
    if region is None and not province:
        raise Http404
    clock, day = _clock(request)
    snapshot = None
    if province:
        # A province-wide scope sees every building, so this page is the same for everyone
        # who may open it: it is served from the snapshot (see progress.snapshot).
        snapshot = province_snapshot(clock.period)
        total, series = snapshot.total, snapshot.series
        children = [
            (r, snapshot.kota[r.code])
            for r in sorted(regions.values(), key=lambda r: r.code)
            if r.code in snapshot.kota and snapshot.kota[r.code].buildings
        ]
        child_kind = "region"
        child_series = [snapshot.kota_series.get(r.code, []) for r, _f in children]
        shown = {
            b.pk: b
            for b in Building.objects.in_scope(request.user)
            .filter(pk__in=[pk for pk, _f in snapshot.at_risk])
            .select_related("kelurahan")
        }
        ranked = [shown[pk] for pk, _f in snapshot.at_risk if pk in shown]
        at_risk = buildings_at_risk(ranked, dict(snapshot.at_risk), clock, AT_RISK_ON_PAGE)
        behind_count = None  # the snapshot keeps the first ones only; the list page counts
    else:
        scoped = Building.objects.in_scope(request.user).filter(
            active=True, kelurahan__code__startswith=code
        )
        if region.level == Region.Level.KELURAHAN:
            buildings = list(scoped.select_related("kelurahan").order_by("name"))
        else:
            # Above a kelurahan the buildings are summed, not listed: rows, not model objects
            # (a kota has hundreds); the few shown as behind are fetched whole below.
            buildings = [
                BuildingRow(*row) for row in scoped.values_list("pk", "name", "kelurahan__code")
            ]
        covered = coverage_figures(scoped)
        figures = covered.buildings
        # The children's daily series in one grouped query; the page's own is their sum.
        by_group = daily_closed_by(
            scoped,
            clock.period,
            "tower__building_id"
            if region.level == Region.Level.KELURAHAN
            else "tower__building__kelurahan_id",
        )
        series = series_sum(by_group.values())
        total = Figures()
        for f in figures.values():
            total.add(f)
        if region.level == Region.Level.KELURAHAN:
            children = [(b, figures.get(b.pk) or Figures()) for b in buildings]
            child_kind = "building"
            child_series = [by_group.get(b.pk, []) for b, _f in children]
        else:
            by_code = roll_up(list(regions.values()), [(b.pk, b.code) for b in buildings], figures)
            level = {"kota": "kecamatan", "kecamatan": "kelurahan"}[region.level]
            children = [
                (r, by_code[r.code])
                for r in sorted(regions.values(), key=lambda r: r.code)
                if r.level == level and r.code.startswith(code) and by_code[r.code].buildings
            ]
            child_kind = "region"
            codes = {r.pk: r.code for r in regions.values()}
            length = {"kota": 8, "kecamatan": 13}[region.level]
            rolled = series_roll_up(by_group, codes, length)
            child_series = [rolled.get(r.code, []) for r, _f in children]
        behind = behind_rows(buildings, figures, clock, covered.towers)
        behind_count, at_risk = len(behind), behind[:AT_RISK_ON_PAGE]
        if region.level != Region.Level.KELURAHAN:
            whole = scoped.select_related("kelurahan").in_bulk([r.building.pk for r in at_risk])
            for row in at_risk:
                row.building = whole[row.building.pk]
        explain(at_risk, clock)
    period = clock.period
    return render(
        request,
        "dashboard/region.html",
        {
            "code": code,
            "region_name": region.name if region else "DKI Jakarta",
            "crumbs": _breadcrumbs(code, regions, prefix),
            "clock": clock,
            "day": day,
            "total": total,
            "pace": clock.pace_needed(total),
            "children": children,
            "child_kind": child_kind,
            "at_risk": at_risk,
            "behind_count": behind_count,
            "snapshot_taken_at": snapshot and snapshot.taken_at,
            # Kota and below, counted live; the province page reads only its snapshot.
            "resident_requests": None
            if province
            else request_figures(requests_in_region(code, period)),
            "chart": coverage_chart(
                series,
                total.residential,
                period and period.starts_on,
                period and period.ends_on,
                clock.today,
                closed=total.closed,
            ),
            "trends": trends(
                children,
                child_series,
                total,
                series,
                period and period.starts_on,
                period and period.ends_on,
                clock.today,
            ),
        },
    )


@login_required
def building_detail(request, pk):
    prefix = _prefix(request)
    building = get_object_or_404(
        Building.objects.in_scope(request.user).select_related("kelurahan__parent__parent"),
        pk=pk,
        kelurahan__code__startswith=prefix,
    )
    clock, day = _clock(request)
    towers = list(building.towers.order_by("name"))
    figures = tower_figures(building)
    total = Figures()
    for f in figures.values():
        total.add(f)
    whole = building_figures(Building.objects.filter(pk=building.pk))
    # Access issues belong to the building, not to a tower: the towers' sum has none.
    total.open_issues = whole[building.pk].open_issues if building.pk in whole else 0
    at_risk = buildings_at_risk([building], whole, clock)
    code = building.kelurahan.code
    regions = _trail_regions(code)
    contact, managers = building_contacts(building)
    return render(
        request,
        "dashboard/building.html",
        {
            "building": building,
            "contact": contact,
            "managers": managers,
            "crumbs": _breadcrumbs(code, regions, prefix),
            "clock": clock,
            "day": day,
            "total": total,
            "pace": clock.pace_needed(total),
            "towers": [(t, figures.get(t.pk) or Figures()) for t in towers],
            "reasons": at_risk[0].reasons if at_risk else [],
            "issues": AccessIssue.objects.filter(building=building)
            .exclude(status=AccessIssue.Status.RESOLVED)
            .select_related("raised_by")
            .order_by("-created_at")[:20],
            "schedules": Schedule.objects.filter(building=building, period=clock.period)
            .select_related("tower")
            .order_by("date", "start")[:30],
            "resident_requests": request_figures(requests_in_building(building, clock.period)),
            "open_requests": requests_in_building(building, clock.period)
            .open()
            .select_related("tower", "unit")
            .order_by("tower__name", "unit__floor", "unit__number")[:50],
            "visits": Visit.objects.filter(building=building)
            .select_related("pantarlih", "tower")
            .order_by("-started_at")[:20],
        },
    )
