"""The map of the buildings in scope, coloured by coverage, with the same buildings as a list.

The list is rendered here, so the page works without JavaScript and is the map's accessible
equivalent; static/js/map.js draws the markers from the same rows (json_script: no inline
code under the Content-Security-Policy) on Leaflet, served from our own static files, over
the tile server of settings.MAP_TILE_URL. Buildings without coordinates are listed apart.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.scope import DKI_JAKARTA
from buildings.models import Building
from core.numbers import grouping
from dashboard.views.coverage import _breadcrumbs, _clock, _prefix, _trail_regions
from progress.at_risk import REASONS, buildings_at_risk
from progress.figures import Figures, building_figures
from progress.snapshot import province_building_figures

# Coverage bands of the markers and the list, worst first (colours: static/css/app.css).
BANDS = {
    "none": gettext_lazy("no unit data"),
    "low": "< 25%",
    "mid": "25–75%",
    "high": "> 75%",
}
_CODE = re.compile(r"31(\.\d{2}(\.\d{2}(\.\d{4})?)?)?")


def band(f: Figures) -> str:
    if not f.residential:
        return "none"
    return "low" if f.percent < 25 else "high" if f.percent > 75 else "mid"


@dataclass(eq=False)
class Place:
    """A building as the map needs it, read as plain values: 2,000 model instances (with their
    kelurahan) would take longer than the rest of the province's page. It has what ranking
    buildings behind the line reads of a building (pk, name)."""

    pk: int
    name: str
    latitude: Decimal | None
    longitude: Decimal | None
    kelurahan_name: str


@dataclass
class Row:
    building: Place
    figures: Figures
    band: str
    percent: str  # "12%", or "" without unit data
    reasons: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)


def _list_items(rows: list[Row], building_url: str, query: str):
    """The list's items, joined here rather than by the template engine (or format_html):
    the whole province lists 2,000 buildings. Every value is escaped."""
    no_units, url = _("no unit data"), escape(building_url)
    query = escape(query)
    return mark_safe(
        "\n".join(
            f'<li class="band-{r.band}"><span class="swatch" aria-hidden="true"></span>'
            f'<a href="{url}{r.building.pk}/{query}">{escape(r.building.name)}</a> '
            f'<b>{escape(r.percent or no_units)}</b><span class="muted"> · '
            f"{escape(r.building.kelurahan_name)}"
            f"{escape(' · ' + ', '.join(r.reasons)) if r.reasons else ''}</span></li>"
            for r in rows
        )
    )


@login_required
def building_map(request):
    prefix = _prefix(request)
    code = request.GET.get("wilayah", "") or prefix
    # Unknown, malformed and out-of-scope codes alike are a 404 (never confirms a region).
    if not _CODE.fullmatch(code) or not code.startswith(prefix):
        raise Http404
    regions = _trail_regions(code)
    province = code == DKI_JAKARTA
    if not province and code not in regions:
        raise Http404
    clock, day = _clock(request)
    scoped = Building.objects.in_scope(request.user).filter(
        active=True, kelurahan__code__startswith=code
    )
    buildings = [
        Place(*row)
        for row in scoped.order_by("name").values_list(
            "pk", "name", "latitude", "longitude", "kelurahan__name"
        )
    ]
    taken_at = None
    if province:
        # The whole province: every unit would be read on each request; beat's snapshot
        # keeps every building's figures (progress).
        figures, taken_at = province_building_figures(clock.period)
    else:
        figures = building_figures(scoped)
    behind = {
        row.building.pk: row
        for row in buildings_at_risk(buildings, figures, clock, None)
        if row.tower_id is None
    }
    rows = []
    for building in buildings:
        f = figures.get(building.pk) or Figures()
        risk = behind.get(building.pk)
        rows.append(
            Row(
                building=building,
                figures=f,
                band=band(f),
                percent=f"{f.percent:.0f}%" if f.residential else "",
                reasons=risk.reasons if risk else [],
                codes=risk.codes if risk else [],
            )
        )
    # As the at-risk list ranks them: no unit data first, then the least covered.
    rows.sort(key=lambda r: (bool(r.figures.residential), r.figures.percent))
    reason_counts = {key: 0 for key in REASONS}
    for row in rows:
        for key in row.codes:
            reason_counts[key] = reason_counts.get(key, 0) + 1
    reason = request.GET.get("alasan", "")
    if reason and reason not in REASONS:
        messages.error(request, _("There is no such reason; showing every building."))
        reason = ""
    if reason:
        rows = [row for row in rows if reason in row.codes]
    placed, unplaced = [], []
    for r in rows:
        on_map = r.building.latitude is not None and r.building.longitude is not None
        (placed if on_map else unplaced).append(r)
    # Each building's page: its URL made once, not reversed for each of 2,000 rows.
    building_url = reverse("dashboard_building", args=[0])[: -len("0/")]
    query = f"?tanggal={day}" if day else ""
    group = grouping()
    data = [
        {
            "name": r.building.name,
            "lat": float(r.building.latitude),
            "lon": float(r.building.longitude),
            "band": r.band,
            "percent": r.percent,
            "closed": f"{group(r.figures.closed)}/{group(r.figures.residential)}"
            if r.figures.residential
            else "",
            "reasons": r.reasons,
            "url": f"{building_url}{r.building.pk}/{query}",
        }
        for r in placed
    ]
    counts = {key: 0 for key in BANDS}
    for r in rows:
        counts[r.band] += 1
    return render(
        request,
        "dashboard/map.html",
        {
            "code": code,
            "region_name": regions[code].name if code in regions else "DKI Jakarta",
            "crumbs": _breadcrumbs(code, regions, prefix),
            "clock": clock,
            "day": day,
            "placed": placed,
            "unplaced": unplaced,
            "placed_items": _list_items(placed, building_url, query),
            "unplaced_items": _list_items(unplaced, building_url, query),
            "bands": [(key, label, counts[key]) for key, label in BANDS.items()],
            "reasons": [(key, label, reason_counts.get(key, 0)) for key, label in REASONS.items()],
            "reason": reason,
            "map_data": data,
            "snapshot_taken_at": taken_at,
            "tile_url": settings.MAP_TILE_URL,
            "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        },
    )
