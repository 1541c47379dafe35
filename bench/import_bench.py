"""Import benchmark: how long the building and unit imports take at Jakarta scale.

The budget (DESIGN.md): a 100,000-row import in under a minute. This script builds a
throw-away database (never the development one), writes synthetic CSV files shaped like
real ones (buildings spread over the kelurahan, towers of 10–40 floors), and times:

  the buildings import; the units import by the command's path (`manage.py import_units`,
  buildings/unit_import.py: its transaction, actor and audit rows included), the same file
  again (every row found and unchanged) and a file changing every unit; then, unless
  --skip-admin, the same three by the admin's path (django-import-export, row by row, with
  its preview's dry run), which must store exactly the units the command stored; and the
  unit generator. After each path's import the towers' totals are checked against a
  recount of their units (no drift, whatever wrote them).

The files are written the way the housing office sends them: Excel in the Indonesian
locale, so semicolons, a UTF-8 BOM and decimal commas, with the documented column names

  buildings: nama;jenis;alamat;kelurahan;kecamatan;kota;pengelola;latitude;longitude
  units:     gedung;tower;lantai;nomor;hunian

The kelurahan is given by name, with its kecamatan and kota written the short way people
write them ("Jakarta Selatan", not "Kota Administrasi Jakarta Selatan"); the units file
has no kelurahan column because the generated building names are unique; hunian is ya/tidak.

On PostgreSQL it also measures the physical limit: the same 2,000 building rows and the
same 100,000 unit rows, every column but the id exactly as the import stored them, loaded
with `COPY ... FROM STDIN` into a fresh temporary table made `LIKE` the real one, with its
defaults, identity, check constraints and indexes (unique ones included). The columns come
from the model's concrete fields and are checked against the table's own, so a column added
later is loaded too (or the run stops, saying which). Only the COPY is timed, best of three.
A temporary table writes no WAL, checks no foreign key and fires no trigger, so this is a
ceiling no import reaches; the ratio "import rows/s ÷ COPY rows/s" says how far below it the
import runs. Target (issue #19): the units import by the command's path at least 0.1× COPY;
the admin's path is given beside it.
If the baseline cannot be taken the script says why and exits with status 1: a benchmark
whose yardstick failed has no figure to give.

`--profile` then runs the command on the units file once more (after deleting the units and
towers) under cProfile and prints where the time goes; the profile is written to
bench/out/import_units.prof.

    DEBUG=1 .venv/bin/python bench/import_bench.py                      # SQLite
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/coklit \\
        .venv/bin/python bench/import_bench.py [--profile] [--database NAME]  # PostgreSQL

Figures go to stdout and to bench/out/import_bench-<vendor>.json (git-ignored).
"""

import argparse
import io
import json
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.imports.baseline import BaselineFailed, copy_fields, copy_seconds, table_columns  # noqa: E402
from bench.imports.files import kota_as_written, write_buildings, write_units  # noqa: E402

OUT = ROOT / "bench" / "out"
# Issue #19: the units import (the commands' path) reaches at least this share of COPY.
UNITS_TARGET = 0.1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--buildings", type=int, default=2000)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--generate-towers", type=int, default=50, help="towers for the generator")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--profile", action="store_true",
                        help="import the units once more under cProfile; print where time goes")  # fmt: skip
    parser.add_argument("--skip-admin", action="store_true",
                        help="time only the command's path, not the admin's (django-import-export)")  # fmt: skip
    parser.add_argument("--database", metavar="NAME",
                        help="name of the throw-away PostgreSQL database (dropped at the end)")  # fmt: skip
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coklit.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.db import connection

    OUT.mkdir(parents=True, exist_ok=True)
    # A database of its own, so a test run on the same server is never disturbed.
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(OUT / "bench.sqlite3")
    else:
        test_settings["NAME"] = args.database or f"bench_import_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    failure = None
    try:
        with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
            figures = run(args, connection.vendor, Path(tmp))
    except BaselineFailed as error:
        figures, failure = error.figures, str(error)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)

    path = OUT / f"import_bench-{connection.vendor}.json"
    path.write_text(json.dumps(figures, indent=2))
    print(f"\nwritten to {path.relative_to(ROOT)}")
    if failure:
        sys.exit(f"\nFAILED: {failure}")


