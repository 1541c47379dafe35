"""Fault drill: PostgreSQL restarted, Redis stopped, a Celery worker killed — nothing lost or doubled.

One command, as root (it runs PostgreSQL as the `postgres` OS user), on a machine with
PostgreSQL 15's binaries and redis-server:

    flock /tmp/bench.lock .venv/bin/python bench/fault_drill.py [--phones 8]

It touches none of the machine's services: it starts a private PostgreSQL cluster (initdb and
pg_ctl in a temporary directory, on a free port from 55432) and a private Redis (a free port
from 6390, no persistence), migrates and fills a small data set, and runs gunicorn (production
settings over plain HTTP, as bench/load_test.py does, with the production URL conf) and Celery
workers against them. Then:

a. PostgreSQL restarted: phone-like clients submit outcomes to /lapangan/kirim/ and, like
   static/js/field.js, keep every outcome not answered stored/duplicate and send it again;
   mid-run `pg_ctl restart -m fast`. Counts 503s, 500s and other errors and the seconds until
   the first success; every UUID sent must be stored exactly once and every unit's running
   totals (outcome_count, refusal_count, voters_verified) must equal a recount of its outcomes
   (voters: the newest outcome's).
b. Redis stopped: submissions, a real sign-in, the field and portal pages and a schedule
   confirmation go on; the confirmation's email waits in the outbox and, once Redis is back
   and the beat's sweep runs (the drill sends it, as beat would), is delivered exactly once.
c. A worker killed with SIGKILL in the middle of a reminder run (the test email backend below
   takes FAULT_DRILL_SMTP_SECONDS per message), a second worker started, the sweep sent once
   the lease (REMINDER_LEASE_SECONDS, shortened here) has passed: every due reminder must be
   delivered exactly once. Run twice: killed while a message is being transmitted, and killed
   after the SMTP server accepted a message but before it was marked sent — the one window
   where a reminder can go out twice; the drill measures it instead of hiding it.

d. PostgreSQL stopped for 15 s under load (503s, never 500s); every 25th item a phone sends
   carries a year-1 time and must be answered "invalid" alone, never stored.
b'. While Redis was down (phase b) an invitation, an access-issue resolution, a briefing
   invitation and a background export were made; once it is back each arrives exactly once.
e. A worker killed while it emails the six recipients of one notification: the message comes
   back after the visibility timeout (5 s here, an hour in production) and the next worker
   sends only to those still missing.

Prints a summary table and writes bench/out/fault_drill.json; exits 1 if anything was lost or
doubled where the design promises it is not. About 2–3 minutes here.

The pieces live in bench/drill/ (settings, mail ledger, data, phones, phases) on the shared
bench/harness/ (private PostgreSQL and Redis, gunicorn, HTTP client). CI runs phase a on its
own, with helpers of its own: coklit/tests/test_fault_postgres_restart.py.
"""

import argparse
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.drill import LEASE_SECONDS, SMTP_SECONDS  # noqa: E402
from bench.drill.phases import (  # noqa: E402
    outbox_delivery,
    phase_notification_worker_kill,
    phase_postgres,
    phase_postgres_outage,
    phase_redis,
    phase_worker_kill,
)
from bench.drill.phones import Fleet, outcome_integrity  # noqa: E402
from bench.drill.processes import server_env, start_worker  # noqa: E402
from bench.drill.world import world_create  # noqa: E402
from bench.harness.report import write_figures  # noqa: E402
from bench.harness.server import gunicorn_start  # noqa: E402
from bench.harness.services import Postgres, Redis  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=8, help="phone-like clients at once")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--reminders", type=int, default=15, help="buildings per reminder run")
    args = parser.parse_args()
    if os.geteuid() != 0:
        sys.exit("Run as root: the private PostgreSQL cluster runs as the postgres OS user.")

    tmp = Path(tempfile.mkdtemp(prefix="fault_drill_"))
    tmp.chmod(0o711)  # the postgres user must reach its data directory inside
    postgres, redis = Postgres(tmp), Redis(tmp)
    processes = []
    started = time.monotonic()
    try:
        postgres.start()
        redis.start()
        figures = drill(args, tmp, postgres, redis, processes)
    finally:
        for p in processes:
            p.kill(signal.SIGTERM)
        redis.stop()
        postgres.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    figures["runtime_seconds"] = round(time.monotonic() - started, 1)
    write_figures("fault_drill", figures, note=f"runtime {figures['runtime_seconds']} s; ",
                  default=str)  # fmt: skip
    sys.exit(0 if figures["ok"] else 1)


