"""Field-page benchmark: what a pantarlih's phone downloads, and how fast the server answers.

Budgets (DESIGN.md): under 50 KB transferred (gzip) on a field page's first load, a fixed
number of queries whatever the tower size, p95 < 100 ms server time. This script builds a
throw-away database (never the development one) with a 40-floor tower of 800 units (a
quarter of them already visited, some refused twice, occupancy hints from the manager) and
a 2-floor tower of 20 units, signs a pantarlih in with the Django test client and reports:

  bytes: each field page's HTML plus the stylesheet and script it loads, raw and gzip -6;
  queries: per page, for the small tower and the big one (must be equal);
  time: median and p95 of N requests per page (the test client: server time, no network).

    DEBUG=1 .venv/bin/python bench/field_bench.py                      # SQLite
    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/coklit \\
        .venv/bin/python bench/field_bench.py                          # PostgreSQL

Figures go to stdout and to bench/out/field_bench-<vendor>.json (git-ignored).
"""

import argparse
import datetime
import gzip
import json
import os
import re
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BUDGET_BYTES = 50 * 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--floors", type=int, default=40)
    parser.add_argument("--units-per-floor", type=int, default=20)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coklit.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    settings.ALLOWED_HOSTS = ["testserver", *settings.ALLOWED_HOSTS]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    setup_test_environment()
    OUT.mkdir(parents=True, exist_ok=True)
    test_settings = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        test_settings["NAME"] = str(OUT / "field_bench.sqlite3")
    else:
        test_settings["NAME"] = f"bench_field_{os.getpid()}"
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        report = run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    report["database"] = connection.vendor
    path = OUT / f"field_bench-{connection.vendor}.json"
    path.write_text(json.dumps(report, indent=2))
    print(f"\nwritten to {path.relative_to(ROOT)}")


def build(args):
    """A pantarlih with a small and a big tower, a visit open at each, a quarter visited."""
    from django.utils import timezone

    from accounts.models import User
    from buildings.models import Building, Region, Tower, Unit, UnitOccupancy
    from visits.models import Assignment, CoklitPeriod, UnitOutcome, Visit

    today = timezone.localdate()
    period = CoklitPeriod.objects.create(
        name="Bench", starts_on=today - datetime.timedelta(days=10), ends_on=today + datetime.timedelta(days=20)
    )  # fmt: skip
    pantarlih = User.objects.create_user(
        "bench.pantarlih@example.id", "bench-password", role="pantarlih", full_name="Bench Pantarlih"
    )  # fmt: skip
    kelurahan = Region.objects.get(code="31.74.08.1003")
    building = Building.objects.create(
        name="Bench City", kind="apartemen", kelurahan=kelurahan, access_hours="09.00–20.00",
        access_requirements="Kartu petugas", access_report_point="Pos keamanan", access_notes="-",
        contact_name="Pak Budi", contact_phone="+6281234567890",
    )  # fmt: skip
    Assignment.objects.create(period=period, pantarlih=pantarlih, building=building, tps="001")
    towers = {}
    for name, floors, per_floor in (("Small", 2, 10), ("Big", args.floors, args.units_per_floor)):
        tower = Tower.objects.create(building=building, name=name, floors=floors)
        Unit.objects.bulk_create(
            Unit(tower=tower, floor=f, number=f"{name[0]}-{f:02d}{u:02d}")
            for f in range(1, floors + 1)
            for u in range(1, per_floor + 1)
        )
        units = list(Unit.objects.filter(tower=tower).order_by("floor", "number"))
        visit = Visit.objects.create(
            client_uuid=uuid.uuid4(), period=period, pantarlih=pantarlih, building=building,
            tower=tower, started_at=timezone.now() - datetime.timedelta(hours=2),
        )  # fmt: skip
        statuses = ["done", "not_home", "vacant", "refused"]
        outcomes, at = [], timezone.now() - datetime.timedelta(hours=1)
        for i, unit in enumerate(units[: len(units) // 4]):
            outcome = statuses[i % 4]
            outcomes.append(UnitOutcome(visit=visit, unit=unit, outcome=outcome, recorded_at=at))
            if outcome == "refused":
                outcomes.append(
                    UnitOutcome(visit=visit, unit=unit, outcome=outcome, recorded_at=at)
                )
            unit.status, unit.status_at = outcome, at
        UnitOutcome.objects.bulk_create(outcomes)
        Unit.objects.bulk_update(units, ["status", "status_at"])
        UnitOccupancy.objects.bulk_create(
            UnitOccupancy(unit=u, status="vacant") for u in units[len(units) // 2 :: 7]
        )
        towers[name] = (tower, units)
    return pantarlih, towers


def measure(client, url, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: the session's first save, template loading
    connection.queries_log.clear()  # a full log (maxlen 9000) would make every count 0
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(n):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return (
        response,
        len(ctx.captured_queries),
        {
            "median_ms": round(statistics.median(times), 1),
            "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        },
    )


def assets(html: str) -> list[Path]:
    """The stylesheet and scripts a page loads, read from the static folder."""
    found = re.findall(r'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    return [ROOT / "static" / name for name in found]


def run(args):
    from django.test import Client
    from django.urls import reverse

    pantarlih, towers = build(args)
    client = Client()
    client.force_login(pantarlih)
    small, big = towers["Small"][0], towers["Big"][0]
    unit = towers["Big"][1][5]
    pages = {
        "today": (reverse("field_today"), reverse("field_today")),
        "grid": (reverse("field_grid", args=[small.pk]), reverse("field_grid", args=[big.pk])),
        "unit": (reverse("field_unit", args=[towers["Small"][1][5].pk]), reverse("field_unit", args=[unit.pk])),
        "visit_start": (reverse("field_visit_start", args=[small.pk]), reverse("field_visit_start", args=[big.pk])),
        "officer_card": (reverse("officer_card"), reverse("officer_card")),
    }  # fmt: skip
    report = {"units_in_big_tower": len(towers["Big"][1]), "requests": args.requests, "pages": {}}
    print(
        f"{'page':<14}{'raw KB':>8}{'gzip KB':>9}{'queries s/b':>13}{'median ms':>11}{'p95 ms':>8}"
    )
    for name, (small_url, big_url) in pages.items():
        _r, small_queries, _t = measure(client, small_url, 3)
        response, big_queries, timing = measure(client, big_url, args.requests)
        html = response.content.decode()
        files = [html.encode()] + [p.read_bytes() for p in assets(html)]
        raw = sum(len(f) for f in files)
        zipped = sum(len(gzip.compress(f, 6)) for f in files)
        report["pages"][name] = {
            "url": big_url,
            "bytes_raw": raw,
            "bytes_gzip": zipped,
            "within_budget": zipped <= BUDGET_BYTES,
            "queries_small": small_queries,
            "queries_big": big_queries,
            **timing,
        }
        print(
            f"{name:<14}{raw / 1024:>8.1f}{zipped / 1024:>9.1f}"
            f"{f'{small_queries}/{big_queries}':>13}{timing['median_ms']:>11}{timing['p95_ms']:>8}"
        )
    return report


if __name__ == "__main__":
    main()
