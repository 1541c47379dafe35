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
   confirmation, 1 kelurahan and 0.5 province dashboard. A request's client time counts
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
< 300 ms for the province dashboard; at least 100 outcome submissions/s; a submission at least
half the rate of the one-INSERT view; a batch at least 2,000 outcomes/s; none lost or doubled.
Figures also go to bench/out/load_test.json.
"""

import argparse
import datetime
import gzip
import http.client
import json
import os
import queue
import random
import re
import runpy
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PERIOD_NAME = "Uji beban (bench/load_test.py)"
DASHBOARD_DATE = "2024-07-10"  # seed_scale's outcomes lie in the Pilkada 2024 window
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SERVER_TIMING = re.compile(r"app;dur=([0-9.]+)")

# The morning peak offered, requests per second. 100 submissions/s is issue #8's budget, about
# 3,000 pantarlih at work at once each recording a unit every 30 seconds; they open their day
# and grids far less often (the grid updates itself as they record). Managers and staff are few.
RATES = {
    "submit": 100.0,  # POST /lapangan/kirim/, one outcome
    "batch": 0.5,  # POST /lapangan/kirim/, --batch outcomes: a phone back from an offline hour
    "today": 4.0,  # GET /lapangan/
    "grid": 8.0,  # GET /lapangan/tower/<id>/
    "portal": 2.0,  # GET /portal/
    "schedule": 1.0,  # GET /portal/jadwal/<id>/
    "confirm": 1.0,  # POST /portal/jadwal/<id>/ action=confirm
    "kelurahan": 1.0,  # GET /dasbor/wilayah/<kelurahan>/
    "province": 0.5,  # GET /dasbor/wilayah/31/
}
# Budgets on server time p95, ms (DESIGN.md).
BUDGET_MS = {"today": 100, "grid": 100, "portal": 100, "schedule": 100, "confirm": 100,
             "submit": 100, "province": 300}  # fmt: skip
# Issue #19: a submission at least half the one-INSERT view's rate; a batch ≥ 2,000 outcomes/s.
TARGET_SUBMIT_OVER_INSERT = 0.5
TARGET_BATCH_OUTCOMES_PER_S = 2000
YARDSTICKS = {
    "ping": "GET /ping (no session)",
    "signed_in": "signed-in no-op",
    "insert": "signed-in one-INSERT view",
    "submit": "outcome submission (1)",
    "batch": "outcome batch",
}
# The table's rows in this order; `retry` and `race` are the peak's resent and raced sends.
ORDER = [*YARDSTICKS, "retry", "race", *RATES]
OUTCOMES = ["done"] * 5 + ["not_home"] * 2 + ["refused", "security_refused", "vacant"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--buildings", type=int, default=500)
    parser.add_argument("--towers", type=int, default=1_500)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--pantarlih", type=int, default=7_500)
    parser.add_argument("--outcomes", type=int, default=250_000)
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

    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench.load_settings",
        DEBUG="0",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="0",
        LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"),
    )
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/8")
    import django

    django.setup()
    from dashboard_bench import run_in_bench_database
    from django.db import connection

    figures = run_in_bench_database(connection, args, "load", run)
    path = OUT / "load_test.json"
    path.write_text(json.dumps(figures, indent=2))
    print(f"\nwritten to {path.relative_to(ROOT)}")
    if not figures["integrity"]["ok"]:
        sys.exit("FAILED: outcomes lost, doubled or miscounted (see integrity above)")


# --- Preparing the data --------------------------------------------------------------------
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
        "outcomes": _estimate(connection, "visits_unitoutcome"),
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


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def yardstick_table(*, create: bool):
    """The one-INSERT view's table: made empty before the run, dropped after it."""
    from django.conf import settings
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {settings.YARDSTICK_TABLE}")
        if create:
            cursor.execute(settings.YARDSTICK_TABLE_SQL)
    connection.close()


