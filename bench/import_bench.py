"""Import benchmark: how long the building and unit imports take at Jakarta scale.

The budget (DESIGN.md): a 100,000-row import in under a minute. This script builds a
throw-away database (never the development one), writes synthetic CSV files shaped like
real ones (buildings spread over the kelurahan, towers of 10–40 floors), and times:

  buildings import, units dry run (the preview), units import, the same units file again
  (every row found and skipped), a file changing every unit, and the unit generator.

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
import runs. Target (issue #19): the units import, the commands' path, at least 0.1× COPY.
If the baseline cannot be taken the script says why and exits with status 1: a benchmark
whose yardstick failed has no figure to give.

`--profile` then imports the units file once more (after deleting the units) under cProfile
and prints where the time goes; the profile is written to bench/out/import_units.prof.

    DEBUG=1 .venv/bin/python bench/import_bench.py                      # SQLite
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/coklit \\
        .venv/bin/python bench/import_bench.py [--profile]              # PostgreSQL

Figures go to stdout and to bench/out/import_bench-<vendor>.json (git-ignored).
"""

import argparse
import csv
import io
import itertools
import json
import os
import random
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
COPY_REPEATS = 3
# Issue #19: the units import (the commands' path) reaches at least this share of COPY.
UNITS_TARGET = 0.1
# "Kota Administrasi Jakarta Selatan" → "Jakarta Selatan", as people write it.
_KOTA_OFFICIAL_PREFIX = re.compile(r"^(Kota|Kabupaten) Administrasi ")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--buildings", type=int, default=2000)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--generate-towers", type=int, default=50, help="towers for the generator")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--profile", action="store_true",
                        help="import the units once more under cProfile; print where time goes")  # fmt: skip
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


class BaselineFailed(Exception):
    """The COPY baseline could not be taken: there is no ratio to give, and the run fails."""

    def __init__(self, message: str, figures: dict):
        super().__init__(message)
        self.figures = figures


def copy_fields(model) -> list:
    """Every column of the model's table but the id, as the model declares them today."""
    return [f for f in model._meta.concrete_fields if not f.primary_key]


