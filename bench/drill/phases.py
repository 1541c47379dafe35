"""The drill's phases: each breaks one thing under load and measures what comes through.

a. PostgreSQL restarted; d. PostgreSQL stopped for a while; b. Redis stopped (and b', every
kind of notification made meanwhile); c. a Celery worker killed mid reminder run; e. a worker
killed mid notification. Each returns its figures; fault_drill.summary() judges them.
"""

import datetime
import signal
import time
from collections import Counter

from bench.drill import LEASE_SECONDS, PASSWORD, SMTP_SECONDS, VISIBILITY_SECONDS
from bench.drill.processes import ledger_read, run_task, start_worker
from bench.drill.world import notification_targets
from bench.harness.client import csrf_from, request


def phase_postgres(fleet, postgres, before=4, after=6) -> dict:
    """Seconds of submissions `before` and `after` a restart, then every queue drained."""
    print("\na. PostgreSQL restarted under load")
    t0 = time.monotonic()
    fleet.producing(True)
    time.sleep(before)
    restart_at = time.monotonic()
    restart_seconds = postgres.restart()
    time.sleep(after)
    left = fleet.drain()
    t1 = time.monotonic()
    result = fleet.window(t0, t1)
    failures = [r for r in fleet.log if r[0] >= restart_at and r[2] not in (200, 409)]
    last_failure = max((r[0] for r in failures), default=restart_at)
    first_ok = min((r[1] for r in fleet.log if r[0] > last_failure and r[2] in (200, 409)),
                   default=None)  # fmt: skip
    result |= {
        "pg_ctl_restart_seconds": round(restart_seconds, 2),
        "seconds_to_first_success": round(first_ok - restart_at, 2) if first_ok else None,
        "queued_at_end": left,
    }
    print(f"   {result}")
    return result


def phase_postgres_outage(fleet, postgres, seconds=15.0, before=3, after=8) -> dict:
    """PostgreSQL down for `seconds` under load: 503s, never 500s; then every queue drained."""
    from django.db import connection

    print(f"\nd. PostgreSQL down for {seconds:.0f} s under load")
    connection.close()  # this process's own connection would not survive the outage
    t0 = time.monotonic()
    fleet.producing(True)
    time.sleep(before)
    down_at = time.monotonic()
    down = postgres.outage(seconds)
    back_at = time.monotonic()
    time.sleep(after)
    left = fleet.drain(timeout=90)
    result = fleet.window(t0, time.monotonic())
    first_ok = min((r[1] for r in fleet.log if r[0] >= back_at and r[2] in (200, 409)),
                   default=None)  # fmt: skip
    result |= {
        "seconds_down": round(down, 1),
        "seconds_to_first_success_after_start": round(first_ok - back_at, 2) if first_ok else None,
        "failed_while_down": sum(1 for r in fleet.log if down_at <= r[0] < back_at
                                 and r[2] not in (200, 409)),
        "queued_at_end": left,
    }  # fmt: skip
    print(f"   {result}")
    return result


