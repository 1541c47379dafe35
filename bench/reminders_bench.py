"""Reminders benchmark at Jakarta scale: one day's rules, as `send_reminders --dry-run` runs them.

Builds a throw-away PostgreSQL database, fills it with `seed_scale` (2,000 buildings, 6,000
towers, 400,000 units, 30,000 pantarlih, 1,000,000 outcomes by default), then evaluates every
reminder rule for one day of the 2024 window and prints the seconds, the queries and the
reminders due per kind. Nothing is claimed or sent.

    DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/coklit \\
        .venv/bin/python bench/reminders_bench.py [--date 2024-07-10] [--keep DB]

The rules must run a fixed number of queries whatever the scale. Figures also go to bench/out/.
"""

import argparse
import datetime
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness.database import (  # noqa: E402
    django_setup,
    run_in_bench_database,
    scale_options,
    scale_seed_or_reuse,
)
from bench.harness.report import slowest, write_figures  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    scale_options(parser)
    parser.add_argument("--date", type=datetime.date.fromisoformat, default="2024-07-10")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", metavar="DB", help="seed into DB and keep it (or reuse it)")
    args = parser.parse_args()

    django_setup(DJANGO_SETTINGS_MODULE="coklit.settings", DEBUG="1")
    from django.db import connection

    figures = run_in_bench_database(connection, args, "reminders", run)
    write_figures("reminders_bench", figures, default=str)


def run(args) -> dict:
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from reminders import services

    seed_seconds = scale_seed_or_reuse(args)
    print(f"seed_scale: {seed_seconds:.0f} s")
    _staff_and_schedules(args.date)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    def evaluate():
        with transaction.atomic():  # as send_reminders runs it
            return services.reminders_run(day=args.date, dry_run=True)

    evaluate()  # warm caches
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        evaluate()
        times.append(time.perf_counter() - t0)
    with CaptureQueriesContext(connection) as queries:
        result = evaluate()
    due = Counter(r.kind for r in result.due)
    figures = {
        "seed_seconds": round(seed_seconds, 1),
        **vars(args),
        "median_seconds": round(statistics.median(times), 3),
        "max_seconds": round(max(times), 3),
        "queries": len(queries),
        "due": dict(sorted(due.items())),
        "due_total": len(result.due),
    }
    print(f"{args.date}: median {figures['median_seconds']:.3f} s, "
          f"max {figures['max_seconds']:.3f} s, {figures['queries']} queries")  # fmt: skip
    for kind, n in sorted(due.items()):
        print(f"  {kind:<20} {n:>8} due")
    print(f"  {'total':<20} {len(result.due):>8} due")
    slowest(queries, width=160)
    return figures


def _staff_and_schedules(day):
    """What seed_scale leaves out and the rules read: region staff, schedules (once per DB).

    A PPS per kelurahan, a PPK per kecamatan, a KPU Kota per kota of the seeded buildings, a
    province-wide Dinas and Bawaslu; a confirmed visit tomorrow for one building in ten and a
    proposal unanswered for three days for another one in ten.
    """
    import datetime

    from django.utils import timezone

    from accounts.models import Role, User
    from buildings.models import Building
    from regions.models import Region
    from visits.models import CoklitPeriod, Schedule

    domain = "@staf.skala.coklit.id"
    if User.objects.filter(email__endswith=domain).exists():
        return
    buildings = list(
        Building.objects.filter(name__startswith="Skala ").values_list("pk", "kelurahan__code")
    )
    codes = {code for _, code in buildings}
    codes |= {c[:8] for c in codes} | {c[:5] for c in codes}
    regions = Region.objects.in_bulk(codes, field_name="code")
    role_of = {5: Role.KPU_KOTA, 8: Role.PPK}
    staff = [
        User(email=f"{code}{domain}", full_name=f"Staf {code}", role=role_of.get(len(code), Role.PPS),
             region=regions[code], password="!")
        for code in sorted(regions)
    ] + [User(email=f"{role}{domain}", full_name=role, role=role, password="!")
         for role in (Role.DINAS, Role.BAWASLU)]  # fmt: skip
    User.objects.bulk_create(staff, batch_size=1000)
    pps = User.objects.filter(email__endswith=domain, role=Role.PPS).first()
    period = CoklitPeriod.objects.open_on(day).first()
    schedules = [
        Schedule(period=period, building_id=pk, kind=Schedule.Kind.DOOR_TO_DOOR,
                 date=day + datetime.timedelta(days=1 if i % 10 == 0 else 3),
                 start=datetime.time(9), end=datetime.time(12), proposed_by=pps,
                 status="confirmed" if i % 10 == 0 else "proposed")
        for i, (pk, _) in enumerate(buildings)
        if i % 10 in (0, 5)
    ]  # fmt: skip
    Schedule.objects.bulk_create(schedules, batch_size=1000)
    three_days_ago = timezone.make_aware(datetime.datetime.combine(day, datetime.time(7)))
    Schedule.objects.filter(status="proposed", proposed_by=pps).update(
        created_at=three_days_ago - datetime.timedelta(days=3)
    )
    print(f"added {len(staff)} staff and {len(schedules)} schedules\n")


if __name__ == "__main__":
    main()
