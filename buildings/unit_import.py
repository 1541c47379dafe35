"""The command line's units import: the admin's rules, written set by set.

`manage.py import_units` takes files of 100,000 rows and more. django-import-export's
row-by-row pipeline (which the admin keeps, for its preview) ran them at about 1/60 of a raw
COPY; this path reads the same columns with the same rules and the same words
(buildings/unit_rules.py), and

- looks everything up once: the kelurahan, the buildings, the towers of the buildings the
  file names and those towers' units, each in one query, then finds each row in
  dictionaries; a cell value seen before is not checked again;
- writes with a fixed number of statements whatever the file's length: the new towers in one
  INSERT (and their audit rows in another), then on PostgreSQL one COPY of the new units and
  one UPDATE … FROM unnest() of the changed ones, on SQLite one prepared statement run for
  every row (executemany). The database's triggers keep the towers' totals
  (buildings.models.TowerTotals) whatever wrote the units.

It does what the admin's import does: all or nothing, unless `skip_invalid`; a tower a row
names that does not exist yet is created, as tall as the file's highest floor for it; a unit
found again (same tower, same number) gets the row's floor and residential flag (an empty
hunian keeps the flag), never its coverage status or totals; an unchanged unit is counted,
not written; one audit row per tower written to, with how many units were created and
updated there, by whom, from which file.
"""

import io
import time
from collections import defaultdict
from dataclasses import dataclass, field
from operator import itemgetter

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils.translation import gettext as _

from accounts.audit import CREATE, UPDATE, audit_bulk
from buildings.import_widgets import KelurahanResolver, column_label, header_key, tidy
from buildings.imports import Sheet
from buildings.models import Tower, Unit
from buildings.unit_rules import (
    UNIT_ROW_FIELDS,
    BuildingFinder,
    new_tower_floors,
    number_problem,
    read_floor,
    read_number,
    read_residential,
    tower_name_problem,
    unit_field_problems,
    unit_repeated_problem,
)

# The columns without which no row can be imported (kelurahan is needed only for two
# buildings of the same name; lantai and hunian have their own messages when missing).
KEY_COLUMNS = ("building", "tower", "number")


@dataclass
class UnitImportResult:
    """How many rows were created, updated, skipped (unchanged) and refused, and why."""

    totals: dict[str, int] = field(
        default_factory=lambda: {"new": 0, "update": 0, "skip": 0, "invalid": 0, "error": 0}
    )
    # "Line 7, column lantai: …", as the admin's import words them, in the file's order.
    problems: list[str] = field(default_factory=list)


@dataclass
class _Plan:
    """What the rows ask for, once checked: nothing is written while it is drawn up."""

    # (building id, lower-case tower name) → the tower's name as first written, and the
    # highest floor any row gives it (towers created are that tall).
    new_towers: dict[tuple, str] = field(default_factory=dict)
    tower_floors: dict[tuple, int] = field(default_factory=dict)
    # (tower key, floor, number, residential) for new units; (unit id, floor, residential).
    creates: list[tuple] = field(default_factory=list)
    updates: list[tuple] = field(default_factory=list)
    # tower key → [units created, units updated], for the audit rows.
    counts: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))


def units_bulk_import(
    *,
    sheet: Sheet,
    dry_run: bool = False,
    region_code: str | None = None,
    skip_invalid: bool = False,
    user=None,
    file_name: str | None = None,
) -> UnitImportResult:
    """Import a units sheet: all or nothing, unless `skip_invalid` (then the valid rows).

    `user` and `file_name` go into the audit rows (who ran it, from which file)."""
    result = UnitImportResult()
    headers = [header_key(h) for h in sheet.headers]
    missing = [column_label(key) for key in KEY_COLUMNS if key not in headers]
    if missing:
        result.problems.append(
            _("The file has no column %(columns)s; a units file needs gedung, tower and nomor.")
            % {"columns": ", ".join(missing)}
        )
        result.totals["error"] = 1
        return result
    reader = _Reader(headers, region_code)
    plan = reader.plan(sheet, result)
    if dry_run or (result.problems and not skip_invalid):
        return result
    try:
        with transaction.atomic():
            _write(plan, reader, user=user, file_name=file_name)
    except IntegrityError as error:
        # Units are looked up before they are written: one added meanwhile (by another import)
        # makes its tower and number taken. Everything this import wrote is undone.
        result.totals["error"] += 1
        result.problems.append(
            _("The database refused the units (%(error)s): another import may have written the "
              "same units meanwhile. Run this one again.") % {"error": str(error).strip()}
        )  # fmt: skip
    return result