def notifications_while_redis_down(world) -> dict:
    """Every kind of notification, made while the broker is unreachable: what should arrive."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Briefing, User
    from buildings.models import Building
    from dashboard.briefings import briefing_invite
    from dashboard.escalation import issue_resolve
    from dashboard.export_tasks import export_job_build
    from dashboard.models import ExportJob
    from invitations.services import invitation_create
    from outbox.services import outbox_enqueue
    from visits.models import AccessIssue

    kpu = User.objects.get(email=world["kpu"])
    building = Building.objects.get(name="Rusun Latihan Jadwal")
    issue = AccessIssue.objects.get(pk=world["issue"])
    with transaction.atomic():
        invitation_create(invited_by=kpu, email="diundang@latihan.coklit.id",
                          full_name="Dewi Lestari", role="pengelola", building=building)  # fmt: skip
    with transaction.atomic():
        issue_resolve(issue=issue, by=kpu, resolution="Akses diberikan mulai besok.")
    with transaction.atomic():
        briefing = Briefing.objects.create(
            title="Sosialisasi latihan", starts_at=timezone.now() + datetime.timedelta(days=2),
            place="Aula", organiser=kpu, region=building.kelurahan.parent.parent,
        )  # fmt: skip
        briefing_invite(briefing=briefing, buildings=Building.objects.filter(pk=building.pk))
    with transaction.atomic():
        job = ExportJob.objects.create(owner=kpu, kind="buildings", code="31", format="csv")
        outbox_enqueue(export_job_build, job.pk)
    # Emails each address must get, once each: the invitation; the resolution (the manager and
    # the pantarlih who raised it); the briefing invitation (the manager).
    return {
        "emails": {"diundang@latihan.coklit.id": 1, world["login"]: 1, world["manager_email"]: 2},
        "export_job": job.pk,
    }


def phase_redis(fleet, redis, port, world):
    print("\nb. Redis stopped under load")
    t0 = time.monotonic()
    fleet.producing(True)
    time.sleep(2)
    redis.stop()
    time.sleep(1)
    pages = {}
    # A real sign-in: allauth's rate limits read the cache.
    _, content, cookie, _ = request(port, "GET", "/akun/login/")
    csrf = csrf_from(content, cookie)
    status, _, cookie, _ = request(port, "POST", "/akun/login/", csrf=csrf,
                                   form={"login": world["login"], "password": PASSWORD})  # fmt: skip
    pages["sign in (POST /akun/login/)"] = status
    pages["signed in afterwards"] = "sessionid=" in cookie
    pages["field page (GET /lapangan/)"] = request(port, "GET", "/lapangan/",
                                                   session=world["phones"][0]["session"])[0]  # fmt: skip
    pages["public check (GET /cek/)"] = request(port, "GET", "/cek/")[0]
    pages["portal (GET /portal/)"] = request(port, "GET", "/portal/", session=world["manager"])[0]
    url = f"/portal/jadwal/{world['schedule']}/"
    _, content, cookie, _ = request(port, "GET", url, session=world["manager"])
    csrf = csrf_from(content, cookie)
    confirmed_at = time.monotonic()
    pages["schedule confirm (POST)"] = request(port, "POST", url, session=world["manager"],
                                               csrf=csrf, form={"action": "confirm",
                                                                "answer-reply": ""})[0]  # fmt: skip
    pages["healthz while down"] = request(port, "GET", "/healthz")[0]
    world["expected"] = notifications_while_redis_down(world)
    time.sleep(2)
    redis.start()
    time.sleep(3)
    left = fleet.drain()
    result = fleet.window(t0, time.monotonic()) | {"pages": pages, "queued_at_end": left}

    from outbox.models import OutboxMessage

    waiting = OutboxMessage.objects.filter(task="visits.tasks.schedule_notify")
    result["outbox_after_redis_back"] = list(waiting.values("enqueued_at", "attempts"))
    print(f"   {result}")
    return result, confirmed_at


def phase_worker_kill(env, tmp, processes, worker, world, ledger, count, tag, accept) -> tuple:
    from django.db import connection

    from reminders.models import ReminderLog
    from reminders.tasks import reminders_run, reminders_sweep

    what = "while sending" if accept == "late" else "after the SMTP server accepted"
    print(f"\nc. a Celery worker killed {what}")
    world["assign"](count, tag)
    before = ReminderLog.objects.values_list("pk", flat=True)
    before = set(before)
    connection.close()
    if accept == "early":  # this run's first worker accepts before it waits
        worker.kill(signal.SIGTERM)
        worker = start_worker(env, tmp, f"worker-{tag}-early", processes,
                              FAULT_DRILL_SMTP_ACCEPT="early")  # fmt: skip
    delivered_before = len(ledger_read(ledger))
    run_at = time.monotonic()
    run_task(reminders_run)
    deadline = time.monotonic() + 60
    while len(ledger_read(ledger)) < delivered_before + 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(SMTP_SECONDS / 2)  # mid-message: transmitting, or accepted and not yet marked
    worker.kill()
    killed_at = time.monotonic()
    delivered_at_kill = len(ledger_read(ledger)) - delivered_before
    replacement = start_worker(env, tmp, f"worker-{tag}-2", processes)
    # The beat's sweep (every 5 minutes in production) once the lease has passed.
    time.sleep(max(0.0, run_at + LEASE_SECONDS + 1 - time.monotonic()))
    run_task(reminders_sweep)
    logs = ReminderLog.objects.exclude(pk__in=before)
    deadline = time.monotonic() + 90
    while logs.filter(status="pending").exists() and time.monotonic() < deadline:
        time.sleep(0.5)
        if time.monotonic() > killed_at + LEASE_SECONDS * 3:
            run_task(reminders_sweep)
            killed_at = time.monotonic()
    run_task(reminders_sweep)  # one more: nothing must go out again
    time.sleep(2 + SMTP_SECONDS * 2)
    rows = list(logs.select_related("recipient").values_list("recipient__email", "status"))
    connection.close()
    emails = Counter(
        (m["to"][0], m["subject"]) for m in ledger_read(ledger)[delivered_before:]
        if m["to"][0] not in world["notified"]
    )  # fmt: skip
    per_recipient = Counter(email for email, _ in rows)
    due = len(rows)
    received = Counter()
    for (to, _subject), n in emails.items():
        received[to] += n
    # A copy sent again carries the first one's Message-ID: what an inbox that deduplicates
    # by it shows.
    distinct = {
        m["message_id"] or id(m) for m in ledger_read(ledger)[delivered_before:]
        if m["to"][0] not in world["notified"]
    }  # fmt: skip
    result = {
        "reminders_due": due,
        "distinct_message_ids": len(distinct),
        "delivered_before_kill": delivered_at_kill,
        "sent_in_log": sum(1 for _, s in rows if s == "sent"),
        "emails_delivered": sum(emails.values()),
        "lost": sum(max(0, per_recipient[e] - received[e]) for e in per_recipient),
        "duplicated": sum(max(0, received[e] - per_recipient[e]) for e in received),
        "extra_recipients": sorted(set(received) - set(per_recipient)),
    }
    print(f"   {result}")
    return replacement, result


def outbox_delivery(worker, world, ledger, confirmed_at) -> dict:
    """After Redis is back, the beat's sweep sends the confirmation notice, once."""
    from outbox import services as outbox
    from outbox.models import OutboxMessage
    from reminders.tasks import reminders_sweep

    wait = confirmed_at + outbox.SWEEP_AFTER.total_seconds() + 1 - time.monotonic()
    print(f"\nb. (cont.) the outbox sweep, {max(wait, 0):.0f} s until the notice is a minute old")
    time.sleep(max(0.0, wait))
    for _ in range(2):  # a second sweep must send nothing more
        run_task(reminders_sweep)
        time.sleep(3)
    wanted = sum(world["expected"]["emails"].values()) + 1  # and the schedule notice
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        addresses = {*world["expected"]["emails"], world["proposer"]}
        if sum(1 for m in ledger_read(ledger) if m["to"][0] in addresses) >= wanted:
            break
        time.sleep(0.5)
    time.sleep(2)  # anything sent twice would arrive now
    from dashboard.models import ExportJob

    delivered = ledger_read(ledger)
    notices = [m for m in delivered if m["to"][0] == world["proposer"]]
    expected = world["expected"]["emails"]
    got = Counter(m["to"][0] for m in delivered if m["to"][0] in expected)
    kinds = {
        "expected": sum(expected.values()),
        "delivered": sum(got.values()),
        "lost": sum(max(0, n - got[e]) for e, n in expected.items()),
        "duplicated": sum(max(0, got[e] - n) for e, n in expected.items()),
    }
    job = ExportJob.objects.get(pk=world["expected"]["export_job"])
    kinds["export_job"] = {"status": job.status, "built": bool(job.file)}
    row = OutboxMessage.objects.filter(task="visits.tasks.schedule_notify").values(
        "enqueued_at", "attempts").first()  # fmt: skip
    waiting = OutboxMessage.objects.filter(enqueued_at__isnull=True).count()
    return {"emails_delivered": len(notices), "outbox_row": row, "kinds": kinds,
            "outbox_still_waiting": waiting}  # fmt: skip