def drill(args, tmp, postgres, redis, processes) -> dict:
    env = server_env(tmp, postgres, redis)
    ledger = Path(env["FAULT_DRILL_LEDGER"])
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    t0 = time.monotonic()
    call_command("migrate", verbosity=0)
    world = world_create(args.phones)
    connection.close()
    print(f"migrated and seeded in {time.monotonic() - t0:.0f} s")

    web, port = gunicorn_start(env, tmp / "gunicorn.log", args.workers, processes)
    worker = start_worker(env, tmp, "worker-1", processes)

    fleet = Fleet(port, world)
    figures = {"phones": args.phones, "gunicorn_workers": args.workers,
               "lease_seconds": LEASE_SECONDS, "smtp_seconds_per_message": SMTP_SECONDS}  # fmt: skip
    try:
        figures["postgres_restart"] = phase_postgres(fleet, postgres)
        figures["redis_stop"], confirmed_at = phase_redis(fleet, redis, port, world)
        figures["postgres_outage"] = phase_postgres_outage(fleet, postgres)
    finally:
        fleet.stop()
    figures["outcomes"] = outcome_integrity(fleet)
    connection.close()

    worker, figures["worker_kill_while_sending"] = phase_worker_kill(
        env, tmp, processes, worker, world, ledger, args.reminders, "a", accept="late"
    )
    worker, figures["worker_kill_after_accept"] = phase_worker_kill(
        env, tmp, processes, worker, world, ledger, args.reminders, "b", accept="early"
    )
    figures["redis_stop"]["notice"] = outbox_delivery(worker, world, ledger, confirmed_at)
    worker, figures["notification_worker_kill"] = phase_notification_worker_kill(
        env, tmp, processes, worker, world, ledger
    )
    log = web.output()
    figures["server_log"] = {
        "Service Unavailable lines": log.count("Service Unavailable"),
        "Internal Server Error lines": log.count("Internal Server Error"),
    }
    return summary(figures)


def summary(figures) -> dict:
    a, b, d = figures["postgres_restart"], figures["redis_stop"], figures["postgres_outage"]
    o = figures["outcomes"]
    k1, k2 = figures["worker_kill_while_sending"], figures["worker_kill_after_accept"]
    print(
        "\nfault                        requests   503   500  other  recovery s  lost  duplicated"
    )
    print(f"PostgreSQL restart           {a['requests']:>8} {a['503']:>5} {a['500']:>5} "
          f"{a['other_errors']:>6} {a['seconds_to_first_success'] or 0:>11}  (outcomes below)")  # fmt: skip
    print(f"Redis stopped                {b['requests']:>8} {b['503']:>5} {b['500']:>5} "
          f"{b['other_errors']:>6} {'–':>11}  notice emails: {b['notice']['emails_delivered']}")  # fmt: skip
    print(f"PostgreSQL down {d['seconds_down']:>4.0f} s        {d['requests']:>8} {d['503']:>5} "
          f"{d['500']:>5} {d['other_errors']:>6} "
          f"{d['seconds_to_first_success_after_start'] or 0:>11}  (outcomes below)")  # fmt: skip
    n = b["notice"]["kinds"]
    print(f"notifications, Redis down    {n['expected']:>8} due, {n['delivered']} delivered "
          f"{'':>10}{n['lost']:>5} {n['duplicated']:>11}  export job: "
          f"{n['export_job']['status']}; outbox still waiting: "
          f"{b['notice']['outbox_still_waiting']}")  # fmt: skip
    print(f"poison items (year 1)        {o['poison_sent']:>8} sent, answered "
          f"{o['poison_answers']}, stored {o['poison_stored']}")  # fmt: skip
    print(f"outcomes (a + b + d)         {o['uuids_sent']:>8} uuids, {o['rows_found']} rows "
          f"{'':>12}{o['lost']:>5} {o['duplicated']:>11}  wrong unit totals: "
          f"{o['units_with_wrong_totals']}/{o['units_checked']}")  # fmt: skip
    e = figures["notification_worker_kill"]
    print(f"worker killed, notification  {e['recipients']:>8} due, {e['emails_delivered']} emails "
          f"({e['delivered_before_kill']} before the kill) {e['lost']:>5} {e['duplicated']:>11}")  # fmt: skip
    for label, k in (("worker killed while sending", k1), ("worker killed after accept", k2)):
        print(f"{label:<29}{k['reminders_due']:>8} due, {k['emails_delivered']} emails "
              f"({k['distinct_message_ids']} Message-IDs) {k['lost']:>5} {k['duplicated']:>11}")  # fmt: skip
    notice_ok = b["notice"]["emails_delivered"] == 1
    pages_ok = all(v in (200, 302, True) for k, v in b["pages"].items() if "healthz" not in k)
    kinds_ok = (
        n["lost"] == n["duplicated"] == 0 and n["export_job"]["status"] == "done"
        and b["notice"]["outbox_still_waiting"] == 0
    )  # fmt: skip
    poison_ok = o["poison_stored"] == 0 and set(o["poison_answers"]) <= {"invalid"}
    figures["ok"] = (
        kinds_ok and poison_ok and d["500"] == 0 and e["lost"] == e["duplicated"] == 0
        and a["500"] == b["500"] == 0 and b["503"] == 0 and o["lost"] == o["duplicated"] == 0
        and o["units_with_wrong_totals"] == 0 and o["still_queued"] == 0 and notice_ok
        and pages_ok and k1["lost"] == k1["duplicated"] == 0 and k2["lost"] == 0
    )  # fmt: skip
    print("\n" + ("OK" if figures["ok"] else "FAILED") + ": the killed-after-accept run may "
          "duplicate the one message in flight (at-least-once there); everything else exactly once")  # fmt: skip
    return figures


if __name__ == "__main__":
    main()
