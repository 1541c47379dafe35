"""The dashboard's tables as spreadsheets: coverage by area, coverage by building, access issues.

Each table is built from the user's scope in a fixed number of queries (the same grouped
figures the pages show), so an export never holds a row the user could not open on screen.
Small ones are answered inside the request; large ones go to a Celery task (export_tasks.py).
Which one is decided by the number of rows alone (must_run_in_background).

The files are made for Excel in the Indonesian locale (issue #15):

- XLSX, the default: the table on the first sheet, its header row bold and frozen, an
  autofilter over it, columns wide enough to read, numbers stored as numbers (the share
  closed as a plain number in a column named "% tuntas"), dates as dates. A second sheet,
  "Keterangan", says what the file is: the area, the coklit period and its dates, the time
  of the figures (WIB), who exported it, and how "behind" is measured. It is a separate sheet
  so that the table stays clean for filters, pivot tables and Power Query.
- CSV for Excel in Indonesian: `;` between cells, a decimal comma, UTF-8 with a BOM so names
  such as "Rawajati" or "Pulo Gebang" keep their characters; the same columns. The table
  comes first (line 1 is the header), then after one empty line the same "Keterangan" lines,
  so Excel's filter and any program reading the table stop at the empty line.
- Names in Indonesian whatever the user's language — they are official documents filed with
  others of their kind: `cakupan-jakarta-selatan-2024-07-09.xlsx`, `gedung-…`,
  `kendala-akses-…`, with the area and the date of the figures. The content (headers, notes)
  follows the user's language.

Every text cell, the notes included, passes through accounts.spreadsheets (no formulas).
"""

import csv
import datetime
import io
from dataclasses import dataclass

import tablib
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from accounts.scope import DKI_JAKARTA
from accounts.spreadsheets import cell_safe, spreadsheet_safe
from buildings.models import Building
from dashboard.models import ExportJob
from progress.at_risk import REASONS, buildings_at_risk
from progress.figures import Clock, Figures, building_figures, clock_for, roll_up
from regions.models import Region
from visits.models import AccessIssue, AccessIssueEvent

# Above this many rows an export is built in the background.
DIRECT_ROWS_MAX = 2000

KINDS = ("coverage", "buildings", "issues")
FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The start of each kind's file name (Indonesian, for every user: see the module's docstring).
FILE_STEMS = {"coverage": "cakupan", "buildings": "gedung", "issues": "kendala-akses"}

# What a column holds, so each format writes it right.
TEXT, WHOLE, DECIMAL, MOMENT = "text", "whole", "decimal", "moment"
XLSX_FORMATS = {WHOLE: "#,##0", DECIMAL: "0.0", MOMENT: "dd-mm-yyyy hh:mm"}
WIDTH_MIN, WIDTH_MAX = 8, 60


@dataclass
class Table:
    """A tablib Dataset and what each of its columns holds."""

    data: tablib.Dataset
    types: list[str]


@dataclass
class Built:
    content: bytes
    rows: int
    filename: str


def _columns(title: str, columns: list[tuple[str, str]]) -> Table:
    data = tablib.Dataset(headers=[header for header, _type in columns])
    data.title = title
    return Table(data, [kind for _header, kind in columns])


def _figure_columns() -> list[tuple[str, str]]:
    # xgettext:no-python-format
    closed = _("% closed")  # "% tuntas": a plain number column, 12.5 for 12.5 %
    return [(_("Units closed"), WHOLE), (_("Residential units"), WHOLE), (closed, DECIMAL),
            (_("Voters verified"), WHOLE), (_("Voters expected"), WHOLE), (_("Revisits"), WHOLE),
            (_("Refused twice"), WHOLE), (_("Open issues"), WHOLE)]  # fmt: skip


def _figure_values(f: Figures) -> list:
    return [f.closed, f.residential, round(f.percent, 1), f.voters_verified,
            f.expected_voters or None, f.revisits, f.refused_twice, f.open_issues]  # fmt: skip


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


def must_run_in_background(*, kind: str, code: str, rows: int) -> bool:
    """Anything above DIRECT_ROWS_MAX rows, whatever its area.

    The province-wide building list used to go to the background whatever its size, so the
    six buildings of a new province list waited for a worker (issue #15); its cost follows
    its rows like any other export's.
    """
    return rows > DIRECT_ROWS_MAX


def coverage_table(*, user, code: str, clock: Clock) -> Table:
    """The rows the region page shows: each child area (or building, in a kelurahan)."""
    regions = {r.code: r for r in Region.objects.filter(code__startswith=code[:5])}
    region = regions.get(code)
    scoped = _buildings(user, code)
    buildings = list(scoped.select_related("kelurahan").order_by("name"))
    figures = building_figures(scoped)
    table = _columns(_("Coverage"), [(_("Code"), TEXT), (_("Name"), TEXT), *_figure_columns()])
    if region is not None and region.level == Region.Level.KELURAHAN:
        for b in buildings:
            table.data.append(
                [region.code, b.name, *_figure_values(figures.get(b.pk) or Figures())]
            )
        return table
    level = {None: "kota", "kota": "kecamatan", "kecamatan": "kelurahan"}[
        region.level if region else None
    ]
    by_code = roll_up(list(regions.values()), buildings, figures)
    for r in sorted(regions.values(), key=lambda r: r.code):
        # As on the page: every area with a building, even one whose units are not entered.
        if r.level == level and r.code.startswith(code) and by_code[r.code].buildings:
            table.data.append([r.code, r.name, *_figure_values(by_code[r.code])])
    return table