def table_columns(table: str) -> set[str]:
    from django.db import connection

    with connection.cursor() as cursor:
        return {c.name for c in connection.introspection.get_table_description(cursor, table)}


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
        problems = import_problems(result) if hasattr(result, "totals") else []
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

    units = dataset_load(units_csv)
    timed("units dry run", lambda: units_import(dataset=units, dry_run=True), {"new": args.units})
    assert not Unit.objects.exists()
    timed(
        "units import", lambda: units_import(dataset=dataset_load(units_csv)), {"new": args.units}
    )
    # Taken now, before the "all changed" file flips them: the rows the import wrote, every
    # column (the totals and status_at included) as it stored them.
    unit_fields = copy_fields(Unit)
    unit_rows = list(Unit.objects.order_by("pk").values_list(*[f.attname for f in unit_fields]))
    timed(
        "units again (unchanged)",
        lambda: units_import(dataset=dataset_load(units_csv)),
        {"skip": args.units},
    )
    changed_csv = tmp / "unit-changed.csv"
    write_units(changed_csv, args.units, names, random.Random(args.seed), flip_residential=True)
    timed(
        "units again (all changed)",
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
        ("COPY units", Unit, unit_fields, unit_rows, "units import"),
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
    units_ratio = figures["COPY units"]["import_over_copy"]
    met = units_ratio >= UNITS_TARGET
    figures["units_target_met"] = met
    print(
        f"\nunits import (the commands' path) = {units_ratio:.3f}× COPY; target ≥ "
        f"{UNITS_TARGET}× {'met' if met else 'MISSED'}"
    )
    if args.profile:
        figures["profile"] = profile_units_import(units_csv, args.units)
    return figures


def profile_units_import(units_csv: Path, count: int) -> str:
    """The units import of the file once more, on an empty units table, under cProfile:
    prints the functions that took the most time and writes the profile for snakeviz/pstats."""
    import cProfile
    import pstats

    from django.db import connection

    from buildings.imports import dataset_load, units_import
    from buildings.models import Unit

    with connection.cursor() as cursor:  # no outcome points at them; the triggers follow
        cursor.execute(f"DELETE FROM {Unit._meta.db_table}")
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    result = units_import(dataset=dataset_load(units_csv))
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


def copy_seconds(table: str, columns: list[str], rows: list[tuple]) -> float:
    """Fastest of COPY_REPEATS loads of `rows` into a fresh temporary copy of `table`."""
    from django.db import connection

    data = "".join("\t".join(copy_value(v) for v in row) + "\n" for row in rows)
    target = f"bench_copy_{table}"
    best = None
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg2's own cursor, for copy_expert
        for _ in range(COPY_REPEATS):
            raw.execute(f"DROP TABLE IF EXISTS {target}")
            raw.execute(
                f"CREATE TEMP TABLE {target} (LIKE {table} INCLUDING DEFAULTS "
                "INCLUDING IDENTITY INCLUDING CONSTRAINTS INCLUDING INDEXES)"
            )
            stream = io.StringIO(data)
            start = time.perf_counter()
            raw.copy_expert(f"COPY {target} ({', '.join(columns)}) FROM STDIN", stream)
            seconds = time.perf_counter() - start
            raw.execute(f"SELECT count(*) FROM {target}")
            assert raw.fetchone()[0] == len(rows)
            best = seconds if best is None else min(best, seconds)
        raw.execute(f"DROP TABLE {target}")
    return best


def copy_value(value) -> str:
    """One field in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = str(value)
    for char, escaped in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
        text = text.replace(char, escaped)
    return text


def kota_as_written(official_name: str) -> str:
    return _KOTA_OFFICIAL_PREFIX.sub("", official_name)


def spreadsheet_writer(f):
    """What Excel in the Indonesian locale saves as "CSV UTF-8": semicolons, after a BOM."""
    return csv.writer(f, delimiter=";")


def decimal_comma(value: float) -> str:
    return f"{value:.7f}".replace(".", ",")


def write_buildings(path, count, kelurahan, rng) -> dict[str, str]:
    """The buildings file; returns each building's name and the kelurahan code it must get."""
    kinds = ["apartemen"] * 6 + ["rusunawa"] * 3 + ["rusunami"]
    expected = {}
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = spreadsheet_writer(f)
        writer.writerow(
            [
                "nama",
                "jenis",
                "alamat",
                "kelurahan",
                "kecamatan",
                "kota",
                "pengelola",
                "latitude",
                "longitude",
            ]
        )
        for i in range(count):
            name = f"Hunian Vertikal {i:04d}"
            code, kelurahan_name, kecamatan, kota = rng.choice(kelurahan)
            kind = rng.choice(kinds)
            # Public rented flats are run by a UPRS, owned ones by their residents' PPPSRS.
            manager = f"UPRS {kecamatan}" if kind == "rusunawa" else f"PPPSRS {name}"
            expected[name] = code
            writer.writerow(
                [
                    name,
                    kind,
                    f"Jl. Bench No. {i}",
                    kelurahan_name,
                    kecamatan,
                    kota,
                    manager,
                    decimal_comma(rng.uniform(-6.37, -6.08)),
                    decimal_comma(rng.uniform(106.68, 106.97)),
                ]
            )
    return expected


def write_units(path, count, buildings, rng, flip_residential=False):
    """Units tower by tower, floor by floor, until `count` rows are written."""
    written = 0
    with path.open("w", newline="", encoding="utf-8-sig") as f:
        writer = spreadsheet_writer(f)
        writer.writerow(["gedung", "tower", "lantai", "nomor", "hunian"])
        for t in itertools.count():
            name = buildings[t % len(buildings)]
            tower = f"Tower {t // len(buildings) + 1}"
            floors, per_floor = rng.randint(10, 40), rng.randint(4, 16)
            for floor in range(1, floors + 1):
                for unit in range(1, per_floor + 1):
                    if written == count:
                        return
                    # The lowest units of a tower are often shops.
                    residential = not (floor == 1 and unit <= 2)
                    if flip_residential:
                        residential = not residential
                    writer.writerow(
                        [
                            name,
                            tower,
                            floor,
                            f"{floor:02d}{unit:02d}",
                            "ya" if residential else "tidak",
                        ]
                    )
                    written += 1


if __name__ == "__main__":
    main()
