"""The manager portal's reads and writes: each building's checklist, coverage and occupancy.

Every read here runs a fixed number of queries for any number of towers and units: counts are
grouped in the database, never looped over in Python.
"""

from dataclasses import dataclass

import tablib
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import CREATE, UPDATE, audit_bulk
from accounts.models import User
from accounts.validators import NIK_MESSAGE, contains_nik
from buildings.imports import sheet_line
from buildings.models import Building, Tower, Unit, UnitOccupancy
from regions.tree import normalize_region_name
from visits.models import AccessIssue, AccessIssueEvent, Schedule


@dataclass(frozen=True)
class Step:
    """One item of a building's profile checklist, with the page that completes it."""

    label: str
    done: bool
    url_name: str
    detail: str = ""


def towers_with_coverage(building_ids):
    """Towers of the buildings, each with units, residential and closed (residential) counts."""
    residential = Q(units__residential=True)
    return (
        Tower.objects.filter(building_id__in=building_ids)
        .annotate(
            unit_count=Count("units"),
            residential_count=Count("units", filter=residential),
            closed_count=Count(
                "units", filter=residential & Q(units__status__in=Unit.CLOSED_STATUSES)
            ),
        )
        .order_by("building_id", "name")
    )


def _per_building(queryset, path: str) -> dict[int, int]:
    return {row[path]: row["n"] for row in queryset.values(path).annotate(n=Count("pk")).order_by()}


def buildings_overview(buildings: list[Building]) -> None:
    """Attach towers, coverage, occupancy and the profile checklist to each building.

    Four queries, whatever the number of buildings, towers and units.
    """
    ids = [b.pk for b in buildings]
    towers: dict[int, list[Tower]] = {pk: [] for pk in ids}
    for tower in towers_with_coverage(ids):
        towers[tower.building_id].append(tower)
    occupancy = _per_building(
        UnitOccupancy.objects.filter(unit__tower__building_id__in=ids), "unit__tower__building_id"
    )
    posko = _per_building(
        Schedule.objects.filter(
            building_id__in=ids, kind=Schedule.Kind.POSKO, status__in=Schedule.OPEN_STATUSES
        ),
        "building_id",
    )
    for building in buildings:
        building.tower_list = towers[building.pk]
        building.unit_count = sum(t.unit_count for t in building.tower_list)
        building.residential_count = sum(t.residential_count for t in building.tower_list)
        building.closed_count = sum(t.closed_count for t in building.tower_list)
        building.occupancy_count = occupancy.get(building.pk, 0)
        building.posko_count = posko.get(building.pk, 0)
        building.steps = building_checklist(building)
        building.steps_done = sum(step.done for step in building.steps)
        building.percent_complete = round(100 * building.steps_done / len(building.steps))


def building_checklist(building: Building) -> list[Step]:
    """What a complete profile has, in the order a manager best fills it in."""
    towers = building.tower_list
    empty_towers = [t.name for t in towers if t.unit_count == 0]
    access_done = bool(
        building.access_hours and building.access_requirements and building.access_report_point
    )
    if building.posko_available:
        posko_done = building.posko_count > 0
        posko_detail = _("Space offered; propose posko days.") if not posko_done else ""
        posko_url = "portal_schedules"
    else:
        # "No space" is a decision too, once the manager has gone through the profile.
        posko_done = access_done
        posko_detail = ""
        posko_url = "portal_building_edit"
    return [
        Step(
            _("Access rules: visiting hours, what an officer shows, where to report"),
            access_done,
            "portal_building_edit",
        ),
        Step(
            _("Contact person on duty, with a phone number"),
            bool(building.contact_name and building.contact_phone),
            "portal_building_edit",
        ),
        Step(
            _("Towers, each with its units"),
            bool(towers) and not empty_towers,
            "portal_building",
            _("No units yet in: %(towers)s") % {"towers": ", ".join(empty_towers)}
            if empty_towers
            else "",
        ),
        Step(_("Posko: a lobby help desk space or not"), posko_done, posko_url, posko_detail),
        Step(
            _("Occupancy reported (vacant, business use, best time to visit)"),
            building.occupancy_count > 0,
            "portal_occupancy_upload",
        ),
    ]


# A proposal from the KPU side (PPS, KPU, pantarlih), still open: the managers answer it.
_FOR_MANAGERS = Q(status=Schedule.Status.PROPOSED) & ~Q(proposed_by__role=User.Role.PENGELOLA)


def schedules_waiting(building_ids, user: User, today):
    """Proposals from the KPU side that wait for this manager's answer, the nearest first;
    one whose date has passed can no longer be answered, so it waits for nobody."""
    return (
        Schedule.objects.filter(_FOR_MANAGERS, building_id__in=building_ids, date__gte=today)
        .exclude(proposed_by=user)
        .select_related("building", "tower", "proposed_by")
        .order_by("date", "start")
    )