class _Reader:
    """Checks the rows with the shared rules; the lookups it needs are made once, here.

    A cell value is read and checked once however many rows hold it (a floor, a tower name,
    a unit number repeated in every tower): each cache is keyed by the value and its type,
    since 1, 1.0 and True are equal keys but not equal cells.
    """

    def __init__(self, headers: list[str], region_code: str | None):
        # A column named twice (tower and blok) is read from its last copy, as the admin does.
        self.column = {key: i for i, key in enumerate(headers)}
        self.finder = BuildingFinder(KelurahanResolver(region_code), region_code)
        self.towers: dict[tuple, tuple[int, str]] = {}  # tower key → (id, name)
        self.units: dict[tuple, tuple] = {}  # (tower id, number) → (id, floor, residential)

    def plan(self, sheet: Sheet, result: UnitImportResult) -> _Plan:
        found = self._buildings_found(sheet.rows)
        self._load_towers_and_units({pk for pk, _errors in found if pk is not None})
        plan = _Plan()
        totals, problems = result.totals, result.problems
        towers, units, tower_floors = self.towers, self.units, plan.tower_floors
        new_towers, creates, updates, counts = (
            plan.new_towers,
            plan.creates,
            plan.updates,
            plan.counts,
        )
        column = self.column
        tower_at, number_at = column["tower"], column["number"]
        floor_at, residential_at = column.get("floor"), column.get("residential")
        tower_cells, number_cells, floor_cells, residential_cells = {}, {}, {}, {}
        checks = {name: {} for name in UNIT_ROW_FIELDS}
        seen = {}
        for row, line, (building_id, errors) in zip(sheet.rows, sheet.lines, found, strict=True):
            errors = {f: list(m) for f, m in errors.items()} if errors else {}
            raw = row[tower_at]
            tower = tower_cells.get((raw.__class__, raw))
            if tower is None:
                name = tidy(raw)
                tower = tower_cells[(raw.__class__, raw)] = (
                    name, name.lower(), tower_name_problem(name)
                )  # fmt: skip
            raw = row[number_at]
            number = number_cells.get((raw.__class__, raw))
            if number is None:
                number = number_cells[(raw.__class__, raw)] = read_number(raw)
            floor = floor_error = None
            if floor_at is not None:
                raw = row[floor_at]
                cell = floor_cells.get((raw.__class__, raw))
                if cell is None:
                    cell = floor_cells[(raw.__class__, raw)] = _read(read_floor, raw)
                floor, floor_error = cell
            tower_key = (building_id, tower[1])
            if building_id is not None and floor is not None:
                # Towers created are as tall as the highest floor any row gives them.
                if floor > tower_floors.get(tower_key, 1):
                    tower_floors[tower_key] = floor
            if tower[2]:
                errors.setdefault("tower", []).append(tower[2])
            if problem := number_problem(number):
                errors.setdefault("number", []).append(problem)
            unit = None
            if not errors:
                existing = towers.get(tower_key)
                if existing is None:
                    new_towers.setdefault(tower_key, tower[0])
                else:
                    unit = units.get((existing[0], number))
                first = seen.setdefault((tower_key, number), line)
                if first != line:
                    errors["number"] = [unit_repeated_problem(first)]
            # The cells, as the admin's resource sets them on the unit.
            if floor_error is not None:
                errors.setdefault("floor", []).append(floor_error)
            residential = None
            if residential_at is not None:
                raw = row[residential_at]
                cell = residential_cells.get((raw.__class__, raw))
                if cell is None:
                    cell = residential_cells[(raw.__class__, raw)] = _read(read_residential, raw)
                residential, residential_error = cell
                if residential_error is not None:
                    errors.setdefault("residential", []).append(residential_error)
            if unit is not None:
                if floor_at is None:
                    floor = unit[1]
                if residential is None:
                    residential = unit[2]
                if not errors and floor == unit[1] and residential == unit[2]:
                    totals["skip"] += 1
                    continue
            elif residential is None:
                residential = True
            # The model's own checks of the values the unit would get, once per value.
            for name, value in (("floor", floor), ("number", number), ("residential", residential)):
                if name not in errors:
                    key = (value.__class__, value)
                    found_problems = checks[name].get(key)
                    if found_problems is None:
                        found_problems = checks[name][key] = unit_field_problems(name, value)
                    if found_problems:
                        errors[name] = list(found_problems)
            if errors:
                totals["invalid"] += 1
                problems.extend(
                    _("Line %(line)s, column %(column)s: %(message)s")
                    % {"line": line, "column": column_label(name), "message": message}
                    for name, messages in errors.items()
                    for message in messages
                )
            elif unit is None:
                totals["new"] += 1
                creates.append((tower_key, floor, number, residential))
                counts[tower_key][0] += 1
            else:
                totals["update"] += 1
                updates.append((unit[0], floor, residential))
                counts[tower_key][1] += 1
        return plan

    def _buildings_found(self, rows: list[list]) -> list[tuple]:
        """For each row, (its building's id, None) or (None, the reasons there is none)."""
        at = [self.column.get(key) for key in ("building", "kelurahan", "kecamatan", "kota")]
        present = [i for i in at if i is not None]  # the building's column always is
        cells_of = itemgetter(*present) if len(present) > 1 else lambda row: (row[present[0]],)
        find = self.finder.find
        answers = {}
        found = []
        for row in rows:
            cells = cells_of(row)
            key = (cells, tuple(map(type, cells)))
            answer = answers.get(key)
            if answer is None:
                # The columns the file lacks read as None, as the admin's row.get() does.
                args = iter(cells)
                try:
                    answer = (find(*(None if i is None else next(args) for i in at)).id, None)
                except ValidationError as e:
                    answer = (None, e.message_dict)
                answers[key] = answer
            found.append(answer)
        return found

    def _load_towers_and_units(self, building_ids: set[int]) -> None:
        towers = Tower.objects.filter(building_id__in=building_ids)
        for pk, building_id, name in towers.values_list("pk", "building_id", "name"):
            self.towers[(building_id, name.lower())] = (pk, name)
        tower_ids = [pk for pk, _name in self.towers.values()]
        units = Unit.objects.filter(tower_id__in=tower_ids)
        for pk, tower_id, number, floor, residential in units.values_list(
            "pk", "tower_id", "number", "floor", "residential"
        ):
            self.units[(tower_id, number)] = (pk, floor, residential)


