"""Real processes for the fault tests: a private PostgreSQL cluster and Redis, gunicorn, phones.

Nothing here touches the suite's own PostgreSQL and Redis: the cluster is made by initdb in a
temporary directory and runs as the `postgres` OS user (so it needs root), Redis keeps nothing
on disk, each on the first free port from a given one. gunicorn runs with production settings
over plain HTTP (plain_http_settings.py). `django_call` runs a function of this module in a
fresh Python whose Django is set up on the private database, since this process's own Django
is on the suite's.
"""

import datetime
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PGBIN = Path("/usr/lib/postgresql/15/bin")


def free_port(start: int) -> int:
    for port in range(start, start + 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port from {start}")


class Postgres:
    def __init__(self, tmp: Path, first_port: int):
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

    def restart(self) -> float:
        t0 = time.monotonic()
        self._as_postgres("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", "fast",
                          "-w", "restart")  # fmt: skip
        return time.monotonic() - t0

    def stop(self):
        if self.data.exists():
            subprocess.run(["runuser", "-u", "postgres", "--", str(PGBIN / "pg_ctl"), "-D",
                            str(self.data), "-m", "immediate", "stop"], capture_output=True)  # fmt: skip

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/coklit"


class Redis:
    def __init__(self, tmp: Path, first_port: int):
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


def server_env(postgres, redis) -> dict:
    """Production settings over plain HTTP on the private services, for every process started."""
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "coklit.tests.plain_http_settings",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": postgres.url,
        "REDIS_URL": redis.url,
        "LOG_LEVEL": "WARNING",
    }


