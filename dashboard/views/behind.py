"""What is behind, all of it: every building and tower behind the straight line in a region
(sortable, filterable by reason, paged), and a tower's floors and units read-only for staff."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts.scope import DKI_JAKARTA
from buildings.models import Building, Tower, Unit
from dashboard.views.coverage import _breadcrumbs, _clock, _prefix, _trail_regions
from progress.at_risk import REASONS, behind_rows, explain
from progress.figures import Figures, coverage_figures
from regions.models import Region
from visits.field import refused_twice
from visits.models import Assignment, Visit
from visits.unit_grid import grid_floors, legend

PER_PAGE = 50
# ?urut= : how the list is sorted.
SORTS = {
    "tertinggal": None,  # furthest behind first, as ranked
    "selisih": lambda r: (-r.gap_units, r.name),
    "unit": lambda r: (-r.figures.open_units, r.name),
    "nama": lambda r: r.name.casefold(),
}
KINDS = {"": None, "gedung": False, "tower": True}


def _region(code: str, prefix: str) -> tuple[str, dict[str, Region]]:
    """The region's name and the regions on its trail; 404 outside the user's scope."""
    if not code.startswith(prefix):
        raise Http404
    regions = _trail_regions(code)
    if code == DKI_JAKARTA:
        return "DKI Jakarta", regions
    if code not in regions:
        raise Http404
    return regions[code].name, regions


def _choice(request, name: str, allowed, label: str) -> str:
    """A query parameter among `allowed`; anything else is named in a message and ignored."""
    value = request.GET.get(name, "")
    if value and value not in allowed:
        messages.error(
            request,
            _("%(field)s: “%(value)s” is not one of the choices; showing all.")
            % {"field": label, "value": value[:40]},
        )
        return ""
    return value


@login_required
def at_risk_list(request, code):
    """Every building and tower of the region behind the straight line, with why."""
    prefix = _prefix(request)
    name, regions = _region(code, prefix)
    clock, day = _clock(request)
    reason = _choice(request, "alasan", REASONS, _("Reason"))
    sort = _choice(request, "urut", SORTS, _("Sort")) or "tertinggal"
    kind = _choice(request, "jenis", KINDS, _("Kind"))
    scoped = Building.objects.in_scope(request.user).filter(
        active=True, kelurahan__code__startswith=code
    )
    buildings = list(scoped.select_related("kelurahan"))
    figures = coverage_figures(scoped)
    rows = behind_rows(buildings, figures.buildings, clock, figures.towers)
    explain(rows, clock)
    if KINDS[kind] is not None:
        rows = [r for r in rows if bool(r.tower_id) == KINDS[kind]]
    counts = {c: 0 for c in REASONS}
    for row in rows:
        for c in row.codes:
            counts[c] += 1
    if reason:
        rows = [r for r in rows if reason in r.codes]
    if SORTS[sort]:
        rows.sort(key=SORTS[sort])
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("hal"))
    keep = {
        k: v
        for k, v in {
            "tanggal": day,
            "alasan": reason,
            "urut": sort if sort != "tertinggal" else "",
            "jenis": kind,
        }.items()
        if v
    }

    def link(**changes):
        query = {**keep, **changes}
        return "?" + urlencode({k: v for k, v in query.items() if v})

    return render(
        request,
        "dashboard/at_risk.html",
        {
            "code": code,
            "region_name": name,
            "crumbs": _breadcrumbs(code, regions, prefix),
            "clock": clock,
            "day": day,
            "page": page,
            "reason": reason,
            "sort": sort,
            "kind": kind,
            "reasons": [(c, REASONS[c], counts[c], link(alasan=c, hal="")) for c in REASONS],
            "all_link": link(alasan="", hal=""),
            "sorts": [
                (key, label, link(urut=key if key != "tertinggal" else "", hal=""))
                for key, label in (
                    ("tertinggal", _("furthest behind")),
                    ("selisih", _("most units to close")),
                    ("unit", _("most units open")),
                    ("nama", _("name")),
                )
            ],
            "kinds": [
                (key, label, link(jenis=key, hal=""))
                for key, label in (
                    ("", _("buildings and towers")),
                    ("gedung", _("buildings")),
                    ("tower", _("towers")),
                )
            ],
            "previous": page.has_previous() and link(hal=page.previous_page_number()),
            "next": page.has_next() and link(hal=page.next_page_number()),
        },
    )


@login_required
def tower_detail(request, pk):
    """A tower's floors and units as the pantarlih sees them, read-only, with who is assigned."""
    prefix = _prefix(request)
    tower = get_object_or_404(
        Tower.objects.in_scope(request.user).select_related("building__kelurahan__parent__parent"),
        pk=pk,
        building__kelurahan__code__startswith=prefix,
    )
    clock, day = _clock(request)
    building = tower.building
    units = Unit.objects.filter(tower=tower).select_related("occupancy")
    total = Figures()
    figures = coverage_figures(Building.objects.filter(pk=building.pk))
    if tower.pk in figures.towers:
        total = figures.towers[tower.pk][2]
    assignments = (
        Assignment.objects.filter(period=clock.period, building=building)
        .filter(Q(tower=tower) | Q(tower__isnull=True))
        .select_related("pantarlih")
        .order_by("pantarlih__full_name")
    )
    code = building.kelurahan.code
    regions = _trail_regions(code)
    return render(
        request,
        "dashboard/tower.html",
        {
            "tower": tower,
            "building": building,
            "crumbs": _breadcrumbs(code, regions, prefix),
            "clock": clock,
            "day": day,
            "total": total,
            "pace": clock.pace_needed(total),
            "floors": grid_floors(units, refused_twice(tower), None),
            "legend": legend(),
            "assignments": assignments,
            "visits": Visit.objects.filter(tower=tower)
            .select_related("pantarlih")
            .order_by("-started_at")[:10],
        },
    )
