"""Assigning pantarlih to a kelurahan's buildings and towers, from one screen or a spreadsheet.

Both paths produce the same rows — (building, tower or None, pantarlih, TPS), with the
assignment they replace — and `assignments_save` writes them all or nothing, for the current
coklit period.
"""

from dataclasses import dataclass, field

import tablib
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from accounts.validators import NIK_MESSAGE, contains_nik, tps_normalize, validate_tps
from buildings.imports import sheet_line
from buildings.models import Building, Tower
from regions.models import Region
from regions.tree import normalize_region_name
from visits.models import Assignment, CoklitPeriod

SHEET_COLUMNS = ("email", "gedung", "tower", "tps")


def period_current(today=None) -> CoklitPeriod | None:
    """The period containing today, else the latest one."""
    today = today or timezone.localdate()
    return (
        CoklitPeriod.objects.open_on(today).order_by("-starts_on").first()
        or CoklitPeriod.objects.order_by("-starts_on").first()
    )


def kelurahan_pantarlih(kelurahan: Region):
    return User.objects.filter(role=Role.PANTARLIH, region=kelurahan, is_active=True).order_by(
        "full_name", "email"
    )


@dataclass
class Target:
    """One line of the screen: a whole building, or one tower of it, with everyone assigned
    there (a large tower has several TPS, so several pantarlih)."""

    building: Building
    tower: Tower | None
    current: list[Assignment] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.building.name}{' / ' + self.tower.name if self.tower else ''}"

    @property
    def key(self) -> str:
        return f"t{self.tower.pk}" if self.tower else f"b{self.building.pk}"


def kelurahan_targets(*, kelurahan: Region, buildings, period: CoklitPeriod | None):
    """The buildings (each followed by its towers) with their current assignments."""
    buildings = list(
        buildings.filter(kelurahan=kelurahan, active=True)
        .prefetch_related("towers")
        .order_by("name")
    )
    current = {}
    if period is not None:
        for a in (
            Assignment.objects.filter(period=period, building__in=[b.pk for b in buildings])
            .select_related("pantarlih")
            .order_by("tps", "pk")
        ):
            current.setdefault((a.building_id, a.tower_id), []).append(a)
    targets = []
    for b in buildings:
        targets.append(Target(b, None, current.get((b.pk, None), [])))
        for t in sorted(b.towers.all(), key=lambda t: t.name):
            targets.append(Target(b, t, current.get((b.pk, t.pk), [])))
    return targets


def _tps_problem(tps: str) -> str | None:
    """Why `tps` (already normalised: "12" is "012") is not a TPS number, or None."""
    if not tps:
        return _("a TPS number is required")
    if contains_nik(tps):
        return str(NIK_MESSAGE)
    try:
        validate_tps(tps)
    except ValidationError as error:
        return error.messages[0]
    return None


def rows_from_screen(*, data, targets: list[Target], pantarlih: list[User]):
    """The screen's POST as rows to save, and problems by line label.

    Per place: `rm-a<id>` removes an assignment, `tps-a<id>` changes its TPS, and
    `p-<place>` with `tps-<place>` adds a pantarlih (or sets the TPS of one already there).
    """
    by_id = {str(p.pk): p for p in pantarlih}
    rows, problems = [], []
    for target in targets:
        for current in target.current:
            who = current.pantarlih.full_name or current.pantarlih.email
            if data.get(f"rm-a{current.pk}"):
                rows.append({"target": target, "remove": current})
                continue
            tps = tps_normalize(data.get(f"tps-a{current.pk}", current.tps))
            if tps == current.tps:
                continue  # unchanged
            problem = _tps_problem(tps)
            if problem:
                problems.append((f"{target.label} / {who}", problem))
                continue
            rows.append({"target": target, "pantarlih": current.pantarlih, "tps": tps})
        chosen = data.get(f"p-{target.key}", "")
        if not chosen:
            continue
        person = by_id.get(chosen)
        if person is None:
            problems.append((target.label, _("choose a pantarlih of this kelurahan")))
            continue
        tps = tps_normalize(data.get(f"tps-{target.key}", ""))
        problem = _tps_problem(tps)
        if problem:
            problems.append((target.label, problem))
            continue
        rows.append({"target": target, "pantarlih": person, "tps": tps})
    return rows, problems


def rows_from_table(*, data: tablib.Dataset, targets: list[Target], pantarlih: list[User]):
    """A sheet `email, gedung, tower, tps` as rows to save, and problems by spreadsheet line."""
    headers = set(data.headers or [])
    missing = [c for c in ("email", "gedung", "tps") if c not in headers]
    if missing:
        return [], [(1, _("Missing column(s): %(columns)s.") % {"columns": ", ".join(missing)})]
    by_email = {p.email.lower(): p for p in pantarlih}
    by_place = {}
    for t in targets:
        key = (
            normalize_region_name(t.building.name),
            normalize_region_name(t.tower.name) if t.tower else "",
        )
        by_place[key] = t
    names = {normalize_region_name(t.building.name) for t in targets}
    rows, problems, seen = [], [], set()
    for number, raw in enumerate(data.dict, start=1):
        line = sheet_line(data, number)
        row = {k: str(v if v is not None else "").strip() for k, v in raw.items()}
        line_problems = [
            f"{column}: {NIK_MESSAGE}" for column, value in row.items() if contains_nik(value)
        ]
        if line_problems:
            problems.extend((line, p) for p in line_problems)
            continue
        email = row.get("email", "").lower()
        person = by_email.get(email)
        if person is None:
            line_problems.append(
                _("email: no pantarlih “%(value)s” in this kelurahan") % {"value": email}
            )
        building_key = normalize_region_name(row.get("gedung", ""))
        tower_name = row.get("tower", "")
        target = by_place.get((building_key, normalize_region_name(tower_name)))
        if building_key not in names:
            line_problems.append(
                _("gedung: no building “%(value)s” in this kelurahan")
                % {"value": row.get("gedung", "")}
            )
        elif target is None:
            line_problems.append(
                _("tower: no tower “%(value)s” in %(building)s")
                % {"value": tower_name, "building": row.get("gedung", "")}
            )
        tps = tps_normalize(raw.get("tps"))
        problem = _tps_problem(tps)
        if problem:
            line_problems.append(f"tps: {problem}")
        if person and target:
            key = (person.pk, target.key)
            if key in seen:
                line_problems.append(_("this pantarlih and place appear twice in the file"))
            seen.add(key)
        if line_problems:
            problems.extend((line, p) for p in line_problems)
            continue
        rows.append({"target": target, "pantarlih": person, "tps": tps})
    return rows, problems


@transaction.atomic
def assignments_save(*, period: CoklitPeriod, rows: list[dict]) -> int:
    """Remove, add or update assignments; returns how many rows changed.

    Removals go first, so one save can hand a place from one pantarlih to another. A row
    with a pantarlih adds them to the place, or updates their TPS there; anyone else
    assigned to it stays.
    """
    for row in sorted(rows, key=lambda row: "remove" not in row):
        if "remove" in row:
            row["remove"].delete()
            continue
        target = row["target"]
        Assignment.objects.update_or_create(
            period=period,
            pantarlih=row["pantarlih"],
            building=target.building,
            tower=target.tower,
            defaults={"tps": row["tps"]},
        )
    return len(rows)
