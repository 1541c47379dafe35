"""A private PostgreSQL cluster and a private Redis, for a drill that stops and restarts them.

Neither touches the machine's own services: a cluster made by initdb in a temporary directory
(run as the `postgres` OS user, so it needs root) and a redis-server without persistence, each
on the first free port from a given one.
"""

import shutil
import socket
import subprocess
import time
from pathlib import Path

from bench.harness.server import free_port

PGBIN = Path("/usr/lib/postgresql/15/bin")


class Postgres:
    def __init__(self, tmp: Path, first_port=55432):
        self.dir, self.port = tmp / "pg", free_port(first_port)
        self.data, self.log = self.dir / "data", self.dir / "server.log"

    def _as_postgres(self, tool, *args):
        # No pipes: a postmaster started by pg_ctl would hold them open, and run() would wait.
        command = ["runuser", "-u", "postgres", "--", str(PGBIN / tool), *args]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def _options(self) -> str:
        return f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1"

    def start(self):
        self.dir.mkdir()
        shutil.chown(self.dir, "postgres", "postgres")
        self._as_postgres("initdb", "-D", str(self.data), "-A", "trust", "-U", "postgres",
                          "-E", "UTF8", "--no-locale", "--no-sync")  # fmt: skip
        self._as_postgres("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o",
                          self._options(), "-w", "start")  # fmt: skip
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
        self._as_postgres("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o",
                          self._options(), "-w", "start")  # fmt: skip
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
