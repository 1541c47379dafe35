"""Generating a tower's units floor by floor, the way managers describe them.

A manager rarely has a unit list to upload; they know "floors 1 to 30, eight units a floor,
no 4th, 13th or 14th floor, numbered A-12-05". `units_generate` turns that into unit rows.
Running it again is harmless: numbers the tower already has are left as they are. The
numbers come from buildings/unit_numbering.py; here they are previewed, written, deleted and
undone, under a lock on the tower and audited.
"""

import dataclasses
import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import CREATE, UPDATE, audit_bulk
from accounts.models import User
from buildings.models import Tower, Unit, UnitOccupancy
from buildings.unit_numbering import DEFAULT_NUMBER_FORMAT, floors_plan, unit_numbers


@dataclass(frozen=True)
class UnitUndo:
    """What puts a generation back: the units it created (deleted again if still untouched),
    the old numbers of those it renamed, the units it deleted (made again, occupancy too)."""

    created: list[int] = dataclasses.field(default_factory=list)
    renamed: list[tuple[int, str]] = dataclasses.field(default_factory=list)
    deleted: list[dict] = dataclasses.field(default_factory=list)

    def as_dict(self) -> dict:
        return {"created": self.created, "renamed": self.renamed, "deleted": self.deleted}


@dataclass(frozen=True)
class UnitGenerateResult:
    created: int
    existing: int
    floors: list[int]
    renamed: int = 0
    deleted: int = 0
    kept_visited: list[str] = dataclasses.field(default_factory=list)
    undo: UnitUndo = dataclasses.field(default_factory=UnitUndo)

    @property
    def total(self) -> int:
        return self.created + self.existing


# What to do with a floor's units that the new pattern does not name (e.g. "Tower A-0801"
# when the pattern now gives "0801"): keep them beside the new ones, or replace them.
KEEP, REPLACE = "keep", "replace"
# How many unit names a preview or a warning spells out; the rest are counted.
NAMES_SHOWN = 12


@dataclass(frozen=True)
class FloorPreview:
    floor: int
    first: str
    last: str
    count: int


@dataclass(frozen=True)
class UnitPlanPreview:
    """What a generation would do, before it does it: the names per floor, and what the tower
    already has on those floors."""

    floors: list[FloorPreview]
    new: int
    existing: int
    # Units on the planned floors whose numbers the pattern does not give, that no outcome has
    # touched: generating beside them would double the floor; replacing renumbers or removes them.
    doubles: list[str]
    doubles_count: int
    # The same, with outcomes recorded: always kept (KPU can merge them).
    visited: list[str]
    visited_count: int

    @property
    def total(self) -> int:
        return self.new + self.existing


@dataclass(frozen=True)
class _Existing:
    pk: int
    floor: int
    number: str
    touched: bool


