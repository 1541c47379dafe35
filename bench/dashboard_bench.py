"""Dashboard benchmark at Jakarta scale: server time of the coverage pages.

Builds a throw-away PostgreSQL database, fills it with `seed_scale` (2,000 buildings, 400,000
units in towers of Jakarta's sizes, 30,000 pantarlih, 1,000,000 outcomes by default), then requests the
province overview, a kota, a kelurahan and a building page through Django's test client as
KPU Provinsi, and prints median and p95 server time and the queries each page ran. The
province overview is timed twice: reading beat's snapshot (as production serves it) and
computing the snapshot itself (no beat running); the snapshot job is timed on its own too.
The buildings' map (/dasbor/peta/: its list and its markers' data in one page) is timed for
the province (every building's figures from the snapshot, and without one) and for a kota.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/coklit \\
        .venv/bin/python bench/dashboard_bench.py [--outcomes 1000000] [--runs 20]

Budget (DESIGN.md): province overview under 300 ms. Figures also go to bench/out/.
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--buildings", type=int, default=2_000)
    parser.add_argument("--towers", type=int, default=6_000)
    parser.add_argument("--units", type=int, default=400_000)
    parser.add_argument("--pantarlih", type=int, default=30_000)
    parser.add_argument("--outcomes", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", metavar="DB", help="seed into DB and keep it (or reuse it)")
    parser.add_argument("--slowest", action="store_true", help="print each page's slowest queries")
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coklit.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.db import connection

    figures = run_in_bench_database(connection, args, "dashboard", run)
    path = OUT / "dashboard_bench.json"
    path.write_text(json.dumps(figures, indent=2))
    print(f"\nwritten to {path.relative_to(ROOT)}")


def run_in_bench_database(connection, args, name: str, run) -> dict:
    """`run(args)` on PostgreSQL, in the kept database (--keep DB, migrated) or in a throw-away
    one named after the benchmark, dropped afterwards."""
    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL (DATABASE_URL=postgres://…): the budget is for production.")
    OUT.mkdir(parents=True, exist_ok=True)
    if args.keep:
        _use_kept_database(connection, args)
        return run(args)
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{name}_{os.getpid()}"
    old = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        return run(args)
    finally:
        connection.close()
        connection.creation.destroy_test_db(old, verbosity=0)


def _use_kept_database(connection, args):
    """Point at DB, creating it when it does not exist yet; migrate it either way, so a
    database kept from an older checkout has today's tables."""
    import psycopg2
    from django.core.management import call_command

    admin = psycopg2.connect(dbname="postgres", **_server(connection))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.keep])
        exists = cursor.fetchone()
        if not exists:
            cursor.execute(f'CREATE DATABASE "{args.keep}"')
    admin.close()
    connection.close()
    connection.settings_dict["NAME"] = args.keep
    args.reuse = bool(exists)
    call_command("migrate", verbosity=0)


def _server(connection):
    s = connection.settings_dict
    return {k: v for k, v in {"host": s["HOST"], "port": s["PORT"], "user": s["USER"],
                              "password": s["PASSWORD"]}.items() if v}  # fmt: skip


def scale_seed_or_reuse(args) -> float:
    """Fill the database with seed_scale (unless a kept one is reused), then ANALYZE it."""
    from django.core.management import call_command
    from django.db import connection

    started = time.perf_counter()
    if not getattr(args, "reuse", False):
        call_command(
            "seed_scale",
            buildings=args.buildings,
            towers=args.towers,
            units=args.units,
            pantarlih=args.pantarlih,
            outcomes=args.outcomes,
        )
    seed_seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return seed_seconds