class Gunicorn:
    """gunicorn in its own process group, its output in a log file; ready once /healthz is 200."""

    def __init__(self, env, log: Path, workers: int):
        self.port, self.log = free_port(18100), log
        command = [sys.executable, "-m", "gunicorn", "coklit.wsgi", "--workers", str(workers),
                   "--bind", f"127.0.0.1:{self.port}"]  # fmt: skip
        with log.open("ab") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if request(self.port, "GET", "/healthz")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer /healthz with 200:\n{self.output()[-3000:]}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def django_call(env: dict, function: str, **kwargs):
    """`function(**kwargs)` of this module in a fresh Python whose Django runs on `env`;
    arguments and result travel as JSON."""
    code = (
        "import json, sys, django; django.setup(); from coklit.tests import faults; "
        f"result = faults.{function}(**json.load(sys.stdin)); "
        "print('\\n' + json.dumps(result))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, input=json.dumps(kwargs),
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"{function} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
    return json.loads(done.stdout.splitlines()[-1])


# --- Run by django_call on the private database ----------------------------------------------
def field_prepare(phones: int, floors: int, units_per_floor: int) -> dict:
    """Migrate the private database; a pantarlih per phone, visiting a tower of their own."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command

    from accounts.tests.factories import UserFactory
    from visits.tests.factories import CoklitPeriodFactory, field_day

    call_command("migrate", verbosity=0)
    period = CoklitPeriodFactory(name="Uji gangguan")
    field = []
    for n in range(phones):
        day = field_day(period=period, floors=floors, units_per_floor=units_per_floor,
                        pantarlih=UserFactory(role="pantarlih", email=f"hp{n}@uji.coklit.id"))  # fmt: skip
        session = SessionStore()  # signed in, as the phone is after its pantarlih signed in
        session[SESSION_KEY] = str(day.pantarlih.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = day.pantarlih.get_session_auth_hash()
        session.create()
        field.append({"session": session.session_key, "tower": day.tower.pk,
                      "visit": str(day.visit.client_uuid), "units": [u.pk for u in day.units]})  # fmt: skip
    return {"phones": field}


def outcomes_check(sent: list[str], unit_ids: list[int]) -> dict:
    """How many of the UUIDs sent are stored, lost, doubled; which units' running totals
    differ from a recount of their outcomes (voters: the newest outcome's)."""
    from django.db.models import Count, OuterRef, Q, Subquery
    from django.db.models.functions import Coalesce

    from buildings.models import Unit
    from visits.models import UnitOutcome

    rows = Counter(
        str(u) for u in UnitOutcome.objects.filter(client_uuid__in=sent).values_list(
            "client_uuid", flat=True)
    )  # fmt: skip
    newest = UnitOutcome.objects.filter(unit=OuterRef("pk")).order_by("-recorded_at", "-pk")
    units = Unit.objects.filter(pk__in=unit_ids).annotate(
        n=Count("outcomes"),
        refusals=Count("outcomes", filter=Q(outcomes__outcome__in=Unit.REFUSAL_STATUSES)),
        verified=Coalesce(Subquery(newest.values("voters_verified")[:1]), 0),
    )
    return {
        "uuids_sent": len(sent),
        "rows_found": sum(rows.values()),
        "lost": sum(1 for u in sent if u not in rows),
        "duplicated": sum(n - 1 for n in rows.values() if n > 1),
        "units_with_wrong_totals": sum(
            1 for u in units
            if (u.outcome_count, u.refusal_count, u.voters_verified) != (u.n, u.refusals, u.verified)
        ),
    }  # fmt: skip


# --- Phones ----------------------------------------------------------------------------------
def request(port, method, path, *, session=None, csrf=None, body=None):
    """One request on a fresh connection; (status, body, Set-Cookie)."""
    headers = {"Host": "127.0.0.1"}
    cookies = {"sessionid": session, "csrftoken": csrf and csrf[0]}
    if cookie := "; ".join(f"{k}={v}" for k, v in cookies.items() if v):
        headers["Cookie"] = cookie
    if body is not None:
        body = json.dumps(body).encode()
        headers.update({"Content-Type": "application/json", "X-CSRFToken": csrf[1]})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(), response.getheader("Set-Cookie") or ""
    finally:
        connection.close()


class Phone(threading.Thread):
    """One pantarlih's phone: an outcome every few tens of ms into a queue flushed like field.js.

    Whatever is not answered stored or duplicate (a 5xx, a network error) stays queued and is
    sent again after a short back-off (field.js: 3 s doubling; shorter here to measure recovery).
    """

    OUTCOMES = ["done", "not_home", "refused", "done", "vacant", "security_refused"]

    def __init__(self, port, me, log):
        super().__init__(daemon=True)
        self.port, self.me, self.log = port, me, log
        self.queue, self.sent, self.n = [], [], 0
        self.producing, self.stop = threading.Event(), threading.Event()
        _, content, set_cookie = request(port, "GET", f"/lapangan/tower/{me['tower']}/",
                                         session=me["session"])  # fmt: skip
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', content.decode())
        cookie = re.search(r"csrftoken=([^;]+)", set_cookie)
        assert token and cookie, "no CSRF token on the tower grid"
        self.csrf = (cookie.group(1), token.group(1))

    def _new(self):
        unit = self.me["units"][self.n % len(self.me["units"])]
        self.n += 1
        item = {
            "client_uuid": str(uuid.uuid4()), "visit": self.me["visit"], "unit": unit,
            "outcome": self.OUTCOMES[self.n % len(self.OUTCOMES)], "voters_verified": self.n % 4,
            "voters_removed": 0, "voters_new": 0, "sticker": "placed",
            "recorded_at": datetime.datetime.now(datetime.UTC).isoformat(),
        }  # fmt: skip
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
            try:
                results = json.loads(content)["results"] if status in (200, 409) else None
            except (ValueError, KeyError):
                results = None
            if results is None:
                time.sleep(backoff)
                backoff = min(backoff * 2, 1.0)
                continue
            backoff = 0.1
            done = {r["client_uuid"] for r in results}  # conflict/invalid are dropped too
            self.queue = [i for i in self.queue if i["client_uuid"] not in done]
            time.sleep(0.03)


class Fleet:
    """Phones all signed in before any starts, so stop() ends them all."""

    def __init__(self, port, world):
        self.log = []
        self.phones = [Phone(port, me, self.log) for me in world["phones"]]
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


def restart_under_load(fleet, postgres, *, before: float, after: float) -> dict:
    """Seconds of submissions `before` and `after` a restart, then every queue drained."""
    fleet.producing(True)
    time.sleep(before)
    restart_at = time.monotonic()
    restart_seconds = postgres.restart()
    time.sleep(after)
    left = fleet.drain()
    failures = [r for r in fleet.log if r[0] >= restart_at and r[2] not in (200, 409)]
    last_failure = max((r[0] for r in failures), default=restart_at)
    first_ok = min((r[1] for r in fleet.log if r[0] > last_failure and r[2] in (200, 409)),
                   default=None)  # fmt: skip
    return {
        "pg_ctl_restart_seconds": round(restart_seconds, 2),
        "seconds_to_first_success": round(first_ok - restart_at, 2) if first_ok else None,
        "queued_at_end": left,
    }
