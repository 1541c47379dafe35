"""CPU per part of the system under test, sampled over a phase from /proc.

On a machine shared with other work the rates of phases run one after the other see different
contention; the CPU each request cost the server hardly moves, so the load test reports both.
"""

import os
import threading
from collections import defaultdict
from pathlib import Path


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