def yardsticks_report(closed: dict, batch: int) -> dict:
    """The saturation rates side by side, with the ratios issue #19 sets targets for.

    On a machine shared with other work the rates of phases run one after the other see
    different contention, so each ratio is also given by CPU cost: the server's CPU time
    (gunicorn, PostgreSQL, Redis) per answered request, which other processes hardly move.
    """
    rate = {kind: phase.rate(kind) for kind, phase in closed.items()}
    cost = {kind: phase.cpu_ms_per_request(kind) for kind, phase in closed.items()}
    cores = os.cpu_count()

    def ratio(a, b):
        return a / b if b else 0.0

    # "A ÷ B" by rate, and by cost: how many A the CPU of one B pays for.
    pairs = {
        "signed-in no-op ÷ /ping": ("signed_in", "ping", 1),
        "one-INSERT ÷ signed-in no-op": ("insert", "signed_in", 1),
        "submission ÷ one-INSERT view": ("submit", "insert", 1),
        "submission ÷ /ping": ("submit", "ping", 1),
        "batch outcomes ÷ one-INSERT view": ("batch", "insert", batch),
    }
    ratios = {
        name: (ratio(rate[a] * n, rate[b]), ratio(cost[b] * n, cost[a]))
        for name, (a, b, n) in pairs.items()
    }
    batch_outcomes = rate["batch"] * batch
    batch_outcomes_by_cost = ratio(cores * 1000 * batch, cost["batch"])
    submit_ratio = ratios["submission ÷ one-INSERT view"]
    verdict = {
        "submit": submit_ratio[0] >= TARGET_SUBMIT_OVER_INSERT,
        "submit_by_cpu": submit_ratio[1] >= TARGET_SUBMIT_OVER_INSERT,
        "batch": batch_outcomes >= TARGET_BATCH_OUTCOMES_PER_S,
        "batch_by_cpu": batch_outcomes_by_cost >= TARGET_BATCH_OUTCOMES_PER_S,
    }

    def met(ok):
        return "met" if ok else "MISSED"

    print("\nsaturation yardsticks (closed loop, one after the other in this run):")
    print(f"  {'':<36}{'req/s':>9}  {'server CPU ms/request':>22}")
    for kind, title in YARDSTICKS.items():
        extra = f"  = {batch_outcomes:,.0f} outcomes/s" if kind == "batch" else ""
        title = f"{title} of {batch}" if kind == "batch" else title
        print(f"  {title:<36}{rate[kind]:>9,.1f}  {cost[kind]:>22.1f}{extra}")
    print(f"  {'':<36}{'by rate':>9}  {'by CPU cost':>22}")
    for name, (by_rate, by_cost) in ratios.items():
        target = ""
        if name.startswith("submission ÷ one-INSERT"):
            target = (f"  target ≥ {TARGET_SUBMIT_OVER_INSERT}: {met(verdict['submit'])} by "
                      f"rate, {met(verdict['submit_by_cpu'])} by CPU cost")  # fmt: skip
        print(f"  {name:<36}{by_rate:>9.2f}  {by_cost:>22.2f}{target}")
    print(f"  batch of {batch}: {batch_outcomes:,.0f} outcomes/s measured, "
          f"{batch_outcomes_by_cost:,.0f}/s if the server had the {cores} cores (by CPU cost); "
          f"target ≥ {TARGET_BATCH_OUTCOMES_PER_S:,}: {met(verdict['batch'])} measured, "
          f"{met(verdict['batch_by_cpu'])} by CPU cost")  # fmt: skip
    return {
        "per_second": {k: round(v, 1) for k, v in rate.items()},
        "server_cpu_ms_per_request": {k: round(v, 2) for k, v in cost.items()},
        "batch_outcomes_per_second": round(batch_outcomes),
        "batch_outcomes_per_second_by_cpu": round(batch_outcomes_by_cost),
        "ratios": {
            k: {"by_rate": round(r, 3), "by_cpu": round(c, 3)} for k, (r, c) in ratios.items()
        },  # fmt: skip
        "targets_met": verdict,
    }


def peak_outcomes_report(peak, args) -> dict:
    """Outcomes offered (each UUID once, however often sent) and stored per second."""
    from visits.models import UnitOutcome

    uuids = list({u for u, _ in peak.sent})
    offered = len(uuids) / args.duration
    stored = UnitOutcome.objects.filter(client_uuid__in=uuids).count() / peak.seconds
    nominal = args.rates["submit"] + args.rates["batch"] * args.batch
    print(f"\npeak outcomes: {offered:.1f}/s offered (nominal {nominal:g}/s: "
          f"{args.rates['submit']:g} submissions + {args.rates['batch']:g} batches of "
          f"{args.batch}), {stored:.1f}/s stored; {peak.fates['retry']} sends repeated after "
          f"a dropped answer, {peak.fates['race']} sent twice at once; budget ≥ 100 "
          "submissions/s")  # fmt: skip
    return {"offered_per_second": round(offered, 1), "stored_per_second": round(stored, 1),
            "retried": peak.fates["retry"], "raced": peak.fates["race"]}  # fmt: skip


