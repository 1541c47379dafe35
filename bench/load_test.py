"""Load test of the morning peak: gunicorn + PostgreSQL + Redis on this machine, over HTTP.

Fills a throw-away PostgreSQL database with `seed_scale` (smaller than Jakarta scale by default;
pass the full figures as flags), opens a coklit period around today with signed-in sessions for
pantarlih, building managers and a KPU Provinsi user, starts gunicorn on 127.0.0.1 with the
production settings of gunicorn.conf.py and coklit/settings.py (bench/load_settings.py only
allows plain HTTP, adds the yardstick views and a `Server-Timing` header), then runs:

1. Saturation yardsticks, closed loop (`--users` threads, no think time, `--phase` seconds
   each), one after the other in the same run so their ratios compare like with like:
   `GET /ping` (no session: any Django request); a signed-in no-op (`GET /bench/signed-in/`:
   the session and user loaded, nothing else); a signed-in one-INSERT view (`POST
   /bench/insert/`: CSRF, a JSON body, one INSERT in the request's transaction); outcome
   submissions of one outcome (`POST /lapangan/kirim/`, as the phone's queue sends a unit
   recorded while online); batches of `--batch` outcomes (what a phone sends after an
   offline hour). Printed: submissions/s ÷ one-INSERT requests/s (target ≥ 0.5) and the
   batches' outcomes/s (target ≥ 2,000), with the other ratios beside them; each also by
   CPU cost (the server's CPU ms per request: gunicorn, PostgreSQL, Redis), which other work
   on a shared machine hardly moves, while it changes the rates phase by phase.
2. The morning peak, open loop: requests arrive at fixed average rates (Poisson arrivals,
   `--rate NAME=PER_SECOND` to change one) whatever the server's speed, as phones do. The
   default offer, per second: 100 outcome submissions, 0.5 batches of `--batch` outcomes,
   4 `/lapangan/` (today), 8 tower grids, 2 `/portal/`, 1 schedule page and 1 schedule
   confirmation; every dashboard level, each request another region or building: 1 building,
   1 kelurahan, 0.5 kecamatan, 0.5 kota and 0.5 province page. A request's client time counts
   from when it was due, so a generator or server that falls behind shows in the figures
   instead of slowing the offer down. The province overview's snapshot is taken once before
   the peak, as Celery beat does every minute.

   Phones lose answers and send again, so in the peak a share of the submissions and batches
   (`--retry`, 10 %) are sent, the connection dropped before the answer is read, and sent
   again with the same UUIDs a few milliseconds later (while the first may still be running,
   as a phone retrying after a timeout); another share (`--race`, 5 %) is sent twice at the
   same moment on two connections. Their rows in the table: `retry` (the second sends) and
   `race` (both sends).

Per page it prints requests/s, errors, client-observed p50/p95/p99 and server time p50/p95/p99
(the `Server-Timing` header: the whole Django middleware stack and view, without gunicorn's
accept queue), and per phase the CPU each part used (gunicorn, PostgreSQL, Redis, this load
generator, and everything else on the shared machine); for the peak, the outcomes offered
and stored per second. Then it checks in the database, for every UUID sent in any phase:
stored exactly once if any answer said stored or duplicate (else it was lost), never two
rows and never answered "stored" twice (else it was doubled), no "conflict" for a resend of
the same content; every touched unit's running totals (outcome_count, refusal_count,
voters_verified) equal a recount of its outcomes, and every touched tower's totals equal a
recount of its units (buildings.totals.drift). Any of these failing fails the run (status 1).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coklit \\
        .venv/bin/python bench/load_test.py [--duration 30] [--rate submit=150] [--keep DB]

Jakarta scale: `--buildings 2000 --towers 6000 --units 400000 --pantarlih 30000
--outcomes 1000000` (about 2 minutes of seeding; `--keep DB` seeds once and reuses it).

Budgets (DESIGN.md, issues #8 and #19): server time p95 < 100 ms for field and portal pages,
< 150 ms for every dashboard level, during the peak; at least 100 outcome submissions/s; a
submission at least half the rate of the one-INSERT view; a batch at least 2,000 outcomes/s;
none lost or doubled.
Figures also go to bench/out/load_test.json.
"""

