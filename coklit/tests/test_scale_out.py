"""Scaling out: two web processes against one PostgreSQL and one Redis behave as one.

Nothing a request needs may live in a process — sessions are in the database, rate limits in
the shared cache — so a phone can be answered by any process behind the load balancer. Two
separate gunicorn servers (not workers of one master, so each request's process is known)
run with production settings over plain HTTP (plain_http_settings.py) on the test database.
"""

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from accounts.models import Role
from accounts.tests.factories import UserFactory
from visits.views.officer import CHECKS_PER_MINUTE

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True)


def _missing(reason: str):
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs this test to run: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str, cookie: str = "") -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


@pytest.fixture
def two_servers(transactional_db):
    if connection.vendor != "postgresql":
        _missing("two processes need one PostgreSQL database (DATABASE_URL)")
    if not os.environ.get("REDIS_URL"):
        _missing("two processes need one Redis (REDIS_URL)")
    db = settings.DATABASES["default"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coklit.tests.plain_http_settings",
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,  # sessions are signed with it
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{db['USER'] or 'postgres'}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
    }
    ports, servers = [_free_port(), _free_port()], []
    try:
        for port in ports:
            servers.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        "coklit.wsgi",
                        "--workers",
                        "1",
                        "--bind",
                        f"127.0.0.1:{port}",
                    ],  # fmt: skip
                    cwd=ROOT,
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        deadline = time.monotonic() + 30
        for port in ports:
            while True:
                try:
                    if _get(port, "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"gunicorn on port {port} did not answer /healthz within 30 s")
                time.sleep(0.2)
        yield ports
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=10)


def test_a_session_made_by_one_process_is_honoured_by_the_other(client, two_servers):
    pantarlih = UserFactory(role=Role.PANTARLIH, full_name="Dewi Lintas Proses")
    client.force_login(pantarlih)
    cookie = f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
    for port in two_servers:
        status, body = _get(port, "/lapangan/", cookie)
        assert status == 200 and "Dewi Lintas Proses" in body, port
    assert _get(two_servers[0], "/lapangan/")[0] == 302  # no cookie: sign in first


def test_the_public_checks_rate_limit_is_counted_across_processes(two_servers):
    # The limit counts per minute; start well inside one.
    if time.time() % 60 > 50:
        time.sleep(61 - time.time() % 60)
    answers = [
        _get(two_servers[n % 2], "/cek/")[0] for n in range(CHECKS_PER_MINUTE + 2)
    ]  # fmt: skip
    # Split over two processes, 15 requests each would pass a limit kept in a process.
    assert answers[:CHECKS_PER_MINUTE] == [200] * CHECKS_PER_MINUTE
    assert answers[CHECKS_PER_MINUTE:] == [429, 429]