def run(args) -> dict:
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from buildings.models import Building

    seed_seconds = scale_seed_or_reuse(args)
    print(f"seed_scale: {seed_seconds:.0f} s\n")

    # Time as production runs: no per-query logging (DEBUG only set the dev static storage).
    settings.DEBUG = False
    admin = User.objects.filter(email="bench@skala.coklit.id").first() or (
        User.objects.create_superuser("bench@skala.coklit.id", "bench", role="kpu_provinsi")
    )
    client = Client(SERVER_NAME="localhost")
    client.force_login(admin)
    building = Building.objects.filter(name__startswith="Skala ").order_by("pk").first()
    kelurahan = building.kelurahan.code
    province = "/dasbor/wilayah/31/"
    pages = {
        "province overview": province,
        # The same page when it finds no snapshot and computes one (beat not running).
        "province, no snapshot": province,
        "kota": f"/dasbor/wilayah/{kelurahan[:5]}/",
        "kelurahan": f"/dasbor/wilayah/{kelurahan}/",
        "building": f"/dasbor/gedung/{building.pk}/",
        "map, province": "/dasbor/peta/",
        "map, province, no snapshot": "/dasbor/peta/",
        "map, kota": f"/dasbor/peta/?wilayah={kelurahan[:5]}",
    }
    figures = {"seed_seconds": round(seed_seconds, 1), **vars(args), "pages": {}}
    for label, url in pages.items():
        url += ("&" if "?" in url else "?") + "tanggal=2024-07-10"
        client.get(url)  # warm caches
        times = []
        for _ in range(args.runs):
            if label.endswith("no snapshot"):
                cache.clear()
            t0 = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times.sort()
        p95 = times[max(0, int(len(times) * 0.95) - 1)]
        row = {"median_ms": round(statistics.median(times), 1), "p95_ms": round(p95, 1),
               "queries": len(queries)}  # fmt: skip
        figures["pages"][label] = row
        print(f"{label:<26} median {row['median_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
              f"{row['queries']} queries")  # fmt: skip
        if args.slowest:
            for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:4]:
                print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:220]}")
    # Beat's minute job, which keeps the province overview's snapshot fresh.
    from dashboard.coverage import clock_for, province_snapshot_take

    period = clock_for(datetime.date(2024, 7, 10)).period
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        province_snapshot_take(period)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    row = {"median_ms": round(statistics.median(times), 1),
           "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1)}  # fmt: skip
    figures["snapshot_job"] = row
    print(f"{'snapshot job':<26} median {row['median_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms")
    figures["tomorrow"] = tomorrow_pages(client, args, kelurahan[:5], admin)
    # Exports: what the background task builds for the province-wide lists.
    from dashboard.exports import export_build

    figures["exports"] = {}
    for kind, fmt in (("buildings", "csv"), ("buildings", "xlsx"), ("issues", "xlsx")):
        t0 = time.perf_counter()
        built = export_build(user=admin, kind=kind, code="31", fmt=fmt)
        content, rows = built.content, built.rows
        seconds = time.perf_counter() - t0
        figures["exports"][f"{kind}.{fmt}"] = {"seconds": round(seconds, 2), "rows": rows,
                                               "bytes": len(content)}  # fmt: skip
        print(f"export {kind}.{fmt:<5} {seconds:6.2f} s  {rows:,} rows  {len(content):,} bytes")
    return figures


def tomorrow_pages(client, args, kota: str, staff) -> dict:
    """The tomorrow page (/dasbor/besok/) on the night of 10 July 2024: the province, a kota.

    seed_scale plans nothing, so the night is set up inside a transaction rolled back at the
    end (a kept database stays as it was): a schedule on 11 July at one building in ten, at
    one of its towers (half still proposed, a third of those by the building's manager), no
    pantarlih at one tower in twenty, and a contact phone at two buildings in three.
    """
    import random

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from buildings.models import Building, BuildingManager, Tower
    from visits.models import Assignment, CoklitPeriod, Schedule

    rng = random.Random(11)
    day = datetime.date(2024, 7, 11)
    figures = {}
    with transaction.atomic():
        period = CoklitPeriod.objects.open_on(day).get()
        buildings = list(Building.objects.filter(name__startswith="Skala ").order_by("pk"))
        towers: dict[int, list[int]] = {}
        for pk, building_id in Tower.objects.order_by("pk").values_list("pk", "building_id"):
            towers.setdefault(building_id, []).append(pk)
        managers = dict(
            BuildingManager.objects.filter(is_primary=True).values_list("building_id", "user_id")
        )
        schedules = []
        for i, b in enumerate(buildings[::10]):
            proposed = i % 2 == 0
            by_manager = proposed and i % 3 == 0 and b.pk in managers
            schedules.append(Schedule(
                period=period, building=b,
                tower_id=rng.choice(towers[b.pk]) if b.pk in towers else None,
                kind=Schedule.Kind.POSKO if by_manager else Schedule.Kind.DOOR_TO_DOOR,
                date=day, start=datetime.time(8 + i % 10), end=datetime.time(9 + i % 10),
                status=Schedule.Status.PROPOSED if proposed else Schedule.Status.CONFIRMED,
                proposed_by_id=managers[b.pk] if by_manager else staff.pk,
                decided_by_id=None if proposed else managers.get(b.pk, staff.pk),
            ))  # fmt: skip
        Schedule.objects.bulk_create(schedules)
        every_tower = sorted(pk for ids in towers.values() for pk in ids)
        bare = rng.sample(every_tower, len(every_tower) // 20)
        Assignment.objects.filter(tower_id__in=bare).delete()
        reachable = [b.pk for i, b in enumerate(buildings) if i % 3]
        Building.objects.filter(pk__in=reachable).update(contact_phone="+6281234500000")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE visits_schedule, visits_assignment, buildings_building")
        pages = {
            "tomorrow, province": "/dasbor/besok/?tanggal=2024-07-10",
            "tomorrow, kota": f"/dasbor/besok/?wilayah={kota}&tanggal=2024-07-10",
        }
        for label, url in pages.items():
            client.get(url)  # warm caches
            times = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t0) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            times.sort()
            row = {"median_ms": round(statistics.median(times), 1),
                   "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)], 1),
                   "queries": len(queries)}  # fmt: skip
            figures[label] = row
            print(f"{label:<26} median {row['median_ms']:7.1f} ms  p95 {row['p95_ms']:7.1f} ms  "
                  f"{row['queries']} queries")  # fmt: skip
            if args.slowest:
                for q in sorted(queries.captured_queries, key=lambda q: -float(q["time"]))[:4]:
                    print(f"    {float(q['time']) * 1000:7.1f} ms  {q['sql'][:220]}")
        figures["planned"] = {"schedules": len(schedules), "towers_unassigned": len(bare),
                              "buildings_without_contact": len(buildings) - len(reachable)}  # fmt: skip
        transaction.set_rollback(True)
    return figures


if __name__ == "__main__":
    main()