def buildings_table(*, user, code: str, clock: Clock) -> Table:
    """One row per building in scope under `code`, with its kelurahan, kecamatan and kota,
    and — for those behind the straight line — how far behind, the units to close to be back
    on it, and why (the reasons the region and at-risk pages give)."""
    scoped = _buildings(user, code)
    buildings = list(
        scoped.select_related("kelurahan__parent__parent").order_by("kelurahan__code", "name")
    )
    figures = building_figures(scoped)
    table = _columns(
        _("Buildings"),
        [(_("Building"), TEXT), (_("Kind"), TEXT), (_("Kelurahan code"), TEXT),
         (_("Kelurahan"), TEXT), (_("Kecamatan"), TEXT), (_("Kota"), TEXT), *_figure_columns(),
         (_("Behind (percentage points)"), DECIMAL), (_("Units to close to be on track"), WHOLE),
         (_("Why behind"), TEXT)],
    )  # fmt: skip
    behind = {row.building.pk: row for row in buildings_at_risk(buildings, figures, clock, None)}
    for b in buildings:
        kel = b.kelurahan
        kec = kel.parent
        kota = kec.parent if kec else None
        f = figures.get(b.pk) or Figures()
        row = behind.get(b.pk)
        # As on the page: no "behind" or gap for a building without units, only its reasons.
        counted = row is not None and f.residential
        table.data.append(
            [b.name, b.get_kind_display(), kel.code, kel.name, kec.name if kec else "",
             kota.name if kota else "", *_figure_values(f),
             round(row.behind, 1) if counted else None, row.gap_units if counted else None,
             ", ".join(row.reasons) if row else ""]
        )  # fmt: skip
    return table


def _local(value):
    """A moment as Jakarta's wall clock, without a zone (spreadsheets have none)."""
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0) if value else None