import argparse
import os
import secrets
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness.database import (  # noqa: E402
    django_setup,
    estimated_rows,
    run_in_bench_database,
    scale_options,
)
from bench.harness.report import load_average, write_figures  # noqa: E402
from bench.harness.server import Server  # noqa: E402
from bench.load.checks import integrity_check, peak_outcomes_report, yardsticks_report  # noqa: E402
from bench.load.mix import RATES, YARDSTICKS  # noqa: E402
from bench.load.phases import ClosedLoop, OpenLoop  # noqa: E402
from bench.load.world import prepare, province_snapshot_warm, tokens, yardstick_table  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    scale_options(parser, buildings=500, towers=1_500, units=100_000, pantarlih=7_500,
                  outcomes=250_000)  # fmt: skip
    parser.add_argument("--users", type=int, default=30,
                        help="closed-loop threads of the yardsticks; also sessions per role")  # fmt: skip
    parser.add_argument("--phase", type=float, default=10, help="seconds of each yardstick")
    parser.add_argument("--duration", type=float, default=30, help="seconds of the peak mix")
    parser.add_argument("--rate", action="append", default=[], metavar="NAME=PER_SECOND",
                        help=f"offered rate of one page in the peak; names: {', '.join(RATES)}")  # fmt: skip
    parser.add_argument("--concurrency", type=int, default=200,
                        help="most requests in flight at once in the peak (generator threads)")  # fmt: skip
    parser.add_argument("--workers", type=int, help="gunicorn workers (gunicorn.conf.py)")
    parser.add_argument("--threads", type=int, help="threads per worker (gunicorn.conf.py)")
    parser.add_argument("--worker-class", help="gunicorn worker class (gunicorn.conf.py)")
    parser.add_argument("--batch", type=int, default=50, help="outcomes in a batch")
    parser.add_argument("--retry", type=float, default=0.10,
                        help="share of the peak's submissions sent again after a lost answer")  # fmt: skip
    parser.add_argument("--race", type=float, default=0.05,
                        help="share of the peak's submissions sent twice at once")  # fmt: skip
    parser.add_argument("--keep", metavar="DB", help="seed into DB and keep it (or reuse it)")
    args = parser.parse_args()
    args.rates = dict(RATES)
    for item in args.rate:
        name, _, value = item.partition("=")
        if name not in RATES:
            parser.error(f"--rate {item}: the names are {', '.join(RATES)}")
        args.rates[name] = float(value)

    # The bench settings: production over plain HTTP, with the yardsticks (bench/load_settings.py).
    django_setup(
        environ={
            "DJANGO_SETTINGS_MODULE": "bench.load_settings",
            "DEBUG": "0",
            "SECRET_KEY": os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
        },
        REDIS_URL="redis://127.0.0.1:6379/8",
    )
    from django.db import connection

    figures = run_in_bench_database(connection, args, "load", run)
    write_figures("load_test", figures)
    if not figures["integrity"]["ok"]:
        sys.exit("FAILED: outcomes lost, doubled or miscounted (see integrity above)")


def run(args) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from buildings.models import Building, Unit

    started = time.perf_counter()
    if not Building.objects.filter(name__startswith="Skala ").exists():
        call_command("seed_scale", force=True, **{k: getattr(args, k) for k in (
            "buildings", "towers", "units", "pantarlih", "outcomes")})  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    scale = {
        "buildings": Building.objects.count(),
        "units": Unit.objects.count(),
        "outcomes": estimated_rows(connection, "visits_unitoutcome"),
    }
    print(f"seed_scale: {time.perf_counter() - started:.0f} s; database: "
          f"{scale['buildings']:,} buildings, {scale['units']:,} units, "
          f"~{scale['outcomes']:,} outcomes")  # fmt: skip
    world = prepare(args.users)
    world["batch"] = args.batch
    yardstick_table(create=True)
    connection.close()  # the server's workers and this process's check open their own

    figures = {**{k: v for k, v in vars(args).items() if k != "rate"}, "scale": scale,
               "load_average_before": load_average(), "phases": {}}  # fmt: skip
    try:
        with Server(args) as server:
            figures["server"] = server.describe
            tokens(server.port, world)
            closed = {
                kind: ClosedLoop(server, world).run(title, kind, args.users, args.phase)
                for kind, title in YARDSTICKS.items()
            }
            province_snapshot_warm()
            peak = OpenLoop(server, world).run(
                args.rates, args.duration, args.concurrency, args.retry, args.race
            )
            server.check_log()
        figures["load_average_after"] = load_average()
        for phase in (*closed.values(), peak):
            figures["phases"][phase.title] = phase.report()
        figures["yardsticks"] = yardsticks_report(closed, args.batch)
        figures["integrity"] = integrity_check(
            [*closed["submit"].sent, *closed["batch"].sent, *peak.sent],
            world,
            inserts=closed["insert"].inserts,
        )
        figures["peak_outcomes"] = peak_outcomes_report(peak, args)
    finally:
        yardstick_table(create=False)
    print(f"\nload average (1, 5, 15 min): before {figures['load_average_before']}, after "
          f"{figures['load_average_after']} on {os.cpu_count()} cores")  # fmt: skip
    return figures


if __name__ == "__main__":
    main()