def _natural(number: str) -> tuple:
    """ "A-2" before "A-10": digits compared as numbers, so renumbering keeps a floor's order."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.lower())
        for part in re.findall(r"\d+|\D+", number)
    )


def _existing_units(tower: Tower) -> list[_Existing]:
    """Every unit of the tower, and whether an outcome has touched it, in one query.
    (`outcome_count` is kept in the outcome's own transaction; the outcomes' PROTECT foreign
    key stops a deletion should it ever be wrong.)"""
    rows = Unit.objects.filter(tower=tower).values_list("pk", "floor", "number", "outcome_count")
    return [_Existing(pk, floor, number, count > 0) for pk, floor, number, count in rows.order_by()]


def _plan(tower: Tower, *, units_per_floor, first_floor, last_floor, skip_floors, number_format):
    floors = floors_plan(
        first_floor=first_floor,
        last_floor=tower.floors if last_floor is None else last_floor,
        skip_floors=skip_floors,
    )
    plan = unit_numbers(
        tower_name=tower.name,
        floors=floors,
        units_per_floor=units_per_floor,
        number_format=number_format,
    )
    return floors, plan


def _compare(plan, existing: list[_Existing]):
    """(numbers already there, untouched doubles, touched doubles) of the planned floors."""
    planned = {number for _floor, number in plan}
    floors = {floor for floor, _number in plan}
    there = {unit.number for unit in existing}
    doubles = sorted(
        (u for u in existing if u.floor in floors and u.number not in planned),
        key=lambda u: (u.floor, _natural(u.number)),
    )
    return (
        planned & there,
        [u for u in doubles if not u.touched],
        [u for u in doubles if u.touched],
    )


def units_preview(
    *,
    tower: Tower,
    units_per_floor: int,
    first_floor: int = 1,
    last_floor: int | None = None,
    skip_floors: Iterable[int] = (),
    number_format: str = DEFAULT_NUMBER_FORMAT,
) -> UnitPlanPreview:
    """The first and last name of each floor and what the tower already has there; nothing
    is written. Two queries (the outcomes subquery is part of the second)."""
    floors, plan = _plan(
        tower,
        units_per_floor=units_per_floor,
        first_floor=first_floor,
        last_floor=last_floor,
        skip_floors=skip_floors,
        number_format=number_format,
    )
    existing, doubles, visited = _compare(plan, _existing_units(tower))
    per_floor = []
    for floor, group in itertools.groupby(plan, key=lambda item: item[0]):
        names = [number for _floor, number in group]
        per_floor.append(FloorPreview(floor, names[0], names[-1], len(names)))
    return UnitPlanPreview(
        floors=per_floor,
        new=len(plan) - len(existing),
        existing=len(existing),
        doubles=[u.number for u in doubles[:NAMES_SHOWN]],
        doubles_count=len(doubles),
        visited=[u.number for u in visited[:NAMES_SHOWN]],
        visited_count=len(visited),
    )


@transaction.atomic
def units_generate(
    *,
    tower: Tower,
    units_per_floor: int,
    first_floor: int = 1,
    last_floor: int | None = None,
    skip_floors: Iterable[int] = (),
    number_format: str = DEFAULT_NUMBER_FORMAT,
    residential: bool = True,
    existing_units: str | None = KEEP,
    by: User | None = None,
) -> UnitGenerateResult:
    """Create the units of `tower` from first_floor to last_floor (default: its top floor).

    Skipped floors (many Jakarta towers have no 4th, 13th or 14th) get no units; units whose
    number the tower already has are kept unchanged, so a floor can be generated again with
    more units without touching what was recorded on the others.

    Units on the planned floors that the pattern does not name are doubles in waiting:
    `existing_units` says what to do with them. KEEP leaves them beside the new ones; REPLACE
    renumbers those no outcome has touched to the pattern's names (their occupancy goes with
    them) and deletes the ones left over; None refuses (ValidationError "doubles") so that the
    manager chooses. Units with outcomes are always kept. Every change is audited.
    """
    floors, plan = _plan(
        tower,
        units_per_floor=units_per_floor,
        first_floor=first_floor,
        last_floor=last_floor,
        skip_floors=skip_floors,
        number_format=number_format,
    )
    # Lock the tower so two managers generating at once cannot both insert the same numbers.
    Tower.objects.select_for_update().filter(pk=tower.pk).first()
    existing = _existing_units(tower)
    there = {unit.number for unit in existing}
    _same, doubles, visited = _compare(plan, existing)
    if doubles and existing_units not in (KEEP, REPLACE):
        raise ValidationError(
            _(
                "These floors already have %(count)s units the pattern does not name "
                "(%(names)s): choose whether to replace them or keep them beside the new ones."
            )
            % {"count": len(doubles), "names": _names(doubles)},
            code="doubles",
        )
    renamed: list[tuple[int, str, str]] = []
    deleted: list[_Existing] = []
    missing = [(floor, number) for floor, number in plan if number not in there]
    if existing_units == REPLACE and doubles:
        # Pair each floor's doubles with the names the floor is missing, in order.
        wanted: dict[int, list[str]] = {}
        for floor, number in missing:
            wanted.setdefault(floor, []).append(number)
        for unit in doubles:
            names = wanted.get(unit.floor)
            if names:
                renamed.append((unit.pk, unit.number, names.pop(0)))
            else:
                deleted.append(unit)
        missing = [(f, n) for f, names in wanted.items() for n in names]
    new_units = [
        Unit(tower=tower, floor=floor, number=number, residential=residential)
        for floor, number in sorted(missing, key=lambda item: (item[0], _natural(item[1])))
    ]
    deleted_rows = _delete_untouched(tower, [u.pk for u in deleted])
    if renamed:
        # The new names are ones the tower does not have, so one UPDATE renames them all. A
        # unit an outcome reached since it was read is left as it is.
        units = list(
            Unit.objects.select_for_update()
            .filter(tower=tower, pk__in=[pk for pk, _old, _new in renamed], outcome_count=0)
            .order_by("pk")
        )
        locked = {unit.pk for unit in units}
        names = {pk: new for pk, _old, new in renamed}
        renamed = [(pk, old, new) for pk, old, new in renamed if pk in locked]
        for unit in units:
            unit.number = names[unit.pk]
        Unit.objects.bulk_update(units, ["number"], batch_size=2000)
        audit_bulk(
            Unit,
            [
                (pk, f"{tower.name} / {new}", UPDATE, {"number": (old, new)})
                for pk, old, new in renamed
            ],
            actor=by,
        )
    created = Unit.objects.bulk_create(new_units, batch_size=2000)
    if created or deleted_rows:
        # One audit row for the batch: the tower's unit count before and after, by whom.
        before = len(existing)
        changes = {"units": (before, before + len(created) - len(deleted_rows))}
        audit_bulk(Tower, [(tower.pk, str(tower), UPDATE, changes)], actor=by)
    return UnitGenerateResult(
        created=len(created),
        existing=len(plan) - len(missing) - len(renamed),
        floors=floors,
        renamed=len(renamed),
        deleted=len(deleted_rows),
        kept_visited=[u.number for u in visited],
        undo=UnitUndo(
            created=[u.pk for u in created],
            renamed=[(pk, old) for pk, old, _new in renamed],
            deleted=deleted_rows,
        ),
    )


def _names(units) -> str:
    names = [u.number if isinstance(u, _Existing) else u for u in units]
    shown = ", ".join(names[:NAMES_SHOWN])
    return shown + (" …" if len(names) > NAMES_SHOWN else "")


def _delete_untouched(tower: Tower, pks: list[int]) -> list[dict]:
    """Delete the units among `pks` that no outcome has touched (re-read under a lock) and
    return what puts them back. django-auditlog records each deletion, occupancy included."""
    if not pks:
        return []
    units = list(
        Unit.objects.select_for_update(of=("self",))
        .filter(tower=tower, pk__in=pks, outcome_count=0)
        .select_related("occupancy")
        .order_by("floor", "number")
    )
    rows = [
        {
            "floor": unit.floor,
            "number": unit.number,
            "residential": unit.residential,
            "occupancy": _occupancy_values(unit),
        }
        for unit in units
    ]
    Unit.objects.filter(pk__in=[unit.pk for unit in units]).delete()
    return rows


def _occupancy_values(unit: Unit) -> list[str] | None:
    try:
        occupancy = unit.occupancy
    except UnitOccupancy.DoesNotExist:
        return None
    return [occupancy.status, occupancy.best_time]


@dataclass(frozen=True)
class UnitUndoResult:
    removed: int
    renamed: int
    restored: int
    # Names that could not be put back: a unit visited since, or a number taken since.
    kept: list[str]


@transaction.atomic
def units_delete(*, tower: Tower, unit_ids: Iterable[int], by: User | None) -> UnitGenerateResult:
    """Delete units of `tower` that no outcome has touched; units with outcomes stay (KPU can
    merge them). Audited: each unit by django-auditlog, the tower's count here."""
    Tower.objects.select_for_update().filter(pk=tower.pk).first()
    before = Unit.objects.filter(tower=tower).count()
    ids = list(unit_ids)
    deleted = _delete_untouched(tower, ids)
    kept = list(
        Unit.objects.filter(tower=tower, pk__in=ids)
        .order_by("floor", "number")
        .values_list("number", flat=True)
    )
    if deleted:
        changes = {"units": (before, before - len(deleted))}
        audit_bulk(Tower, [(tower.pk, str(tower), UPDATE, changes)], actor=by)
    floors = sorted({row["floor"] for row in deleted})
    return UnitGenerateResult(
        created=0,
        existing=0,
        floors=floors,
        deleted=len(deleted),
        kept_visited=kept,
        undo=UnitUndo(deleted=deleted),
    )


