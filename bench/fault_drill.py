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

Its pieces are importable: coklit/tests/test_fault_postgres_restart.py runs phase a alone in CI
with the same Postgres, Redis, gunicorn_start, Fleet and outcomes_check, and django_call to
seed and count from a process whose own Django is set up on the suite's database.
"""

import argparse
import datetime
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

from django.core.mail.backends.base import BaseEmailBackend

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PGBIN = Path("/usr/lib/postgresql/15/bin")
PYTHON = ROOT / ".venv" / "bin" / "python"
LEASE_SECONDS = 8
# How soon phase e's replacement worker takes back a killed worker's message (production: 1 h).
VISIBILITY_SECONDS = 5
SMTP_SECONDS = 0.3
PASSWORD = "latihan-gangguan-2024"
SETTINGS = """\
from bench.load_settings import *  # noqa: F403

# The production URL conf (its handler500 answers 503 for a database outage), not /ping's.
ROOT_URLCONF = "coklit.urls"
EMAIL_BACKEND = "bench.fault_drill.SlowLedgerEmailBackend"

# Phase e's replacement worker takes back a killed worker's unacknowledged message after a few
# seconds, not the production hour.
import os as _os  # noqa: E402

if _os.environ.get("FAULT_DRILL_VISIBILITY_TIMEOUT"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {  # noqa: F405
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "visibility_timeout": int(_os.environ["FAULT_DRILL_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }
"""


class SlowLedgerEmailBackend(BaseEmailBackend):
    """A test SMTP server: FAULT_DRILL_SMTP_SECONDS per message, one JSON line per delivery.

    FAULT_DRILL_SMTP_ACCEPT=early writes the line (the server has the message) before the wait,
    as when the server answered 250 and the worker has not yet marked the reminder sent.
    """

    def send_messages(self, messages):
        delay = float(os.environ.get("FAULT_DRILL_SMTP_SECONDS", "0"))
        early = os.environ.get("FAULT_DRILL_SMTP_ACCEPT") == "early"
        for message in messages:
            if not early:
                time.sleep(delay)
            line = json.dumps({"to": message.to, "subject": message.subject, "pid": os.getpid(),
                               "message_id": message.extra_headers.get("Message-ID")})  # fmt: skip
            with open(os.environ["FAULT_DRILL_LEDGER"], "a") as ledger:
                ledger.write(line + "\n")
            if early:
                time.sleep(delay)
        return len(messages)


def free_port(start: int) -> int:
    for port in range(start, start + 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port from {start}")


# --- The private services ------------------------------------------------------------------
class Postgres:
    def __init__(self, tmp: Path, first_port=55432):
        self.dir, self.port = tmp / "pg", free_port(first_port)
        self.data, self.log = self.dir / "data", self.dir / "server.log"

    def _as_postgres(self, tool, *args):
        # No pipes: a postmaster started by pg_ctl would hold them open, and run() would wait.
        command = ["runuser", "-u", "postgres", "--", str(PGBIN / tool), *args]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def start(self):
        self.dir.mkdir()
        shutil.chown(self.dir, "postgres", "postgres")
        self._as_postgres("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                          "-E", "UTF8", "--no-locale", "--no-sync")  # fmt: skip
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._as_postgres("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                          "-w", "start")  # fmt: skip
        self._as_postgres("createdb", "-h", "127.0.0.1", "-p", str(self.port), "coklit")
        print(f"PostgreSQL: private cluster on 127.0.0.1:{self.port}")

    def restart(self) -> float:
        t0 = time.monotonic()
        self._as_postgres("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast",
                          "-w", "restart")  # fmt: skip
        return time.monotonic() - t0

    def outage(self, seconds: float) -> float:
        """Stopped (fast) for `seconds`, then started again; the seconds it was down."""
        t0 = time.monotonic()
        self._as_postgres("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")
        time.sleep(seconds)
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._as_postgres("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options,
                          "-w", "start")  # fmt: skip
        return time.monotonic() - t0

    def stop(self):
        if self.data.exists():
            subprocess.run(["runuser", "-u", "postgres", "--", str(PGBIN / "pg_ctl"), "-D",
                            str(self.data), "-m", "immediate", "stop"], capture_output=True)  # fmt: skip

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/coklit"


class Redis:
    def __init__(self, tmp: Path, first_port=6390):
        self.port, self.log, self.process = free_port(first_port), tmp / "redis.log", None

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--logfile", str(self.log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        )  # fmt: skip
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"


class Process:
    """gunicorn or a Celery worker, in its own process group, its output in a log file."""

    def __init__(self, name, command, env, log: Path):
        self.name, self.log = name, log
        with log.open("ab") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, condition, what, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"{self.name}: gave up waiting for {what}\n{self.output()[-3000:]}")

    def kill(self, sig=signal.SIGKILL):
        if self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


# --- The data ------------------------------------------------------------------------------
def period_create():
    from django.utils import timezone

    from visits.tests.factories import CoklitPeriodFactory

    today = timezone.localdate()
    return CoklitPeriodFactory(name="Latihan gangguan", starts_on=today - datetime.timedelta(7),
                               ends_on=today + datetime.timedelta(30))  # fmt: skip


def session_for(user) -> str:
    """A signed-in session, as the phone has after its pantarlih signed in."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def field_create(period, phones: int, floors=4, units_per_floor=10) -> list[dict]:
    """A pantarlih per phone, visiting a tower of their own: what a Phone needs to submit."""
    from accounts.tests.factories import UserFactory
    from visits.tests.factories import field_day

    field = []
    for n in range(phones):
        day = field_day(period=period, floors=floors, units_per_floor=units_per_floor,
                        pantarlih=UserFactory(role="pantarlih", email=f"hp{n}@latihan.coklit.id"))  # fmt: skip
        field.append({"session": session_for(day.pantarlih), "tower": day.tower.pk,
                      "visit": str(day.visit.client_uuid), "units": [u.pk for u in day.units]})  # fmt: skip
    return field


def field_prepare(phones: int, floors: int, units_per_floor: int) -> dict:
    """Migrate the private database and seed only the phones: the PostgreSQL fault alone."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return {"phones": field_create(period_create(), phones, floors, units_per_floor)}


def world_create(phones: int) -> dict:
    """Phones with a tower each, a manager with a proposal, a sign-in account, reminder targets."""
    from allauth.account.models import EmailAddress
    from django.utils import timezone

    from accounts.tests.factories import UserFactory
    from buildings.tests.factories import BuildingFactory, BuildingManagerFactory
    from visits.tests.factories import ScheduleFactory

    today = timezone.localdate()
    period = period_create()
    field = field_create(period, phones)
    # A proposer who gets no reminders, so the one email to them is the confirmation's notice.
    proposer = UserFactory(role="pantarlih", email="pengusul@latihan.coklit.id")
    manager = BuildingManagerFactory(
        building=BuildingFactory(name="Rusun Latihan Jadwal"),
        user=UserFactory(role="pengelola", email="pengelola@latihan.coklit.id"),
    )
    schedule = ScheduleFactory(period=period, building=manager.building, proposed_by=proposer,
                               date=today + datetime.timedelta(days=3), start=datetime.time(9),
                               end=datetime.time(12))  # fmt: skip
    kpu = UserFactory(role="kpu_provinsi", email="kpu@latihan.coklit.id", is_staff=True)
    from visits.tests.factories import AccessIssueFactory

    login = UserFactory(role="pantarlih", email="masuk@latihan.coklit.id")
    issue = AccessIssueFactory(building=manager.building, raised_by=login)
    login.set_password(PASSWORD)
    login.save(update_fields=["password"])
    EmailAddress.objects.create(user=login, email=login.email, verified=True, primary=True)
    return {
        "period": period.pk, "phones": field, "proposer": proposer.email,
        "manager": session_for(manager.user), "schedule": schedule.pk, "login": login.email,
        "kpu": kpu.email, "issue": issue.pk, "manager_email": manager.user.email,
        # Addresses of the notifications of phase b: not reminder recipients in phase c.
        "notified": {proposer.email, manager.user.email, login.email, "diundang@latihan.coklit.id"},
        "assign": lambda count, tag: _reminder_targets(period, count, tag, proposer),
    }  # fmt: skip


def _reminder_targets(period, count: int, tag: str, proposer):
    """`count` buildings with a visit confirmed for tomorrow: a manager and a pantarlih each."""
    from django.utils import timezone

    from accounts.tests.factories import UserFactory
    from buildings.tests.factories import BuildingFactory, BuildingManagerFactory
    from visits.tests.factories import AssignmentFactory, ScheduleFactory

    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    for n in range(count):
        building = BuildingFactory(name=f"Rusun Pengingat {tag} {n}")
        BuildingManagerFactory(building=building,
                               user=UserFactory(role="pengelola", email=f"m{tag}{n}@latihan.coklit.id"))  # fmt: skip
        AssignmentFactory(period=period, building=building,
                          pantarlih=UserFactory(role="pantarlih", email=f"p{tag}{n}@latihan.coklit.id"))  # fmt: skip
        ScheduleFactory(period=period, building=building, proposed_by=proposer, date=tomorrow,
                        start=datetime.time(9), end=datetime.time(12), status="confirmed")  # fmt: skip


# --- Phones ----------------------------------------------------------------------------------
def request(port, method, path, **kwargs):
    """bench/load_test.py's request: one request on a fresh connection; (status, body, Set-Cookie)."""
    from bench import load_test

    return load_test.request(port, method, path, **kwargs)[:3]


class Phone(threading.Thread):
    """One pantarlih's phone: an outcome every few tens of ms into a queue flushed like field.js.

    Whatever is not answered stored or duplicate (a 5xx, a network error) stays queued and is
    sent again after a short back-off (field.js: 3 s doubling; shorter here to measure recovery).
    """

    OUTCOMES = ["done", "not_home", "refused", "done", "vacant", "security_refused"]
    # Every POISON_EVERY-th item carries a year-1 time, as a phone with a broken clock sends:
    # it must be answered "invalid" alone while the rest of its batch is stored (issue #13).
    POISON_EVERY = 25

    def __init__(self, port, me, log):
        super().__init__(daemon=True)
        self.port, self.me, self.log = port, me, log
        self.queue, self.sent, self.answers = [], [], Counter()
        self.poison, self.poison_answers = set(), Counter()
        self.n = 0
        self.csrf = None
        self.producing = threading.Event()
        self.stop = threading.Event()

    def setup(self):
        from bench.load_test import csrf_from

        _, content, set_cookie = request(self.port, "GET", f"/lapangan/tower/{self.me['tower']}/",
                                         session=self.me["session"])  # fmt: skip
        self.csrf = csrf_from(content, set_cookie)
        assert self.csrf, "no CSRF token on the tower grid"

    def _new(self):
        unit = self.me["units"][self.n % len(self.me["units"])]
        self.n += 1
        item = {
            "client_uuid": str(uuid.uuid4()), "visit": self.me["visit"], "unit": unit,
            "outcome": self.OUTCOMES[self.n % len(self.OUTCOMES)], "voters_verified": self.n % 4,
            "voters_removed": 0, "voters_new": 0, "sticker": "placed",
            "recorded_at": datetime.datetime.now(datetime.UTC).isoformat(),
        }  # fmt: skip
        if self.n % self.POISON_EVERY == 0:
            item["recorded_at"] = "0001-01-01T00:00:00+14:00"
            self.poison.add(item["client_uuid"])
        else:
            self.sent.append(item["client_uuid"])
        self.queue.append(item)

    def run(self):
        backoff = 0.1
        while not self.stop.is_set():
            if self.producing.is_set():
                self._new()
            if not self.queue:
                time.sleep(0.05)
                continue
            batch = self.queue[:10]
            started = time.monotonic()
            try:
                status, content, _ = request(self.port, "POST", "/lapangan/kirim/",
                                             session=self.me["session"], csrf=self.csrf,
                                             body={"outcomes": batch})  # fmt: skip
            except OSError as error:
                status, content = f"network: {type(error).__name__}", b""
            self.log.append((started, time.monotonic(), status))
            results = None
            if status in (200, 409):
                try:
                    results = json.loads(content)["results"]
                except (ValueError, KeyError):
                    results = None
            if results is None:
                time.sleep(backoff)
                backoff = min(backoff * 2, 1.0)
                continue
            backoff = 0.1
            done = set()
            for r in results:
                if r["client_uuid"] in self.poison:
                    self.poison_answers[r["status"]] += 1
                else:
                    self.answers[r["status"]] += 1
                done.add(r["client_uuid"])  # conflict/invalid are dropped too, and counted
            self.queue = [i for i in self.queue if i["client_uuid"] not in done]
            time.sleep(0.03)


class Fleet:
    def __init__(self, port, world):
        self.log = []
        self.phones = [Phone(port, me, self.log) for me in world["phones"]]
        for phone in self.phones:  # every phone signed in before any starts: stop() ends them all
            phone.setup()
        for phone in self.phones:
            phone.start()

    def producing(self, on: bool):
        for phone in self.phones:
            (phone.producing.set if on else phone.producing.clear)()

    def drain(self, timeout=60) -> int:
        """Stop making outcomes; wait until every queue is empty. Returns what is left."""
        self.producing(False)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and any(p.queue for p in self.phones):
            time.sleep(0.1)
        return sum(len(p.queue) for p in self.phones)

    def stop(self):
        for phone in self.phones:
            phone.stop.set()
        for phone in self.phones:
            phone.join(10)

    def window(self, t0, t1) -> dict:
        rows = [r for r in self.log if t0 <= r[0] < t1]
        statuses = Counter(r[2] for r in rows)
        ok = statuses[200] + statuses[409]
        return {
            "requests": len(rows),
            "ok": ok,
            "503": statuses[503],
            "500": statuses[500],
            "other_errors": len(rows) - ok - statuses[503] - statuses[500],
            "statuses": {str(k): v for k, v in statuses.items()},
        }


def outcome_integrity(fleet) -> dict:
    """Every UUID sent stored once; every unit's running totals equal a recount."""
    sent = [u for p in fleet.phones for u in p.sent]
    units = sorted({u for p in fleet.phones for u in p.me["units"]})
    answers, poison_answers = Counter(), Counter()
    poison = [u for p in fleet.phones for u in p.poison]
    for p in fleet.phones:
        answers.update(p.answers)
        poison_answers.update(p.poison_answers)
    from visits.models import UnitOutcome

    return outcomes_check(sent, units) | {
        "answers": dict(answers),
        "still_queued": sum(len(p.queue) for p in fleet.phones),
        "poison_sent": len(poison),
        "poison_answers": dict(poison_answers),
        "poison_stored": UnitOutcome.objects.filter(client_uuid__in=poison).count(),
    }


def outcomes_check(sent: list[str], unit_ids: list[int]) -> dict:
    """How many of the UUIDs sent are stored, lost, doubled; which units' totals are wrong."""
    from django.db.models import Count, OuterRef, Q, Subquery
    from django.db.models.functions import Coalesce

    from buildings.models import Unit
    from visits.models import UnitOutcome
    from visits.services import REFUSALS

    rows = Counter(
        str(u) for u in UnitOutcome.objects.filter(client_uuid__in=sent).values_list(
            "client_uuid", flat=True)
    )  # fmt: skip
    units = Unit.objects.filter(pk__in=unit_ids).annotate(
        n=Count("outcomes"),
        refusals=Count("outcomes", filter=Q(outcomes__outcome__in=REFUSALS)),
        # A household counts once: the newest outcome's voters (issue #13).
        verified=Coalesce(
            Subquery(
                UnitOutcome.objects.filter(unit=OuterRef("pk"))
                .order_by("-recorded_at", "-pk")
                .values("voters_verified")[:1]
            ),
            0,
        ),
    )
    mismatched = [
        u.pk for u in units
        if (u.outcome_count, u.refusal_count, u.voters_verified) != (u.n, u.refusals, u.verified)
    ]  # fmt: skip
    return {
        "uuids_sent": len(sent),
        "rows_found": sum(rows.values()),
        "lost": sum(1 for u in sent if u not in rows),
        "duplicated": sum(n - 1 for n in rows.values() if n > 1),
        "units_checked": len(units),
        "units_with_wrong_totals": len(mismatched),
    }


# --- The drill -------------------------------------------------------------------------------
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
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "fault_drill.json"
    path.write_text(json.dumps(figures, indent=2, default=str))
    print(f"\nruntime {figures['runtime_seconds']} s; written to {path.relative_to(ROOT)}")
    sys.exit(0 if figures["ok"] else 1)


def server_env(tmp, postgres, redis) -> dict:
    """The environment of every process of the drill: production settings on the private services.

    Writes the settings module into `tmp`; changes nothing of this process's own environment.
    """
    (tmp / "fault_drill_settings.py").write_text(SETTINGS)
    ledger = tmp / "mail.jsonl"
    ledger.touch()
    return {
        **os.environ,
        "PYTHONPATH": f"{tmp}{os.pathsep}{ROOT}",
        "DJANGO_SETTINGS_MODULE": "fault_drill_settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": postgres.url,
        "REDIS_URL": redis.url,
        "REMINDER_LEASE_SECONDS": str(LEASE_SECONDS),
        "LOG_LEVEL": "WARNING",
        "FAULT_DRILL_LEDGER": str(ledger),
        "FAULT_DRILL_SMTP_SECONDS": str(SMTP_SECONDS),
    }


def django_call(env: dict, function: str, **kwargs):
    """`function(**kwargs)` of this module in a fresh Python whose Django runs on `env`.

    For a caller whose own Django is set up on another database (the test suite's); arguments
    and result travel as JSON.
    """
    code = (
        "import json, sys, django; django.setup(); from bench import fault_drill; "
        f"result = fault_drill.{function}(**json.load(sys.stdin)); "
        "print('\\n' + json.dumps(result))"
    )
    done = subprocess.run([str(PYTHON), "-c", code], cwd=ROOT, env=env, input=json.dumps(kwargs),
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"{function} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])


def gunicorn_start(env, tmp, workers, processes) -> tuple[Process, int]:
    """gunicorn on a free port, once /healthz answers 200; (the process, its port)."""
    port = free_port(18000)
    web = Process("gunicorn", [str(ROOT / ".venv" / "bin" / "gunicorn"), "coklit.wsgi",
                               "--workers", str(workers), "--bind", f"127.0.0.1:{port}"],
                  env, tmp / "gunicorn.log")  # fmt: skip
    processes.append(web)

    def healthy():
        try:
            return request(port, "GET", "/healthz")[0] == 200
        except OSError:
            return False

    web.wait_for(healthy, "/healthz to answer 200")
    return web, port


def drill(args, tmp, postgres, redis, processes) -> dict:
    env = server_env(tmp, postgres, redis)
    ledger = Path(env["FAULT_DRILL_LEDGER"])
    os.environ.update(env)
    sys.path[:0] = [str(tmp), str(ROOT)]
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    t0 = time.monotonic()
    call_command("migrate", verbosity=0)
    world = world_create(args.phones)
    connection.close()
    print(f"migrated and seeded in {time.monotonic() - t0:.0f} s")

    web, port = gunicorn_start(env, tmp, args.workers, processes)
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


def start_worker(env, tmp, name, processes, **extra):
    command = [str(PYTHON), "-m", "celery", "-A", "coklit", "worker", "--pool=solo",
               "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "info",
               "-n", f"{name}@%h"]  # fmt: skip
    worker = Process(name, command, {**env, "LOG_LEVEL": "INFO", **extra}, tmp / f"{name}.log")
    processes.append(worker)
    worker.wait_for(lambda: " ready." in worker.output(), "the worker to start")
    return worker


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
    from reminders.outbox import outbox_enqueue

    from accounts.models import Briefing, User
    from buildings.models import Building
    from dashboard.briefings import briefing_invite
    from dashboard.escalation import issue_resolve
    from dashboard.export_tasks import export_job_build
    from dashboard.models import ExportJob
    from invitations.services import invitation_create
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
    from bench.load_test import csrf_from

    print("\nb. Redis stopped under load")
    t0 = time.monotonic()
    fleet.producing(True)
    time.sleep(2)
    redis.stop()
    time.sleep(1)
    pages = {}
    # A real sign-in: allauth's rate limits read the cache.
    _, content, cookie = request(port, "GET", "/akun/login/")
    csrf = csrf_from(content, cookie)
    status, _, cookie = request(port, "POST", "/akun/login/", csrf=csrf,
                                form={"login": world["login"], "password": PASSWORD})  # fmt: skip
    pages["sign in (POST /akun/login/)"] = status
    pages["signed in afterwards"] = "sessionid=" in cookie
    pages["field page (GET /lapangan/)"] = request(port, "GET", "/lapangan/",
                                                   session=world["phones"][0]["session"])[0]  # fmt: skip
    pages["public check (GET /cek/)"] = request(port, "GET", "/cek/")[0]
    pages["portal (GET /portal/)"] = request(port, "GET", "/portal/", session=world["manager"])[0]
    url = f"/portal/jadwal/{world['schedule']}/"
    _, content, cookie = request(port, "GET", url, session=world["manager"])
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

    from reminders.models import OutboxMessage

    waiting = OutboxMessage.objects.filter(task="visits.tasks.schedule_notify")
    result["outbox_after_redis_back"] = list(waiting.values("enqueued_at", "attempts"))
    print(f"   {result}")
    return result, confirmed_at


def _ledger(ledger) -> list[dict]:
    return [json.loads(line) for line in ledger.read_text().splitlines() if line.strip()]


def _run_task(task):
    from coklit.celery import app

    with app.connection_for_write() as conn:
        return task.apply_async(connection=conn).id


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
    delivered_before = len(_ledger(ledger))
    run_at = time.monotonic()
    _run_task(reminders_run)
    deadline = time.monotonic() + 60
    while len(_ledger(ledger)) < delivered_before + 3 and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(SMTP_SECONDS / 2)  # mid-message: transmitting, or accepted and not yet marked
    worker.kill()
    killed_at = time.monotonic()
    delivered_at_kill = len(_ledger(ledger)) - delivered_before
    replacement = start_worker(env, tmp, f"worker-{tag}-2", processes)
    # The beat's sweep (every 5 minutes in production) once the lease has passed.
    time.sleep(max(0.0, run_at + LEASE_SECONDS + 1 - time.monotonic()))
    _run_task(reminders_sweep)
    logs = ReminderLog.objects.exclude(pk__in=before)
    deadline = time.monotonic() + 90
    while logs.filter(status="pending").exists() and time.monotonic() < deadline:
        time.sleep(0.5)
        if time.monotonic() > killed_at + LEASE_SECONDS * 3:
            _run_task(reminders_sweep)
            killed_at = time.monotonic()
    _run_task(reminders_sweep)  # one more: nothing must go out again
    time.sleep(2 + SMTP_SECONDS * 2)
    rows = list(logs.select_related("recipient").values_list("recipient__email", "status"))
    connection.close()
    emails = Counter(
        (m["to"][0], m["subject"]) for m in _ledger(ledger)[delivered_before:]
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
        m["message_id"] or id(m) for m in _ledger(ledger)[delivered_before:]
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
    from reminders import outbox
    from reminders.models import OutboxMessage
    from reminders.tasks import reminders_sweep

    wait = confirmed_at + outbox.SWEEP_AFTER.total_seconds() + 1 - time.monotonic()
    print(f"\nb. (cont.) the outbox sweep, {max(wait, 0):.0f} s until the notice is a minute old")
    time.sleep(max(0.0, wait))
    for _ in range(2):  # a second sweep must send nothing more
        _run_task(reminders_sweep)
        time.sleep(3)
    wanted = sum(world["expected"]["emails"].values()) + 1  # and the schedule notice
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        addresses = {*world["expected"]["emails"], world["proposer"]}
        if sum(1 for m in _ledger(ledger) if m["to"][0] in addresses) >= wanted:
            break
        time.sleep(0.5)
    time.sleep(2)  # anything sent twice would arrive now
    from dashboard.models import ExportJob

    delivered = _ledger(ledger)
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
    from accounts.tests.factories import UserFactory
    from buildings.tests.factories import BuildingFactory, BuildingManagerFactory
    from dashboard.escalation import issue_resolve
    from visits.tests.factories import AccessIssueFactory

    print("\ne. a Celery worker killed while emailing the recipients of one notification")
    building = BuildingFactory(name="Rusun Latihan Kendala")
    managers = [
        BuildingManagerFactory(building=building, user=UserFactory(
            role="pengelola", email=f"kendala{n}@latihan.coklit.id")).user
        for n in range(5)
    ]  # fmt: skip
    raiser = UserFactory(role="pantarlih", email="pelapor@latihan.coklit.id")
    issue = AccessIssueFactory(building=building, raised_by=raiser)
    expected = {u.email for u in managers} | {raiser.email}
    worker.kill(signal.SIGTERM)
    first = start_worker(env, tmp, "worker-e1", processes)
    with transaction.atomic():
        issue_resolve(issue=issue, by=User.objects.get(email=world["kpu"]),
                      resolution="Pengelola membuka akses.")  # fmt: skip
    connection.close()

    def delivered():
        return Counter(m["to"][0] for m in _ledger(ledger) if m["to"][0] in expected)

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