def _estimate(connection, table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
        return int(cursor.fetchone()[0])


def prepare(users: int) -> dict:
    """A period around today; assignments, open visits, proposed schedules and sessions."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from buildings.models import BuildingManager, Unit
    from visits import field
    from visits.models import Assignment, CoklitPeriod, Schedule

    today = timezone.localdate()
    now = timezone.now()

    def session_for(user) -> str:
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    with transaction.atomic():
        period, _ = CoklitPeriod.objects.update_or_create(
            name=PERIOD_NAME,
            defaults={"starts_on": today - datetime.timedelta(days=7),
                      "ends_on": today + datetime.timedelta(days=30)},
        )  # fmt: skip
        Schedule.objects.filter(period=period).delete()  # a reused database starts afresh
        pantarlih = []
        seeded = (
            Assignment.objects.filter(pantarlih__email__endswith="@skala.coklit.id")
            .exclude(period=period)
            .select_related("pantarlih", "tower")
            .order_by("pk")[:users]
        )
        for seed in seeded:
            Assignment.objects.get_or_create(
                period=period, pantarlih=seed.pantarlih, building_id=seed.building_id,
                tower=seed.tower, defaults={"tps": seed.tps},
            )  # fmt: skip
            visit = field.visit_start(
                pantarlih=seed.pantarlih,
                client_uuid=uuid.uuid4(),
                tower=seed.tower,
                started_at=now - datetime.timedelta(hours=1),
            )
            assert visit.status == field.STORED, visit.as_json()
            units = list(Unit.objects.filter(tower=seed.tower).values_list("pk", flat=True))
            pantarlih.append({"session": session_for(seed.pantarlih), "tower": seed.tower_id,
                              "visit": str(visit.obj.client_uuid), "units": units})  # fmt: skip

        managers = []
        slots = [datetime.time(7 + m // 2, 30 * (m % 2)) for m in range(24)]  # 07:00 … 18:30
        proposer = seeded[0].pantarlih
        for bm in BuildingManager.objects.select_related("user").order_by("pk")[:users]:
            rows = [
                Schedule(period=period, building_id=bm.building_id, kind=Schedule.Kind.DOOR_TO_DOOR,
                         date=today + datetime.timedelta(days=day), start=start,
                         end=(datetime.datetime.combine(today, start)
                              + datetime.timedelta(minutes=30)).time(),
                         status=Schedule.Status.PROPOSED, proposed_by=proposer)
                for day in range(1, 30) for start in slots
            ]  # fmt: skip
            Schedule.objects.bulk_create(rows)
            schedules = list(
                Schedule.objects.filter(period=period, building_id=bm.building_id)
                .order_by("date", "start")
                .values_list("pk", flat=True)
            )
            managers.append({"session": session_for(bm.user), "schedules": schedules})

        staff = User.objects.filter(email="bench-load@skala.coklit.id").first() or (
            User.objects.create_user(
                "bench-load@skala.coklit.id", None, role=Role.KPU_PROVINSI, is_staff=True
            )
        )
        kelurahan = seeded[0].tower.building.kelurahan.code
        staff_sessions = [session_for(staff) for _ in range(users)]
    print(
        f"prepared: {len(pantarlih)} pantarlih, {len(managers)} managers, "
        f"{len(staff_sessions)} staff sessions; period {period.starts_on} – {period.ends_on}"
    )
    return {"pantarlih": pantarlih, "managers": managers, "staff": staff_sessions,
            "kelurahan": kelurahan}  # fmt: skip


def province_snapshot_warm():
    """In production beat recomputes the province overview's snapshot every minute, so the
    page reads it; here nobody runs beat, so take it once before the peak, as beat would."""
    from django.db import connection

    from dashboard.coverage import clock_for, province_snapshot_take

    started = time.perf_counter()
    province_snapshot_take(clock_for(datetime.date.fromisoformat(DASHBOARD_DATE)).period)
    connection.close()
    print(f"\nprovince snapshot taken, as beat does every minute: "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip


def tokens(port: int, world: dict):
    """Each pantarlih and manager opens a page once, as the browser does, for its CSRF pair."""
    for me in world["pantarlih"]:
        _, content, set_cookie, _ = request(port, "GET", f"/lapangan/tower/{me['tower']}/",
                                            session=me["session"])  # fmt: skip
        me["csrf"] = csrf_from(content, set_cookie)
    for me in world["managers"]:
        _, content, set_cookie, _ = request(port, "GET", f"/portal/jadwal/{me['schedules'][-1]}/",
                                            session=me["session"])  # fmt: skip
        me["csrf"] = csrf_from(content, set_cookie)
        me["next"] = iter(me["schedules"][:-1])
    if any(me["csrf"] is None for me in world["pantarlih"] + world["managers"]):
        raise RuntimeError("a page handed out no CSRF token")


def integrity_check(sent: list, world: dict, inserts: int) -> dict:
    """What the database holds for every UUID sent, against what the answers said.

    `sent` has one (client_uuid, answer) pair per item per send; the answer is None when it
    was never read (the connection dropped on purpose, or the request failed). A UUID any
    answer confirmed ("stored" or "duplicate") must have exactly one row; none may have two
    rows or two "stored" answers; a resend of the same content is never a "conflict". The
    units and towers of the pantarlih who sent must hold totals equal to a recount.
    """
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count
    from fault_drill import outcomes_check

    from buildings.totals import drift
    from visits.models import UnitOutcome

    answers = defaultdict(list)
    for client_uuid, answer in sent:
        answers[client_uuid].append(answer)
    rows = {
        str(k): v
        for k, v in UnitOutcome.objects.filter(client_uuid__in=list(answers))
        .values_list("client_uuid")
        .annotate(n=Count("pk"))
        .values_list("client_uuid", "n")
    }
    confirmed = {u for u, a in answers.items() if {"stored", "duplicate"} & set(a)}
    unit_ids = sorted({pk for me in world["pantarlih"] for pk in me["units"]})
    tower_ids = sorted({me["tower"] for me in world["pantarlih"]})
    units = outcomes_check(list(answers), unit_ids)
    towers = drift(tower_ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {settings.YARDSTICK_TABLE}")
        insert_rows = cursor.fetchone()[0]
    result = {
        "uuids_sent": len(answers),
        "sends": len(sent),
        "answers": dict(sorted(Counter(a or "no answer read" for _, a in sent).items())),
        "rows_found": sum(rows.values()),
        "lost": sum(1 for u in confirmed if u not in rows),
        "doubled_rows": sum(n - 1 for n in rows.values() if n > 1),
        "answered_stored_twice": sum(1 for a in answers.values() if a.count("stored") > 1),
        "conflicts": sum(1 for a in answers.values() if "conflict" in a),
        "never_confirmed": len(answers) - len(confirmed),
        "never_confirmed_but_stored": sum(1 for u in answers if u not in confirmed and u in rows),
        "units_checked": units["units_checked"],
        "units_with_wrong_totals": units["units_with_wrong_totals"],
        "towers_checked": len(tower_ids),
        "towers_with_wrong_totals": len(towers.towers),
        "insert_view_rows": insert_rows,
        "insert_view_answered_stored": inserts,
    }
    result["doubled"] = result["doubled_rows"] + result["answered_stored_twice"]
    ok = not (
        result["lost"] or result["doubled"] or result["conflicts"]
        or result["units_with_wrong_totals"] or result["towers_with_wrong_totals"]
        or insert_rows != inserts
    )  # fmt: skip
    print(f"\nintegrity: {result['uuids_sent']:,} UUIDs in {result['sends']:,} sends (answers "
          f"{result['answers']}); {result['rows_found']:,} rows; {result['lost']} lost, "
          f"{result['doubled']} doubled ({result['doubled_rows']} extra rows, "
          f"{result['answered_stored_twice']} answered stored twice), {result['conflicts']} "
          f"conflicts; {result['never_confirmed']} never confirmed "
          f"({result['never_confirmed_but_stored']} of them stored); unit totals wrong "
          f"{result['units_with_wrong_totals']}/{result['units_checked']:,}, tower totals wrong "
          f"{result['towers_with_wrong_totals']}/{result['towers_checked']}; one-INSERT view "
          f"{insert_rows:,} rows for {inserts:,} answers — {'OK' if ok else 'FAILED'}")  # fmt: skip
    result["ok"] = ok
    return result


# --- The server ----------------------------------------------------------------------------
class Server:
    """gunicorn on a free port of 127.0.0.1 with gunicorn.conf.py, stopped whatever happens."""

    def __init__(self, args):
        self.overrides = []
        for flag, value in (("--workers", args.workers), ("--threads", args.threads),
                            ("--worker-class", args.worker_class)):  # fmt: skip
            if value is not None:
                self.overrides += [flag, str(value)]
        self.log = tempfile.NamedTemporaryFile(prefix="load_test_gunicorn_", suffix=".log")

    def __enter__(self):
        from django.db import connection

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        db = connection.settings_dict
        self.database = db["NAME"]
        with connection.cursor() as cursor:  # PostgreSQL's main process: our backend's parent
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        connection.close()
        self.postmaster = int(
            Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1]
        )
        env = {**os.environ, "DATABASE_URL": (
            f"postgres://{db['USER'] or ''}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}"
            f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}")}  # fmt: skip
        self.process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "coklit.wsgi", "--config",
             str(ROOT / "gunicorn.conf.py"), *self.overrides,
             "--bind", f"127.0.0.1:{self.port}"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline, answer = time.monotonic() + 60, "no answer"  # a busy machine boots slowly
        while time.monotonic() < deadline:
            try:
                status, content, _, _ = request(self.port, "GET", "/ping")
                if status == 200:
                    self.describe = self._config()
                    print(f"gunicorn on 127.0.0.1:{self.port}: {self.describe}")
                    return self
                answer = f"HTTP {status}: {content[:200].decode(errors='replace')}"
            except OSError as error:
                answer = repr(error)
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        tail = self.tail()
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer /ping with 200 (last: {answer}):\n{tail}")

    def _config(self) -> str:
        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        conf.update(zip(self.overrides[::2], self.overrides[1::2], strict=True))
        conf = {k.strip("-").replace("-", "_"): v for k, v in conf.items()}
        threads = f" × {conf['threads']} threads" if conf.get("worker_class") == "gthread" else ""
        return f"{conf.get('workers')} {conf.get('worker_class', 'sync')} workers{threads}"

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()

    def tail(self, lines=30) -> str:
        return "\n".join(Path(self.log.name).read_text(errors="replace").splitlines()[-lines:])

    def check_log(self):
        text = Path(self.log.name).read_text(errors="replace")
        errors = [line for line in text.splitlines() if '"ERROR"' in line or "Traceback" in line]
        if errors:
            print(f"\nserver log: {len(errors)} error lines, the last ones:")
            for line in errors[-5:]:
                try:  # production logs are JSON: the message and the exception's last line
                    entry = json.loads(line)
                    line = " — ".join(
                        [entry.get("message", ""), *entry.get("exception", "").splitlines()[-1:]]
                    )
                except ValueError:
                    pass
                print(f"  {line[:300]}")


def request(port, method, path, *, session=None, csrf=None, body=None, form=None, hang_up=False):
    """One request on a fresh connection, as from a proxy without upstream keep-alive.

    Returns (status, body, Set-Cookie, server ms from the Server-Timing header or None); with
    `hang_up`, None: the request is sent whole and the connection closed before any answer,
    as when a phone loses its signal (the server still runs it).
    """
    headers = {"Host": "127.0.0.1", "Accept-Encoding": "gzip"}
    cookies = {"sessionid": session, "csrftoken": csrf and csrf[0]}
    cookie = "; ".join(f"{k}={v}" for k, v in cookies.items() if v)
    if cookie:
        headers["Cookie"] = cookie
    if body is not None:
        body = json.dumps(body).encode()
        headers.update({"Content-Type": "application/json", "X-CSRFToken": csrf[1]})
    elif form is not None:
        body = "&".join(f"{k}={v}" for k, v in {**form, "csrfmiddlewaretoken": csrf[1]}.items())
        body = body.encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        if hang_up:
            return None
        response = connection.getresponse()
        content = response.read()
        if response.getheader("Content-Encoding") == "gzip":  # pages are gzipped in production
            content = gzip.decompress(content)
        timing = SERVER_TIMING.search(response.getheader("Server-Timing") or "")
        return (response.status, content, response.getheader("Set-Cookie") or "",
                float(timing.group(1)) if timing else None)  # fmt: skip
    finally:
        connection.close()


def csrf_from(content: bytes, set_cookie: str, old=None):
    """The (cookie, form token) pair a page hands out, as the browser and field.js keep them."""
    cookie = re.search(r"csrftoken=([^;]+)", set_cookie)
    token = CSRF_INPUT.search(content.decode(errors="replace"))
    if not token:
        return old
    return (cookie.group(1) if cookie else old[0], token.group(1))


_clock = {"last": None, "lock": threading.Lock()}


def recorded_at() -> str:
    """Now, as a phone stamps an outcome; never the same instant twice in a run, so a unit's
    newest outcome is never a tie and its recount is unambiguous."""
    with _clock["lock"]:
        now = datetime.datetime.now(datetime.UTC)
        last = _clock["last"]
        if last is not None and now <= last:
            now = last + datetime.timedelta(microseconds=1)
        _clock["last"] = now
    return now.isoformat()


# --- CPU accounting ------------------------------------------------------------------------
def cpu_seconds(server_pid: int, postmaster: int, database: str) -> dict:
    """CPU seconds used so far, by (part, pid): gunicorn, PostgreSQL, Redis, this process, and
    ("machine", 0) for all of it.

    PostgreSQL counts its shared processes and the backends of our database; the backends of
    other databases (someone's test run on the shared machine) count as other processes.
    """
    tick = os.sysconf("SC_CLK_TCK")
    used = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue  # the process ended meanwhile
        pid = int(text.split(" ", 1)[0])
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        seconds = (int(fields[11]) + int(fields[12])) / tick
        part = None
        if pid == server_pid or int(fields[1]) == server_pid:
            part = "gunicorn"
        elif postmaster in (pid, int(fields[1])):
            try:
                title = (stat.parent / "cmdline").read_bytes().decode(errors="replace").split()
            except OSError:
                continue
            # A backend's title names its client: "postgres: 15/main: user db 127.0.0.1(5678) …"
            backend = any(word.startswith("[local]") or "(" in word for word in title)
            if not backend or database in title[:5]:
                part = "postgresql"
        elif name.startswith("redis"):
            part = "redis"
        elif pid == os.getpid():
            part = "load generator"
        if part:
            used[(part, pid)] = seconds
    cpu = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    used[("machine", 0)] = sum(int(v) for i, v in enumerate(cpu) if i not in (3, 4)) / tick
    return used


class CpuMeter:
    """CPU per part over a phase, sampled twice a second: a process that ends meanwhile (a
    database connection past CONN_MAX_AGE) keeps what it used up to its last sample."""

    def __init__(self, *args):
        self.args, self.total, self.last = args, defaultdict(float), cpu_seconds(*args)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._sample_until_stopped, daemon=True)
        self.thread.start()

    def _sample(self):
        now = cpu_seconds(*self.args)
        for key, seconds in now.items():
            self.total[key[0]] += seconds - self.last.get(key, 0)
        self.last = now

    def _sample_until_stopped(self):
        while not self.stop.wait(0.5):
            self._sample()

    def cores(self, seconds: float) -> dict:
        self.stop.set()
        self.thread.join()
        self._sample()
        cores = {part: self.total[part] / seconds
                 for part in ("gunicorn", "postgresql", "redis", "load generator", "machine")}  # fmt: skip
        cores["other processes"] = cores["machine"] - sum(
            v for k, v in cores.items() if k != "machine"
        )
        return cores


# --- The phases ----------------------------------------------------------------------------
class Phase:
    """Requests of one phase: client ms (from when each was due), server ms, errors, CPU."""

    def __init__(self, server, world):
        self.port, self.server_pid, self.world = server.port, server.process.pid, world
        self.database, self.postmaster = server.database, server.postmaster
        self.client = defaultdict(list)
        self.server = defaultdict(list)
        self.errors = defaultdict(int)
        self.sent = []  # (client_uuid, answer or None) per outcome per send
        self.inserts = 0  # the one-INSERT view's "stored" answers
        self.fates = Counter()
        self.lock = threading.Lock()
        self.offered = {}

    def measure(self, body):
        meter, started = CpuMeter(self.server_pid, self.postmaster, self.database), time.monotonic()
        body()
        self.seconds = time.monotonic() - started
        self.cpu = meter.cores(self.seconds)

    def record(self, label, due, ok, server_ms, detail=None):
        ms = (time.perf_counter() - due) * 1000
        with self.lock:
            if ok:
                self.client[label].append(ms)
                if server_ms is not None:
                    self.server[label].append(server_ms)
            else:
                self.errors[label] += 1
                if self.errors[label] <= 3 and detail:
                    print(f"  error {label}: {detail}")

    # One request of each kind; `due` is when it should have started (perf_counter).
    def get(self, label, path, session, due, expect=200):
        try:
            status, _, _, server_ms = request(self.port, "GET", path, session=session)
        except OSError as error:
            return self.record(label, due, False, None, repr(error))
        self.record(label, due, status == expect, server_ms, f"{path} → {status}")

    def ping(self, due):
        self.get("ping", "/ping", None, due)

    def signed_in(self, due, me=None):
        me = me or random.choice(self.world["pantarlih"])
        self.get("signed_in", "/bench/signed-in/", me["session"], due)

    def insert(self, due, me=None):
        me = me or random.choice(self.world["pantarlih"])
        server_ms, answer = None, None
        try:
            status, content, _, server_ms = request(
                self.port, "POST", "/bench/insert/", session=me["session"], csrf=me["csrf"],
                body={"client_uuid": str(uuid.uuid4())},
            )  # fmt: skip
            answer = json.loads(content)["status"] if status == 200 else None
        except (OSError, ValueError, KeyError) as error:
            status = repr(error)
        if answer == "stored":
            with self.lock:
                self.inserts += 1
        self.record("insert", due, answer == "stored", server_ms, f"{status} {answer}")

    def submit(self, due, me=None, fate="once"):
        self.outcomes_send("submit", 1, due, me, fate)

    def batch(self, due, me=None, fate="once"):
        self.outcomes_send("batch", self.world["batch"], due, me, fate)

    def outcomes_send(self, label, size, due, me, fate):
        """`size` new outcomes of one pantarlih's tower, sent once, or (fate) sent with the
        answer dropped and then again ("retry"), or sent twice at the same moment ("race")."""
        me = me or random.choice(self.world["pantarlih"])
        units = me["units"]
        picked = random.sample(units, size) if size <= len(units) else random.choices(units, k=size)
        items = []
        for unit in picked:
            outcome = random.choice(OUTCOMES)
            done = outcome == "done"
            items.append({
                "client_uuid": str(uuid.uuid4()), "visit": me["visit"], "unit": unit,
                "outcome": outcome, "voters_verified": random.randint(0, 4) if done else 0,
                "sticker": "placed" if done else "none", "recorded_at": recorded_at(),
            })  # fmt: skip
        if fate == "once":
            answers, status, server_ms = self.post_outcomes(me, items)
            ok = status == 200 and answers == ["stored"] * size
            return self.record(label, due, ok, server_ms, f"{status} {answers[:3]}")
        with self.lock:
            self.fates[fate] += 1
        if fate == "retry":
            self.post_outcomes(me, items, hang_up=True)
            time.sleep(random.uniform(0, 0.02))  # the first may well be running still
            answers, status, server_ms = self.post_outcomes(me, items)
            ok = status == 200 and set(answers) <= {"stored", "duplicate"}
            return self.record("retry", due, ok, server_ms, f"{status} {answers[:3]}")
        # "race": the same batch on two connections at once; one must store, one be a duplicate.
        together, twin = threading.Barrier(2), {}

        def send_twin():
            together.wait()
            twin["sent"] = self.post_outcomes(me, items)

        thread = threading.Thread(target=send_twin, daemon=True)
        thread.start()
        together.wait()
        mine = self.post_outcomes(me, items)
        thread.join(60)
        for answers, status, server_ms in (mine, twin.get("sent", ([], "no answer", None))):
            ok = status == 200 and set(answers) <= {"stored", "duplicate"}
            self.record("race", due, ok, server_ms, f"{status} {answers[:3]}")

    def post_outcomes(self, me, items, hang_up=False):
        """One POST of `items`; returns each item's answer (None when not read), the HTTP status
        and the server ms; every (client_uuid, answer) goes to `sent` for the integrity check."""
        answers, status, server_ms = [None] * len(items), None, None
        try:
            got = request(
                self.port, "POST", "/lapangan/kirim/", session=me["session"], csrf=me["csrf"],
                body={"outcomes": items}, hang_up=hang_up,
            )  # fmt: skip
            if got is not None:
                status, content, _, server_ms = got
                if status in (200, 409):
                    answers = [r["status"] for r in json.loads(content)["results"]]
        except (OSError, ValueError, KeyError) as error:
            status = repr(error)
        with self.lock:
            self.sent += [(i["client_uuid"], a) for i, a in zip(items, answers, strict=True)]
        return answers, status, server_ms

    def today(self, due):
        self.get("today", "/lapangan/", random.choice(self.world["pantarlih"])["session"], due)

    def grid(self, due):
        me = random.choice(self.world["pantarlih"])
        self.get("grid", f"/lapangan/tower/{me['tower']}/", me["session"], due)

    def portal(self, due):
        self.get("portal", "/portal/", random.choice(self.world["managers"])["session"], due)

    def schedule(self, due):
        me = random.choice(self.world["managers"])
        self.get("schedule", f"/portal/jadwal/{me['schedules'][-1]}/", me["session"], due)

    def confirm(self, due):
        me = random.choice(self.world["managers"])
        with self.lock:
            pk = next(me["next"], None)
        if pk is None:
            return self.record("confirm", due, False, None, "no proposed schedule left")
        try:
            status, _, _, server_ms = request(
                self.port, "POST", f"/portal/jadwal/{pk}/", session=me["session"],
                csrf=me["csrf"], form={"action": "confirm", "answer-reply": ""},
            )  # fmt: skip
        except OSError as error:
            status, server_ms = repr(error), None
        self.record("confirm", due, status == 302, server_ms, f"schedule {pk} → {status}")

    def province(self, due):
        self.get("province", f"/dasbor/wilayah/31/?tanggal={DASHBOARD_DATE}",
                 random.choice(self.world["staff"]), due)  # fmt: skip

    def kelurahan(self, due):
        self.get("kelurahan", f"/dasbor/wilayah/{self.world['kelurahan']}/?tanggal={DASHBOARD_DATE}",
                 random.choice(self.world["staff"]), due)  # fmt: skip

    def cpu_ms_per_request(self, label) -> float:
        """The server's CPU (gunicorn, PostgreSQL, Redis) per answered request of the phase."""
        answered = len(self.client.get(label, ()))
        busy = sum(self.cpu[part] for part in ("gunicorn", "postgresql", "redis"))
        return busy * self.seconds * 1000 / answered if answered else 0.0

    def rate(self, label) -> float:
        """Answered requests per second, over the whole phase: in the open loop that includes
        answering what was still waiting when the arrivals stopped, so a server that falls
        behind shows a lower rate than offered (and a phase longer than --duration)."""
        return len(self.client.get(label, ())) / self.seconds

    def report(self) -> dict:
        print(f"\n{self.title} ({self.seconds:.0f} s{self.note})")
        print(f"  {'page':<10}{'offer/s':>8}{'req/s':>7}{'errors':>7}  "
              f"{'client p50 / p95 / p99 ms':>26}  {'server p50 / p95 / p99 ms':>26}  budget")  # fmt: skip
        rows = {}
        for label in sorted(set(self.client) | set(self.errors),
                            key=lambda k: ORDER.index(k) if k in ORDER else len(ORDER)):  # fmt: skip
            client, server = _quantiles(self.client[label]), _quantiles(self.server[label])
            budget = BUDGET_MS.get(label)
            met = server[1] is not None and budget is not None and server[1] < budget
            rows[label] = {
                "offered_per_second": self.offered.get(label),
                "per_second": round(self.rate(label), 1),
                "requests": len(self.client[label]) + self.errors[label],
                "errors": self.errors[label],
                "client_ms": dict(zip(("p50", "p95", "p99"), client, strict=True)),
                "server_ms": dict(zip(("p50", "p95", "p99"), server, strict=True)),
            }
            offered = f"{self.offered[label]:.1f}" if label in self.offered else "–"
            verdict = f"p95 < {budget} ms {'met' if met else 'MISSED'}" if budget else ""
            print(f"  {label:<10}{offered:>8}{rows[label]['per_second']:>7.1f}"
                  f"{self.errors[label]:>7}  {_ms(client):>26}  {_ms(server):>26}  {verdict}")  # fmt: skip
        print("  CPU, cores busy: " + ", ".join(
            f"{k} {v:.2f}" for k, v in self.cpu.items() if k != "machine")
            + f" (machine {self.cpu['machine']:.2f} of {os.cpu_count()})")  # fmt: skip
        if self.cpu["other processes"] > 0.25:
            print(f"  NOTE: other processes took {self.cpu['other processes']:.2f} cores of this "
                  "shared machine; the figures above are lower than the server alone would do")  # fmt: skip
        return {"seconds": round(self.seconds, 1), "pages": rows,
                "cpu_cores": {k: round(v, 2) for k, v in self.cpu.items()}}  # fmt: skip


def _quantiles(values):
    if len(values) < 2:
        return (None, None, None)
    q = statistics.quantiles(values, n=100, method="inclusive")
    return (round(q[49], 1), round(q[94], 1), round(q[98], 1))


def _ms(triple):
    return " / ".join("–" if v is None else f"{v:.1f}" for v in triple)


class ClosedLoop(Phase):
    """`users` threads, each sending its next request as soon as the last one is answered."""

    def run(self, title, kind, users, seconds):
        self.title, self.note = title, f", closed loop, {users} threads, no think time"
        stop_at = time.monotonic() + seconds
        pantarlih = self.world["pantarlih"]

        def loop(index):
            me = pantarlih[index % len(pantarlih)]
            while time.monotonic() < stop_at:
                due = time.perf_counter()
                self.ping(due) if kind == "ping" else getattr(self, kind)(due, me)

        def body():
            threads = [threading.Thread(target=loop, args=(i,), daemon=True) for i in range(users)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(seconds + 60)  # every request has a 30 s timeout: the run ends by itself

        self.measure(body)
        return self


class OpenLoop(Phase):
    """Requests arrive at the offered rates (Poisson), sent by a pool of threads."""

    def run(self, rates, seconds, concurrency, retry=0.0, race=0.0):
        self.title = "morning peak"
        self.note = (f", open loop, {sum(rates.values()):g} requests/s offered, "
                     f"at most {concurrency} in flight; of the outcome sends {retry:.0%} "
                     f"resent after a dropped answer, {race:.0%} sent twice at once")  # fmt: skip
        self.offered = {k: v for k, v in rates.items() if v > 0}
        rng = random.Random(8)  # the same arrivals (and fates) every run
        arrivals = []
        for kind, rate in self.offered.items():
            t = rng.expovariate(rate)
            while t < seconds:
                fate = "once"
                if kind in ("submit", "batch"):
                    draw = rng.random()
                    fate = "race" if draw < race else "retry" if draw < race + retry else "once"
                arrivals.append((t, kind, fate))
                t += rng.expovariate(rate)
        arrivals.sort()
        # What was offered: the Poisson draws of this run, a little off the nominal rates; as
        # requests per table row (a retried arrival is a `retry` row, a raced one two `race`).
        count = Counter()
        for _, kind, fate in arrivals:
            count[kind if fate == "once" else fate] += 2 if fate == "race" else 1
        self.offered = {k: round(n / seconds, 2) for k, n in count.items()}
        jobs = queue.Queue()
        self.lag = []

        def send():
            while (job := jobs.get()) is not None:
                due, kind, fate = job
                self.lag.append((time.perf_counter() - due) * 1000)
                try:
                    if fate == "once":
                        getattr(self, kind)(due)
                    else:
                        getattr(self, kind)(due, fate=fate)
                except Exception as error:  # a failed request is an error, not a dead thread
                    self.record(kind, due, False, None, f"{type(error).__name__}: {error}")

        def body():
            threads = [threading.Thread(target=send, daemon=True) for _ in range(concurrency)]
            for t in threads:
                t.start()
            start = time.perf_counter()
            for offset, kind, fate in arrivals:
                delay = start + offset - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                jobs.put((start + offset, kind, fate))
            for _ in threads:
                jobs.put(None)
            for t in threads:
                t.join(60)

        self.measure(body)
        lag = _quantiles(self.lag)
        self.note += f"; generator start lag p95 {lag[1]} ms"
        return self


if __name__ == "__main__":
    main()
