"""The drill's own processes: their environment, Celery workers, tasks sent as beat would."""

import json
import os
import secrets
from pathlib import Path

from bench.drill import LEASE_SECONDS, SMTP_SECONDS
from bench.harness import PYTHON, ROOT
from bench.harness.server import Process


def server_env(tmp: Path, postgres, redis) -> dict:
    """The environment of every process of the drill: production settings on the private
    services (bench/drill/settings.py), mail to a ledger in `tmp`. Changes nothing of this
    process's own environment."""
    ledger = tmp / "mail.jsonl"
    ledger.touch()
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "bench.drill.settings",
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


def start_worker(env, tmp, name, processes, **extra) -> Process:
    """A Celery worker (one process, solo pool), once it says it is ready."""
    command = [str(PYTHON), "-m", "celery", "-A", "coklit", "worker", "--pool=solo",
               "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", "info",
               "-n", f"{name}@%h"]  # fmt: skip
    worker = Process(name, command, {**env, "LOG_LEVEL": "INFO", **extra}, tmp / f"{name}.log")
    processes.append(worker)
    worker.wait_for(lambda: " ready." in worker.output(), "the worker to start")
    return worker


def run_task(task):
    """Send `task` to the broker now, as beat sends it on its schedule."""
    from coklit.celery import app

    with app.connection_for_write() as conn:
        return task.apply_async(connection=conn).id


def ledger_read(ledger: Path) -> list[dict]:
    """What the drill's SMTP server delivered so far, one dict per message."""
    return [json.loads(line) for line in ledger.read_text().splitlines() if line.strip()]