def _stamp(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def _name(user):
    return (user.full_name or user.email) if user else ""


def issues_table(*, user, code: str, clock: Clock) -> Table:
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
    table = _columns(
        _("Access issues"),
        [(_("Building"), TEXT), (_("Kelurahan"), TEXT), (_("Kind"), TEXT), (_("Level"), TEXT),
         (_("Status"), TEXT), (_("Raised by"), TEXT), (_("Raised at"), MOMENT), (_("Due"), MOMENT),
         (_("Handled by"), TEXT), (_("Resolution"), TEXT), (_("Resolved at"), MOMENT),
         (_("History"), TEXT)],
    )  # fmt: skip
    for issue in issues:
        history = "\n".join(
            f"{_stamp(e.created_at)} {e.get_action_display()} ({e.get_level_display()}), "
            f"{_name(e.actor)}{': ' + e.note if e.note else ''}"
            for e in issue.events.all()
        )
        table.data.append(
            [issue.building.name, issue.building.kelurahan.name, issue.get_kind_display(),
             issue.get_level_display(), issue.get_status_display(), _name(issue.raised_by),
             _local(issue.created_at), _local(issue.due_at), _name(issue.handled_by),
             issue.resolution, _local(issue.resolved_at), history]
        )  # fmt: skip
    return table


TABLES = {"coverage": coverage_table, "buildings": buildings_table, "issues": issues_table}


def _kind_label(kind: str) -> str:
    return str(ExportJob.Kind(kind).label)


def area_name(code: str) -> str:
    """The area as the region page names it: "DKI Jakarta", "Kota Administrasi Jakarta …"."""
    if code == DKI_JAKARTA:
        return "DKI Jakarta"
    return Region.objects.filter(code=code).values_list("name", flat=True).first() or code


_ADMINISTRATIVE = ("kota administrasi ", "kabupaten administrasi ")


def export_filename(*, kind: str, area: str, fmt: str, day: datetime.date) -> str:
    """`cakupan-jakarta-selatan-2024-07-09.xlsx`: the kind, the area as people say it (without
    "Kota Administrasi"), the date of the figures. ASCII only, so any browser keeps it."""
    short = area
    for prefix in _ADMINISTRATIVE:
        if short.lower().startswith(prefix):
            short = short[len(prefix) :]
    return f"{FILE_STEMS[kind]}-{slugify(short) or 'wilayah'}-{day:%Y-%m-%d}.{fmt}"


def _about(*, user, kind: str, code: str, area: str, clock: Clock, as_of, rows: int):
    """The "Keterangan" lines: (label, text), in the user's language."""
    period = clock.period
    if period:
        period_text = _("%(name)s: %(starts)s – %(ends)s") % {
            "name": period.name,
            "starts": date_format(period.starts_on, "j F Y"),
            "ends": date_format(period.ends_on, "j F Y"),
        }
    else:
        period_text = _("no coklit period on file")
    who = ""
    if user is not None:
        who = _name(user)
        if user.full_name:
            who += f" <{user.email}>"
        if user.role:
            who += f" ({user.get_role_display()})"
    lines = [
        (_("Data"), _kind_label(kind)),
        (_("Area"), area if code == DKI_JAKARTA else f"{area} ({code})"),
        (_("Coklit period"), period_text),
        (_("Figures as of"), date_format(timezone.localtime(as_of), "j F Y, H.i") + " WIB"),
        (_("Exported by"), who),
        (_("Rows"), str(rows)),
    ]
    if kind in ("coverage", "buildings"):
        # xgettext:no-python-format
        closed = _("% closed")
        lines.append((closed, _("residential units closed out of residential units, in percent")))
    if kind == "buildings":
        lines.append(
            (
                _("Behind (percentage points)"),
                _("how far the share closed is below the straight line from 0 %% on the first "
                  "day to 100 %% on the last; the line stands at %(expected)s %% today")
                % {"expected": number_format(100.0 * clock.elapsed_fraction, 1)},
            )
        )  # fmt: skip
        lines.append(
            (_("Why behind"), _("the reasons the dashboard gives: %(reasons)s")
             % {"reasons": ", ".join(str(text) for text in REASONS.values())})
        )  # fmt: skip
    return [(cell_safe(label), cell_safe(text)) for label, text in lines]


def _xlsx_text(value):
    # openpyxl refuses control characters (a pasted \x0b in a name would fail the whole file).
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def _width(value) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return 16
    return max((len(line) for line in str(value).splitlines()), default=0)


def _sheet_title(title: str) -> str:
    return "".join(c for c in title if c not in "[]:*?/\\")[:31] or "Data"


def _xlsx(table: Table, about: list[tuple[str, str]], *, title: str, author: str, as_of) -> bytes:
    data = table.data
    book = Workbook()
    sheet = book.active
    sheet.title = _sheet_title(data.title or title)
    sheet.append([_xlsx_text(h) for h in data.headers])
    for row in data:
        sheet.append([_xlsx_text(v) for v in row])
    last_column = get_column_letter(len(data.headers))
    # The header row bold and frozen; the filter over the header and every row.
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last_column}{max(data.height + 1, 2)}"
    for index, kind in enumerate(table.types, start=1):
        letter = get_column_letter(index)
        widths = [min(_width(data.headers[index - 1]), 30)]
        widths += [_width(row[index - 1]) for row in data[:1000]]
        sheet.column_dimensions[letter].width = max(WIDTH_MIN, min(max(widths) + 2, WIDTH_MAX))
        number_format = XLSX_FORMATS.get(kind)
        wrap = kind == TEXT and any("\n" in str(row[index - 1] or "") for row in data[:1000])
        if number_format or wrap:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if number_format:
                    cell.number_format = number_format
                if wrap:
                    cell.alignment = Alignment(vertical="top", wrap_text=True)
    notes = book.create_sheet(_sheet_title(_("About this file")))
    for label, text in about:
        notes.append([_xlsx_text(label), _xlsx_text(text)])
    for (cell,) in notes.iter_rows(min_col=1, max_col=1):
        cell.font = Font(bold=True)
        cell.alignment = Alignment(vertical="top")
    for (cell,) in notes.iter_rows(min_col=2, max_col=2):
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    notes.column_dimensions["A"].width = max(_width(label) for label, _t in about) + 2
    notes.column_dimensions["B"].width = 90
    book.properties.title = _xlsx_text(title)
    book.properties.creator = _xlsx_text(author)
    book.properties.created = timezone.localtime(as_of).replace(tzinfo=None)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _csv_value(value, kind: str) -> str:
    if value is None:
        return ""
    if kind == DECIMAL and isinstance(value, int | float):
        return f"{value:.1f}".replace(".", ",")
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def _csv(table: Table, about: list[tuple[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(table.data.headers)
    for row in table.data:
        writer.writerow([_csv_value(v, kind) for v, kind in zip(row, table.types, strict=True)])
    writer.writerow([])
    for label, text in about:
        writer.writerow([label, text])
    # A BOM, so Excel opens the UTF-8 names (Rawajati, Cempaka Putih…) correctly.
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_build(*, user, kind: str, code: str, fmt: str, now=None) -> Built:
    """The export's file content, its number of rows and its file name."""
    as_of = now or timezone.now()
    clock = clock_for(timezone.localdate(as_of))
    table = TABLES[kind](user=user, code=code, clock=clock)
    table.data = spreadsheet_safe(table.data)
    area = area_name(code)
    rows = table.data.height
    about = _about(user=user, kind=kind, code=code, area=area, clock=clock, as_of=as_of, rows=rows)
    filename = export_filename(kind=kind, area=area, fmt=fmt, day=timezone.localdate(as_of))
    if fmt == "csv":
        return Built(_csv(table, about), rows, filename)
    title = f"{_kind_label(kind)}: {area}"
    return Built(_xlsx(table, about, title=title, author=_name(user), as_of=as_of), rows, filename)
