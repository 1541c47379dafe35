"""Load test of the morning peak: gunicorn + PostgreSQL + Redis on this machine, over HTTP.

Fills a throw-away PostgreSQL database with `seed_scale` (smaller than Jakarta scale by default;
pass the full figures as flags), opens a coklit period around today with signed-in sessions for
pantarlih, building managers and a KPU Provinsi user, starts gunicorn on 127.0.0.1 with
production settings (bench/load_settings.py: plain HTTP, plus a minimal `GET /ping` view), then
runs three phases of closed-loop virtual users (threads, no think time):

1. `/ping` only: what a Django request costs here, the yardstick;
2. outcome submissions only (`POST /lapangan/kirim/`, one outcome a request, as the phone's queue);
3. the morning peak mix: pantarlih open `/lapangan/` and their tower grid and submit outcomes,
   managers open `/portal/` and confirm proposed schedules, staff open the province dashboard
   and a kelurahan page.

It prints requests, requests/s, p50/p95/p99 and errors per page, the ratio of outcome
submissions/s to /ping requests/s, and checks that every outcome answered "stored" is in the
database exactly once (and nothing else was stored under the UUIDs sent).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coklit \\
        .venv/bin/python bench/load_test.py [--users 30] [--duration 30] [--keep DB]

Budgets (DESIGN.md): p95 < 100 ms for field and portal pages, < 300 ms for the province
dashboard; at least 100 outcome submissions/s. Figures also go to bench/out/load_test.json.
"""

import argparse
import datetime
import http.client
import json
import os
import re
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
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
PERIOD_NAME = "Uji beban (bench/load_test.py)"
DASHBOARD_DATE = "2024-07-10"  # seed_scale's outcomes lie in the Pilkada 2024 window
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--buildings", type=int, default=500)
    parser.add_argument("--towers", type=int, default=1_500)
    parser.add_argument("--units", type=int, default=100_000)
    parser.add_argument("--pantarlih", type=int, default=7_500)
    parser.add_argument("--outcomes", type=int, default=250_000)
    parser.add_argument("--users", type=int, default=30, help="virtual users at once")
    parser.add_argument("--duration", type=float, default=30, help="seconds of the peak mix")
    parser.add_argument("--phase", type=float, default=10, help="seconds of each yardstick phase")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--keep", metavar="DB", help="seed into DB and keep it (or reuse it)")
    args = parser.parse_args()

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
    from django.db import connection

    if connection.vendor != "postgresql":
        sys.exit("Run it on PostgreSQL (DATABASE_URL=postgres://…): the budget is for production.")
    OUT.mkdir(parents=True, exist_ok=True)
    if args.keep:
        from dashboard_bench import _use_kept_database

        _use_kept_database(connection, args)
        figures = run(args)
    else:
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_load_{os.getpid()}"
        old = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        try:
            figures = run(args)
        finally:
            connection.close()
            connection.creation.destroy_test_db(old, verbosity=0)
    path = OUT / "load_test.json"
    path.write_text(json.dumps(figures, indent=2))
    print(f"\nwritten to {path.relative_to(ROOT)}")


# --- Preparing the data --------------------------------------------------------------------
def run(args) -> dict:
    from django.core.management import call_command
    from django.db import connection

    from buildings.models import Building

    started = time.perf_counter()
    if not Building.objects.filter(name__startswith="Skala ").exists():
        call_command("seed_scale", force=True, **{k: getattr(args, k) for k in (
            "buildings", "towers", "units", "pantarlih", "outcomes")})  # fmt: skip
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"seed_scale: {time.perf_counter() - started:.0f} s")
    world = prepare(args.users)
    connection.close()  # the server's workers and this process's check open their own

    figures = {**vars(args), "phases": {}}
    with Server(args.workers) as server:
        ping = Users(server.port, world).run("ping", args.users, args.phase)
        submit = Users(server.port, world).run("submit", args.users, args.phase)
        peak = Users(server.port, world).run("peak", args.users, args.duration)
        server.check_log()
    for label, phase in (("ping only", ping), ("submissions only", submit), ("peak", peak)):
        figures["phases"][label] = phase.report(label)
    ping_rate = ping.rate("ping")
    submit_rate = submit.rate("outcome submit")
    peak_rate = peak.rate("outcome submit")
    ratio = submit_rate / ping_rate if ping_rate else 0
    print(f"\noutcome submissions/s ÷ minimal view requests/s: {submit_rate:.1f} ÷ "
          f"{ping_rate:.1f} = {ratio:.2f}")  # fmt: skip
    print(f"outcome submissions/s during the peak mix: {peak_rate:.1f} (budget ≥ 100)")
    figures["ratio_submit_to_ping"] = round(ratio, 3)
    figures["integrity"] = integrity_check(submit.sent + peak.sent)
    return figures


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


