"""PostgreSQL restarted under load, on real processes (#8): 503s, then recovery, nothing lost.

test_database_down.py simulates the outage inside Django; this test restarts a real server, as
phase a of bench/fault_drill.py does, with helpers of its own (faults.py): a private PostgreSQL
cluster and a private Redis (free ports, a temporary directory; the suite's own PostgreSQL and
Redis are not touched), gunicorn with production settings and 2 workers, and phone-like
clients that keep and resend what was not answered, as static/js/field.js does. Mid-run
`pg_ctl restart -m fast`.

The cluster runs as the `postgres` OS user, so the test needs root, that user and PostgreSQL's
server binaries. Without them it skips on a laptop; in CI it fails instead.
"""

import os
import pwd
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

import pytest

from coklit.tests import faults

PHONES = 3
SECONDS_BEFORE_RESTART, SECONDS_AFTER_RESTART = 2, 3


def _unavailable(reason):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI runs the PostgreSQL restart test on real processes: {reason}")
    pytest.skip(reason)


def _start(what, start):
    """A service that does not start fails the test, in CI and elsewhere: the tools are there."""
    try:
        return start()
    except (OSError, RuntimeError, subprocess.SubprocessError) as error:
        pytest.fail(f"could not start {what}: {error}")


@pytest.fixture
def drill_dir(request):
    if os.geteuid() != 0:
        _unavailable("needs root: the private cluster runs as the postgres OS user")
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        _unavailable("needs the postgres OS user")
    if not (faults.PGBIN / "initdb").exists():
        _unavailable(f"needs PostgreSQL's server binaries in {faults.PGBIN}")
    if not (shutil.which("runuser") and shutil.which("redis-server")):
        _unavailable("needs runuser and redis-server")
    tmp = Path(tempfile.mkdtemp(prefix="fault_pg_restart_"))
    request.addfinalizer(lambda: shutil.rmtree(tmp, ignore_errors=True))
    tmp.chmod(0o711)  # the postgres user must reach its data directory inside
    return tmp


@pytest.fixture
def postgres(request, drill_dir):
    # Ports above bench/fault_drill.py's, so a drill running beside the suite takes other ones.
    postgres = faults.Postgres(drill_dir, first_port=56432)
    request.addfinalizer(postgres.stop)
    _start("the private PostgreSQL cluster", postgres.start)
    return postgres


@pytest.fixture
def redis(request, drill_dir):
    redis = faults.Redis(drill_dir, first_port=6490)
    request.addfinalizer(redis.stop)
    _start("the private Redis", redis.start)
    return redis


@pytest.fixture
def server(request, drill_dir, postgres, redis):
    """gunicorn (2 workers) on the migrated private database, with a small tower per phone."""
    env = faults.server_env(postgres, redis)
    world = _start("migrating and seeding the private database", lambda: faults.django_call(
        env, "field_prepare", phones=PHONES, floors=2, units_per_floor=5))  # fmt: skip
    web = _start("gunicorn", lambda: faults.Gunicorn(env, drill_dir / "gunicorn.log", workers=2))
    request.addfinalizer(web.stop)
    return {"env": env, "world": world, "web": web, "port": web.port}


@pytest.fixture
def fleet(request, server):
    fleet = faults.Fleet(server["port"], server["world"])
    request.addfinalizer(fleet.stop)
    return fleet


def test_postgres_restart_answers_503_then_recovers_with_nothing_lost_or_doubled(
    postgres, server, fleet
):
    restart = faults.restart_under_load(
        fleet, postgres, before=SECONDS_BEFORE_RESTART, after=SECONDS_AFTER_RESTART
    )
    fleet.stop()

    statuses = Counter(status for _, _, status in fleet.log)
    unexpected = {
        status: n for status, n in statuses.items()
        if status not in (200, 503) and not str(status).startswith("network:")
    }  # fmt: skip
    assert not unexpected, f"answers other than 200, 503 or a refused connection: {statuses}"
    assert statuses[503] > 0, f"no request met the restart, so none proved a clean 503: {restart}"
    assert "Internal Server Error" not in server["web"].output()
    assert restart["seconds_to_first_success"] is not None, (
        f"no success after the restart: {restart}"
    )
    assert restart["queued_at_end"] == 0, f"outcomes never answered stored: {restart}"

    sent = [uuid for phone in fleet.phones for uuid in phone.sent]
    units = sorted({unit for phone in fleet.phones for unit in phone.me["units"]})
    stored = faults.django_call(server["env"], "outcomes_check", sent=sent, unit_ids=units)
    assert stored["uuids_sent"] > 0
    assert (stored["lost"], stored["duplicated"]) == (0, 0), stored
    assert stored["rows_found"] == len(sent), stored
    assert stored["units_with_wrong_totals"] == 0, stored
