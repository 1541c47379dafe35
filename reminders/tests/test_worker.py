"""A real Celery worker, on Redis and PostgreSQL, sends a day's reminders once.

The worker is a separate process reading the test database, so the test commits its rows
(transaction=True). It skips on a laptop without PostgreSQL or Redis; in CI it fails instead.
"""

import datetime
import os
import re
import signal
import subprocess
import sys
import time
import types
import uuid

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from accounts.models import Role
from accounts.tests.factories import UserFactory
from buildings.tests.factories import (
    BuildingFactory,
    BuildingManagerFactory,
    TowerFactory,
    UnitFactory,
    kelurahan,
)
from coklit.celery import app
from reminders import services
from reminders.models import ReminderLog
from reminders.tasks import reminders_run
from visits.models import CoklitPeriod
from visits.tests.factories import AssignmentFactory, ScheduleFactory

pytestmark = pytest.mark.django_db(transaction=True)

# The run's Redis (or the default one) under a prefix of this test's own: its queues are
# nobody else's, and at the end it deletes those keys and nothing more.
BROKER = settings.REDIS_URL or "redis://127.0.0.1:6379/0"
TIMEOUT = 60


def _unavailable(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI runs the worker test against real services: {reason}")
    pytest.skip(reason)


@pytest.fixture
def broker():
    import redis

    from coklit.cache import redis_delete_prefixed

    if connection.vendor != "postgresql":
        _unavailable("the worker test needs PostgreSQL (DATABASE_URL)")
    prefix = f"{settings.REDIS_KEY_PREFIX}-worker-{uuid.uuid4().hex[:8]}"
    try:
        client = redis.Redis.from_url(BROKER, socket_connect_timeout=2)
        client.ping()
    except redis.RedisError as exc:
        _unavailable(f"the worker test needs Redis at {BROKER}: {exc}")
    saved = app.conf.broker_transport_options
    app.conf.broker_transport_options = {**saved, "global_keyprefix": f"{prefix}:"}
    try:
        yield types.SimpleNamespace(client=client, prefix=prefix)
    finally:
        app.conf.broker_transport_options = saved
        redis_delete_prefixed(client, prefix)


def _database_url():
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.fixture
def worker(broker, tmp_path):
    """A solo worker whose log the test reads to know when a task has finished."""
    mail_dir, log = tmp_path / "mail", tmp_path / "worker.log"
    mail_dir.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "SECRET_KEY": settings.SECRET_KEY,
        "DEBUG": os.environ.get("DEBUG", "0"),
        "REDIS_URL": BROKER,
        "REDIS_KEY_PREFIX": broker.prefix,
        "CELERY_TASK_ALWAYS_EAGER": "0",
        # django-environ drops the first slash of the path: four make it absolute.
        "EMAIL_URL": f"filemail:///{mail_dir}",
        "CONN_MAX_AGE": "0",
        "LOG_LEVEL": "INFO",
    }
    command = [sys.executable, "-m", "celery", "-A", "coklit", "worker", "--pool=solo",
               "--concurrency=1", "--without-heartbeat", "--without-gossip",
               "--without-mingle", "-l", "info"]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    w = Worker(process, log, mail_dir)
    try:
        w.wait_for(lambda: " ready." in w.output(), "the worker to start")
        yield w
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


class Worker:
    def __init__(self, process, log, mail_dir):
        self.process, self.log, self.mail_dir = process, log, mail_dir

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def emails(self) -> list[str]:
        return [p.read_text(errors="replace") for p in sorted(self.mail_dir.iterdir())]

    def wait_for(self, condition, what):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"the worker died waiting for {what}:\n{self.output()[-3000:]}")
            if condition():
                return
            time.sleep(0.2)
        pytest.fail(f"timed out waiting for {what}; worker log:\n{self.output()[-3000:]}")

    def run(self, task) -> str:
        """Send `task` through Redis and return its return value once the worker logs it."""
        with app.connection_for_write(BROKER) as conn:
            task_id = task.apply_async(connection=conn).id
        pattern = re.compile(rf"\[{task_id}\] succeeded in [0-9.]+s: (.*)")
        self.wait_for(lambda: pattern.search(self.output()), f"task {task_id}")
        return pattern.search(self.output()).group(1)


@pytest.fixture
def not_eager():
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = True


@pytest.fixture
def tomorrow_visit():
    """A period around today and a visit confirmed for tomorrow, with its manager."""
    today = timezone.localdate()
    period = CoklitPeriod.objects.create(
        name="Uji pekerja",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=20),
    )
    building = BuildingFactory(name="Rusun Pekerja", kelurahan=kelurahan())
    tower = TowerFactory(building=building, name="A")
    UnitFactory(tower=tower, number="A-1")
    manager = UserFactory(email="pengelola@pekerja.coklit.id", role=Role.PENGELOLA)
    BuildingManagerFactory(building=building, user=manager)
    pantarlih = UserFactory(email="pantarlih@pekerja.coklit.id", role=Role.PANTARLIH)
    AssignmentFactory(period=period, pantarlih=pantarlih, building=building, tps="001")
    ScheduleFactory(period=period, building=building, date=today + datetime.timedelta(days=1),
                    status="confirmed")  # fmt: skip
    return today, manager


def test_a_real_worker_sends_tomorrows_visit_once(worker, not_eager, tomorrow_visit):
    today, manager = tomorrow_visit
    claimed = int(worker.run(reminders_run))
    assert claimed >= 2  # the manager and the pantarlih, at least

    def all_sent():
        logs = list(ReminderLog.objects.values_list("status", flat=True))
        return len(logs) == claimed and set(logs) == {"sent"} and len(worker.emails()) == claimed

    worker.wait_for(all_sent, f"{claimed} reminders sent and written to files")
    visit = ReminderLog.objects.get(kind="visit_tomorrow", recipient=manager)
    assert visit.status == "sent" and visit.attempts == 1 and visit.day == today
    assert any(manager.email in email for email in worker.emails())

    # The next hourly run, in the worker and here: nothing new is claimed, queued or sent.
    assert worker.run(reminders_run) == "0"
    assert services.reminders_run(day=today, dry_run=True).new == []
    assert ReminderLog.objects.count() == claimed and len(worker.emails()) == claimed