def run(args, vendor: str, tmp: Path) -> dict:
    from buildings.imports import buildings_import, dataset_load, import_problems, units_import
    from buildings.models import Building, Tower, Unit
    from buildings.unit_generator import units_generate
    from regions.models import Region

    rng = random.Random(args.seed)
    kelurahan = [
        (r.code, r.name, r.parent.name, kota_as_written(r.parent.parent.name))
        for r in Region.objects.filter(level=Region.Level.KELURAHAN).select_related(
            "parent__parent"
        )
    ]
    buildings_csv, units_csv = tmp / "gedung.csv", tmp / "unit.csv"
    expected_kelurahan = write_buildings(buildings_csv, args.buildings, kelurahan, rng)
    names = list(expected_kelurahan)
    write_units(units_csv, args.units, names, random.Random(args.seed))

    figures = {"vendor": vendor, "buildings": args.buildings, "units": args.units}

    def timed(label, fn, expect):
        start = time.perf_counter()
        result = fn()
        seconds = time.perf_counter() - start
        totals = dict(result.totals) if hasattr(result, "totals") else {}
        if hasattr(result, "invalid_rows"):
            problems = import_problems(result)
        else:
            problems = getattr(result, "problems", [])
        assert not problems, problems
        if expect:
            for key, value in expect.items():
                assert totals[key] == value, (label, totals)
        rows = sum(totals.get(k, 0) for k in ("new", "update", "skip")) or None
        figures[label] = {"seconds": round(seconds, 2), **totals}
        if rows:
            figures[label]["rows_per_s"] = round(rows / seconds)
        rate = f"{rows / seconds:,.0f} rows/s" if rows else ""
        print(f"{label:<28} {seconds:8.2f} s  {rate:>16}  {totals or ''}")
        return result

    print(f"{vendor}: {args.buildings:,} buildings, {args.units:,} units\n")
    timed("load csv (units)", lambda: dataset_load(units_csv), None)
    timed(
        "buildings import",
        lambda: buildings_import(dataset=dataset_load(buildings_csv)),
        {"new": args.buildings},
    )
    # Every building landed in the kelurahan its row named, coordinates read despite the comma.
    assert dict(Building.objects.values_list("name", "kelurahan__code")) == expected_kelurahan
    assert not Building.objects.filter(latitude__isnull=True).exists()
    assert not Building.objects.filter(manager_org="").exists()

    # The command's path (manage.py import_units, buildings/unit_import.py): issue #19's target.
    timed("units import (command)", lambda: command_import(units_csv), {"new": args.units})
    assert_no_drift()
    # Taken now, before the "all changed" file flips them: the rows the import wrote, every
    # column (the totals and status_at included) as it stored them.
    unit_fields = copy_fields(Unit)
    unit_rows = list(Unit.objects.order_by("pk").values_list(*[f.attname for f in unit_fields]))
    stored = stored_units()
    timed(
        "units again (command, unchanged)",
        lambda: command_import(units_csv),
        {"skip": args.units},
    )
    changed_csv = tmp / "unit-changed.csv"
    write_units(changed_csv, args.units, names, random.Random(args.seed), flip_residential=True)
    timed(
        "units again (command, changed)",
        lambda: command_import(changed_csv),
        {"update": args.units},
    )
    assert Unit.objects.count() == args.units
    assert_no_drift()

    if not args.skip_admin:
        # The admin's path (django-import-export, row by row, with its preview), on the same
        # file from scratch: it must store exactly what the command stored.
        units_and_towers_delete()
        units = dataset_load(units_csv)
        timed(
            "units dry run (admin)",
            lambda: units_import(dataset=units, dry_run=True),
            {"new": args.units},
        )
        assert not Unit.objects.exists()
        timed(
            "units import (admin)",
            lambda: units_import(dataset=dataset_load(units_csv)),
            {"new": args.units},
        )
        assert stored_units() == stored, "the admin's import stored other units than the command"
        assert_no_drift()
        timed(
            "units again (admin, unchanged)",
            lambda: units_import(dataset=dataset_load(units_csv)),
            {"skip": args.units},
        )
        timed(
            "units again (admin, changed)",
            lambda: units_import(dataset=dataset_load(changed_csv)),
            {"update": args.units},
        )
        assert Unit.objects.count() == args.units

    building = Building.objects.order_by("pk").first()
    towers = [
        Tower(building=building, name=f"Gen {i}", floors=40) for i in range(args.generate_towers)
    ]
    Tower.objects.bulk_create(towers)

    def generate():
        created = 0
        for tower in Tower.objects.filter(building=building, name__startswith="Gen "):
            created += units_generate(
                tower=tower, units_per_floor=20, skip_floors=[4, 13, 14]
            ).created
        return created

    start = time.perf_counter()
    created = generate()
    seconds = time.perf_counter() - start
    figures["unit generator"] = {"seconds": round(seconds, 2), "units": created}
    print(
        f"{'unit generator':<28} {seconds:8.2f} s  {created / seconds:>11,.0f} rows/s  {created:,} units"
    )

    print()
    if vendor != "postgresql":
        figures["copy baseline"] = "PostgreSQL only"
        print("COPY baseline: PostgreSQL only (this run is on SQLite), skipped.")
        if args.profile:
            figures["profile"] = profile_units_import(units_csv, args.units)
        return figures

    # Every column but the id; created_at and updated_at too, having no database default.
    building_fields = copy_fields(Building)
    building_rows = list(
        Building.objects.order_by("pk").values_list(*[f.attname for f in building_fields])
    )
    assert len(building_rows) == args.buildings
    assert len(unit_rows) == args.units
    for label, model, fields, rows, import_label in [
        ("COPY buildings", Building, building_fields, building_rows, "buildings import"),
        ("COPY units", Unit, unit_fields, unit_rows, "units import (command)"),
    ]:
        table, columns = model._meta.db_table, [f.column for f in fields]
        missing = table_columns(table) - {model._meta.pk.column, *columns}
        try:
            if missing:
                raise ValueError(
                    f"{table} has columns the baseline would not load: {', '.join(sorted(missing))}"
                )
            seconds = copy_seconds(table, columns, rows)
        except Exception as error:  # noqa: BLE001 — whatever broke the yardstick, say it and stop
            figures[label] = {"error": f"{type(error).__name__}: {error}".strip()}
            print(f"{label:<28} FAILED: {figures[label]['error']}")
            raise BaselineFailed(
                f"{label}: the COPY baseline failed ({figures[label]['error']}), so there is "
                f"no import-vs-COPY ratio for {import_label}",
                figures,
            ) from error
        rate = len(rows) / seconds
        ratio = figures[import_label]["rows_per_s"] / rate
        figures[label] = {
            "seconds": round(seconds, 4),
            "rows": len(rows),
            "rows_per_s": round(rate),
            "import_rows_per_s": figures[import_label]["rows_per_s"],
            "import_over_copy": round(ratio, 4),
        }
        print(
            f"{label:<28} {seconds:8.3f} s  {rate:>11,.0f} rows/s  "
            f"{import_label}: {figures[import_label]['rows_per_s']:,} rows/s "
            f"= {ratio:.1%} of COPY (1/{1 / ratio:,.0f})"
        )
    copy_rate = figures["COPY units"]["rows_per_s"]
    if "units import (admin)" in figures:
        admin_ratio = figures["units import (admin)"]["rows_per_s"] / copy_rate
        figures["COPY units"]["admin_import_over_copy"] = round(admin_ratio, 4)
        print(
            f"{'':<28} {'':>8}    {'':>11}         units import (admin): "
            f"{figures['units import (admin)']['rows_per_s']:,} rows/s = {admin_ratio:.1%} of COPY"
        )
    units_ratio = figures["COPY units"]["import_over_copy"]
    met = units_ratio >= UNITS_TARGET
    figures["units_target_met"] = met
    print(
        f"\nunits import (the command's path, manage.py import_units) at {args.units:,} units = "
        f"{units_ratio:.3f}× COPY; target ≥ {UNITS_TARGET}× {'met' if met else 'MISSED'}"
    )
    if args.profile:
        figures["profile"] = profile_units_import(units_csv, args.units)
    return figures


