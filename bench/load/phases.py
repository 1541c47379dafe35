"""The load test's phases: requests of each kind, closed loop (saturation) or open loop (peak).

A phase records, per row of the table, client ms (counted from when each request was due),
server ms (the Server-Timing header), errors, every outcome UUID sent with its answer, and the
CPU each part of the system used over the phase.
"""

import json
import os
import queue
import random
import threading
import time
import uuid
from collections import Counter, defaultdict

from bench.harness.client import recorded_at, request
from bench.harness.cpu import CpuMeter
from bench.harness.report import ms, quantiles
from bench.load.mix import BUDGET_MS, DASHBOARD_DATE, ORDER, OUTCOMES


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
        elapsed = (time.perf_counter() - due) * 1000
        with self.lock:
            if ok:
                self.client[label].append(elapsed)
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

    def dashboard(self, level, path, due):
        self.get(level, f"{path}?tanggal={DASHBOARD_DATE}", random.choice(self.world["staff"]), due)

    def province(self, due):
        self.dashboard("province", "/dasbor/wilayah/31/", due)

    def kota(self, due):
        self.dashboard("kota", f"/dasbor/wilayah/{random.choice(self.world['kota'])}/", due)

    def kecamatan(self, due):
        code = random.choice(self.world["kecamatan"])
        self.dashboard("kecamatan", f"/dasbor/wilayah/{code}/", due)

    def kelurahan(self, due):
        code = random.choice(self.world["kelurahan"])
        self.dashboard("kelurahan", f"/dasbor/wilayah/{code}/", due)

    def building(self, due):
        pk = random.choice(self.world["buildings"])
        self.dashboard("building", f"/dasbor/gedung/{pk}/", due)

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
            client, server = quantiles(self.client[label]), quantiles(self.server[label])
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
                  f"{self.errors[label]:>7}  {ms(client):>26}  {ms(server):>26}  {verdict}")  # fmt: skip
        print("  CPU, cores busy: " + ", ".join(
            f"{k} {v:.2f}" for k, v in self.cpu.items() if k != "machine")
            + f" (machine {self.cpu['machine']:.2f} of {os.cpu_count()})")  # fmt: skip
        if self.cpu["other processes"] > 0.25:
            print(f"  NOTE: other processes took {self.cpu['other processes']:.2f} cores of this "
                  "shared machine; the figures above are lower than the server alone would do")  # fmt: skip
        return {"seconds": round(self.seconds, 1), "pages": rows,
                "cpu_cores": {k: round(v, 2) for k, v in self.cpu.items()}}  # fmt: skip


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
        lag = quantiles(self.lag)
        self.note += f"; generator start lag p95 {lag[1]} ms"
        return self
