"""The dashboard's tables as spreadsheets: coverage by area, coverage by building, access issues.

Each table is built from the user's scope in a fixed number of queries (the same grouped
figures the pages show), so an export never holds a row the user could not open on screen.
Small ones are answered inside the request; large ones go to a Celery task (export_tasks.py).
"""

import tablib
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scope import DKI_JAKARTA
from accounts.spreadsheets import spreadsheet_safe
from buildings.models import Building, Region
from dashboard.coverage import Figures, building_figures, buildings_at_risk, clock_for, roll_up
from visits.models import AccessIssue, AccessIssueEvent

# Above this many rows an export is built in the background.
DIRECT_ROWS_MAX = 2000

KINDS = ("coverage", "buildings", "issues")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _figure_columns(f: Figures) -> list:
    return [
        f.closed,
        f.residential,
        round(f.percent, 1),
        f.voters_verified,
        f.expected_voters or "",
        f.revisits,
        f.refused_twice,
        f.open_issues,
    ]


def _figure_headers() -> list[str]:
    return [_("Units closed"), _("Residential units"), _("% closed"), _("Voters verified"),
            _("Voters expected"), _("Revisits"), _("Refused twice"), _("Open issues")]  # fmt: skip


def _buildings(user, code: str):
    return Building.objects.in_scope(user).filter(active=True, kelurahan__code__startswith=code)


def export_rows(*, user, kind: str, code: str) -> int:
    """How many rows an export would hold (one cheap count), to choose direct or background."""
    if kind == "buildings":
        return _buildings(user, code).count()
    if kind == "issues":
        return (
            AccessIssue.objects.in_scope(user)
            .filter(building__kelurahan__code__startswith=code)
            .count()
        )
    return 0  # the areas under one region: at most a few hundred rows


def coverage_table(*, user, code: str) -> tablib.Dataset:
    """The rows the region page shows: each child area (or building, in a kelurahan)."""
    regions = {r.code: r for r in Region.objects.filter(code__startswith=code[:5])}
    region = regions.get(code)
    scoped = _buildings(user, code)
    buildings = list(scoped.select_related("kelurahan").order_by("name"))
    figures = building_figures(scoped)
    data = tablib.Dataset(headers=[_("Code"), _("Name"), *_figure_headers()])
    data.title = _("Coverage")
    if region is not None and region.level == Region.Level.KELURAHAN:
        for b in buildings:
            f = figures.get(b.pk) or Figures()
            data.append([region.code, b.name, *_figure_columns(f)])
        return data
    level = {None: "kota", "kota": "kecamatan", "kecamatan": "kelurahan"}[
        region.level if region else None
    ]
    by_code = roll_up(list(regions.values()), buildings, figures)
    for r in sorted(regions.values(), key=lambda r: r.code):
        if r.level == level and r.code.startswith(code) and by_code[r.code].residential:
            data.append([r.code, r.name, *_figure_columns(by_code[r.code])])
    return data


def buildings_table(*, user, code: str) -> tablib.Dataset:
    """One row per building in scope under `code`, with its kelurahan, kecamatan and kota."""
    scoped = _buildings(user, code)
    buildings = scoped.select_related("kelurahan__parent__parent").order_by(
        "kelurahan__code", "name"
    )
    figures = building_figures(scoped)
    data = tablib.Dataset(
        headers=[
            _("Building"),
            _("Kind"),
            _("Kelurahan code"),
            _("Kelurahan"),
            _("Kecamatan"),
            _("Kota"),
            *_figure_headers(),
            _("Why behind"),
        ]  # fmt: skip
    )
    data.title = _("Buildings")
    reasons = {
        row.building.pk: ", ".join(row.reasons)
        for row in buildings_at_risk(list(buildings), figures, clock_for(), limit=None)
    }
    for b in buildings.iterator(chunk_size=2000):
        kel = b.kelurahan
        kec = kel.parent
        kota = kec.parent if kec else None
        data.append(
            [b.name, b.get_kind_display(), kel.code, kel.name, kec.name if kec else "",
             kota.name if kota else "", *_figure_columns(figures.get(b.pk) or Figures()),
             reasons.get(b.pk, "")]
        )  # fmt: skip
    return data


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _name(user):
    return (user.full_name or user.email) if user else ""


def issues_table(*, user, code: str) -> tablib.Dataset:
    """Every access issue in scope under `code`, with its history in one column."""
    issues = (
        AccessIssue.objects.in_scope(user)
        .filter(building__kelurahan__code__startswith=code)
        .select_related("building__kelurahan", "raised_by", "handled_by")
        .prefetch_related(
            Prefetch(
                "events",
                queryset=AccessIssueEvent.objects.select_related("actor").order_by(
                    "created_at", "pk"
                ),
            )
        )
        .order_by("created_at", "pk")
    )
    data = tablib.Dataset(
        headers=[
            _("Building"),
            _("Kelurahan"),
            _("Kind"),
            _("Level"),
            _("Status"),
            _("Raised by"),
            _("Raised at"),
            _("Due"),
            _("Handled by"),
            _("Resolution"),
            _("Resolved at"),
            _("History"),
        ]  # fmt: skip
    )
    data.title = _("Access issues")
    for issue in issues:
        history = "\n".join(
            f"{_local(e.created_at)} {e.get_action_display()} ({e.get_level_display()}), "
            f"{_name(e.actor)}{': ' + e.note if e.note else ''}"
            for e in issue.events.all()
        )
        data.append(
            [issue.building.name, issue.building.kelurahan.name, issue.get_kind_display(),
             issue.get_level_display(), issue.get_status_display(), _name(issue.raised_by),
             _local(issue.created_at), _local(issue.due_at), _name(issue.handled_by),
             issue.resolution, _local(issue.resolved_at), history]
        )  # fmt: skip
    return data


TABLES = {"coverage": coverage_table, "buildings": buildings_table, "issues": issues_table}


def export_build(*, user, kind: str, code: str, fmt: str) -> tuple[bytes, int]:
    """The export's file content and its number of rows."""
    data = spreadsheet_safe(TABLES[kind](user=user, code=code))
    if fmt == "csv":
        # A BOM, so Excel opens the UTF-8 names (Rawajati, Cempaka Putih…) correctly.
        return ("\ufeff" + data.export("csv")).encode("utf-8"), data.height
    return data.export("xlsx"), data.height


def must_run_in_background(*, kind: str, code: str, rows: int) -> bool:
    """The province-wide building list always, anything else above DIRECT_ROWS_MAX rows."""
    return (kind == "buildings" and code == DKI_JAKARTA) or rows > DIRECT_ROWS_MAX