def profile_units_import(units_csv: Path, count: int) -> str:
    """The command's units import of the file once more, without its units and towers, under
    cProfile: prints the functions that took the most time and writes the profile for
    snakeviz/pstats."""
    import cProfile
    import pstats

    units_and_towers_delete()
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    result = command_import(units_csv)
    profiler.disable()
    seconds = time.perf_counter() - start
    assert result.totals["new"] == count, dict(result.totals)
    path = OUT / "import_units.prof"
    profiler.dump_stats(path)
    print(f"\nunits import under cProfile: {seconds:.1f} s (profiling slows it down)")
    for order in ("tottime", "cumulative"):
        print(f"\n--- by {order} ---")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats(order).print_stats(25)
    return str(path.relative_to(ROOT))


@dataclass
class CommandRun:
    """What `manage.py import_units` printed: its counts and the problems it listed."""

    totals: dict[str, int]
    problems: list[str]


def command_import(path: Path) -> CommandRun:
    """`manage.py import_units <path>` as an operator runs it (its transaction, the system
    account as the actor, the audit rows), its output read back in English."""
    from django.core.management import call_command
    from django.utils import translation

    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        call_command("import_units", str(path), stdout=out, stderr=err)
    counts = re.search(r"(\d+) new, (\d+) updated, (\d+) unchanged", out.getvalue())
    assert counts, out.getvalue()
    new, update, skip = map(int, counts.groups())
    problems = err.getvalue().splitlines()[1:]
    return CommandRun({"new": new, "update": update, "skip": skip}, problems)


def units_and_towers_delete() -> None:
    """Remove every unit and tower (nothing else points at them here; the triggers follow)."""
    from django.db import connection

    from buildings.models import Tower, Unit

    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {Unit._meta.db_table}")
        cursor.execute(f"DELETE FROM {Tower._meta.db_table}")


def stored_units() -> set[tuple]:
    """Every unit as (building, tower, floor, number, residential, status): what an import
    stored, whatever the ids."""
    from buildings.models import Unit

    return set(
        Unit.objects.values_list(
            "tower__building__name", "tower__name", "tower__floors", "floor", "number",
            "residential", "status",
        )
    )  # fmt: skip


def assert_no_drift() -> None:
    """The towers' totals (kept by the triggers) equal a recount of their units."""
    from buildings import totals

    drifted = totals.drift().towers
    assert not drifted, f"{len(drifted)} tower(s) whose totals drifted: {sorted(drifted)[:10]}"


if __name__ == "__main__":
    main()