def schedules_upcoming(building_ids, today):
    """What is coming: confirmed visits and posko days, and the managers' own proposals that
    wait for the KPU side. A proposal waiting for the manager is listed under "waiting" only."""
    return (
        Schedule.objects.filter(
            building_id__in=building_ids, status__in=Schedule.OPEN_STATUSES, date__gte=today
        )
        .exclude(_FOR_MANAGERS)
        .with_state()
        .select_related("building", "tower")
        .order_by("date", "start")
    )


def issues_open(building_ids):
    """Open access issues, each with `awaits_manager`: nobody has answered since the issue's
    last step (a manager's answer is the last event until KPU acts again)."""
    last = AccessIssueEvent.objects.filter(issue=OuterRef("pk")).order_by("-created_at", "-pk")
    issues = (
        AccessIssue.objects.filter(building_id__in=building_ids)
        .exclude(status=AccessIssue.Status.RESOLVED)
        .annotate(last_action=Subquery(last.values("action")[:1]))
        .annotate(
            awaits_manager=~Q(last_action=AccessIssueEvent.Action.MANAGER_REPLY)
            | Q(last_action__isnull=True)
        )
        .select_related("building")
        .order_by("-awaits_manager", "-created_at")
    )
    return issues


# --- Occupancy -------------------------------------------------------------------------------

STATUS_WORDS = {
    UnitOccupancy.Status.OCCUPIED: {"occupied", "dihuni", "terisi", "isi", "huni", "ditempati"},
    UnitOccupancy.Status.VACANT: {"vacant", "kosong", "empty"},
    UnitOccupancy.Status.BUSINESS: {"business", "usaha", "bisnis", "kantor", "toko", "komersial"},
}

# Columns that would carry who lives there: the whole file is refused (no names, no ID numbers).
PERSONAL_COLUMNS = ("nama", "name", "nik", "ktp", "penghuni", "resident", "telepon", "phone")
PERSONAL_EXACT = {"kk", "nokk", "nomorkk", "nkk"}

OCCUPANCY_COLUMNS = {
    "tower": "tower",
    "lantai": "floor",
    "floor": "floor",
    "nomor": "number",
    "number": "number",
    "unit": "number",
    "status": "status",
    "waktuterbaik": "best_time",
    "besttime": "best_time",
}

BEST_TIME_MAX = UnitOccupancy._meta.get_field("best_time").max_length

OCCUPANCY_HEADERS = gettext_lazy("tower, lantai, nomor, status, waktu_terbaik")


def occupancy_status_from(value) -> str | None:
    key = normalize_region_name(str(value or ""))
    for status, words in STATUS_WORDS.items():
        if key in words or key == normalize_region_name(str(status.label)):
            return status
    return None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def occupancy_rows_check(*, building: Building, data: tablib.Dataset):
    """(rows to write, problems): each problem names its spreadsheet line (header = line 1)."""
    headers = [normalize_region_name(str(h or "")) for h in data.headers or []]
    personal = [
        original
        for original, h in zip(data.headers or [], headers, strict=False)
        if h in PERSONAL_EXACT or any(word in h for word in PERSONAL_COLUMNS)
    ]
    if personal:
        return [], [
            _(
                "The file has a column %(columns)s: names and ID numbers of residents are "
                "never accepted here. Remove the column and upload again."
            )
            % {"columns": ", ".join(str(c) for c in personal)}
        ]
    columns = {OCCUPANCY_COLUMNS[h]: i for i, h in enumerate(headers) if h in OCCUPANCY_COLUMNS}
    missing = [c for c in ("tower", "number", "status") if c not in columns]
    if missing:
        return [], [
            _("The file needs the columns %(columns)s; missing: %(missing)s.")
            % {
                "columns": OCCUPANCY_HEADERS,
                "missing": ", ".join({"number": "nomor"}.get(c, c) for c in missing),
            }
        ]
    units = {
        (normalize_region_name(tower), number.strip().lower()): (pk, floor)
        for pk, tower, number, floor in Unit.objects.filter(tower__building=building).values_list(
            "pk", "tower__name", "number", "floor"
        )
    }
    rows, problems, seen = [], [], {}
    for number, raw in enumerate(data, start=1):
        index = sheet_line(data, number)
        values = {key: _cell(raw[i]) for key, i in columns.items()}
        if not any(values.values()):
            continue
        if any(contains_nik(_cell(v)) for v in raw):
            problems.append(
                _("Line %(line)s: %(message)s") % {"line": index, "message": NIK_MESSAGE}
            )
            continue
        key = (normalize_region_name(values["tower"]), values["number"].lower())
        found = units.get(key)
        if found is None:
            problems.append(
                _("Line %(line)s: there is no unit “%(number)s” in tower “%(tower)s”.")
                % {"line": index, "number": values["number"], "tower": values["tower"]}
            )
            continue
        unit_pk, floor = found
        floor_given = values.get("floor", "")
        if floor_given and floor_given != str(floor):
            problems.append(
                _(
                    "Line %(line)s, column lantai: unit %(number)s is on floor %(floor)s, not %(given)s."
                )
                % {"line": index, "number": values["number"], "floor": floor, "given": floor_given}
            )
            continue
        status = occupancy_status_from(values["status"])
        if status is None:
            problems.append(
                _(
                    "Line %(line)s, column status: “%(value)s” is not one of occupied (dihuni), "
                    "vacant (kosong) or business (usaha)."
                )
                % {"line": index, "value": values["status"]}
            )
            continue
        best_time = values.get("best_time", "")
        if len(best_time) > BEST_TIME_MAX:
            problems.append(
                _("Line %(line)s, column waktu_terbaik: at most %(max)s characters.")
                % {"line": index, "max": BEST_TIME_MAX}
            )
            continue
        if unit_pk in seen:
            problems.append(
                _("Line %(line)s: unit %(number)s is already on line %(first)s.")
                % {"line": index, "number": values["number"], "first": seen[unit_pk]}
            )
            continue
        seen[unit_pk] = index
        rows.append((unit_pk, status, best_time))
    return rows, problems


