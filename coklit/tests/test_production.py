"""Production settings: the deploy check, the security headers, the health check."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def test_deploy_check_passes_with_production_settings(tmp_path):
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "coklit.settings",
        "SECRET_KEY": "a-production-like-secret-" + "x" * 50,
        "ALLOWED_HOSTS": "coklit.example.id",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_production_start_without_secret_key_fails_clearly():
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "coklit.settings"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@pytest.mark.django_db
def test_security_headers_are_sent(client, settings):
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 3600
    response = client.get("/akun/login/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.django_db
def test_signed_in_pages_are_not_stored(client):
    client.force_login(UserFactory(role="kpu_kota"))
    assert client.get(reverse("home"))["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_health_check_answers_when_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_health_check_reports_redis_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["redis"] == "down"


@pytest.mark.django_db
def test_only_the_field_pages_may_ask_for_location_and_camera(client):
    # Issue #13: no Permissions-Policy at all.
    policy = client.get("/akun/login/")["Permissions-Policy"]
    assert "geolocation=()" in policy and "camera=()" in policy and "microphone=()" in policy

    client.force_login(UserFactory(role="pantarlih"))
    policy = client.get(reverse("field_today"))["Permissions-Policy"]
    assert "geolocation=(self)" in policy and "camera=(self)" in policy
    assert "microphone=()" in policy


@pytest.mark.django_db
def test_the_load_balancers_probe_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/akun/login/").status_code == 301


@pytest.mark.django_db
def test_messages_are_not_kept_in_a_readable_cookie(client, world):
    # Issue #13: names and emails sat in the `messages` cookie, readable on the phone.
    client.force_login(world.kpu_provinsi)
    response = client.post(reverse("invitation_list"), {
        "email": "budi.santoso@contoh.coklit.id", "full_name": "Budi Santoso",
        "role": "pengelola", "building": world.building_a.pk,
    })  # fmt: skip

    assert response.status_code == 302
    assert "budi.santoso" in client.get(response["Location"]).content.decode()  # shown once
    assert "messages" not in response.cookies
