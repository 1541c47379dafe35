"""gunicorn and Celery workers started for a run, their output in a log, stopped whatever happens.

`Server` is the load test's gunicorn: the bench settings (bench/load_settings.py: production
over plain HTTP), gunicorn.conf.py with the run's overrides, on the database this process uses.
`gunicorn_start` is the fault drill's, on an environment of its own.
"""

import json
import os
import runpy
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from bench.harness import ROOT
from bench.harness.client import request
from bench.harness.database import database_url

GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"


def free_port(start: int | None = None) -> int:
    """A free port of 127.0.0.1: the first from `start` on, or any the system hands out."""
    if start is None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]
    for port in range(start, start + 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port from {start}")


class Process:
    """gunicorn or a Celery worker, in its own process group, its output in a log file."""

    def __init__(self, name, command, env, log: Path):
        self.name, self.log = name, Path(log)
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                            stderr=subprocess.STDOUT, start_new_session=True)  # fmt: skip

    @property
    def pid(self) -> int:
        return self.process.pid

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


def answers(port: int, path: str, last: dict | None = None) -> bool:
    """Whether `path` answers 200; `last["answer"]` says what it answered otherwise."""
    try:
        status, content, _, _ = request(port, "GET", path)
    except OSError as error:
        answer = repr(error)
    else:
        if status == 200:
            return True
        answer = f"HTTP {status}: {content[:200].decode(errors='replace')}"
    if last is not None:
        last["answer"] = answer
    return False


def gunicorn_start(env, log: Path, workers: int, processes: list) -> tuple[Process, int]:
    """gunicorn on a free port, once /healthz answers 200; (the process, its port)."""
    port = free_port(18000)
    web = Process("gunicorn", [str(GUNICORN), "coklit.wsgi", "--workers", str(workers),
                               "--bind", f"127.0.0.1:{port}"], env, log)  # fmt: skip
    processes.append(web)
    web.wait_for(lambda: answers(port, "/healthz"), "/healthz to answer 200")
    return web, port


class Server:
    """gunicorn on a free port of 127.0.0.1 with gunicorn.conf.py, stopped whatever happens."""

    def __init__(self, args):
        self.overrides = []
        for flag, value in (("--workers", args.workers), ("--threads", args.threads),
                            ("--worker-class", args.worker_class)):  # fmt: skip
            if value is not None:
                self.overrides += [flag, str(value)]
        self.log = tempfile.NamedTemporaryFile(prefix="load_test_gunicorn_", suffix=".log")

    def __enter__(self):
        from django.db import connection

        self.port = free_port()
        self.database = connection.settings_dict["NAME"]
        with connection.cursor() as cursor:  # PostgreSQL's main process: our backend's parent
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        self.postmaster = int(
            Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1]
        )
        env = {**os.environ, "DATABASE_URL": database_url(connection.settings_dict)}
        connection.close()
        self.process = Process(
            "gunicorn",
            [str(GUNICORN), "coklit.wsgi", "--config", str(ROOT / "gunicorn.conf.py"),
             *self.overrides, "--bind", f"127.0.0.1:{self.port}"],
            env, self.log.name,
        )  # fmt: skip
        last = {"answer": "no answer"}
        try:  # a busy machine boots slowly
            self.process.wait_for(lambda: answers(self.port, "/ping", last), "/ping")
        except RuntimeError as error:
            self.__exit__(None, None, None)
            raise RuntimeError(f"gunicorn did not answer /ping with 200 (last: "
                               f"{last['answer']}):\n{self.tail()}") from error  # fmt: skip
        self.describe = self._config()
        print(f"gunicorn on 127.0.0.1:{self.port}: {self.describe}")
        return self

    def _config(self) -> str:
        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
        conf.update(zip(self.overrides[::2], self.overrides[1::2], strict=True))
        conf = {k.strip("-").replace("-", "_"): v for k, v in conf.items()}
        threads = f" × {conf['threads']} threads" if conf.get("worker_class") == "gthread" else ""
        return f"{conf.get('workers')} {conf.get('worker_class', 'sync')} workers{threads}"

    def __exit__(self, *exc):
        self.process.kill(signal.SIGTERM)
        self.log.close()

    def tail(self, lines=30) -> str:
        return "\n".join(self.process.output().splitlines()[-lines:])

    def check_log(self):
        errors = [line for line in self.process.output().splitlines()
                  if '"ERROR"' in line or "Traceback" in line]  # fmt: skip
        if errors:
            print(f"\nserver log: {len(errors)} error lines, the last ones:")
            for line in errors[-5:]:
                try:  # production logs are JSON: the message and the exception's last line
                    entry = json.loads(line)
                    line = " — ".join(
                        [entry.get("message", ""), *entry.get("exception", "").splitlines()[-1:]]
                    )
                except ValueError:
                    pass
                print(f"  {line[:300]}")