def integrity_check(sent: list) -> dict:
    """Every outcome answered `stored` is in the database once; nothing else was stored."""
    from django.db.models import Count

    from visits.models import UnitOutcome

    stored = {u for u, status in sent if status == "stored"}
    unanswered = {u for u, status in sent if status != "stored"}
    rows = dict(
        UnitOutcome.objects.filter(client_uuid__in=[u for u, _ in sent])
        .values_list("client_uuid")
        .annotate(n=Count("pk"))
        .values_list("client_uuid", "n")
    )
    rows = {str(k): v for k, v in rows.items()}
    result = {
        "submitted": len(sent),
        "answered_stored": len(stored),
        "rows_found": sum(rows.values()),
        "lost": sum(1 for u in stored if u not in rows),
        "duplicated": sum(n - 1 for n in rows.values() if n > 1),
        "stored_without_answer": sum(1 for u in unanswered if u in rows),
    }
    ok = result["lost"] == 0 and result["duplicated"] == 0
    print(f"\nintegrity: {result['answered_stored']:,} answered stored, "
          f"{result['rows_found']:,} rows by client_uuid, {result['lost']} lost, "
          f"{result['duplicated']} duplicated, {result['stored_without_answer']} stored "
          f"without a 'stored' answer — {'OK' if ok else 'FAILED'}")  # fmt: skip
    result["ok"] = ok
    return result


# --- The server ----------------------------------------------------------------------------
class Server:
    """gunicorn on a free port of 127.0.0.1, stopped whatever happens."""

    def __init__(self, workers: int):
        self.workers = workers
        self.log = tempfile.NamedTemporaryFile(prefix="load_test_gunicorn_", suffix=".log")

    def __enter__(self):
        from django.db import connection

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        db = connection.settings_dict
        env = {**os.environ, "DATABASE_URL": (
            f"postgres://{db['USER'] or ''}{':' + db['PASSWORD'] if db['PASSWORD'] else ''}"
            f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}")}  # fmt: skip
        self.process = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "coklit.wsgi", "--workers",
             str(self.workers), "--bind", f"127.0.0.1:{self.port}"],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/ping")[0] == 200:
                    print(f"gunicorn: {self.workers} workers on 127.0.0.1:{self.port}")
                    return self
            except OSError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.__exit__(None, None, None)
        raise RuntimeError(f"gunicorn did not answer /ping:\n{self.tail()}")

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
            print("\n".join(errors[-5:]))


def request(port, method, path, *, session=None, csrf=None, body=None, form=None):
    """One request on a fresh connection (gunicorn's sync workers close each one)."""
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
        response = connection.getresponse()
        content = response.read()
        return response.status, content, response.getheader("Set-Cookie") or ""
    finally:
        connection.close()


def csrf_from(content: bytes, set_cookie: str, old=None):
    """The (cookie, form token) pair a page hands out, as the browser and field.js keep them."""
    cookie = re.search(r"csrftoken=([^;]+)", set_cookie)
    token = CSRF_INPUT.search(content.decode(errors="replace"))
    if not token:
        return old
    return (cookie.group(1) if cookie else old[0], token.group(1))


