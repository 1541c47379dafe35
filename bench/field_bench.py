"""Field-page benchmark: what a pantarlih's phone downloads, and how fast the server answers.

Budgets (DESIGN.md): under 50 KB transferred (gzip) on a field page's first load, a fixed
number of queries whatever the tower size, p95 < 100 ms server time. This script builds a
throw-away database (never the development one) with a 40-floor tower of 800 units (a
quarter of them already visited, some refused twice, occupancy hints from the manager), a
15-floor tower of 150 units and a 2-floor tower of 20 units, signs a pantarlih in with the
Django test client and reports:

  bytes: each field page's HTML plus the stylesheet and script it loads, raw and gzip -6;
  queries: per page, for the small tower and the big one (must be equal);
  time: median and p95 of N requests per page (the test client: server time, no network).

Then what a phone sees on the wire (issue #14), every request sent with Accept-Encoding: gzip
so GZipMiddleware answers as it does a phone:

  wire: bytes sent (gzip, median: Django pads each gzip body with 0-99 random bytes) and
    median/p95 time of today, the grid of 150 units and the grid of 800 units;
  submit: POST /lapangan/kirim/ with one outcome (N requests) and with a batch of 50
    (N/5 requests, at least 5), each outcome new (a fresh client_uuid), so each is stored;
  navigation: the requests a field page costs once the worker is installed, the page plus
    the browser's update check of /lapangan/sw.js, answered 304 with no body (If-None-Match).

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
    from buildings.models import Building, Tower, Unit, UnitOccupancy
    from regions.models import Region
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
    sizes = (("Small", 2, 10), ("Medium", 15, 10), ("Big", args.floors, args.units_per_floor))
    for name, floors, per_floor in sizes:
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
        towers[name] = (tower, units, visit)
    return pantarlih, towers


def measure(client, url, n):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)  # warm: the session's first save, template loading
    connection.queries_log.clear()  # a full log (maxlen 9000) would make every count 0
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    _last, timing = timed(lambda _i: client.get(url), n)
    return response, len(ctx.captured_queries), timing


def timed(send, n):
    """Median and p95 in ms of n calls of send(i), the median CPU ms of this process (Django's
    share of a request, without the database's; steadier than the time on a shared machine),
    and what the last one answered."""
    times, cpu = [], []
    for i in range(n):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = send(i)
        times.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    times.sort()
    timing = {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[max(int(len(times) * 0.95) - 1, 0)], 1),
        "cpu_ms": round(statistics.median(cpu), 2),
    }
    return response, timing


def measure_wire(client, url, n):
    """A page as a phone gets it: gzipped by GZipMiddleware, its size and the server's time."""
    client.get(url, HTTP_ACCEPT_ENCODING="gzip")  # warm
    sizes = []

    def send(_i):
        response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
        assert response.status_code == 200, (url, response.status_code)
        assert response["Content-Encoding"] == "gzip", url
        sizes.append(len(response.content))
        return response

    last, timing = timed(send, n)
    html = gzip.decompress(last.content)
    return {
        "url": url,
        "bytes_gzip": int(statistics.median(sizes)),
        "bytes_raw": len(html),
        **timing,
    }


def measure_submit(client, visit, units, batch, n):
    """POST /lapangan/kirim/ with `batch` new outcomes, n times: every outcome is stored."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    def body(i):
        recorded_at = (timezone.now() - datetime.timedelta(minutes=1)).isoformat()
        outcomes = [
            {
                "client_uuid": str(uuid.uuid4()),
                "visit": str(visit.client_uuid),
                "unit": units[(i * batch + k) % len(units)].pk,
                "outcome": "not_home",
                "voters_verified": 0,
                "voters_removed": 0,
                "voters_new": 0,
                "sticker": "none",
                "recorded_at": recorded_at,
            }  # fmt: skip
            for k in range(batch)
        ]
        return json.dumps({"outcomes": outcomes})

    sizes = {}

    def send(i):
        data = body(i)
        response = client.post(
            reverse("field_sync"), data, content_type="application/json",
            HTTP_ACCEPT_ENCODING="gzip",
        )  # fmt: skip
        assert response.status_code == 200, response.content[:300]
        answer = response.content
        if response.get("Content-Encoding") == "gzip":
            answer = gzip.decompress(answer)
        statuses = {r["status"] for r in json.loads(answer)["results"]}
        assert statuses == {"stored"}, statuses
        sizes.update(request=len(data), response=len(response.content))
        return response

    send(n)  # warm, with outcomes of its own
    connection.queries_log.clear()  # as in measure()
    with CaptureQueriesContext(connection) as ctx:
        send(n + 1)
    _response, timing = timed(send, n)
    return {
        "outcomes": batch,
        "requests": n,
        "queries": len(ctx.captured_queries),
        "bytes_request": sizes["request"],
        "bytes_response": sizes["response"],
        **timing,
    }


def measure_navigation(client, page_url):
    """A navigation once the worker is installed: the page, and the worker's update check."""
    from django.urls import reverse

    worker = client.get(reverse("field_sw"), HTTP_ACCEPT_ENCODING="gzip")
    check = client.get(
        reverse("field_sw"), HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=worker["ETag"]
    )
    page = client.get(page_url, HTTP_ACCEPT_ENCODING="gzip")
    assert page.status_code == 200 and check.status_code == 304, check.status_code
    return {
        "requests": 2,
        "page_bytes_gzip": len(page.content),
        "sw_full_bytes_gzip": len(worker.content),
        "sw_check_status": check.status_code,
        "sw_check_body_bytes": len(check.content),
        "sw_check_header_bytes": len(check.serialize_headers()),
    }


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
    small, medium, big = towers["Small"][0], towers["Medium"][0], towers["Big"][0]
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

    wire = {
        "today": reverse("field_today"),
        f"grid {len(towers['Medium'][1])}": reverse("field_grid", args=[medium.pk]),
        f"grid {len(towers['Big'][1])}": reverse("field_grid", args=[big.pk]),
    }
    report["wire"] = {name: measure_wire(client, url, args.requests) for name, url in wire.items()}
    print(f"\n{'on the wire':<14}{'raw KB':>8}{'gzip KB':>9}{'median ms':>11}{'p95 ms':>8}")
    for name, row in report["wire"].items():
        print(
            f"{name:<14}{row['bytes_raw'] / 1024:>8.1f}{row['bytes_gzip'] / 1024:>9.1f}"
            f"{row['median_ms']:>11}{row['p95_ms']:>8}"
        )

    _tower, big_units, big_visit = towers["Big"]
    report["submit"] = {
        "one outcome": measure_submit(client, big_visit, big_units, 1, args.requests),
        "batch of 50": measure_submit(client, big_visit, big_units, 50, max(5, args.requests // 5)),
    }
    print(
        f"\n{'POST kirim':<14}{'requests':>9}{'sent KB':>9}{'answer B':>10}{'queries':>9}"
        f"{'median ms':>11}{'p95 ms':>8}{'CPU ms':>8}{'outcomes/CPU s':>16}"
    )
    for name, row in report["submit"].items():
        row["outcomes_per_cpu_second"] = round(row["outcomes"] * 1000 / row["cpu_ms"])
        print(
            f"{name:<14}{row['requests']:>9}{row['bytes_request'] / 1024:>9.1f}"
            f"{row['bytes_response']:>10}{row['queries']:>9}{row['median_ms']:>11}{row['p95_ms']:>8}"
            f"{row['cpu_ms']:>8}{row['outcomes_per_cpu_second']:>16,}"
        )
    print("  (CPU ms: this process's, i.e. Django's; bench/load_test.py adds PostgreSQL's)")

    nav = report["navigation"] = measure_navigation(client, reverse("field_today"))
    print(
        f"\nrequests per navigation: page + sw.js(304) = {nav['requests']}; "
        f"sw.js check {nav['sw_check_status']} with {nav['sw_check_body_bytes']} body bytes "
        f"(~{nav['sw_check_header_bytes']} B of headers) instead of "
        f"{nav['sw_full_bytes_gzip'] / 1024:.1f} KB gzip"
    )
    return report


if __name__ == "__main__":
    main()
