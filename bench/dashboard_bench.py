"""Dashboard benchmark at Jakarta scale: server time of the coverage pages.

Builds a throw-away PostgreSQL database, fills it with `seed_scale` (2,000 buildings, 400,000
units in towers of Jakarta's sizes, 30,000 pantarlih, 1,000,000 outcomes by default), then
requests the province overview, a kota, a kecamatan, a kelurahan and a building page through
Django's test client as KPU Provinsi, and prints median and p95 server time and the queries
each page ran. The province overview is timed twice: reading beat's snapshot (as production
serves it) and computing the snapshot itself (no beat running); the snapshot job is timed on
its own too.
The buildings' map (/dasbor/peta/: its list and its markers' data in one page) is timed for
the province (every building's figures from the snapshot, and without one) and for a kota.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/coklit \\
        .venv/bin/python bench/dashboard_bench.py [--outcomes 1000000] [--runs 20]

Budget (DESIGN.md, issue #19): every level's p95 under 150 ms, flat from 100,000 to 400,000
units. Figures also go to bench/out/.
"""

import argparse
import datetime
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness.database import (  # noqa: E402
    django_setup,
    run_in_bench_database,
    scale_options,
    scale_seed_or_reuse,
)
from bench.harness.report import median_p95, slowest, timing_line, write_figures  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    scale_options(parser)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", metavar="DB", help="seed into DB and keep it (or reuse it)")
    parser.add_argument("--slowest", action="store_true", help="print each page's slowest queries")
    args = parser.parse_args()

    django_setup(DJANGO_SETTINGS_MODULE="coklit.settings", DEBUG="1")
    from django.db import connection

    figures = run_in_bench_database(connection, args, "dashboard", run)
    write_figures("dashboard_bench", figures)


def page_timed(client, url, args, label, *, before=None) -> dict:
    """`url` requested --runs times (after one to warm the caches), `before()` ahead of each;
    then once more for its queries. Prints and returns its row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm caches
    times = []
    for _ in range(args.runs):
        if before:
            before()
        t0 = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    row = {**median_p95(times), "queries": len(queries)}
    print(timing_line(label, row))
    if args.slowest:
        slowest(queries)
    return row


def run(args) -> dict:
    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

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
        "kecamatan": f"/dasbor/wilayah/{kelurahan.rsplit('.', 1)[0]}/",
        "kelurahan": f"/dasbor/wilayah/{kelurahan}/",
        "building": f"/dasbor/gedung/{building.pk}/",
        "map, province": "/dasbor/peta/",
        "map, province, no snapshot": "/dasbor/peta/",
        "map, kota": f"/dasbor/peta/?wilayah={kelurahan[:5]}",
    }
    figures = {"seed_seconds": round(seed_seconds, 1), **vars(args), "pages": {}}
    for label, url in pages.items():
        url += ("&" if "?" in url else "?") + "tanggal=2024-07-10"
        before = cache.clear if label.endswith("no snapshot") else None
        figures["pages"][label] = page_timed(client, url, args, label, before=before)
    # Beat's minute job, which keeps the province overview's snapshot fresh.
    from progress.figures import clock_for
    from progress.snapshot import province_snapshot_take

    period = clock_for(datetime.date(2024, 7, 10)).period
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        province_snapshot_take(period)
        times.append((time.perf_counter() - t0) * 1000)
    figures["snapshot_job"] = row = median_p95(times)
    print(timing_line("snapshot job", row))
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
            figures[label] = page_timed(client, url, args, label)
        figures["planned"] = {"schedules": len(schedules), "towers_unassigned": len(bare),
                              "buildings_without_contact": len(buildings) - len(reachable)}  # fmt: skip
        transaction.set_rollback(True)
    return figures


if __name__ == "__main__":
    main()