@transaction.atomic
def units_undo(*, tower: Tower, undo: dict, by: User | None) -> UnitUndoResult:
    """Put back what a generation or a deletion did (`UnitUndo.as_dict()`): delete the units it
    created that are still untouched, give renamed units their old numbers, make deleted units
    again with their occupancy. What cannot be put back is named, and left as it is."""
    Tower.objects.select_for_update().filter(pk=tower.pk).first()
    before = Unit.objects.filter(tower=tower).count()
    created = [int(pk) for pk in undo.get("created", [])]
    removed = _delete_untouched(tower, created)
    kept = list(
        Unit.objects.filter(tower=tower, pk__in=created)
        .order_by("floor", "number")
        .values_list("number", flat=True)
    )
    taken = set(Unit.objects.filter(tower=tower).values_list("number", flat=True))
    back = {int(pk): old for pk, old in undo.get("renamed", [])}
    units = list(Unit.objects.select_for_update().filter(tower=tower, pk__in=back, outcome_count=0))
    units = [u for u in units if back[u.pk] not in taken or back[u.pk] == u.number]
    changes = [(u.pk, u.number, back[u.pk]) for u in units if u.number != back[u.pk]]
    if changes:
        # The old names are free (checked above), so one UPDATE gives them back.
        for unit in units:
            unit.number = back[unit.pk]
        Unit.objects.bulk_update(units, ["number"])
        audit_bulk(
            Unit,
            [
                (pk, f"{tower.name} / {old}", UPDATE, {"number": (new, old)})
                for pk, new, old in changes
            ],
            actor=by,
        )
        taken = (taken - {new for _pk, new, _old in changes}) | {old for _pk, _new, old in changes}
    kept += [number for pk, number in back.items() if pk not in {u.pk for u in units}]
    rows = [row for row in undo.get("deleted", []) if row["number"] not in taken]
    kept += [row["number"] for row in undo.get("deleted", []) if row["number"] in taken]
    restored = Unit.objects.bulk_create(
        [
            Unit(
                tower=tower,
                floor=row["floor"],
                number=row["number"],
                residential=row["residential"],
            )
            for row in rows
        ]
    )
    occupancy = [
        UnitOccupancy(
            unit=unit, status=row["occupancy"][0], best_time=row["occupancy"][1], reported_by=by
        )
        for unit, row in zip(restored, rows, strict=True)
        if row.get("occupancy")
    ]
    if occupancy:
        # Ids are needed for the audit rows: PostgreSQL returns them, SQLite re-reads them.
        UnitOccupancy.objects.bulk_create(occupancy)
        occupancy = list(UnitOccupancy.objects.filter(unit__in=restored).select_related("unit"))
        audit_bulk(
            UnitOccupancy,
            [
                (
                    o.pk,
                    f"{tower.name} / {o.unit.number}: {o.status}",
                    CREATE,
                    {"status": (None, o.status), "best_time": (None, o.best_time)},
                )
                for o in occupancy
            ],  # fmt: skip
            actor=by,
        )
    if removed or restored:
        after = before - len(removed) + len(restored)
        audit_bulk(Tower, [(tower.pk, str(tower), UPDATE, {"units": (before, after)})], actor=by)
    return UnitUndoResult(
        removed=len(removed), renamed=len(changes), restored=len(restored), kept=kept
    )