def _read(read, value) -> tuple:
    """(read(value), None), or (None, the message of the ValueError it raised)."""
    try:
        return read(value), None
    except ValueError as e:
        return None, str(e)


def _write(plan: _Plan, reader: _Reader, *, user, file_name: str | None) -> None:
    buildings = {b.pk: b for b in reader.finder.buildings.values()}
    actor = user if getattr(user, "pk", None) else None
    extra = {"file": file_name} if file_name else None
    tower_ids = {key: pk for key, (pk, _name) in reader.towers.items()}
    names = {pk: f"{buildings[key[0]].name} / {name}" for key, (pk, name) in reader.towers.items()}
    created = _towers_create(plan, buildings)
    if created:
        audit_bulk(
            Tower,
            [(t.pk, str(t), CREATE, _created_fields(t)) for t in created],
            actor=actor,
            additional_data=extra,
        )
    for key, tower in zip(plan.new_towers, created, strict=True):
        tower_ids[key] = tower.pk
        names[tower.pk] = f"{tower.building.name} / {tower.name}"
    _units_insert([(tower_ids[key], f, n, r) for key, f, n, r in plan.creates])
    _units_update(plan.updates)
    audit_bulk(
        Tower,
        [
            (
                tower_ids[key],
                names[tower_ids[key]],
                UPDATE,
                {"units_imported": (0, new), "units_updated": (0, updated)},
            )
            for key, (new, updated) in plan.counts.items()
        ],
        actor=actor,
        additional_data=extra,
    )


