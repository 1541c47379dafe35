"""Residents' public page benchmark: bytes on the wire (gzip) and server time.

At Jakarta scale (default, PostgreSQL): a throw-away database filled by `seed_scale` (as
bench/dashboard_bench.py does), a coklit period open today, the public page of the largest
building (the most units), 5,000 requests spread over the buildings (half of them visited)
and a few confirmed schedules. With --demo: the demo data (seed_demo) on the configured database,
Kalibata City's page (/warga/KBCJKT24/).

Timed through Django's test client, each request from its own address (the page's limits
count per address): the page as most scans get it (the copy rendered this minute), rendered
afresh (today's progress snapshot exists), the day's first view (which takes the snapshot),
the request form's post, and the kota dashboard's 'permintaan warga' figures. Prints median and p95 server time and queries, and
the page's size raw and gzipped as GZipMiddleware sends it.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/coklit \\
        .venv/bin/python bench/residents_bench.py [--runs 50] [--keep DB]
    DEBUG=1 .venv/bin/python bench/residents_bench.py --demo

Budgets: under 30 KB (issue #20; the page, not counting its 2 KB stylesheet), field and
public pages p95 < 100 ms server time (DESIGN.md). Figures also go to bench/out/.
"""

import argparse
import datetime
import gzip
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import ROOT  # noqa: E402
from bench.harness.database import (  # noqa: E402
    django_setup,
    run_in_bench_database,
    scale_options,
    scale_seed_or_reuse,
    throwaway,
)
from bench.harness.report import median_p95, timing_line, write_figures  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--demo", action="store_true", help="the demo data instead of scale")
    scale_options(parser)
    parser.add_argument("--requests", type=int, default=5_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--keep", metavar="DB", help="seed into DB and keep it (or reuse it)")
    args = parser.parse_args()

    django_setup(DJANGO_SETTINGS_MODULE="coklit.settings", DEBUG="1")
    from django.db import connection

    if args.demo:
        figures = throwaway(connection, args, "residents", run_demo)
    else:
        figures = run_in_bench_database(connection, args, "residents", run_scale)
    write_figures(f"residents_bench{'-demo' if args.demo else ''}", figures, default=str)


def run_demo(args) -> dict:
    from django.core.management import call_command
    from django.test import override_settings

    from demo.data.practice import DEMO_TOKEN
    from residents.models import PublicLink

    with override_settings(DEBUG=True):
        call_command("seed_demo", stdout=open(os.devnull, "w"))
    link = PublicLink.objects.get(token=DEMO_TOKEN)
    return measure(args, link, scale="demo")


def run_scale(args) -> dict:
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from buildings.models import Building, Unit
    from lobby.services import public_link_current
    from residents.models import VisitRequest
    from visits.models import CoklitPeriod, Schedule

    seed_seconds = scale_seed_or_reuse(args)
    print(f"seed_scale: {seed_seconds:.0f} s\n")
    today = datetime.date.today()
    period, _ = CoklitPeriod.objects.get_or_create(
        name="Bench: open today",
        defaults={"starts_on": today - datetime.timedelta(days=10),
                  "ends_on": today + datetime.timedelta(days=20)},
    )  # fmt: skip
    building = (
        Building.objects.filter(name__startswith="Skala ")
        .annotate(n=Count("towers__units"))
        .order_by("-n", "pk")
        .first()
    )
    if not VisitRequest.objects.filter(period=period).exists():
        # Spread over Jakarta; every other one visited, a day or two after it was asked.
        step = max(1, Unit.objects.count() // args.requests)
        units = Unit.objects.order_by("pk").values_list("pk", "tower_id", "tower__building_id")
        asked = timezone.now() - datetime.timedelta(days=3)
        VisitRequest.objects.bulk_create(
            VisitRequest(period=period, unit_id=u, tower_id=t, building_id=b, best_time="sore",
                         created_at=asked, last_asked_at=asked,
                         status="visited" if n % 2 else "open",
                         visited_at=asked + datetime.timedelta(hours=20 + n % 30) if n % 2 else None)
            for n, (u, t, b) in enumerate(units[::step][: args.requests])
        )  # fmt: skip
        admin = _admin()
        towers = list(building.towers.order_by("pk")[:4])
        Schedule.objects.bulk_create(
            Schedule(period=period, building=building, tower=t, proposed_by=admin,
                     kind=Schedule.Kind.POSKO if n % 2 else Schedule.Kind.DOOR_TO_DOOR,
                     date=today + datetime.timedelta(days=n + 1), start=datetime.time(9),
                     end=datetime.time(15), status=Schedule.Status.CONFIRMED)
            for n, t in enumerate(towers)
        )  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE residents_visitrequest, visits_schedule")
    link = public_link_current(building)
    figures = measure(args, link, scale="jakarta")
    figures["seed_seconds"] = round(seed_seconds, 1)
    return figures


def _admin():
    from accounts.models import User

    return User.objects.filter(email="bench@skala.coklit.id").first() or (
        User.objects.create_superuser("bench@skala.coklit.id", "bench", role="kpu_provinsi")
    )


def _timed(label, runs, call, *, figures, before=None):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call()  # warm
    times = []
    for n in range(runs):
        if before:
            before()
        t0 = time.perf_counter()
        call(n)
        times.append((time.perf_counter() - t0) * 1000)
    if before:
        before()
    with CaptureQueriesContext(connection) as queries:
        call()
    row = {**median_p95(times), "queries": len(queries)}
    figures["timings"][label] = row
    print(timing_line(label, row, width=34, digits=6))


def measure(args, link, *, scale) -> dict:
    import re

    from django.conf import settings
    from django.core.cache import cache
    from django.test import Client

    from buildings.models import Tower, Unit
    from lobby.services import period_open_today
    from residents.figures import request_figures, requests_in_region
    from residents.models import ProgressSnapshot

    settings.DEBUG = False  # time as production runs: no per-query logging
    client = Client(SERVER_NAME="localhost")
    url = f"/warga/{link.token}/"
    building = link.building

    def address(n=0):
        return {"REMOTE_ADDR": f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"}

    page = client.get(url, HTTP_ACCEPT_ENCODING="gzip", **address())
    assert page.status_code == 200, page.status_code
    assert page["Content-Encoding"] == "gzip"
    raw = gzip.decompress(page.content)
    stylesheet = (ROOT / "static" / "css" / "residents.css").read_bytes()
    figures = {
        "scale": scale,
        "building": building.name,
        "towers": Tower.objects.filter(building=building).count(),
        "units": Unit.objects.filter(tower__building=building).count(),
        "page_bytes": len(raw),
        "page_gzip_bytes": len(page.content),
        "stylesheet_gzip_bytes": len(gzip.compress(stylesheet)),
        "cookies_set": len(page.cookies),
        "timings": {},
    }
    print(f"{scale}: {building.name}, {figures['towers']} towers, {figures['units']:,} units")
    print(f"page {len(raw):,} bytes, gzip {len(page.content):,} bytes; stylesheet gzip "
          f"{figures['stylesheet_gzip_bytes']:,} bytes; cookies set: {len(page.cookies)}")  # fmt: skip

    get = lambda n=0: client.get(url, HTTP_ACCEPT_ENCODING="gzip", **address(n + 1))  # noqa: E731
    _timed("public page, the minute's copy", args.runs, get, figures=figures)
    _timed("public page, rendered", args.runs, get, figures=figures, before=cache.clear)

    def first_of_the_day():
        cache.clear()
        ProgressSnapshot.objects.filter(building=building).delete()

    _timed("public page, day's first view", args.runs, get, figures=figures,
           before=first_of_the_day)  # fmt: skip
    if period_open_today() is not None:
        token = re.search(r'name="token" value="([0-9a-f]+)"', raw.decode()).group(1)
        units = list(Unit.objects.filter(tower__building=building).select_related("tower")[:500])

        def post(n=0):
            unit = units[n % len(units)]
            data = {"token": token, "tower": unit.tower_id, "unit": unit.number,
                    "best_time": "sore"}  # fmt: skip
            response = client.post(f"{url}minta/", data, **address(100_000 + n))
            assert response.status_code == 302, response.status_code

        _timed("request form post", args.runs, post, figures=figures)
    kota = building.kelurahan.code[:5]
    period = period_open_today()
    _timed("kota 'permintaan warga' figures", args.runs,
           lambda n=0: request_figures(requests_in_region(kota, period)),
           figures=figures)  # fmt: skip
    return figures


if __name__ == "__main__":
    main()