def occupancy_write(*, rows: list[tuple[int, str, str]], by: User) -> int:
    """Insert or update the occupancy of each (unit id, status, best time) in one statement,
    with an audit row for each unit whose occupancy changed (three statements in all)."""
    # Each unit's name and occupancy before the write, in one query.
    before = {
        u["pk"]: u
        for u in Unit.objects.filter(pk__in=[pk for pk, _status, _best in rows]).values(
            "pk", "number", "tower__name", "occupancy__status", "occupancy__best_time"
        )
    }
    written = UnitOccupancy.objects.bulk_create(
        [
            UnitOccupancy(unit_id=pk, status=status, best_time=best_time, reported_by=by)
            for pk, status, best_time in rows
        ],
        update_conflicts=True,
        unique_fields=["unit"],
        update_fields=["status", "best_time", "reported_by", "updated_at"],
        batch_size=2000,
    )
    audit = []
    for occupancy in written:
        old = before[occupancy.unit_id]
        changes = {
            field: (old[f"occupancy__{field}"], getattr(occupancy, field))
            for field in ("status", "best_time")
            if old[f"occupancy__{field}"] != getattr(occupancy, field)
        }
        if changes:
            action = CREATE if old["occupancy__status"] is None else UPDATE
            text = f"{old['tower__name']} / {old['number']}: {occupancy.status}"
            audit.append((occupancy.pk, text, action, changes))
    audit_bulk(UnitOccupancy, audit, actor=by)
    return len(rows)


@transaction.atomic
def occupancy_import(*, building: Building, data: tablib.Dataset, by: User):
    """All or nothing: (units written, problems). One bad line and nothing is written."""
    rows, problems = occupancy_rows_check(building=building, data=data)
    if problems or not rows:
        if not problems:
            problems = [_("The file has no rows.")]
        return 0, problems
    return occupancy_write(rows=rows, by=by), []


@transaction.atomic
def occupancy_floor_save(*, units: list[Unit], values: dict[int, dict], by: User) -> None:
    """Save a floor at once: each unit's occupancy (or none) and whether it is a dwelling.

    A fixed number of statements, whatever the number of units on the floor; bulk writes
    leave their audit rows through accounts.audit.
    """
    rows = [
        (unit.pk, values[unit.pk]["status"], values[unit.pk]["best_time"])
        for unit in units
        if values[unit.pk]["status"]
    ]
    # Only units that had an occupancy are cleared (each deletion is audited, row by row).
    cleared = [
        unit.pk
        for unit in units
        if not values[unit.pk]["status"] and getattr(unit, "occupancy_or_none", None)
    ]
    if rows:
        occupancy_write(rows=rows, by=by)
    if cleared:
        UnitOccupancy.objects.filter(unit_id__in=cleared).delete()
    residential = [u.pk for u in units if values[u.pk]["residential"] and not u.residential]
    business = [u.pk for u in units if not values[u.pk]["residential"] and u.residential]
    if residential:
        Unit.objects.filter(pk__in=residential).update(residential=True)
    if business:
        Unit.objects.filter(pk__in=business).update(residential=False)
    if residential or business:
        tower_name = units[0].tower.name  # a floor's units share their tower
        audit_bulk(
            Unit,
            [
                (
                    u.pk,
                    f"{tower_name} / {u.number}",
                    UPDATE,
                    {"residential": (u.residential, not u.residential)},
                )
                for u in units
                if u.pk in residential or u.pk in business
            ],  # fmt: skip
            actor=by,
        )
