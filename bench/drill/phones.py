"""Phone-like clients: each submits outcomes and, like static/js/field.js, keeps and resends
whatever was not answered stored or duplicate."""

import datetime
import json
import threading
import time
import uuid
from collections import Counter

from bench.harness.client import csrf_from, request
from bench.harness.outcomes import outcomes_check


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
        grid = f"/lapangan/tower/{self.me['tower']}/"
        _, content, set_cookie, _ = request(self.port, "GET", grid, session=self.me["session"])
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
                status, content, _, _ = request(self.port, "POST", "/lapangan/kirim/",
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