def phase_notification_worker_kill(env, tmp, processes, worker, world, ledger) -> tuple:
    """A worker killed while it emails the six people of one resolved access issue: the message
    comes back after the visibility timeout, and the next worker sends only to who is missing
    (accounts.SentEmail)."""
    from django.db import connection, transaction

    from accounts.models import User
    from dashboard.escalation import issue_resolve

    print("\ne. a Celery worker killed while emailing the recipients of one notification")
    managers, raiser, issue = notification_targets(5)
    expected = {u.email for u in managers} | {raiser.email}
    worker.kill(signal.SIGTERM)
    first = start_worker(env, tmp, "worker-e1", processes)
    with transaction.atomic():
        issue_resolve(issue=issue, by=User.objects.get(email=world["kpu"]),
                      resolution="Pengelola membuka akses.")  # fmt: skip
    connection.close()

    def delivered():
        return Counter(m["to"][0] for m in ledger_read(ledger) if m["to"][0] in expected)

    deadline = time.monotonic() + 60
    while sum(delivered().values()) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(SMTP_SECONDS / 2)  # in the middle of the third message
    first.kill()
    at_kill = sum(delivered().values())
    killed_at = time.monotonic()
    replacement = start_worker(env, tmp, "worker-e2", processes,
                               FAULT_DRILL_VISIBILITY_TIMEOUT=str(VISIBILITY_SECONDS))  # fmt: skip
    deadline = time.monotonic() + 90
    while len(delivered()) < len(expected) and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(SMTP_SECONDS * 4 + VISIBILITY_SECONDS)  # anything sent twice would arrive now
    got = delivered()
    result = {
        "recipients": len(expected),
        "delivered_before_kill": at_kill,
        "emails_delivered": sum(got.values()),
        "seconds_until_all_delivered": round(time.monotonic() - killed_at, 1),
        "lost": sum(1 for e in expected if not got[e]),
        "duplicated": sum(n - 1 for n in got.values() if n > 1),
    }
    print(f"   {result}")
    return replacement, result