def _created_fields(tower: Tower) -> dict:
    """{field: (None, value)} for the tower's fields that have a value, as auditlog records a
    creation (its own diff would read the tower's reverse relations, a query each)."""
    values = {f.name: getattr(tower, f.attname) for f in Tower._meta.concrete_fields}
    return {name: (None, value) for name, value in values.items() if value is not None}


def _towers_create(plan: _Plan, buildings: dict) -> list[Tower]:
    towers = [
        Tower(
            building=buildings[key[0]],
            name=name,
            floors=new_tower_floors(plan.tower_floors.get(key, 1)),
        )
        for key, name in plan.new_towers.items()
    ]
    return Tower.objects.bulk_create(towers) if towers else []


# Every column of a unit but its id; those a row does not set take their model default.
_UNIT_FIELDS = [f for f in Unit._meta.concrete_fields if not f.primary_key]
_ROW_COLUMNS = ("tower_id", "floor", "number", "residential")


def _unit_defaults() -> list:
    return [
        f.get_db_prep_save(f.get_default(), connection)
        for f in _UNIT_FIELDS
        if f.attname not in _ROW_COLUMNS
    ]


def _unit_columns() -> list[str]:
    rest = [f.column for f in _UNIT_FIELDS if f.attname not in _ROW_COLUMNS]
    return [*_ROW_COLUMNS, *rest]


def _units_insert(rows: list[tuple]) -> None:
    """Insert (tower id, floor, number, residential) rows, the other columns at their
    defaults, in one statement."""
    if not rows:
        return
    table, columns, defaults = Unit._meta.db_table, _unit_columns(), _unit_defaults()
    if connection.vendor == "postgresql":
        _copy(table, columns, rows, defaults)
        return
    placeholders = ", ".join(["%s"] * len(columns))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders})",
            [(*row, *defaults) for row in rows],
        )


def _units_update(rows: list[tuple]) -> None:
    """Set (unit id, floor, residential) in one statement."""
    if not rows:
        return
    table = Unit._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Each column as one array literal ("{1,2,3}"), which the server reads far faster
            # than a parameter list of 100,000 values.
            ids, floors, flags = zip(*rows, strict=True)
            cursor.execute(
                f"UPDATE {table} AS u SET floor = v.floor, residential = v.residential "
                "FROM unnest(%s::bigint[], %s::smallint[], %s::boolean[]) "
                "AS v(id, floor, residential) WHERE u.id = v.id",
                [
                    "{" + ",".join(map(str, ids)) + "}",
                    "{" + ",".join(map(str, floors)) + "}",
                    "{" + ",".join("t" if flag else "f" for flag in flags) + "}",
                ],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET floor = %s, residential = %s WHERE id = %s",
                [(floor, residential, pk) for pk, floor, residential in rows],
            )


def _copy(table: str, columns: list[str], rows: list[tuple], defaults: list) -> None:
    """COPY the rows into the table (PostgreSQL); it shows in the query log like any other
    statement, so tests count it."""
    tail = "".join("\t" + _copy_text(value) for value in defaults) + "\n"
    # Unit numbers are tidied (no tab, newline or carriage return is left): only a
    # backslash needs escaping.
    backslash, escaped = "\\", "\\\\"
    data = "".join(
        f"{tower_id}\t{floor}\t{number.replace(backslash, escaped)}\t{'t' if flag else 'f'}{tail}"
        for tower_id, floor, number, flag in rows
    )
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(sql, io.StringIO(data))
    if connection.queries_logged:
        connection.queries_log.append(
            {"sql": f"{sql} -- {len(rows)} rows", "time": f"{time.monotonic() - started:.3f}"}
        )


def _copy_text(value) -> str:
    """A value in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        for char, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
            text = text.replace(char, escaped)
    return text
