"""Import benchmark: how long the building and unit imports take at Jakarta scale.

The budget (DESIGN.md): a 100,000-row import in under a minute. This script builds a
throw-away database (never the development one), writes synthetic CSV files shaped like
real ones (buildings spread over the kelurahan, towers of 10–40 floors), and times:

  buildings import, units dry run (the preview), units import, the same units file again
  (every row found and skipped), a file changing every unit, and the unit generator.

    DEBUG=1 .venv/bin/python bench/import_bench.py                      # SQLite
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/coklit \\
        .venv/bin/python bench/import_bench.py                          # PostgreSQL

Figures go to stdout and to bench/out/import_bench-<vendor>.json.
"""

import argparse
import csv
import itertools
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--buildings", type=int, default=2000)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--generate-towers", type=int, default=50, help="towers for the generator")
    parser.add_argument("--seed", type=int, default=2024)
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
        test_settings["NAME"] = f"bench_import_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        figures = run(args, connection.vendor)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)

    path = OUT / f"import_bench-{connection.vendor}.json"
    path.write_text(json.dumps(figures, indent=2))
    print(f"\nwritten to {path.relative_to(ROOT)}")


def run(args, vendor: str) -> dict:
    from buildings.imports import buildings_import, dataset_load, import_problems, units_import
    from buildings.models import Building, Region, Tower, Unit
    from buildings.unit_generator import units_generate

    rng = random.Random(args.seed)
    kelurahan = list(
        Region.objects.filter(level=Region.Level.KELURAHAN).values_list("code", flat=True)
    )
    tmp = Path(tempfile.mkdtemp(prefix="import-bench-"))
    buildings_csv, units_csv = tmp / "buildings.csv", tmp / "units.csv"
    names = write_buildings(buildings_csv, args.buildings, kelurahan, rng)
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
        figures[label] = {"seconds": round(seconds, 2), **totals}
        rows = sum(totals.get(k, 0) for k in ("new", "update", "skip")) or None
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
    units = dataset_load(units_csv)
    timed("units dry run", lambda: units_import(dataset=units, dry_run=True), {"new": args.units})
    timed(
        "units import", lambda: units_import(dataset=dataset_load(units_csv)), {"new": args.units}
    )
    timed(
        "units again (unchanged)",
        lambda: units_import(dataset=dataset_load(units_csv)),
        {"skip": args.units},
    )
    changed_csv = tmp / "units-changed.csv"
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
    return figures


def write_buildings(path, count, kelurahan, rng) -> list[tuple[str, str]]:
    kinds = ["apartemen"] * 6 + ["rusunawa"] * 3 + ["rusunami"]
    names = []
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(
            ["name", "kind", "address", "kelurahan", "latitude", "longitude", "posko_available"]
        )
        for i in range(count):
            name, code = f"Hunian Vertikal {i:04d}", rng.choice(kelurahan)
            names.append((name, code))
            writer.writerow(
                [
                    name,
                    rng.choice(kinds),
                    f"Jl. Bench No. {i}",
                    code,
                    f"{rng.uniform(-6.37, -6.08):.7f}",
                    f"{rng.uniform(106.68, 106.97):.7f}",
                    rng.choice(["ya", "tidak"]),
                ]
            )
    return names


def write_units(path, count, buildings, rng, flip_residential=False):
    """Units tower by tower, floor by floor, until `count` rows are written."""
    written = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["building", "kelurahan", "tower", "floor", "number", "residential"])
        for t in itertools.count():
            name, code = buildings[t % len(buildings)]
            tower = f"Tower {t // len(buildings) + 1}"
            floors, per_floor = rng.randint(10, 40), rng.randint(4, 16)
            for floor in range(1, floors + 1):
                for unit in range(1, per_floor + 1):
                    if written == count:
                        return
                    # The lowest units of a tower are often shops.
                    residential = "0" if floor == 1 and unit <= 2 else "1"
                    if flip_residential:
                        residential = "1" if residential == "0" else "0"
                    writer.writerow(
                        [name, code, tower, floor, f"{floor:02d}{unit:02d}", residential]
                    )
                    written += 1


if __name__ == "__main__":
    main()