# --- The virtual users ---------------------------------------------------------------------
class Users:
    """Closed-loop virtual users on threads; each records (label, ms, ok) per request."""

    def __init__(self, port: int, world: dict):
        self.port, self.world = port, world
        self.times = defaultdict(list)
        self.errors = defaultdict(int)
        self.sent = []  # (client_uuid, status) of every outcome submitted
        self.lock = threading.Lock()

    def run(self, scenario: str, users: int, seconds: float):
        self.stop_at = time.monotonic() + seconds
        self.seconds = seconds
        roles = self._roles(scenario, users)
        threads = [threading.Thread(target=self._guard, args=(r, i), daemon=True)
                   for i, r in enumerate(roles)]  # fmt: skip
        for t in threads:
            t.start()
        for t in threads:
            t.join(seconds + 60)  # every request has a 30 s timeout: the run ends by itself
        print(f"{scenario}: {len(roles)} virtual users for {seconds:.0f} s")
        return self

    def _roles(self, scenario, users):
        if scenario == "ping":
            return [self._ping] * users
        if scenario == "submit":
            return [self._pantarlih_submit_only] * users
        staff = max(1, users // 10)
        managers = max(1, users // 5)
        return ([self._staff] * staff + [self._manager] * managers
                + [self._pantarlih] * (users - staff - managers))  # fmt: skip

    def _guard(self, role, index):
        try:
            role(index)
        except Exception as error:  # a virtual user that dies is an error, not a hang
            self._record("virtual user died", 0, False, f"{type(error).__name__}: {error}")

    def _live(self):
        return time.monotonic() < self.stop_at

    def _record(self, label, ms, ok, detail=None):
        with self.lock:
            if ok:
                self.times[label].append(ms)
            else:
                self.errors[label] += 1
                if self.errors[label] <= 3 and detail:
                    print(f"  error {label}: {detail}")

    def _get(self, label, path, session=None, expect=200, **kw):
        t0 = time.perf_counter()
        try:
            status, content, set_cookie = request(self.port, "GET", path, session=session, **kw)
        except OSError as error:
            self._record(label, 0, False, repr(error))
            return None, b"", ""
        ms = (time.perf_counter() - t0) * 1000
        self._record(label, ms, status == expect, f"{path} → {status}")
        return status, content, set_cookie

    def _ping(self, index):
        while self._live():
            self._get("ping", "/ping")

    def _pantarlih(self, index, pages=True):
        me = self.world["pantarlih"][index % len(self.world["pantarlih"])]
        grid = f"/lapangan/tower/{me['tower']}/"
        csrf, n = None, 0
        while self._live():
            if pages or csrf is None:
                label = "field today" if pages else None
                if label:
                    self._get(label, "/lapangan/", me["session"])
                _, content, set_cookie = self._get(
                    "field tower grid" if pages else "field tower grid (setup)",
                    grid, me["session"], csrf=csrf,
                )  # fmt: skip
                csrf = csrf_from(content, set_cookie, csrf)
                if csrf is None:
                    self._record("outcome submit", 0, False, "no CSRF token on the grid page")
                    return
            for _ in range(5 if pages else 50):
                if not self._live():
                    return
                self._submit(me, csrf, n)
                n += 1

    def _pantarlih_submit_only(self, index):
        self._pantarlih(index, pages=False)

    def _submit(self, me, csrf, n):
        client_uuid = str(uuid.uuid4())
        item = {
            "client_uuid": client_uuid,
            "visit": me["visit"],
            "unit": me["units"][n % len(me["units"])],
            "outcome": "done",
            "voters_verified": 2,
            "sticker": "",
            "recorded_at": datetime.datetime.now(datetime.UTC).isoformat(),
        }
        t0 = time.perf_counter()
        try:
            status, content, _ = request(self.port, "POST", "/lapangan/kirim/",
                                         session=me["session"], csrf=csrf,
                                         body={"outcomes": [item]})  # fmt: skip
            answer = json.loads(content)["results"][0]["status"] if status in (200, 409) else None
        except (OSError, ValueError, KeyError, IndexError) as error:
            status, answer = repr(error), None
        ms = (time.perf_counter() - t0) * 1000
        with self.lock:
            self.sent.append((client_uuid, answer))
        self._record("outcome submit", ms, answer == "stored", f"{status} {answer}")

    def _manager(self, index):
        me = self.world["managers"][index % len(self.world["managers"])]
        schedules = iter(me["schedules"])
        while self._live():
            self._get("portal home", "/portal/", me["session"])
            pk = next(schedules, None)
            if pk is None:
                continue
            _, content, set_cookie = self._get(
                "portal schedule", f"/portal/jadwal/{pk}/", me["session"]
            )
            csrf = csrf_from(content, set_cookie)
            t0 = time.perf_counter()
            try:
                status, _, _ = request(self.port, "POST", f"/portal/jadwal/{pk}/",
                                       session=me["session"], csrf=csrf,
                                       form={"action": "confirm", "answer-reply": ""})  # fmt: skip
            except (OSError, TypeError) as error:
                status = repr(error)
            ms = (time.perf_counter() - t0) * 1000
            self._record("schedule confirm", ms, status == 302, f"schedule {pk} → {status}")

    def _staff(self, index):
        session = self.world["staff"][index % len(self.world["staff"])]
        kelurahan = self.world["kelurahan"]
        while self._live():
            self._get("province dashboard", f"/dasbor/wilayah/31/?tanggal={DASHBOARD_DATE}",
                      session)  # fmt: skip
            self._get("kelurahan dashboard",
                      f"/dasbor/wilayah/{kelurahan}/?tanggal={DASHBOARD_DATE}", session)  # fmt: skip

    def rate(self, label) -> float:
        return len(self.times.get(label, ())) / self.seconds

    def report(self, title) -> dict:
        print(f"\n{title} ({self.seconds:.0f} s)")
        print(f"  {'page':<26}{'requests':>9}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}"
              f"{'p99 ms':>9}{'errors':>8}")  # fmt: skip
        rows = {}
        for label in sorted(set(self.times) | set(self.errors)):
            times = sorted(self.times.get(label, ()))
            q = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else None
            row = {
                "requests": len(times) + self.errors[label],
                "per_second": round(len(times) / self.seconds, 1),
                "p50_ms": round(q[49], 1) if q else None,
                "p95_ms": round(q[94], 1) if q else None,
                "p99_ms": round(q[98], 1) if q else None,
                "errors": self.errors[label],
            }
            rows[label] = row

            def ms(value):
                return f"{value:9.1f}" if value is not None else f"{'–':>9}"

            print(f"  {label:<26}{row['requests']:>9}{row['per_second']:>8.1f}"
                  f"{ms(row['p50_ms'])}{ms(row['p95_ms'])}{ms(row['p99_ms'])}"
                  f"{row['errors']:>8}")  # fmt: skip
        return rows


if __name__ == "__main__":
    main()
